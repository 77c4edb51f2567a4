/* Emission.  The last two instructions stay staged (not yet in the code
 * buffer) until something follows them or a label fixes them in place,
 * and every fusion is decided here, on the staged tail: a comparison
 * becomes a compare-and-branch when a branch tests it, an address add
 * folds into the access that follows, two moves or two i64 accesses share
 * a dispatch.  Nothing already in the code buffer is ever rewritten except
 * jump offsets.  A staged instruction's position is known (the code's
 * length plus what is staged before it), so jumps and patches may name
 * it before it is flushed. */
#include "codemap.h"
#include "translate.h"

static inline uint32_t len_of(const tr_insn *i) { return wi_ir_len[i->op]; }
static inline tr_insn *last(tr *t) { return t->nstage ? &t->stage[t->nstage - 1] : NULL; }
static inline tr_insn *prev(tr *t) { return t->nstage == 2 ? &t->stage[0] : NULL; }
static inline bool live(tr *t) { return tr_live(t); }
static bool merge_staged(tr *t, int next);
static bool addend(const tr_insn *i, uint32_t *k);

/* Moves the oldest staged instruction into the code buffer. */
static void flush_one(tr *t) {
  tr_insn *i = &t->stage[0];
  uint32_t n = len_of(i);
  if (tr_grow(t, (void **)&t->code, &t->capcode, t->ncode + n, sizeof(wi_cell))) {
    if (WI_UNLIKELY(wi_codemap_sink != NULL)) wi_codemap_note(t->ncode, i->wasm_at);
    memcpy(&t->code[t->ncode], i->c, n * sizeof(wi_cell));
    t->code[t->ncode].h = t->h[i->op];
    t->ncode += n;
  }
  t->stage[0] = t->stage[1];
  t->nstage--;
}

void tr_flush(tr *t) {
  if (t->nstage == 2) merge_staged(t, -1);
  while (t->nstage) flush_one(t);
}

/* Nothing staged may fuse with what follows. */
void tr_seal(tr *t) { tr_flush(t); }

/* A branch target at the current position: what came before is fixed,
 * since merging it with what follows would move the target. */
uint32_t tr_label(tr *t) {
  tr_flush(t);
  return t->ncode;
}

int64_t tr_last_pos(tr *t) {
  if (!t->nstage) return -1;
  return (int64_t)t->ncode + (t->nstage == 2 ? len_of(&t->stage[0]) : 0);
}

/* The cell at a position, staged or not; a scratch cell once memory ran
 * out (nothing is read back then). */
wi_cell *tr_cell(tr *t, int64_t pos) {
  if (pos < 0 || t->oom) return &t->dead.c[0];
  if (pos < t->ncode) return &t->code[pos];
  uint32_t off = (uint32_t)(pos - t->ncode);
  for (uint32_t k = 0; k < t->nstage; k++) {
    uint32_t n = len_of(&t->stage[k]);
    if (off < n) return &t->stage[k].c[off];
    off -= n;
  }
  return &t->dead.c[0];
}

wi_cell *tr_emit_live(tr *t, int op, int64_t *at) {
  if (t->nstage == 2 && !merge_staged(t, op)) flush_one(t);
  tr_insn *i = &t->stage[t->nstage++];
  memset(i, 0, sizeof *i);
  i->op = op;
  i->wasm_at = (uint32_t)(t->op_at - t->m->bytes);
  if (at) *at = tr_last_pos(t);
  return i->c;
}

/* br_table's length varies with its targets: it goes straight into the
 * code (nothing fuses with it).  op is IR_BR_TABLE or IR_BR_TABLE_K.
 * Returns its position, -1 when nothing is emitted. */
int64_t tr_emit_table(tr *t, int op, uint32_t ntargets) {
  if (!live(t)) return -1;
  tr_flush(t);
  uint32_t n = wi_ir_len[op] + ntargets;
  if (!tr_grow(t, (void **)&t->code, &t->capcode, t->ncode + n, sizeof(wi_cell))) return -1;
  uint32_t at = t->ncode;
  if (WI_UNLIKELY(wi_codemap_sink != NULL)) wi_codemap_note(at, (uint32_t)(t->op_at - t->m->bytes));
  memset(&t->code[at], 0, n * sizeof(wi_cell));
  t->code[at].h = t->h[op];
  t->ncode += n;
  return at;
}

static bool produced(tr *t, uint32_t slot) {
  tr_insn *l = last(t);
  return l && live(t) && l->dst_cell && l->dst_slot == slot;
}

/* The value in temp `slot` was just computed: compute it into dst. */
bool tr_retarget(tr *t, uint32_t slot, uint32_t dst) {
  if (!produced(t, slot)) return false;
  tr_insn *l = last(t);
  l->c[l->dst_cell].s.a = WI_ENC_SLOT(dst);
  l->dst_cell = 0;
  return true;
}

/* The br_table index on the stack's top was just computed as x + K or
 * x - K into its temp (a switch whose cases start at K): the add goes,
 * the table adds K itself.  Returns false when it does not apply. */
bool tr_fold_table_bias(tr *t, uint32_t *x, uint32_t *k) {
  uint32_t i = t->nst - 1;
  if (t->st[i].kind != E_TEMP || !produced(t, tr_slot(t, i))) return false;
  tr_insn *l = last(t);
  if (l->op != IR_I32_ADD_I && l->op != IR_I32_SUB_I) return false;
  wi_DXK a = wi_DXK_read(l->c);
  *x = a.x;
  *k = l->op == IR_I32_ADD_I ? (uint32_t)a.k : 0u - (uint32_t)a.k;
  t->nstage--;
  return true;
}

void tr_set_jump(tr *t, tr_jump j, uint32_t target) {
  if (j.at < 0) return;
  wi_cell *c = tr_cell(t, j.at + j.cell);
  uint32_t off = (uint32_t)((int64_t)target - j.at);
  if (j.half) c->s.b = off;
  else c->s.a = off;
}

/* Whether the two staged instructions are adds merge_staged will pair:
 * a move after them leaves the second add to that. */
static bool pairs_adds(tr *t) {
  tr_insn *p = prev(t);
  uint32_t k;
  return p && (addend(p, &k) || p->op == IR_I32_ADD);
}

/* Moves (a copy or a constant into a slot) come in runs: block results,
 * phi-like updates of loop variables, locals initialised together.  Two
 * consecutive moves share one dispatch (COPY2, CONST_COPY, COPY_CONST,
 * CONST2), done in order, so a move reading what the first wrote sees the
 * new value; so do three copies (COPY3), and a move after an i32 add/imm
 * (ADDI_COPY, ADDI_CONST: a loop's increment, then its other updates). */
