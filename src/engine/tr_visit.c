/* The visitor: reads each instruction (opcodes.def names it) and
 * validates and translates it, one case per opcode name.  Numeric rows
 * share one case per class. */
#include "translate.h"

/* Constant folding: the interpreter's own expressions, evaluated at
 * translation time on constant operands (same code, same results). */
static bool fold_unary(int ir, uint64_t x, uint64_t *out) {
  switch (ir) {
#define WI_UN(n, code, text, ti, to, expr) \
    case IR_##n: { ct_##ti a = CV_##ti(x); (void)a; *out = TOR_##to(expr); return true; }
#include "opcodes.def"
    default: return false;
  }
}

static bool fold_binary(int ir, uint64_t x, uint64_t y, uint64_t *out) {
  switch (ir) {
#define WI_BIN(n, code, text, ti, to, expr) \
    case IR_##n: { ct_##ti a = CV_##ti(x), b = CV_##ti(y); *out = TOR_##to(expr); return true; }
#include "opcodes.def"
    default: return false;
  }
}

/* Validating only (or unreachable code): n checked operands on top become
 * one fresh temp of type ty in place of the first (a pop and a push). */
static inline void dead_result(tr *t, uint32_t n, uint8_t ty) {
  t->nst -= n - 1;
  t->st[t->nst - 1] = (tr_vent){ .type = ty, .kind = E_TEMP };
}

/* A fresh temp of type ty holding what the last instruction wrote to its
 * destination (cell `cell`, half a): handlers zero-extend i32 results. */
static int push_result(tr *t, uint8_t ty, uint8_t cell) {
  uint32_t dst = tr_slot(t, t->nst);
  TRY(tr_push_temp(t, ty));
  t->st[t->nst - 1].zx = ty == WH_I32;
  tr_mark_dst(t, cell, dst);
  return 0;
}

/* Whether a memarg may name a memory (tr_mem.c decides): the flag is bit
 * 6 of its alignment, which is in the LEB's first byte. */
static inline bool memarg_flag(const tr *t) {
  return t->r.p < t->r.end && (*t->r.p & 0x40);
}

static int check_memarg_slow(tr *t, uint32_t width, uint32_t *offset) {
  uint32_t align;
  TRY(wi_rd_u32(&t->r, &align));
  TRY(wi_rd_u32(&t->r, offset));
  if (t->m->nmems == 0) FAILV("unknown memory 0");
  if (align >= 32 || (1u << align) > width) FAILV("alignment must not be larger than natural");
  return 0;
}

/* inline: every load and store has one; most have an alignment and an
 * offset of one or two bytes */
static inline int check_memarg(tr *t, uint32_t width, uint32_t *offset) {
  const uint8_t *p = t->r.p;
  /* align < 32: one byte, no memory index flag, and a shift in range */
  if (WI_LIKELY(t->r.end - p >= 3 && p[0] < 32 && (1u << p[0]) <= width && t->m->nmems)) {
    if (p[1] < 0x80) {
      *offset = p[1];
      t->r.p = p + 2;
      return 0;
    }
    if (p[2] < 0x80) {
      *offset = (p[1] & 0x7fu) | (uint32_t)p[2] << 7;
      t->r.p = p + 3;
      return 0;
    }
  }
  return check_memarg_slow(t, width, offset);
}

static int binary(tr *t, const wi_opinfo *ni) {
  uint8_t ty[2] = { ni->tin, ni->tin };
  TRY(tr_need(t, ty, 2));
  /* validating only (or unreachable): the types are all there is to do */
  if (tr_dead(t)) {
    dead_result(t, 2, ni->tout);
    return 0;
  }
  tr_vent *x = &t->st[t->nst - 2], *y = &t->st[t->nst - 1];
  uint64_t folded;
  if (ni->cls != WI_K_BINT && y->kind == E_CONST && x->kind == E_CONST &&
      fold_binary(ni->ir, x->cval, y->cval, &folded)) {
    tr_pop(t, 2);
    tr_no_dst(t);
    return tr_push(t, ni->tout, E_CONST, 0, folded);
  }
  bool imm = ni->cls != WI_K_BINT && y->kind == E_CONST;
  uint64_t yv = y->cval;
  if (imm && ni->ir == IR_I64_ADD && x->kind == E_TEMP &&
      tr_fuse_add_zx(t, tr_slot(t, t->nst - 2), tr_slot(t, t->nst - 2), yv)) {
    /* zero-extend and add a constant in one (Go's address arithmetic) */
    tr_pop(t, 2);
    TRY(tr_push_temp(t, WH_I64));
    return 0;
  }
  if (imm && ni->ir == IR_I32_AND && x->kind == E_TEMP && tr_fuse_mask(t, tr_slot(t, t->nst - 2), (uint32_t)yv)) {
    /* masks the i32 op/imm that computed x: one instruction */
    tr_pop(t, 2);
    return push_result(t, WH_I32, 1);
  }
  if (imm && (ni->ir == IR_I32_ROTL || ni->ir == IR_I64_ROTL) && x->kind == E_TEMP &&
      tr_fuse_xor_rotl(t, tr_slot(t, t->nst - 2), ni->ir == IR_I64_ROTL, (uint32_t)yv)) {
    /* rotates the xor that computed x: one instruction */
    tr_pop(t, 2);
    return push_result(t, ni->tout, 1);
  }
  uint32_t a = tr_operand(t, t->nst - 2), b = 0;
  if (!imm) b = tr_operand(t, t->nst - 1);
  tr_pop(t, 2);
  uint32_t dst = tr_slot(t, t->nst);
  if (!imm && ni->ir == IR_I32_ADD && tr_fuse_shl_add(t, a, b, dst)) return push_result(t, WH_I32, 1);
  if (!imm && tr_fuse_chain(t, ni->ir, a, b, dst)) return push_result(t, ni->tout, 1);
  if (imm) wi_DXK_write(tr_emit(t, ni->ir + 1), (wi_DXK){ .dst = dst, .x = a, .k = yv });
  else wi_DXY_write(tr_emit(t, ni->ir), (wi_DXY){ .dst = dst, .x = a, .y = b });
  return push_result(t, ni->tout, 1);
}

