/* Control frames (spec 3.3.5 blocks and branches): entering and closing
 * blocks, a label's operands moved into its slots, branches and the
 * patching of forward ones when their block ends. */
#include "translate.h"

int tr_push_ctl(tr *t, tr_ctl *proto) {
  if (t->nctl + 1 > t->capctl && !tr_grow(t, (void **)&t->ctls, &t->capctl, t->nctl + 1, sizeof(tr_ctl)))
    return -1;
  proto->patches = -1;
  proto->unreachable = false;
  proto->ilog = t->nilog;
  proto->zlog = t->nzlog;
  t->ctls[t->nctl++] = *proto;
  return 0;
}

int tr_read_blocktype(tr *t, tr_ctl *c) {
  int64_t bt;
  const uint8_t *p = t->r.p;
  /* one value type: a byte, or a typed reference (3.0: 0x63/0x64, the
   * bottom types' shorthands), all negative as an s33 type index */
  if (p < t->r.end && (*p == 0x40 || wi_is_valtype(*p) || *p == 0x63 || *p == 0x64 ||
                       *p == WI_VT_NULLFUNCREF || *p == WI_VT_NULLEXTERNREF)) {
    c->np = 0;
    c->params = NULL;
    if (*p == 0x40) {
      t->r.p++;
      c->nr = 0;
    } else {
      TRY(wi_rd_valtype(&t->r, t->m->ntypes, &c->single));
      c->nr = 1;
      c->is_single = true;
    }
    return 0;
  }
  TRY(wi_rd_s33(&t->r, &bt));
  if (bt < 0 || (uint64_t)bt >= t->m->ntypes) FAILV("unknown type %lld", (long long)bt);
  const wi_ftype *ft = t->m->types[bt];
  c->np = ft->ft.nparams;
  c->params = ft->ft.params;
  c->nr = ft->ft.nresults;
  c->results_ = ft->ft.results;
  return 0;
}

/* Enters block/loop/if after its operands are checked: everything below
 * is materialized so no path through the block can see a stale entry. */
int tr_enter_block(tr *t, tr_ctl *c) {
  TRY(tr_need(t, c->params, c->np));
  if (!tr_dead(t)) tr_materialize_all(t);
  c->height = t->nst - c->np;
  c->loop_pc = tr_label(t);
  c->else_j.at = -1;
  TRY(tr_push_ctl(t, c));
  /* params keep their entries, retyped exactly */
  for (uint32_t k = 0; k < c->np; k++) t->st[c->height + k].type = c->params[k];
  tr_no_dst(t);
  return 0;
}

void tr_set_unreachable(tr *t) {
  tr_ctl *c = tr_top(t);
  t->nst = c->height;
  c->unreachable = true;
  t->maybe_unreachable = true;
  tr_no_dst(t);
}

/* Moves the top n values into the label's slots; LOCAL sources that the
 * moves would overwrite before reading are first saved in their own
 * slots (only possible for a function's return, whose slots are the
 * params). */
int tr_move_to(tr *t, uint32_t dst_base, uint32_t n) {
  uint32_t first = t->nst - n;
  /* a value just computed is computed into place instead */
  if (n == 1 && t->st[first].kind == E_TEMP && tr_retarget(t, tr_slot(t, first), dst_base))
    return 0;
  for (uint32_t k = 0; k < n; k++) {
    tr_vent *e = &t->st[first + k];
    if (e->kind == E_LOCAL && e->local >= dst_base && e->local < dst_base + n &&
        e->local != dst_base + k)
      tr_materialize(t, first + k);
  }
  for (uint32_t k = 0; k < n; k++) {
    tr_vent *e = &t->st[first + k];
    uint32_t dst = dst_base + k;
    if (e->kind == E_CONST) tr_emit_const(t, dst, e->cval);
    else tr_emit_copy(t, dst, e->kind == E_LOCAL ? e->local : tr_slot(t, first + k), e->type);
  }
  return 0;
}