void tr_emit_copy(tr *t, uint32_t dst, uint32_t src, uint8_t type) {
  if (dst == src) return;
  if (!tr_is_num(type)) {
    wi_DX_write(tr_emit(t, IR_COPY16), (wi_DX){ .dst = dst, .x = src });
    return;
  }
  tr_insn *l = last(t);
  if (l && live(t) && l->op == IR_COPY) {
    wi_DX c = wi_DX_read(l->c);
    l->op = IR_COPY2;
    wi_DX2_write(l->c, (wi_DX2){ .dst = c.dst, .x = c.x, .dst2 = dst, .x2 = src });
    l->dst_cell = 0;
    return;
  }
  if (l && live(t) && l->op == IR_CONST) {
    wi_DK c = wi_DK_read(l->c);
    l->op = IR_CONST_COPY;
    wi_DKDX_write(l->c, (wi_DKDX){ .dst = c.dst, .k = c.k, .dst2 = dst, .x2 = src });
    l->dst_cell = 0;
    return;
  }
  if (l && live(t) && l->op == IR_COPY2) {
    wi_DX2 c = wi_DX2_read(l->c);
    l->op = IR_COPY3;
    wi_DX3_write(l->c, (wi_DX3){ .dst = c.dst, .x = c.x, .dst2 = c.dst2, .x2 = c.x2, .dst3 = dst, .x3 = src });
    l->dst_cell = 0;
    return;
  }
  uint32_t k;
  if (l && live(t) && addend(l, &k) && !pairs_adds(t)) {
    wi_DXK c = wi_DXK_read(l->c);
    l->op = IR_ADDI_COPY;
    memset(l->c, 0, sizeof l->c);
    wi_DXDXKK_write(l->c, (wi_DXDXKK){ .dst = c.dst, .x = c.x, .dst2 = dst, .x2 = src, .k = k, .k2 = 0 });
    l->dst_cell = 0;
    return;
  }
  wi_DX_write(tr_emit(t, IR_COPY), (wi_DX){ .dst = dst, .x = src });
}

void tr_emit_const(tr *t, uint32_t dst, uint64_t v) {
  tr_insn *l = last(t);
  if (l && live(t) && l->op == IR_COPY) {
    wi_DX c = wi_DX_read(l->c);
    l->op = IR_COPY_CONST;
    wi_DXDK_write(l->c, (wi_DXDK){ .dst = c.dst, .x = c.x, .dst2 = dst, .k2 = v });
    l->dst_cell = 0;
    return;
  }
  if (l && live(t) && l->op == IR_CONST) {
    wi_DK c = wi_DK_read(l->c);
    l->op = IR_CONST2;
    wi_DDKK_write(l->c, (wi_DDKK){ .dst = c.dst, .dst2 = dst, .k = c.k, .k2 = v });
    l->dst_cell = 0;
    return;
  }
  uint32_t k;
  if (l && live(t) && addend(l, &k) && !pairs_adds(t)) {
    wi_DXK c = wi_DXK_read(l->c);
    l->op = IR_ADDI_CONST;
    memset(l->c, 0, sizeof l->c);
    wi_DXKDK_write(l->c, (wi_DXKDK){ .dst = c.dst, .x = c.x, .k = k, .dst2 = dst, .k2 = v });
    l->dst_cell = 0;
    return;
  }
  wi_DK_write(tr_emit(t, IR_CONST), (wi_DK){ .dst = dst, .k = v });
}

/* The fusions below want a constant move as the last instruction on its
 * own.  last_const shows it (alone, or the second of a move pair);
 * take_const splits a pair back into its two moves (both still staged,
 * so nothing emitted changes) and returns the constant's instruction. */
static bool last_const(tr *t, wi_DK *k) {
  tr_insn *l = last(t);
  if (!l || !live(t)) return false;
  if (l->op == IR_CONST) {
    *k = wi_DK_read(l->c);
  } else if (l->op == IR_COPY_CONST) {
    wi_DXDK m = wi_DXDK_read(l->c);
    *k = (wi_DK){ .dst = m.dst2, .k = m.k2 };
  } else if (l->op == IR_CONST2) {
    wi_DDKK m = wi_DDKK_read(l->c);
    *k = (wi_DK){ .dst = m.dst2, .k = m.k2 };
  } else if (l->op == IR_ADDI_CONST) {
    wi_DXKDK m = wi_DXKDK_read(l->c);
    *k = (wi_DK){ .dst = m.dst2, .k = m.k2 };
  } else {
    return false;
  }
  return true;
}

static tr_insn *take_const(tr *t) {
  tr_insn *l = last(t);
  if (l->op == IR_CONST) return l;
  if (t->nstage == 2) {
    flush_one(t);
    l = last(t);
  }
  tr_insn second;
  memset(&second, 0, sizeof second);
  second.op = IR_CONST;
  if (l->op == IR_COPY_CONST) {
    wi_DXDK m = wi_DXDK_read(l->c);
    memset(l->c, 0, sizeof l->c);
    l->op = IR_COPY;
    wi_DX_write(l->c, (wi_DX){ .dst = m.dst, .x = m.x });
    wi_DK_write(second.c, (wi_DK){ .dst = m.dst2, .k = m.k2 });
  } else if (l->op == IR_ADDI_CONST) {
    wi_DXKDK m = wi_DXKDK_read(l->c);
    memset(l->c, 0, sizeof l->c);
    l->op = IR_I32_ADD_I;
    wi_DXK_write(l->c, (wi_DXK){ .dst = m.dst, .x = m.x, .k = m.k });
    wi_DK_write(second.c, (wi_DK){ .dst = m.dst2, .k = m.k2 });
  } else {
    wi_DDKK m = wi_DDKK_read(l->c);
    memset(l->c, 0, sizeof l->c);
    l->op = IR_CONST;
    wi_DK_write(l->c, (wi_DK){ .dst = m.dst, .k = m.k });
    wi_DK_write(second.c, (wi_DK){ .dst = m.dst2, .k = m.k2 });
  }
  t->stage[t->nstage++] = second;
  return last(t);
}

/* RETURN, fused with a constant result written just before it (Go's
 * functions return 0 or 1 to say whether the goroutine unwinds). */
void tr_emit_return(tr *t) {
  wi_DK k;
  if (last_const(t, &k) && k.dst == 0) {
    take_const(t)->op = IR_RETURN_CONST;
    tr_seal(t);
    return;
  }
  tr_insn *l = last(t);
  if (l && live(t) && l->op == IR_COPY) {
    /* a result (most often) moved just before: the move, then the return */
    l->op = IR_COPY_RETURN;
    l->dst_cell = 0;
    l->wasm_at = (uint32_t)(t->op_at - t->m->bytes);
    tr_seal(t);
    return;
  }
  tr_emit(t, IR_RETURN);
}

/* `local.set $pc (const N); br $loop` where the loop opens with
 * `br_table $pc` (Go's resumable functions): one instruction sets the
 * local and jumps straight to case N, skipping the table.  Returns false
 * when the last instruction is not such a constant. */
bool tr_fuse_const_br_back(tr *t, uint32_t loop_pc) {
  wi_DK k;
  if (!last_const(t, &k)) return false;
  tr_insn *l = take_const(t);
  int64_t at = tr_last_pos(t);
  uint32_t target = loop_pc;
  if (loop_pc < t->ncode && t->code[loop_pc].h == t->h[IR_BR_TABLE]) {
    const wi_cell *bt = &t->code[loop_pc];
    wi_TBL tb = wi_TBL_read(bt);
    if (tb.idx == k.dst) {
      uint32_t v = (uint32_t)k.k;
      int32_t off = (int32_t)bt[WI_CELLS_TBL + (v > tb.n ? tb.n : v)].s.a;
      if (off != 0) {
        target = (uint32_t)((int64_t)loop_pc + off);
      } else if (tr_grow(t, (void **)&t->threads, &t->capthreads, t->nthreads + 1,
                         sizeof *t->threads)) {
        /* a case further down: its block is not closed yet, so thread
         * the jump when the function is complete */
        t->threads[t->nthreads].at = (uint32_t)at;
        t->threads[t->nthreads].table = loop_pc;
        t->nthreads++;
      }
    }
  }
  l->op = IR_CONST_BR_BACK;
  wi_DOK_write(l->c, (wi_DOK){ .dst = k.dst, .off = (int32_t)((int64_t)target - at), .k = k.k });
  tr_seal(t);
  return true;
}