static int unary(tr *t, const wi_opinfo *ni) {
  TRY(tr_need1(t, ni->tin));
  if (tr_dead(t)) {
    dead_result(t, 1, ni->tout);
    return 0;
  }
  tr_vent *e = &t->st[t->nst - 1];
  if (ni->ir == IR_I32_REINTERPRET_F32 || ni->ir == IR_I64_REINTERPRET_F64 ||
      ni->ir == IR_F32_REINTERPRET_I32 || ni->ir == IR_F64_REINTERPRET_I64 ||
      ni->ir == IR_I32_WRAP_I64) {
    /* same bits, new static type (an i32 is the low half of its slot);
     * the producer's destination stays retargetable */
    e->type = ni->tout;
    if (ni->ir == IR_I32_WRAP_I64 && e->kind == E_CONST) e->cval = (uint32_t)e->cval;
    return 0;
  }
  if ((ni->ir == IR_I32_EQZ || ni->ir == IR_I64_EQZ) && tr_negate_last(t, t->nst - 1)) {
    e->type = WH_I32;
    e->zx = true;
    return 0;
  }
  uint64_t folded;
  if (ni->ir == IR_I64_EXTEND_I32_U && e->kind == E_TEMP && e->zx) {
    e->type = WH_I64; /* already zero-extended in its slot */
    return 0;
  }
  if (ni->cls == WI_K_UN && e->kind == E_CONST && fold_unary(ni->ir, e->cval, &folded)) {
    e->cval = folded;
    e->type = ni->tout;
    tr_no_dst(t);
    return 0;
  }
  uint32_t a = tr_operand(t, t->nst - 1);
  tr_pop(t, 1);
  wi_DX_write(tr_emit(t, ni->ir), (wi_DX){ .dst = tr_slot(t, t->nst), .x = a });
  return push_result(t, ni->tout, 1);
}

/* The access at a constant address of each load and store (the _A rows). */
static const uint16_t abs_form[IR_COUNT] = {
#define WI_LOAD(n, code, text, ...) [IR_##n] = IR_##n##_A,
#define WI_STORE(n, code, text, ...) [IR_##n] = IR_##n##_A,
#include "opcodes.def"
};

static int load(tr *t, const wi_opinfo *ni) {
  uint32_t off, a, k = 0;
  if (WI_UNLIKELY(memarg_flag(t)) && tr_memarg_names_memory(t)) return tr_access_mem(t, ni);
  TRY(check_memarg(t, ni->width, &off));
  TRY(tr_need1(t, WH_I32));
  if (tr_dead(t)) {
    dead_result(t, 1, ni->tout);
    return 0;
  }
  if (t->st[t->nst - 1].kind == E_CONST) {
    /* a constant address is no slot: nothing is written to read it */
    uint32_t ka = (uint32_t)t->st[t->nst - 1].cval;
    tr_pop(t, 1);
    wi_LD_write(tr_emit(t, abs_form[ni->ir]), (wi_LD){ .dst = tr_slot(t, t->nst), .addr = 0, .off = off, .k = ka });
    return push_result(t, ni->tout, 1);
  }
  int fa = tr_fold_address(t, t->nst - 1, ni->width, &a, &k);
  if (fa == 1) a = tr_operand(t, t->nst - 1);
  tr_pop(t, 1);
  uint32_t dst = tr_slot(t, t->nst);
  if (fa >= 2)
    wi_LDX_write(tr_emit(t, ni->ir + (fa == 3 ? WI_IR_LD_XS : WI_IR_LD_X)),
                 (wi_LDX){ .dst = dst, .addr = a, .off = off, .idx = k });
  else wi_LD_write(tr_emit(t, ni->ir), (wi_LD){ .dst = dst, .addr = a, .off = off, .k = k });
  /* paired, its destination is the second half's: a local.set may
   * still retarget it */
  bool paired = fa == 1 && ((ni->ir == IR_I64_LOAD && tr_pair_access(t, IR_I64_LOAD, IR_I64_LOAD2)) ||
                             (ni->ir == IR_I32_LOAD && tr_pair_access(t, IR_I32_LOAD, IR_I32_LOAD2)));
  return push_result(t, ni->tout, paired ? 3 : 1);
}