bool tr_needs_moves(tr *t, tr_ctl *c) {
  if (c->op == CTL_FUNC) return true; /* branches to the function return */
  uint32_t n = tr_label_arity(c);
  uint32_t first = t->nst - n;
  for (uint32_t k = 0; k < n; k++) {
    tr_vent *e = &t->st[first + k];
    if (e->kind != E_TEMP || first + k != c->height + k) return true;
  }
  return false;
}

int tr_add_patch(tr *t, tr_ctl *c, int64_t insn, uint32_t cell, uint8_t half) {
  if (insn < 0) return 0;
  if (!tr_grow(t, (void **)&t->patches, &t->cappatch, t->npatch + 1, sizeof(tr_patch))) return -1;
  tr_patch *p = &t->patches[t->npatch];
  p->insn = (uint32_t)insn;
  p->cell = (uint32_t)insn + cell;
  p->half = half;
  p->next = c->patches;
  c->patches = (int32_t)t->npatch++;
  return 0;
}

static void resolve_patches(tr *t, tr_ctl *c, uint32_t target) {
  for (int32_t k = c->patches; k >= 0; k = t->patches[k].next) {
    tr_patch *p = &t->patches[k];
    wi_cell *cell = tr_cell(t, p->cell);
    if (p->half) cell->s.b = target - p->insn;
    else cell->s.a = target - p->insn;
  }
  c->patches = -1;
}

/* A jump to label c (after moving its operands into place). */
int tr_branch(tr *t, tr_ctl *c) {
  if (tr_dead(t)) return 0; /* nothing to move or jump */
  if (c->op == CTL_FUNC) {
    /* the function's own label: a return */
    TRY(tr_move_to(t, 0, c->nr));
    tr_emit_return(t);
    return 0;
  }
  TRY(tr_move_to(t, tr_slot(t, c->height), tr_label_arity(c)));
  if (c->op == OP_LOOP && tr_fuse_const_br_back(t, c->loop_pc)) return 0;
  int64_t at;
  if (c->op == OP_LOOP) {
    wi_cell *b = tr_emit_at(t, IR_BR_BACK, &at);
    wi_O_write(b, (wi_O){ .off = (int32_t)((int64_t)c->loop_pc - at) });
    return 0;
  }
  tr_emit_at(t, IR_BR, &at);
  return tr_add_patch(t, c, at, 1, 0);
}

/* Checks the stack at the end of a block arm holds exactly the results,
 * and puts them in the label's slots. */
static int close_arm(tr *t, tr_ctl *c, uint32_t dst_base) {
  TRY(tr_need(t, tr_results(c), c->nr));
  if (t->nst - c->height != c->nr) FAILV("type mismatch: block leaves %u values, expected %u", t->nst - c->height, c->nr);
  return tr_dead(t) ? 0 : tr_move_to(t, dst_base, c->nr);
}

int tr_end(tr *t) {
  tr_ctl *c = tr_top(t);
  if (c->op == OP_IF && c->np != c->nr) FAILV("type mismatch: if without else must have matching param and result types");
  if (c->op == OP_IF) {
    for (uint32_t k = 0; k < c->np; k++)
      if (!wi_vt_sub(t->m, c->params[k], tr_results(c)[k])) FAILV("type mismatch: if without else");
  }
  if (c->op == CTL_FUNC) {
    /* function end: results go to slots 0..nr-1 */
    TRY(close_arm(t, c, 0));
    tr_emit_return(t);
    t->nctl--;
    return 0;
  }
  TRY(close_arm(t, c, tr_slot(t, c->height)));
  if (t->emit) {
    uint32_t here = tr_label(t);
    tr_set_jump(t, c->else_j, here);
    resolve_patches(t, c, here);
  }
  tr_locals_reset(t, c->ilog);
  if (c->op != OP_LOOP) tr_zero_reset(t, c->zlog);
  uint32_t h = c->height, nr = c->nr;
  uint8_t single = c->single;
  const uint8_t *rt = c->is_single ? &single : c->results_;
  t->nctl--;
  t->maybe_unreachable = true; /* the enclosing frame may be */
  t->nst = h;
  for (uint32_t k = 0; k < nr; k++) TRY(tr_push_temp(t, rt[k]));
  tr_no_dst(t);
  return 0;
}