/* Resume jumps recorded by tr_fuse_const_br_back, once every case's
 * offset in the table is known. */
void tr_thread_resume_jumps(tr *t) {
  for (uint32_t k = 0; k < t->nthreads; k++) {
    wi_cell *kc = &t->code[t->threads[k].at];
    const wi_cell *bt = &t->code[t->threads[k].table];
    wi_TBL tb = wi_TBL_read(bt);
    wi_DOK o = wi_DOK_read(kc);
    uint32_t v = (uint32_t)o.k;
    int32_t off = (int32_t)bt[WI_CELLS_TBL + (v > tb.n ? tb.n : v)].s.a;
    if (off != 0) {
      o.off = (int32_t)((int64_t)t->threads[k].table + off - t->threads[k].at);
      wi_DOK_write(kc, o);
    }
  }
}

/* 1: a comparison in slot form, 2: in immediate form (fusable) */
static const uint8_t cmp_form[IR_COUNT] = {
#define WI_CMP(n, ...) [IR_##n] = 1, [IR_##n##_I] = 2,
#include "opcodes.def"
};

/* An integer compare-with-immediate and the add of its type that may feed
 * it: the fused add+compare+branch (IR_ABT_n) and the add (slot form). */
static const uint16_t add_branch[IR_COUNT] = {
#define WI_CMP(n, code, text, ti, ...) WI_IF_INT_##ti([IR_##n##_I] = IR_ABT_##n,)
#include "opcodes.def"
};
static const uint16_t add_feeding[IR_COUNT] = {
#define WI_CMP(n, code, text, ti, ...) WI_IF_INT_##ti([IR_##n##_I] = IR_##ti##_ADD,)
#include "opcodes.def"
};

/* An i32 comparison (slot form) and its add/imm-then-branch form
 * (AIT_n; AIF_n follows it). */
static const uint16_t addi_branch[IR_COUNT] = {
#define WI_CMP(n, code, text, ti, ...) WI_IF_I32_##ti([IR_##n] = IR_AIT_##n,)
#include "opcodes.def"
};

/* An i32 load (address slot + constant form) and its branch-on-value
 * forms. */
static const uint16_t load_branch[IR_COUNT] = {
#define WI_LOAD_BRANCH(n) [IR_##n] = IR_##n + WI_IR_LD_BRT,
#define WI_LOAD(n, code, text, to, mt) WI_IF_I32_##to(WI_LOAD_BRANCH(n))
#include "opcodes.def"
#undef WI_LOAD_BRANCH
};

/* The i32.and/imm `i` computed the condition: it becomes a test-under-mask
 * branch. */
static void and_branch(tr_insn *i, int64_t at, bool on_zero, tr_jump *j) {
  i->op = on_zero ? IR_BR_ANDZ_I : IR_BR_AND_I;
  wi_DXK a = wi_DXK_read(i->c);
  wi_DXKO_write(i->c, (wi_DXKO){ .dst = a.dst, .x = a.x, .k = a.k, .off = 0 });
  i->dst_cell = 0;
  *j = (tr_jump){ at, 3, 0 };
}

/* Pops the i32 condition on top and emits a jump taken when it is
 * non-zero (when_true) or zero.  When the condition was computed by the
 * last instruction, that instruction becomes the jump: a comparison
 * turns into its fused compare-and-branch (with the add that fed it, for
 * a counted loop), i32.eqz into a branch on its operand with the sense
 * flipped, an and-with-mask into a test-under-mask branch. */