static int store(tr *t, const wi_opinfo *ni) {
  uint32_t off, a = 0, b = 0, k = 0;
  if (WI_UNLIKELY(memarg_flag(t)) && tr_memarg_names_memory(t)) return tr_access_mem(t, ni);
  TRY(check_memarg(t, ni->width, &off));
  uint8_t ty[2] = { WH_I32, ni->tin };
  TRY(tr_need(t, ty, 2));
  if (tr_dead(t)) {
    tr_pop(t, 2);
    return 0;
  }
  /* the folded add must be the last instruction, so only a value that
   * needs no code (a local or a constant) allows folding */
  uint8_t vk = t->st[t->nst - 1].kind;
  if (t->st[t->nst - 2].kind == E_CONST) {
    uint32_t ka = (uint32_t)t->st[t->nst - 2].cval;
    int op = abs_form[ni->ir];
    if (vk == E_CONST) {
      uint64_t v = t->st[t->nst - 1].cval;
      tr_pop(t, 2);
      wi_STK_write(tr_emit(t, op + 1), (wi_STK){ .addr = 0, .off = off, .k = ka, .val = v });
    } else {
      b = tr_operand(t, t->nst - 1);
      tr_pop(t, 2);
      wi_ST_write(tr_emit(t, op), (wi_ST){ .addr = 0, .val = b, .off = off, .k = ka });
    }
    return 0;
  }
  int fa = vk == E_TEMP ? 1 : tr_fold_address(t, t->nst - 2, ni->width, &a, &k);
  if (fa == 1) a = tr_operand(t, t->nst - 2);
  bool imm = vk == E_CONST;
  uint64_t v = t->st[t->nst - 1].cval;
  if (!imm) b = tr_operand(t, t->nst - 1);
  tr_pop(t, 2);
  if (fa >= 2 && imm)
    wi_STXK_write(tr_emit(t, ni->ir + (fa == 3 ? WI_IR_ST_XSI : WI_IR_ST_XI)),
                  (wi_STXK){ .addr = a, .idx = k, .off = off, .val = v });
  else if (fa >= 2)
    wi_STX_write(tr_emit(t, ni->ir + (fa == 3 ? WI_IR_ST_XS : WI_IR_ST_X)),
                 (wi_STX){ .addr = a, .val = b, .off = off, .idx = k });
  else if (imm)
    wi_STK_write(tr_emit(t, ni->ir + WI_IR_ST_I), (wi_STK){ .addr = a, .off = off, .k = k, .val = v });
  else
    wi_ST_write(tr_emit(t, ni->ir), (wi_ST){ .addr = a, .val = b, .off = off, .k = k });
  if (fa == 1 && !imm && ni->ir == IR_I64_STORE) tr_pair_access(t, IR_I64_STORE, IR_I64_STORE2);
  if (fa == 1 && !imm && ni->ir == IR_I32_STORE) tr_pair_access(t, IR_I32_STORE, IR_I32_STORE2);
  return 0;
}

static int numeric(tr *t, const wi_opinfo *ni) {
  switch (ni->cls) {
    case WI_K_BIN: case WI_K_CMP: case WI_K_BINT: return binary(t, ni);
    case WI_K_UN: case WI_K_UNT: return unary(t, ni);
    case WI_K_LOAD: return load(t, ni);
    case WI_K_STORE: return store(t, ni);
  }
  if (WI_K_IS_SIMD(ni->cls)) {
    int rc = tr_simd(t, ni);
    if (WI_UNLIKELY(t->mem_switched)) tr_simd_mem_end(t);
    return rc;
  }
  return wi_rd_fail(&t->r, "illegal opcode");
}

static int local_set(tr *t, uint32_t x, bool tee) {
  if (x >= tr_nloc(t)) FAILV("unknown local %u", x);
  TRY(tr_need1(t, t->f->local_types[x]));
  TRY(tr_local_written(t, x));
  if (tee) t->st[t->nst - 1].type = t->f->local_types[x]; /* a subtype went in */
  if (tr_dead(t)) {
    if (!tee) tr_pop(t, 1);
    return 0;
  }
  uint32_t i = t->nst - 1;
  tr_vent e = t->st[i];
  bool aliased = false;
  for (uint32_t k = 0; k < i; k++)
    if (t->st[k].kind == E_LOCAL && t->st[k].local == x) aliased = true;
  /* retarget the producer: it writes the local directly */
  if (e.kind == E_TEMP && !aliased && tr_retarget(t, tr_slot(t, i), x)) {
    if (tee) {
      t->st[i].kind = E_LOCAL;
      t->st[i].zx = false;
      t->st[i].local = x;
    } else {
      tr_pop(t, 1);
    }
    return 0;
  }
  tr_materialize_local(t, x);
  e = t->st[i];
  if (e.kind == E_CONST) tr_emit_const(t, x, e.cval);
  else if (e.kind == E_LOCAL) tr_emit_copy(t, x, e.local, e.type);
  else tr_emit_copy(t, x, tr_slot(t, i), e.type);
  if (!tee) tr_pop(t, 1);
  tr_no_dst(t);
  return 0;
}