int tr_else(tr *t) {
  tr_ctl *c = tr_top(t);
  if (c->op != OP_IF) FAILV("else without if");
  TRY(close_arm(t, c, tr_slot(t, c->height)));
  int64_t at;
  tr_emit_at(t, IR_BR, &at);
  TRY(tr_add_patch(t, c, at, 1, 0));
  if (t->emit) tr_set_jump(t, c->else_j, tr_label(t));
  c->else_j.at = -1;
  c->op = OP_ELSE;
  c->unreachable = false;
  tr_locals_reset(t, c->ilog);
  tr_zero_reset(t, c->zlog);
  t->nst = c->height;
  for (uint32_t k = 0; k < c->np; k++) TRY(tr_push_temp(t, c->params[k]));
  tr_no_dst(t);
  return 0;
}

int tr_br_table(tr *t) {
  uint32_t n;
  TRY(wi_rd_u32(&t->r, &n));
  if (n > (size_t)(t->r.end - t->r.p)) return wi_rd_fail(&t->r, "unexpected end");
  uint32_t *labels = malloc(((size_t)n + 1) * sizeof(uint32_t));
  if (!labels) {
    t->oom = true;
    return -1;
  }
  int rc = -1;
  for (uint32_t k = 0; k <= n; k++) {
    if (wi_rd_u32(&t->r, &labels[k])) goto out;
    if (labels[k] >= t->nctl) { tr_fail(t, "unknown label %u", labels[k]); goto out; }
  }
  if (tr_need1(t, WH_I32)) goto out;
  uint32_t idx, bias;
  bool biased = tr_fold_table_bias(t, &idx, &bias);
  if (!biased) idx = tr_operand(t, t->nst - 1);
  tr_pop(t, 1);
  tr_ctl *def = &t->ctls[t->nctl - 1 - labels[n]];
  uint32_t arity = tr_label_arity(def);
  for (uint32_t k = 0; k <= n; k++) {
    tr_ctl *c = &t->ctls[t->nctl - 1 - labels[k]];
    if (tr_label_arity(c) != arity) { tr_fail(t, "type mismatch: br_table labels have different arity"); goto out; }
    if (arity && tr_need_slow(t, tr_label_types(c), arity, false)) goto out;
  }
  tr_materialize_all(t);
  int op = biased ? IR_BR_TABLE_K : IR_BR_TABLE;
  uint32_t head = wi_ir_len[op];
  int64_t at = tr_emit_table(t, op, n + 1);
  if (at >= 0 && biased) wi_TBLK_write(&t->code[at], (wi_TBLK){ .idx = idx, .n = n, .k = bias });
  else if (at >= 0) wi_TBL_write(&t->code[at], (wi_TBL){ .idx = idx, .n = n });
  for (uint32_t k = 0; k <= n && at >= 0; k++) {
    tr_ctl *c = &t->ctls[t->nctl - 1 - labels[k]];
    uint32_t entry = (uint32_t)at + head + k;
    if (tr_needs_moves(t, c)) {
      /* a stub after the table: moves, then the branch */
      uint32_t here = tr_label(t);
      tr_cell(t, entry)->s.a = here - (uint32_t)at;
      if (tr_branch(t, c)) goto out;
    } else if (c->op == OP_LOOP) {
      tr_cell(t, entry)->s.a = (uint32_t)((int64_t)c->loop_pc - at);
    } else {
      if (tr_add_patch(t, c, at, head + k, 0)) goto out;
    }
  }
  tr_set_unreachable(t);
  rc = 0;
out:
  free(labels);
  return rc;
}