void tr_cond_jump(tr *t, bool when_true, bool back, tr_jump *j) {
  uint32_t i = t->nst - 1;
  j->at = -1;
  tr_insn *ll = last(t);
  if (ll && live(t) && load_branch[ll->op] && t->st[i].kind != E_CONST) {
    /* an i32 load wrote the condition, into its temp or into the local
     * the condition reads (`local.tee` then `br_if`): one instruction
     * loads, writes and branches */
    const tr_vent *e = &t->st[i];
    wi_LD a = wi_LD_read(ll->c);
    bool fuse = e->kind == E_TEMP ? produced(t, tr_slot(t, i)) : e->local == a.dst;
    if (fuse) {
      int64_t at = tr_last_pos(t);
      ll->op = load_branch[ll->op] + (when_true ? 0 : WI_IR_LD_BRF - WI_IR_LD_BRT);
      wi_LDB_write(ll->c, (wi_LDB){ .dst = a.dst, .addr = a.addr, .off = a.off, .k = a.k, .to = 0 });
      ll->dst_cell = 0;
      tr_pop(t, 1);
      *j = (tr_jump){ at, 3, 0 };
      return;
    }
  }
  if (t->st[i].kind == E_TEMP && produced(t, tr_slot(t, i))) {
    tr_insn *l = last(t), *p = prev(t);
    int op = l->op;
    int64_t at = tr_last_pos(t);
    uint32_t ak;
    wi_DXY c2 = wi_DXY_read(l->c);
    if (cmp_form[op] == 1 && addi_branch[op] && p && addend(p, &ak) &&
        (wi_DXK_read(p->c).dst == c2.x ||
         (wi_DXK_read(p->c).dst == c2.y && (op == IR_I32_EQ || op == IR_I32_NE)))) {
      /* the add/imm just before wrote what is compared with a slot (a
       * loop to a bound in a local): one instruction; eq and ne take the
       * sum from either side */
      wi_DXK a = wi_DXK_read(p->c);
      uint32_t y = a.dst == c2.x ? c2.y : c2.x;
      p->op = addi_branch[op] + (when_true ? 0 : 1);
      memset(p->c, 0, sizeof p->c);
      wi_DXKYO_write(p->c, (wi_DXKYO){ .dst = a.dst, .x = a.x, .k = ak, .y = y, .off = 0 });
      p->dst_cell = 0;
      t->nstage = 1;
      *j = (tr_jump){ (int64_t)t->ncode, 3, 0 };
    } else if (cmp_form[op] == 1) {
      wi_DXY c = wi_DXY_read(l->c);
      l->op = op + (when_true ? WI_IR_BRT_DELTA : WI_IR_BRF_DELTA);
      wi_XYO_write(l->c, (wi_XYO){ .x = c.x, .y = c.y, .off = 0 });
      *j = (tr_jump){ at, 2, 0 };
    } else if (cmp_form[op] == 2 && add_branch[op] && p &&
               (p->op == add_feeding[op] || p->op == add_feeding[op] + 1) &&
               wi_DXY_read(p->c).dst == wi_DXK_read(l->c).x) {
      /* the add just before wrote what is compared: one instruction */
      uint64_t k = wi_DXK_read(l->c).k;
      p->op = add_branch[op] + (p->op == add_feeding[op] ? 0 : WI_IR_AB_IMM) +
              (when_true ? 0 : WI_IR_AB_FALSE);
      p->c[3].u64 = 0;
      p->c[4].u64 = k;
      p->dst_cell = 0;
      t->nstage = 1;
      *j = (tr_jump){ (int64_t)t->ncode, 3, 0 };
    } else if (cmp_form[op] == 2) {
      wi_DXK c = wi_DXK_read(l->c);
      l->op = op + (when_true ? WI_IR_BRT_DELTA : WI_IR_BRF_DELTA);
      wi_XOK_write(l->c, (wi_XOK){ .x = c.x, .off = 0, .k = c.k });
      *j = (tr_jump){ at, 1, 1 };
    } else if (op == IR_I32_AND_I) {
      and_branch(l, at, !when_true, j);
    } else if ((op == IR_I32_EQZ || op == IR_I32_NEZ) && p && p->op == IR_I32_AND_I &&
               wi_DXK_read(p->c).dst == wi_DX_read(l->c).x) {
      /* eqz (or its negation) of a mask just computed */
      t->nstage = 1;
      and_branch(p, (int64_t)t->ncode, (op == IR_I32_EQZ) == when_true, j);
    } else if ((op == IR_I32_EQZ || op == IR_I32_NEZ) && p && load_branch[p->op] &&
               wi_LD_read(p->c).dst == wi_DX_read(l->c).x) {
      /* eqz (or its negation) of an i32 just loaded (`while (*s)` compiled
       * as `br_if (eqz (load))`, `if (!p->x)`): the load branches with the
       * sense flipped, and still writes what it loaded */
      wi_LD a = wi_LD_read(p->c);
      bool on_nonzero = (op == IR_I32_NEZ) == when_true;
      t->nstage = 1;
      p->op = load_branch[p->op] + (on_nonzero ? 0 : WI_IR_LD_BRF - WI_IR_LD_BRT);
      wi_LDB_write(p->c, (wi_LDB){ .dst = a.dst, .addr = a.addr, .off = a.off, .k = a.k, .to = 0 });
      p->dst_cell = 0;
      *j = (tr_jump){ (int64_t)t->ncode, 3, 0 };
    } else if ((op == IR_I64_EQZ || op == IR_I64_NEZ) && p && p->op == IR_I64_LOAD &&
               wi_LD_read(p->c).dst == wi_DX_read(l->c).x) {
      /* the same for an i64 just loaded (Go's `i64.load; i64.eqz; br_if`,
       * whose eqz of an eqz is a nez) */
      wi_LD a = wi_LD_read(p->c);
      bool on_nonzero = (op == IR_I64_NEZ) == when_true;
      t->nstage = 1;
      p->op = on_nonzero ? IR_BRT_I64_LOAD : IR_BRF_I64_LOAD;
      wi_LDB_write(p->c, (wi_LDB){ .dst = a.dst, .addr = a.addr, .off = a.off, .k = a.k, .to = 0 });
      p->dst_cell = 0;
      *j = (tr_jump){ (int64_t)t->ncode, 3, 0 };
    } else if ((op == IR_I32_EQZ || op == IR_I32_NEZ) && p && cmp_form[p->op] &&
               wi_DXY_read(p->c).dst == wi_DX_read(l->c).x && wi_DXY_read(p->c).dst >= tr_nloc(t)) {
      /* eqz of a comparison the translator could not invert in place (a
       * float's: NaN), or (nez) kept: the comparison branches with the
       * sense flipped, as br_unless is the negation of its br_if */
      bool on_true = (op == IR_I32_NEZ) == when_true;
      int cop = p->op;
      t->nstage = 1;
      if (cmp_form[cop] == 1) {
        wi_DXY c = wi_DXY_read(p->c);
        p->op = cop + (on_true ? WI_IR_BRT_DELTA : WI_IR_BRF_DELTA);
        wi_XYO_write(p->c, (wi_XYO){ .x = c.x, .y = c.y, .off = 0 });
        *j = (tr_jump){ (int64_t)t->ncode, 2, 0 };
      } else {
        wi_DXK c = wi_DXK_read(p->c);
        p->op = cop + (on_true ? WI_IR_BRT_DELTA : WI_IR_BRF_DELTA);
        wi_XOK_write(p->c, (wi_XOK){ .x = c.x, .off = 0, .k = c.k });
        *j = (tr_jump){ (int64_t)t->ncode, 1, 1 };
      }
      p->dst_cell = 0;
    } else if ((op == IR_I32_EQZ || op == IR_I32_NEZ) && p && p->op == IR_GLOBAL_GET &&
               wi_DG_read(p->c).dst == wi_DX_read(l->c).x && wi_DG_read(p->c).dst >= tr_nloc(t)) {
      /* `if (!flag)` on a global (TinyGo's asyncify state), read into a
       * temp only the eqz read (a local.tee's local must still be set) */
      uint32_t g = wi_DG_read(p->c).global;
      t->nstage = 1;
      p->op = (op == IR_I32_NEZ) == when_true ? IR_BR_IF_GLOBAL : IR_BR_IFZ_GLOBAL;
      memset(p->c, 0, sizeof p->c);
      wi_GO_write(p->c, (wi_GO){ .global = g, .off = 0 });
      p->dst_cell = 0;
      *j = (tr_jump){ (int64_t)t->ncode, 1, 1 };
    } else if (op == IR_GLOBAL_GET) {
      /* a flag global read only to be tested: the branch reads it (the
       * low half: an i32, or the wrap of a wider one) */
      uint32_t g = wi_DG_read(l->c).global;
      l->op = when_true ? IR_BR_IF_GLOBAL : IR_BR_IFZ_GLOBAL;
      memset(l->c, 0, sizeof l->c);
      wi_GO_write(l->c, (wi_GO){ .global = g, .off = 0 });
      *j = (tr_jump){ at, 1, 1 };
    } else if (op == IR_I32_EQZ || op == IR_I64_EQZ || op == IR_I32_NEZ || op == IR_I64_NEZ) {
      uint32_t x = wi_DX_read(l->c).x;
      bool on_zero = (op == IR_I32_EQZ || op == IR_I64_EQZ) == when_true;
      bool wide = op == IR_I64_EQZ || op == IR_I64_NEZ;
      int base = wide ? (on_zero ? IR_BR_IFZ64 : IR_BR_IF64) : (on_zero ? IR_BR_IFZ : IR_BR_IF);
      l->op = base + (back ? 1 : 0);
      wi_CO_write(l->c, (wi_CO){ .cond = x, .off = 0 });
      *j = (tr_jump){ at, 1, 1 };
    }
    if (j->at >= 0) {
      tr_no_dst(t);
      tr_pop(t, 1);
      return;
    }
  }
  uint32_t cond = tr_operand(t, i);
  tr_pop(t, 1);
  int delta = (when_true ? 0 : IR_BR_IFZ - IR_BR_IF) + (back ? 1 : 0);
  tr_insn *l = last(t);
  if (l && live(t) && l->op == IR_COPY) {
    /* the condition was computed before the body's last move (a loop
     * variable's update): the move and the branch share a dispatch */
    wi_DX c = wi_DX_read(l->c);
    int64_t at = tr_last_pos(t);
    l->op = IR_COPY_BR_IF + delta;
    wi_DXCO_write(l->c, (wi_DXCO){ .dst = c.dst, .x = c.x, .cond = cond, .off = 0 });
    l->dst_cell = 0;
    *j = (tr_jump){ at, 2, 1 };
    return;
  }
  if (l && live(t) && l->op == IR_GLOBAL_GET) {
    /* ... or after a global read into a local (Go's stack pointer) */
    wi_DG c = wi_DG_read(l->c);
    int64_t at = tr_last_pos(t);
    l->op = IR_GLOBAL_GET_BR_IF + delta;
    wi_DGCO_write(l->c, (wi_DGCO){ .dst = c.dst, .global = c.global, .cond = cond, .off = 0 });
    l->dst_cell = 0;
    *j = (tr_jump){ at, 2, 1 };
    return;
  }
  if (l && live(t) && (l->op == IR_I32_ADD_I || l->op == IR_I32_SUB_I)) {
    /* ... or before its last increment (x - k is x + (2^32 - k)) */
    wi_DXK c = wi_DXK_read(l->c);
    uint32_t k = l->op == IR_I32_ADD_I ? (uint32_t)c.k : 0u - (uint32_t)c.k;
    int64_t at = tr_last_pos(t);
    l->op = IR_ADDI_BR_IF + delta;
    memset(l->c, 0, sizeof l->c);
    wi_DXKCO_write(l->c, (wi_DXKCO){ .dst = c.dst, .x = c.x, .k = k, .cond = cond, .off = 0 });
    l->dst_cell = 0;
    *j = (tr_jump){ at, 3, 0 };
    return;
  }
  int64_t at;
  wi_CO_write(tr_emit_at(t, IR_BR_IF + delta, &at), (wi_CO){ .cond = cond, .off = 0 });
  *j = (tr_jump){ at, 1, 1 };
}