/* Calls: arguments are moved to consecutive slots at the top of the
 * stack, which become the callee's first slots (frames overlap). */
static int call_args(tr *t, const wi_ftype *ft, uint32_t *argbase) {
  uint32_t np = ft->ft.nparams;
  TRY(tr_need(t, ft->ft.params, np));
  for (uint32_t k = t->nst - np; k < t->nst; k++)
    if (t->st[k].kind != E_TEMP) tr_materialize(t, k);
  *argbase = tr_slot(t, t->nst - np);
  return 0;
}

static int call_results(tr *t, const wi_ftype *ft) {
  tr_pop(t, ft->ft.nparams);
  for (uint32_t k = 0; k < ft->ft.nresults; k++) TRY(tr_push_temp(t, ft->ft.results[k]));
  tr_no_dst(t);
  return 0;
}

int tr_in_slots(tr *t, const uint8_t *ty, uint32_t n, uint32_t *base) {
  TRY(tr_need(t, ty, n));
  for (uint32_t k = t->nst - n; k < t->nst; k++)
    if (t->st[k].kind != E_TEMP) tr_materialize(t, k);
  *base = tr_slot(t, t->nst - n);
  tr_pop(t, n);
  return 0;
}

static int read_index_slow(tr *t, uint32_t *x, uint32_t bound, const char *what) {
  TRY(wi_rd_u32(&t->r, x));
  if (*x >= bound) FAILV("unknown %s %u", what, *x);
  return 0;
}

/* inline: every local.get, br and call reads one */
static inline int read_index(tr *t, uint32_t *x, uint32_t bound, const char *what) {
  const uint8_t *p = t->r.p;
  if (WI_LIKELY(p < t->r.end && *p < 0x80 && *p < bound)) {
    *x = *p;
    t->r.p = p + 1;
    return 0;
  }
  return read_index_slow(t, x, bound, what);
}

static int zero_byte(tr *t) {
  uint8_t zero;
  TRY(wi_rd_u8(&t->r, &zero));
  if (zero != 0) return wi_rd_fail(&t->r, "zero byte expected");
  return 0;
}

static const uint8_t three_i32[3] = { WH_I32, WH_I32, WH_I32 };