/* The shift count that scales an index to elements of `width` bytes. */
static uint32_t width_log2(uint32_t width) {
  return width >= 16 ? 4 : width >= 8 ? 3 : width >= 4 ? 2 : width >= 2 ? 1 : 0;
}

/* In `base + (idx << s)` just emitted (the add already unstaged), the
 * shift left by the access width's log2 that computed one operand into
 * a temp only the add read: it is dropped and *idx names its operand.
 * The low 32 bits of an i64 shift are the 32-bit shift of the low half,
 * so Go's i64 index arithmetic (wrapped back to i32) folds too. */
static bool fold_scale(tr *t, wi_DXY *c, uint32_t width) {
  tr_insn *l = last(t);
  /* width 0: an access without a scaled form (the SIMD loads) */
  if (!width || !l || (l->op != IR_I32_SHL_I && l->op != IR_I64_SHL_I) || c->x == c->y)
    return false;
  wi_DXK s = wi_DXK_read(l->c);
  uint32_t mask = l->op == IR_I32_SHL_I ? 31 : 63;
  if ((s.k & mask) != width_log2(width) || s.dst < tr_nloc(t)) return false;
  if (s.dst == c->x) c->x = c->y;
  else if (s.dst != c->y) return false;
  c->y = s.x;
  t->nstage--;
  return true;
}

/* After an address fold: what is staged is final (tr_seal), except an
 * i32 add/imm or a shift-and-add left alone, which may still pair with
 * the access that follows (merge_seq; nothing else fuses with them
 * before an access). */
static void seal_access(tr *t) {
  uint32_t k;
  if (t->nstage == 1 && (addend(&t->stage[0], &k) || t->stage[0].op == IR_SHL_ADD)) {
    t->stage[0].dst_cell = 0;
    return;
  }
  tr_seal(t);
}

/* An address computed by the `i32.add x, K` just emitted is folded into
 * the memory access (which adds K with the same wraparound), removing
 * the add.  Returns 0 with the slot and constant when it applies, 2 with
 * two slots when the add was slot + slot (the _X forms), 3 when the
 * second slot is an index to scale by the access's width (the _XS forms,
 * the index's shift removed too; never for width 0), 1 otherwise.
 * The address temp must be what the last instruction wrote (each form
 * below has its destination in cell 1, half a).  A constant or a local
 * pushed since (a store's value) emitted nothing, so the temp is still
 * that result and nothing else reads it. */
int tr_fold_address(tr *t, uint32_t i, uint32_t width, uint32_t *slot, uint32_t *k) {
  tr_insn *l = last(t), *p = prev(t);
  if (!l || !live(t) || t->st[i].kind != E_TEMP || l->c[1].s.a != WI_ENC_SLOT(tr_slot(t, i))) return 1;
  if (l->op == IR_I64_EXTEND_I32_U) {
    /* Go widens an i32 address to i64 and wraps it back: the access only
     * reads the low half, so it reads the i32 directly */
    *slot = wi_DX_read(l->c).x;
    *k = 0;
    t->nstage--;
  } else if (l->op == IR_I32_ADD || l->op == IR_I64_ADD) {
    /* slot + slot: the indexed (_X) form of the access, *k = the slot */
    wi_DXY c = wi_DXY_read(l->c);
    t->nstage--;
    bool scaled = fold_scale(t, &c, width);
    *slot = c.x;
    *k = c.y;
    seal_access(t);
    return scaled ? 3 : 2;
  } else if (l->op == IR_SHL_ADD) {
    /* the shift and add already one (tr_fuse_shl_add): the scaled form
     * when the shift is the access's width, else the access stays apart */
    wi_DXYK c = wi_DXYK_read(l->c);
    if (!width || c.k != width_log2(width)) return 1;
    *slot = c.y;
    *k = c.x;
    t->nstage--;
    seal_access(t);
    return 3;
  } else if (l->op == IR_I64_ADD_ZX_I) {
    /* zero-extend and add a constant (tr_fuse_add_zx): the low 32 bits of
     * the sum are the i32 plus the constant's low half, as below */
    wi_DXK c = wi_DXK_read(l->c);
    *slot = c.x;
    *k = (uint32_t)c.k;
    t->nstage--;
  } else if (l->op == IR_I32_ADD_I || l->op == IR_I64_ADD_I) {
    /* an i64.add reaches here only through i32.wrap_i64 (a retype): the
     * low 32 bits of the sum are the sum of the low 32 bits */
    wi_DXK c = wi_DXK_read(l->c);
    *slot = c.x;
    *k = (uint32_t)c.k;
    t->nstage--;
    if (p && p->op == IR_I64_EXTEND_I32_U) {
      wi_DX e = wi_DX_read(p->c);
      if (e.dst == *slot && *slot >= tr_nloc(t)) { /* widened into a temp only the add read */
        *slot = e.x;
        t->nstage--;
      }
    }
  } else {
    return 1;
  }
  seal_access(t);
  return 0;
}

/* An i64.load (i64.store) just staged right after another one: the pair
 * becomes one I64_LOAD2 (I64_STORE2) whose second half is the second
 * access's operand cells.  Returns true when it fused. */