/* inlined into tr_steps, its one caller: the loop keeps its registers */
static inline __attribute__((always_inline)) int visit(tr *t, uint32_t op, const wi_opinfo *oi) {
  uint32_t x, y, base;
  int64_t idx;
  tr_ctl nc; /* zeroed by the cases that open a block only: every
               * instruction passes here */
/* memory.size/grow/fill/copy/init naming a memory other than 0 (tr_mem.c) */
#define OTHER_MEMORY() \
  do { if (tr_memory_op_names_memory(t, op)) return tr_memory_op(t, op); } while (0)
  switch ((enum wi_opcode)op) {
    case OP_UNREACHABLE:
      tr_emit(t, IR_UNREACHABLE);
      tr_set_unreachable(t);
      return 0;
    case OP_NOP: return 0;
    case OP_BLOCK: case OP_LOOP:
      memset(&nc, 0, sizeof nc);
      nc.op = (uint8_t)op;
      TRY(tr_read_blocktype(t, &nc));
      return tr_enter_block(t, &nc);
    case OP_IF: {
      memset(&nc, 0, sizeof nc);
      nc.op = (uint8_t)op;
      TRY(tr_read_blocktype(t, &nc));
      TRY(tr_need1(t, WH_I32));
      /* everything below the condition is made concrete first (an `if`
       * is a block); the condition itself may fuse into the jump */
      tr_vent cv = t->st[--t->nst];
      TRY(tr_need(t, nc.params, nc.np));
      tr_materialize_all(t); /* emitting nothing keeps cv's producer fusable */
      t->st[t->nst++] = cv;
      tr_jump j;
      tr_cond_jump(t, false, false, &j);
      TRY(tr_enter_block(t, &nc));
      tr_top(t)->else_j = j;
      return 0;
    }
    case OP_ELSE: return tr_else(t);
    case OP_END: return tr_top(t)->eh ? tr_eh_end(t) : tr_end(t);
    case OP_BR: {
      TRY(read_index(t, &x, t->nctl, "label"));
      tr_ctl *c = &t->ctls[t->nctl - 1 - x];
      TRY(tr_need(t, tr_label_types(c), tr_label_arity(c)));
      TRY(tr_branch(t, c));
      tr_set_unreachable(t);
      return 0;
    }
    case OP_BR_IF: {
      TRY(read_index(t, &x, t->nctl, "label"));
      TRY(tr_need1(t, WH_I32));
      tr_ctl *c = &t->ctls[t->nctl - 1 - x];
      /* the label's operands below the condition are checked (and typed
       * as the label: br_if passes them on) */
      tr_vent cv = t->st[--t->nst];
      TRY(tr_need(t, tr_label_types(c), tr_label_arity(c)));
      /* what stays has the label's types (3.0: a subtype went in) */
      for (uint32_t k = 0; k < tr_label_arity(c); k++)
        t->st[t->nst - tr_label_arity(c) + k].type = tr_label_types(c)[k];
      if (tr_dead(t)) return 0;
      /* entries below the label were materialized when it was entered */
      bool moves = tr_needs_moves(t, c);
      t->st[t->nst++] = cv;
      tr_jump j;
      if (!moves) {
        tr_cond_jump(t, true, c->op == OP_LOOP, &j);
        if (c->op == OP_LOOP) tr_set_jump(t, j, c->loop_pc);
        else TRY(tr_add_patch(t, c, j.at, j.cell, j.half));
      } else {
        tr_cond_jump(t, false, false, &j);
        TRY(tr_branch(t, c));
        tr_set_jump(t, j, tr_label(t));
      }
      tr_no_dst(t);
      return 0;
    }
    case OP_BR_TABLE: return tr_br_table(t);
    case OP_RETURN: {
      tr_ctl *f = &t->ctls[0];
      TRY(tr_need(t, tr_results(f), f->nr));
      TRY(tr_move_to(t, 0, f->nr));
      tr_emit_return(t);
      tr_set_unreachable(t);
      return 0;
    }
    case OP_CALL: {
      TRY(read_index(t, &x, t->m->nfuncs, "function"));
      const wi_ftype *ft = t->m->func_types[x];
      TRY(call_args(t, ft, &base));
      bool imported = x < t->m->nfunc_imports;
      uint32_t fx = imported ? x : x - t->m->nfunc_imports;
      /* the constant just written is the first argument: one dispatch */
      /* ... or a move just before it */
      if (imported || ((ft->ft.nparams == 0 || !tr_fuse_call_k(t, fx, base)) && !tr_fuse_copy_call(t, fx, base)))
        wi_FB_write(tr_emit(t, imported ? IR_CALL_IMPORT : IR_CALL), (wi_FB){ .func = fx, .base = base });
      return call_results(t, ft);
    }
    case OP_CALL_INDIRECT: {
      uint32_t ti;
      TRY(wi_rd_u32(&t->r, &x));
      TRY(wi_rd_u32(&t->r, &ti));
      if (ti >= t->m->ntables) FAILV("unknown table %u", ti);
      if (x >= t->m->ntypes) FAILV("unknown type %u", x);
      if (!wi_vt_sub(t->m, t->m->tables[ti].elem, WH_FUNCREF)) FAILV("type mismatch: call_indirect on a table of externref");
      TRY(tr_need1(t, WH_I32));
      /* the index may be a TEMP in the slot just above the args: it is
       * read before the call writes anything */
      uint32_t islot = tr_operand(t, t->nst - 1);
      tr_pop(t, 1);
      const wi_ftype *ft = t->m->types[x];
      TRY(call_args(t, ft, &base));
      wi_CALLI_write(tr_emit(t, IR_CALL_INDIRECT),
                     (wi_CALLI){ .type = ft->id, .base = base, .table = ti, .idx = islot });
      return call_results(t, ft);
    }
    case OP_RETURN_CALL: case OP_RETURN_CALL_INDIRECT: return tr_tail_call(t, op);
    case OP_TRY_TABLE: case OP_THROW: case OP_THROW_REF: case OP_TRY: case OP_CATCH:
    case OP_CATCH_ALL: case OP_RETHROW: case OP_DELEGATE: return tr_eh(t, op);
    case OP_CALL_REF: case OP_RETURN_CALL_REF: case OP_REF_AS_NON_NULL: case OP_BR_ON_NULL:
    case OP_BR_ON_NON_NULL:
      return tr_ref(t, op); /* typed function references (tr_ref.c) */
    case OP_DROP:
      TRY(tr_need1(t, T_UNKNOWN));
      tr_pop(t, 1);
      tr_no_dst(t);
      return 0;
    case OP_SELECT: case OP_SELECT_T: {
      uint8_t ty = T_UNKNOWN;
      if (op == OP_SELECT_T) {
        uint32_t n;
        TRY(wi_rd_u32(&t->r, &n));
        if (n != 1) FAILV("invalid result arity");
        TRY(wi_rd_valtype(&t->r, t->m->ntypes, &ty));
      }
      TRY(tr_need1(t, WH_I32));
      TRY(tr_peek(t, 1, ty, &idx));
      uint8_t t1 = idx >= 0 ? t->st[idx].type : T_UNKNOWN;
      TRY(tr_peek(t, 2, ty == T_UNKNOWN ? t1 : ty, &idx));
      uint8_t t2 = idx >= 0 ? t->st[idx].type : T_UNKNOWN;
      uint8_t rt = ty != T_UNKNOWN ? ty : (t1 != T_UNKNOWN ? t1 : t2);
      if (op == OP_SELECT && (wi_vt_is_ref(t1) || wi_vt_is_ref(t2)))
        FAILV("type mismatch: select without type needs numeric operands");
      if (op == OP_SELECT && t1 != T_UNKNOWN && t2 != T_UNKNOWN && t1 != t2) FAILV("type mismatch in select");
      uint8_t ty3[3] = { rt, rt, WH_I32 };
      TRY(tr_need(t, ty3, 3));
      uint32_t c = tr_operand(t, t->nst - 1);
      const tr_vent *e1 = &t->st[t->nst - 3], *e2 = &t->st[t->nst - 2];
      if (tr_is_num(rt) && (e1->kind == E_CONST || e2->kind == E_CONST)) {
        /* a constant operand is read from the instruction, not written
         * to its slot first (one dispatch fewer) */
        uint32_t dst = tr_slot(t, t->nst - 3);
        if (e1->kind == E_CONST && e2->kind == E_CONST) {
          wi_DCKK_write(tr_emit(t, IR_SELECT_KK), (wi_DCKK){ .dst = dst, .cond = c, .k = e1->cval, .k2 = e2->cval });
        } else if (e1->kind == E_CONST) {
          uint32_t v2 = tr_operand(t, t->nst - 2);
          wi_DCXK_write(tr_emit(t, IR_SELECT_KX), (wi_DCXK){ .dst = dst, .cond = c, .x = v2, .k = e1->cval });
        } else {
          uint32_t v1 = tr_operand(t, t->nst - 3);
          wi_DCXK_write(tr_emit(t, IR_SELECT_XK), (wi_DCXK){ .dst = dst, .cond = c, .x = v1, .k = e2->cval });
        }
        tr_pop(t, 3);
        TRY(push_result(t, rt, 1));
        t->st[t->nst - 1].zx = false;
        return 0;
      }
      uint32_t v2 = tr_operand(t, t->nst - 2);
      uint32_t v1 = tr_operand(t, t->nst - 3);
      tr_pop(t, 3);
      wi_SEL_write(tr_emit(t, tr_is_num(rt) ? IR_SELECT : IR_SELECT16), (wi_SEL){ .dst = tr_slot(t, t->nst), .cond = c, .x = v1, .y = v2 });
      TRY(push_result(t, rt, 1));
      t->st[t->nst - 1].zx = false;
      return 0;
    }
    case OP_LOCAL_GET:
      TRY(read_index(t, &x, tr_nloc(t), "local"));
      TRY(tr_local_read(t, x));
      TRY(tr_push(t, t->f->local_types[x], E_LOCAL, x, 0));
      tr_no_dst(t);
      return 0;
    case OP_LOCAL_SET: case OP_LOCAL_TEE:
      TRY(wi_rd_u32(&t->r, &x));
      return local_set(t, x, op == OP_LOCAL_TEE);
    case OP_GLOBAL_GET:
      TRY(read_index(t, &x, t->m->nglobals, "global"));
      wi_DG_write(tr_emit(t, tr_is_num(t->m->globals[x].type.type) ? IR_GLOBAL_GET : IR_GLOBAL_GET16), (wi_DG){ .dst = tr_slot(t, t->nst), .global = x });
      /* i32 globals are stored zero-extended (GLOBAL_SET32) */
      return push_result(t, t->m->globals[x].type.type, 1);
    case OP_GLOBAL_SET: {
      TRY(read_index(t, &x, t->m->nglobals, "global"));
      if (!t->m->globals[x].type.mutable_) FAILV("global is immutable");
      uint8_t gt = t->m->globals[x].type.type;
      TRY(tr_need1(t, gt));
      tr_vent *e = &t->st[t->nst - 1];
      if (gt == WH_I32 && e->kind == E_LOCAL && tr_fuse_global_set(t, e->local, x)) {
        tr_pop(t, 1);
        return 0;
      }
      uint32_t a = tr_operand(t, t->nst - 1);
      tr_pop(t, 1);
      wi_GX_write(tr_emit(t, gt == WH_I32 ? IR_GLOBAL_SET32 : tr_is_num(gt) ? IR_GLOBAL_SET : IR_GLOBAL_SET16), (wi_GX){ .global = x, .x = a });
      return 0;
    }
    case OP_TABLE_GET:
      TRY(read_index(t, &x, t->m->ntables, "table"));
      TRY(tr_need1(t, WH_I32));
      tr_materialize(t, t->nst - 1);
      tr_pop(t, 1);
      wi_BT_write(tr_emit(t, IR_TABLE_GET), (wi_BT){ .base = tr_slot(t, t->nst), .table = x });
      TRY(tr_push_temp(t, t->m->tables[x].elem));
      tr_no_dst(t);
      return 0;
    case OP_TABLE_SET: {
      TRY(read_index(t, &x, t->m->ntables, "table"));
      uint8_t ty[2] = { WH_I32, t->m->tables[x].elem };
      TRY(tr_need(t, ty, 2));
      tr_materialize(t, t->nst - 2);
      tr_materialize(t, t->nst - 1);
      tr_pop(t, 2);
      wi_BT_write(tr_emit(t, IR_TABLE_SET), (wi_BT){ .base = tr_slot(t, t->nst), .table = x });
      tr_no_dst(t);
      return 0;
    }
    case OP_MEMORY_SIZE: case OP_MEMORY_GROW:
      OTHER_MEMORY();
      TRY(zero_byte(t));
      if (t->m->nmems == 0) FAILV("unknown memory 0");
      if (op == OP_MEMORY_SIZE) {
        wi_D_write(tr_emit(t, IR_MEMORY_SIZE), (wi_D){ .dst = tr_slot(t, t->nst) });
        TRY(tr_push_temp(t, WH_I32));
      } else {
        TRY(tr_need1(t, WH_I32));
        tr_materialize(t, t->nst - 1);
        wi_D_write(tr_emit(t, IR_MEMORY_GROW), (wi_D){ .dst = tr_slot(t, t->nst - 1) });
      }
      tr_no_dst(t);
      return 0;
    case OP_I32_CONST: { int32_t v; TRY(wi_rd_s32(&t->r, &v)); tr_no_dst(t); return tr_push(t, WH_I32, E_CONST, 0, (uint32_t)v); }
    case OP_I64_CONST: { int64_t v; TRY(wi_rd_s64(&t->r, &v)); tr_no_dst(t); return tr_push(t, WH_I64, E_CONST, 0, (uint64_t)v); }
    case OP_F32_CONST: { uint32_t v; TRY(wi_rd_f32(&t->r, &v)); tr_no_dst(t); return tr_push(t, WH_F32, E_CONST, 0, v); }
    case OP_F64_CONST: { uint64_t v; TRY(wi_rd_f64(&t->r, &v)); tr_no_dst(t); return tr_push(t, WH_F64, E_CONST, 0, v); }
    case OP_REF_NULL: {
      uint8_t rt;
      TRY(wi_rd_heaptype(&t->r, t->m->ntypes, true, &rt));
      tr_no_dst(t);
      return tr_push(t, rt, E_CONST, 0, 0);
    }
    case OP_REF_IS_NULL: {
      TRY(tr_peek(t, 0, T_UNKNOWN, &idx));
      if (idx >= 0 && t->st[idx].type != T_UNKNOWN && !wi_vt_is_ref(t->st[idx].type))
        FAILV("type mismatch: ref.is_null needs a reference");
      TRY(tr_need1(t, T_UNKNOWN));
      uint32_t a = tr_operand(t, t->nst - 1);
      tr_pop(t, 1);
      wi_DX_write(tr_emit(t, IR_REF_IS_NULL), (wi_DX){ .dst = tr_slot(t, t->nst), .x = a });
      TRY(push_result(t, WH_I32, 1));
      t->st[t->nst - 1].zx = false;
      return 0;
    }
    case OP_REF_FUNC:
      TRY(read_index(t, &x, t->m->nfuncs, "function"));
      if (!t->m->declared_funcs[x]) FAILV("undeclared function reference %u", x);
      wi_DF_write(tr_emit(t, IR_REF_FUNC), (wi_DF){ .dst = tr_slot(t, t->nst), .func = x });
      TRY(push_result(t, wi_vt_of_func(t->m, x), 1));
      t->st[t->nst - 1].zx = false;
      return 0;
    case OP_MEMORY_INIT:
      OTHER_MEMORY();
      TRY(wi_rd_u32(&t->r, &x));
      TRY(zero_byte(t));
      if (!t->m->has_datacount) FAILV("data count section required");
      if (t->m->nmems == 0) FAILV("unknown memory 0");
      if (x >= t->m->datacount) FAILV("unknown data segment %u", x);
      TRY(tr_in_slots(t, three_i32, 3, &base));
      wi_SB_write(tr_emit(t, IR_MEMORY_INIT), (wi_SB){ .seg = x, .base = base });
      break;
    case OP_DATA_DROP:
      TRY(wi_rd_u32(&t->r, &x));
      if (!t->m->has_datacount) FAILV("data count section required");
      if (x >= t->m->datacount) FAILV("unknown data segment %u", x);
      wi_S_write(tr_emit(t, IR_DATA_DROP), (wi_S){ .seg = x });
      break;
    case OP_MEMORY_COPY: case OP_MEMORY_FILL:
      OTHER_MEMORY();
      TRY(zero_byte(t));
      if (op == OP_MEMORY_COPY) TRY(zero_byte(t));
      if (t->m->nmems == 0) FAILV("unknown memory 0");
      TRY(tr_in_slots(t, three_i32, 3, &base));
      wi_B_write(tr_emit(t, op == OP_MEMORY_COPY ? IR_MEMORY_COPY : IR_MEMORY_FILL), (wi_B){ .base = base });
      break;
    case OP_TABLE_INIT:
      TRY(wi_rd_u32(&t->r, &x));
      TRY(read_index(t, &y, t->m->ntables, "table"));
      if (x >= t->m->nelems) FAILV("unknown elem segment %u", x);
      if (!wi_vt_sub(t->m, t->m->elems[x].type, t->m->tables[y].elem)) FAILV("type mismatch: table.init element type");
      TRY(tr_in_slots(t, three_i32, 3, &base));
      wi_STB_write(tr_emit(t, IR_TABLE_INIT), (wi_STB){ .seg = x, .table = y, .base = base });
      break;
    case OP_ELEM_DROP:
      TRY(read_index(t, &x, t->m->nelems, "elem segment"));
      wi_S_write(tr_emit(t, IR_ELEM_DROP), (wi_S){ .seg = x });
      break;
    case OP_TABLE_COPY:
      TRY(read_index(t, &x, t->m->ntables, "table"));
      TRY(read_index(t, &y, t->m->ntables, "table"));
      if (!wi_vt_sub(t->m, t->m->tables[y].elem, t->m->tables[x].elem)) FAILV("type mismatch: table.copy element types");
      TRY(tr_in_slots(t, three_i32, 3, &base));
      wi_TTB_write(tr_emit(t, IR_TABLE_COPY), (wi_TTB){ .dst_table = x, .src_table = y, .base = base });
      break;
    case OP_TABLE_GROW: {
      TRY(read_index(t, &x, t->m->ntables, "table"));
      uint8_t ty[2] = { t->m->tables[x].elem, WH_I32 };
      TRY(tr_in_slots(t, ty, 2, &base));
      wi_BT_write(tr_emit(t, IR_TABLE_GROW), (wi_BT){ .base = base, .table = x });
      TRY(tr_push_temp(t, WH_I32));
      break;
    }
    case OP_TABLE_SIZE:
      TRY(read_index(t, &x, t->m->ntables, "table"));
      wi_DT_write(tr_emit(t, IR_TABLE_SIZE), (wi_DT){ .dst = tr_slot(t, t->nst), .table = x });
      TRY(tr_push_temp(t, WH_I32));
      break;
    case OP_TABLE_FILL: {
      TRY(read_index(t, &x, t->m->ntables, "table"));
      uint8_t ty[3] = { WH_I32, t->m->tables[x].elem, WH_I32 };
      TRY(tr_in_slots(t, ty, 3, &base));
      wi_BT_write(tr_emit(t, IR_TABLE_FILL), (wi_BT){ .base = base, .table = x });
      break;
    }
    default:
      return numeric(t, oi);
  }
#undef OTHER_MEMORY
  tr_no_dst(t);
  return 0;
}