bool tr_pair_access(tr *t, int single, int pair) {
  tr_insn *l = last(t), *p = prev(t);
  if (!l || !p || !live(t) || p->op != single || l->op != single) return false;
  p->op = pair;
  p->c[3] = l->c[1];
  p->c[4] = l->c[2];
  p->dst_cell = 0;
  t->nstage = 1;
  return true;
}

/* eqz of a 0/1 value just computed (Go compares, widens the result and
 * tests it again): negate the producer in place instead.  Integer
 * comparisons have exact inverses; floats do not (NaN), so they stay. */
static int inverse_cmp(int op) {
  static const struct { int a, b; } pairs[] = {
    { IR_I32_EQ, IR_I32_NE }, { IR_I32_LT_S, IR_I32_GE_S }, { IR_I32_LT_U, IR_I32_GE_U },
    { IR_I32_GT_S, IR_I32_LE_S }, { IR_I32_GT_U, IR_I32_LE_U },
    { IR_I64_EQ, IR_I64_NE }, { IR_I64_LT_S, IR_I64_GE_S }, { IR_I64_LT_U, IR_I64_GE_U },
    { IR_I64_GT_S, IR_I64_LE_S }, { IR_I64_GT_U, IR_I64_LE_U },
    { IR_I32_EQZ, IR_I32_NEZ }, { IR_I64_EQZ, IR_I64_NEZ },
  };
  for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
    int imm = cmp_form[op] == 2 ? 1 : 0; /* the _I form follows the slot form */
    if (pairs[k].a + imm == op) return pairs[k].b + imm;
    if (pairs[k].b + imm == op) return pairs[k].a + imm;
  }
  return -1;
}

bool tr_negate_last(tr *t, uint32_t i) {
  const tr_vent *e = &t->st[i];
  if (!produced(t, tr_slot(t, i)) || e->kind != E_TEMP || !e->zx) return false;
  int inv = inverse_cmp(last(t)->op);
  if (inv < 0) return false;
  last(t)->op = inv;
  return true;
}

/* i64.add of a constant to the i64.extend_i32_u just staged, whose result
 * is the temp `slot`: one instruction (Go's address arithmetic).  The
 * result goes to dst.  As for tr_fuse_mask, the constant cleared the
 * extend's retargetable mark (so `produced` never held here): its
 * destination is compared with the temp's slot instead. */
bool tr_fuse_add_zx(tr *t, uint32_t slot, uint32_t dst, uint64_t k) {
  tr_insn *l = last(t);
  if (!l || !live(t) || l->op != IR_I64_EXTEND_I32_U || slot < tr_nloc(t)) return false;
  if (wi_DX_read(l->c).dst != slot) return false;
  uint32_t src = wi_DX_read(l->c).x;
  l->op = IR_I64_ADD_ZX_I;
  wi_DXK_write(l->c, (wi_DXK){ .dst = dst, .x = src, .k = k });
  l->dst_cell = 1;
  l->dst_slot = dst;
  return true;
}

/* Go moves its stack pointer with global.get; i32.add/sub K; local.tee;
 * global.set: the add (retargeted to the local by the tee) and the set
 * become one instruction. */
bool tr_fuse_global_set(tr *t, uint32_t local, uint32_t global) {
  tr_insn *l = last(t);
  if (!l || !live(t) || (l->op != IR_I32_ADD_I && l->op != IR_I32_SUB_I)) return false;
  wi_DXK c = wi_DXK_read(l->c);
  if (c.dst != local) return false;
  uint32_t k = (uint32_t)c.k;
  if (l->op == IR_I32_SUB_I) k = 0u - k;
  l->op = IR_ADD_GLOBAL_SET32;
  memset(l->c, 0, sizeof l->c);
  wi_DXKG_write(l->c, (wi_DXKG){ .dst = c.dst, .x = c.x, .k = k, .global = global });
  l->dst_cell = 0;
  return true;
}

/* The constant just written is the first argument of a call to a defined
 * function: one dispatch. */
bool tr_fuse_call_k(tr *t, uint32_t func, uint32_t base) {
  wi_DK k;
  if (!last_const(t, &k) || k.dst != base) return false;
  tr_insn *l = take_const(t);
  l->op = IR_CALL_K;
  wi_FBK_write(l->c, (wi_FBK){ .func = func, .base = base, .k = k.k });
  l->dst_cell = 0;
  return true;
}

/* i32 ops with an immediate and their masked forms (n_I -> n_I_AND). */
static const uint16_t masked_form[IR_COUNT] = {
#define WI_BIN(n, code, text, ti, ...) WI_IF_I32_##ti([IR_##n##_I] = IR_##n##_I_AND,)
#define WI_CMP(...)
#include "opcodes.def"
};

/* i32.and/imm m of the temp `slot` that the i32 op/imm just staged
 * computed: the op masks its own result, which stays in `slot` (the
 * and's result slot is its first operand's).  The mask's constant
 * cleared the op's retargetable mark, so the op's destination is
 * compared with the temp's slot instead. */
bool tr_fuse_mask(tr *t, uint32_t slot, uint32_t m) {
  tr_insn *l = last(t);
  if (!l || !live(t) || !masked_form[l->op]) return false;
  wi_DXK c = wi_DXK_read(l->c);
  if (c.dst != slot || slot < tr_nloc(t)) return false;
  l->op = masked_form[l->op];
  memset(l->c, 0, sizeof l->c);
  wi_DXKM_write(l->c, (wi_DXKM){ .dst = c.dst, .x = c.x, .k = (uint32_t)c.k, .m = m });
  l->dst_cell = 1;
  l->dst_slot = c.dst;
  return true;
}

/* An i32 add/imm's constant as an addend (sub/imm k adds 2^32 - k);
 * false for any other instruction. */
static bool addend(const tr_insn *i, uint32_t *k) {
  if (i->op != IR_I32_ADD_I && i->op != IR_I32_SUB_I) return false;
  uint32_t v = (uint32_t)wi_DXK_read(i->c).k;
  *k = i->op == IR_I32_ADD_I ? v : 0u - v;
  return true;
}

/* The two staged instructions are final (a third is being staged, `next`,
 * or everything is flushed: -1) and are two i32 adds: they become one
 * instruction, staged alone.  Not when the third is a compare with an
 * immediate: the second add may yet fuse with it and its branch
 * (add;br_if.., a counted loop), which saves as much and more. */
static bool merge_seq(tr *t, int next);
/* The first instructions of merge_seq's pairs: most staged pairs are
 * rejected by this one look-up (translation runs it on every emission). */