/* Reads each instruction's opcode and translates it, until the body's
 * own frame is closed (or memory ran out): one call per function, not per
 * instruction, since validation does little else for most of them.
 * Where the table fixes the result types, unreachable code gets them from
 * the table whatever the operands were: the validator's exactness does
 * not depend on each case remembering it (spec appendix, validation
 * algorithm). */
int tr_steps(tr *t) {
  while (t->nctl > 0 && !t->oom) {
    uint8_t byte;
    uint32_t code;
    const uint8_t *start = t->r.p;
    t->op_at = start;
    TRY(wi_rd_u8(&t->r, &byte));
    code = byte;
    if (byte >= 0xFC) {
      uint32_t sub;
      TRY(wi_rd_u32(&t->r, &sub));
      code = sub > 0xFFFF ? 0xFFFFFFFFu : ((uint32_t)byte << 16) | sub;
    }
    const wi_opinfo *oi = wi_op(code);
    if (!oi) {
      t->r.p = start;
      if (byte >= 0xFC) return wi_rd_fail(&t->r, "illegal opcode 0x%02x %u%s", byte, code & 0xFFFF, wi_unsupported_opcode(byte));
      return wi_rd_fail(&t->r, "illegal opcode 0x%02x%s", byte, wi_unsupported_opcode(byte));
    }
    int post = 0;
    if (WI_UNLIKELY(t->any64)) {
      int rc = tr_addr64_pre(t, code, oi, &post);
      if (rc < 0) return -1;
      if (rc) continue;
    }
    TRY(visit(t, code, oi));
    if (WI_UNLIKELY(t->maybe_unreachable)) {
      if (t->nctl > 0 && tr_top(t)->unreachable) {
        const uint8_t *out = oi->cls == WI_K_OP ? (const uint8_t *)oi->out : &oi->tout;
        for (uint32_t k = 0; k < oi->nout; k++) t->st[t->nst - oi->nout + k].type = out[k];
      } else {
        t->maybe_unreachable = false;
      }
    }
    if (WI_UNLIKELY(post)) tr_addr64_post(t, post);
  }
  return 0;
}