static const uint8_t seq_first[IR_COUNT] = {
  [IR_I32_LOAD] = 1, [IR_I32_LOAD8_U] = 1, [IR_I32_ADD_I] = 1, [IR_I32_SUB_I] = 1,
  [IR_I64_LOAD] = 1, [IR_COPY] = 1, [IR_SHL_ADD] = 1, [IR_ADD_GLOBAL_SET32] = 1,
};
static bool merge_staged(tr *t, int next) {
  tr_insn *a = &t->stage[0], *b = &t->stage[1];
  uint32_t k, k2;
  if (t->oom) return false;
  if (!addend(b, &k2)) return seq_first[a->op] && merge_seq(t, next);
  if (next >= 0 && cmp_form[next] == 2) return false;
  wi_DXK s = wi_DXK_read(b->c);
  if (addend(a, &k)) {
    wi_DXK f = wi_DXK_read(a->c);
    a->op = IR_ADDI2;
    memset(a->c, 0, sizeof a->c);
    wi_DXDXKK_write(a->c, (wi_DXDXKK){ .dst = f.dst, .x = f.x, .dst2 = s.dst, .x2 = s.x, .k = k, .k2 = k2 });
  } else if (a->op == IR_I32_ADD) {
    wi_DXY f = wi_DXY_read(a->c);
    a->op = IR_ADD_ADDI;
    memset(a->c, 0, sizeof a->c);
    wi_DXYDXK_write(a->c, (wi_DXYDXK){ .dst = f.dst, .x = f.x, .y = f.y, .dst2 = s.dst, .x2 = s.x, .k2 = k2 });
  } else {
    return seq_first[a->op] && merge_seq(t, next);
  }
  a->dst_cell = 0;
  t->nstage = 1;
  return true;
}

/* A call of a defined function right after a move (an argument copied
 * into its slot): one dispatch, the move first.  The instruction is the
 * call's for traps and backtraces (the move cannot trap). */
bool tr_fuse_copy_call(tr *t, uint32_t func, uint32_t base) {
  tr_insn *l = last(t);
  if (!l || !live(t) || l->op != IR_COPY) return false;
  wi_DX c = wi_DX_read(l->c);
  l->op = IR_COPY_CALL;
  wi_DXFB_write(l->c, (wi_DXFB){ .dst = c.dst, .x = c.x, .func = func, .base = base });
  l->dst_cell = 0;
  l->wasm_at = (uint32_t)(t->op_at - t->m->bytes);
  return true;
}

/* i32.add of the temp `a` or `b` that the i32.shl/imm just staged wrote
 * (nothing else reads a temp its consumer popped): one instruction into
 * dst.  Returns false when it does not apply. */
bool tr_fuse_shl_add(tr *t, uint32_t a, uint32_t b, uint32_t dst) {
  tr_insn *l = last(t);
  if (!l || !live(t) || l->op != IR_I32_SHL_I || a == b) return false;
  wi_DXK s = wi_DXK_read(l->c);
  if (s.dst < tr_nloc(t) || (s.dst != a && s.dst != b)) return false;
  l->op = IR_SHL_ADD;
  memset(l->c, 0, sizeof l->c);
  wi_DXYK_write(l->c, (wi_DXYK){ .dst = dst, .x = s.x, .y = s.dst == a ? b : a, .k = (uint32_t)s.k & 31 });
  l->dst_cell = 0;
  return true;
}

/* Third round of pairs (merge_seq), each done in order in one dispatch,
 * every slot of both still written. */

/* An i32 op after an i32 load (i32.load: [0], i32.load8_u: [1]) that
 * reads the loaded value: the fused op (0: none). */
static const uint16_t ldop_form[2][IR_COUNT] = {
  { [IR_I32_ADD] = IR_LDOP_I32_LOAD_ADD, [IR_I32_AND] = IR_LDOP_I32_LOAD_AND,
    [IR_I32_XOR] = IR_LDOP_I32_LOAD_XOR, [IR_I32_MUL] = IR_LDOP_I32_LOAD_MUL,
    [IR_I32_ADD_I] = IR_LDOP_I32_LOAD_ADD_I, [IR_I32_SUB_I] = IR_LDOP_I32_LOAD_ADD_I,
    [IR_I32_AND_I] = IR_LDOP_I32_LOAD_AND_I, [IR_I32_SHR_U_I] = IR_LDOP_I32_LOAD_SHR_U_I,
    [IR_I32_SHL_I] = IR_LDOP_I32_LOAD_SHL_I },
  { [IR_I32_XOR] = IR_LDOP_I32_LOAD8_U_XOR },
};

/* An access after an i32 add/imm, a load after a move: the fused op. */
static int addi_access(int op) {
  switch (op) {
    case IR_I32_LOAD: return IR_ADDI_I32_LOAD;
    case IR_I64_LOAD: return IR_ADDI_I64_LOAD;
    case IR_I32_LOAD_X: return IR_ADDI_I32_LOAD_X;
    case IR_I32_LOAD8_U_X: return IR_ADDI_I32_LOAD8_U_X;
    case IR_I64_LOAD_X: return IR_ADDI_I64_LOAD_X;
    case IR_I32_STORE: return IR_ADDI_I32_STORE;
    case IR_I64_STORE: return IR_ADDI_I64_STORE;
    default: return -1;
  }
}
static int copy_load(int op) {
  switch (op) {
    case IR_I32_LOAD: return IR_COPY_I32_LOAD;
    case IR_I32_LOAD8_U: return IR_COPY_I32_LOAD8_U;
    default: return -1;
  }
}

/* ... and their second instructions */
static const uint8_t seq_second[IR_COUNT] = {
  [IR_I32_ADD] = 1, [IR_I32_AND] = 1, [IR_I32_XOR] = 1, [IR_I32_MUL] = 1, [IR_I32_ADD_I] = 1,
  [IR_I32_SUB_I] = 1, [IR_I32_AND_I] = 1, [IR_I32_SHR_U_I] = 1, [IR_I32_SHL_I] = 1,
  [IR_I32_LOAD] = 1, [IR_I32_LOAD8_U] = 1, [IR_I64_LOAD] = 1, [IR_I32_LOAD_X] = 1,
  [IR_I32_LOAD8_U_X] = 1, [IR_I64_LOAD_X] = 1, [IR_I32_STORE] = 1, [IR_I64_STORE] = 1,
  [IR_I64_STORE_I] = 1, [IR_RETURN_CONST] = 1,
};

/* The two staged instructions are final (see merge_staged): an i32 load
 * and an i32 op of the value it loaded; an i32 add/imm and an access; an
 * i64 load and an i64 store; a move and a load.  Not when `next` is
 * a comparison or an eqz: tr_cond_jump fuses the second with it and its
 * branch (an add/imm with a compare, a load or a mask with eqz), which
 * saves as much. */
static bool merge_seq(tr *t, int next) {
  tr_insn *a = &t->stage[0], *b = &t->stage[1];
  if (!seq_second[b->op] || (next >= 0 && (cmp_form[next] || next == IR_I32_EQZ || next == IR_I32_NEZ ||
                                           next == IR_I64_EQZ || next == IR_I64_NEZ)))
    return false;
  uint32_t k;
  int op;
  if ((a->op == IR_I32_LOAD || a->op == IR_I32_LOAD8_U) && (op = ldop_form[a->op == IR_I32_LOAD8_U][b->op])) {
    /* the op reads the loaded value: on the left, or on either side of a
     * commutative op (every slot form here is) */
    wi_LD l = wi_LD_read(a->c);
    if (wi_ir_form[b->op] == WI_FORM_DXY) {
      wi_DXY c = wi_DXY_read(b->c);
      uint32_t y;
      if (c.x == l.dst) y = c.y;
      else if (c.y == l.dst) y = c.x;
      else return false;
      memset(a->c, 0, sizeof a->c);
      wi_LDOP_write(a->c, (wi_LDOP){ .dst = l.dst, .addr = l.addr, .off = l.off, .k = l.k, .dst2 = c.dst,
                                     .y = y });
    } else {
      wi_DXK c = wi_DXK_read(b->c);
      if (c.x != l.dst) return false;
      uint32_t v = (uint32_t)c.k;
      if (b->op == IR_I32_SUB_I) v = 0u - v;
      else if (b->op == IR_I32_SHR_U_I || b->op == IR_I32_SHL_I) v &= 31;
      memset(a->c, 0, sizeof a->c);
      wi_LDOPK_write(a->c, (wi_LDOPK){ .dst = l.dst, .addr = l.addr, .off = l.off, .k = l.k, .dst2 = c.dst,
                                       .k2 = v });
    }
    a->op = op;
  } else if (addend(a, &k) && (op = addi_access(b->op)) >= 0) {
    /* the access is the one that can trap: the pair is its for traps */
    wi_DXK c = wi_DXK_read(a->c);
    memset(a->c, 0, sizeof a->c);
    wi_AILD_write(a->c, (wi_AILD){ .dst = c.dst, .x = c.x, .k = k });
    a->c[3] = b->c[1];
    a->c[4] = b->c[2];
    a->op = op;
    a->wasm_at = b->wasm_at;
  } else if (a->op == IR_I64_LOAD && b->op == IR_I64_STORE) {
    a->op = IR_I64_LOAD_STORE;
    a->c[3] = b->c[1];
    a->c[4] = b->c[2];
  } else if (a->op == IR_COPY && (op = copy_load(b->op)) >= 0) {
    a->c[2] = b->c[1];
    a->c[3] = b->c[2];
    a->op = op;
    a->wasm_at = b->wasm_at;
  } else if (a->op == IR_SHL_ADD && b->op == IR_I32_LOAD) {
    /* fourth round: a shift-and-add kept (the access did not fold it),
     * then a load */
    a->op = IR_SHL_ADD_I32_LOAD;
    a->c[3] = b->c[1];
    a->c[4] = b->c[2];
    a->wasm_at = b->wasm_at;
  } else if (a->op == IR_ADD_GLOBAL_SET32 && b->op == IR_RETURN_CONST) {
    /* Go's epilogue; the return is the pair's for backtraces */
    wi_DK r = wi_DK_read(b->c);
    wi_DXKG g = wi_DXKG_read(a->c);
    memset(a->c, 0, sizeof a->c);
    wi_AGSRK_write(a->c, (wi_AGSRK){ .dst = g.dst, .x = g.x, .k = g.k, .global = g.global, .dst2 = r.dst, .k2 = r.k });
    a->op = IR_ADD_GLOBAL_SET32_RETURN_CONST;
    a->wasm_at = b->wasm_at;
  } else if (a->op == IR_ADD_GLOBAL_SET32 && b->op == IR_I64_STORE_I && !(wi_STK_read(b->c).val >> 32)) {
    /* Go's prologue (the return address is below 2^32) */
    wi_STK st = wi_STK_read(b->c);
    wi_DXKG g = wi_DXKG_read(a->c);
    memset(a->c, 0, sizeof a->c);
    wi_AGSTK_write(a->c, (wi_AGSTK){ .dst = g.dst, .x = g.x, .k = g.k, .global = g.global, .addr2 = st.addr,
                                     .val2 = (uint32_t)st.val, .off2 = st.off, .k2 = st.k });
    a->op = IR_ADD_GLOBAL_SET32_I64_STORE_I;
    a->wasm_at = b->wasm_at;
  } else {
    return false;
  }
  a->dst_cell = 0;
  t->nstage = 1;
  return true;
}

/* i32.rotl/imm (i64.rotl/imm) k of the temp `slot` that the xor of its
 * width just staged computed (`d = rotl(d ^ a, k)`: ChaCha's, BLAKE's and
 * Gimli's rounds): the xor rotates its own result, which stays in `slot`
 * (the rotate's result slot is its first operand's; nothing else reads a
 * temp its consumer popped).  As for tr_fuse_mask, the count's constant
 * cleared the xor's retargetable mark: its destination is compared with
 * the slot instead. */
bool tr_fuse_xor_rotl(tr *t, uint32_t slot, bool wide, uint32_t k) {
  tr_insn *l = last(t);
  if (!l || !live(t) || l->op != (wide ? IR_I64_XOR : IR_I32_XOR)) return false;
  wi_DXY c = wi_DXY_read(l->c);
  if (c.dst != slot || slot < tr_nloc(t)) return false;
  l->op = wide ? IR_XOR_ROTL64 : IR_XOR_ROTL32;
  memset(l->c, 0, sizeof l->c);
  wi_DXYK_write(l->c, (wi_DXYK){ .dst = c.dst, .x = c.x, .y = c.y, .k = k & (wide ? 63 : 31) });
  l->dst_cell = 1;
  l->dst_slot = c.dst;
  return true;
}

/* Fourth round.  The i32/i64 op just staged computed temp `a` or `b`,
 * which only the commutative op `op2` that follows reads (a temp its
 * consumer popped is dead, as for tr_fuse_shl_add): one instruction into
 * dst.  Returns false when the pair is not one of these. */
static int chain_form(int op1, int op2) {
  switch (op2) {
    case IR_I32_XOR:
      return op1 == IR_I32_SHR_U_I ? IR_SHR_U_XOR32 : op1 == IR_I32_SHL_I ? IR_SHL_XOR32 : -1;
    case IR_I32_ADD: return op1 == IR_I32_ADD ? IR_ADD_ADD32 : -1;
    case IR_I64_XOR:
      return op1 == IR_I64_XOR ? IR_XOR_XOR64 : op1 == IR_I64_AND ? IR_AND_XOR64
           : op1 == IR_I64_ROTL_I ? IR_ROTL_XOR64 : -1;
    case IR_I64_ADD: return op1 == IR_I64_ADD ? IR_ADD_ADD64 : -1;
    default: return -1;
  }
}

bool tr_fuse_chain(tr *t, int op2, uint32_t a, uint32_t b, uint32_t dst) {
  tr_insn *l = last(t);
  if (!l || !live(t) || a == b) return false;
  int op = chain_form(l->op, op2);
  if (op < 0) return false;
  uint32_t d = wi_DXY_read(l->c).dst; /* DXK has it where DXY does */
  if (d < tr_nloc(t) || (d != a && d != b)) return false;
  uint32_t other = d == a ? b : a;
  if (wi_ir_form[l->op] == WI_FORM_DXK) {
    wi_DXK c = wi_DXK_read(l->c);
    uint32_t k = (uint32_t)c.k & (l->op == IR_I64_ROTL_I ? 63 : 31);
    memset(l->c, 0, sizeof l->c);
    wi_DXYK_write(l->c, (wi_DXYK){ .dst = dst, .x = c.x, .y = other, .k = k });
  } else {
    wi_DXY c = wi_DXY_read(l->c);
    memset(l->c, 0, sizeof l->c);
    wi_DXYZ_write(l->c, (wi_DXYZ){ .dst = dst, .x = c.x, .y = c.y, .z = other });
  }
  l->op = op;
  l->dst_cell = 0;
  return true;
}
