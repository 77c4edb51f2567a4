/* The visitor's typed function references (3.0, spec 3.3.3 / 3.3.8):
 * call_ref, return_call_ref, ref.as_non_null, br_on_null, br_on_non_null,
 * and the "local initialized" state of non-defaultable locals (spec 3.3.5:
 * a local of a non-nullable type must be set before it is read; what a
 * block sets is forgotten at its end). */
#include "translate.h"

/* Tracks initialization only when the function has a non-defaultable
 * local, so other functions pay nothing. */
int tr_locals_begin(tr *t) {
  const wi_funcdef *f = t->f;
  uint32_t np = f->type->ft.nparams;
  t->zread_lo = UINT32_MAX;
  t->zread_hi = 0;
  if (t->emit && f->nlocals > np) {
    t->zset = calloc(f->nlocals, 1);
    if (!t->zset) {
      t->oom = true;
      return -1;
    }
    memset(t->zset, 1, np);
  }
  bool any = false;
  for (uint32_t i = np; i < f->nlocals && !any; i++) any = !wi_vt_defaultable(f->local_types[i]);
  if (!any) return 0;
  t->linit = malloc(f->nlocals);
  if (!t->linit) {
    t->oom = true;
    return -1;
  }
  for (uint32_t i = 0; i < f->nlocals; i++) t->linit[i] = i < np || wi_vt_defaultable(f->local_types[i]);
  return 0;
}

void tr_locals_end(tr *t) {
  free(t->linit);
  free(t->ilog);
  t->linit = NULL;
  t->ilog = NULL;
  free(t->zset);
  free(t->zlog);
  t->zset = NULL;
  t->zlog = NULL;
}

int tr_zero_first_set(tr *t, uint32_t x) {
  if (!tr_grow(t, (void **)&t->zlog, &t->capzlog, t->nzlog + 1, sizeof *t->zlog)) return -1;
  t->zlog[t->nzlog++] = x;
  t->zset[x] = 1;
  return 0;
}

int tr_local_unset(tr *t, uint32_t x) { FAILV("uninitialized local %u", x); }

int tr_local_first_set(tr *t, uint32_t x) {
  if (!tr_grow(t, (void **)&t->ilog, &t->capilog, t->nilog + 1, sizeof *t->ilog)) return -1;
  t->ilog[t->nilog++] = x;
  t->linit[x] = 1;
  return 0;
}


static int ref_type_index(tr *t, uint32_t *x) {
  TRY(wi_rd_u32(&t->r, x));
  if (*x >= t->m->ntypes) FAILV("unknown type %u", *x);
  if (*x >= WI_VT_MAX_CONCRETE)
    FAILV("typed reference to type %u: wasihost supports typed references to the first %u types of a "
          "module only", *x, WI_VT_MAX_CONCRETE);
  return 0;
}

/* call_ref $t / return_call_ref $t: [args (ref null $t)] -> results.  The
 * handler still compares the callee's signature id: a reference that came
 * through the JS API or another module's global is typed by family only
 * (valtype.c), and a mismatch must trap, never run. */
static int call_ref(tr *t, bool tail) {
  uint32_t x, base;
  TRY(ref_type_index(t, &x));
  const wi_ftype *ft = t->m->types[x];
  if (tail) {
    const tr_ctl *f = &t->ctls[0];
    bool same = ft->ft.nresults == f->nr;
    for (uint32_t k = 0; same && k < f->nr; k++)
      same = wi_vt_sub(t->m, ft->ft.results[k], tr_results(f)[k]);
    if (!same) FAILV("type mismatch: a tail call must return the caller's results");
  }
  TRY(tr_need1(t, (uint8_t)(0x80 + 2 * x + 1)));
  uint32_t rslot = tr_operand(t, t->nst - 1); /* read before the call writes */
  tr_pop(t, 1);
  uint32_t np = ft->ft.nparams;
  TRY(tr_need(t, ft->ft.params, np));
  for (uint32_t k = t->nst - np; k < t->nst; k++)
    if (t->st[k].kind != E_TEMP) tr_materialize(t, k);
  base = tr_slot(t, t->nst - np);
  wi_TBX_write(tr_emit(t, tail ? IR_RETURN_CALL_REF : IR_CALL_REF),
               (wi_TBX){ .type = ft->id, .base = base, .x = rslot });
  tr_pop(t, np);
  if (tail) {
    tr_no_dst(t);
    tr_set_unreachable(t);
    return 0;
  }
  for (uint32_t k = 0; k < ft->ft.nresults; k++) TRY(tr_push_temp(t, ft->ft.results[k]));
  tr_no_dst(t);
  return 0;
}

/* The reference on top: its type (T_UNKNOWN from the polymorphic stack). */
static int top_ref(tr *t, uint8_t *type) {
  int64_t idx;
  TRY(tr_peek(t, 0, T_UNKNOWN, &idx));
  *type = idx >= 0 ? t->st[idx].type : T_UNKNOWN;
  if (*type != T_UNKNOWN && !wi_vt_is_ref(*type))
    FAILV("type mismatch: expected a reference, got %s", wh_valtype_name(*type));
  if (idx < 0) TRY(tr_need1(t, T_UNKNOWN));
  return 0;
}

/* A conditional branch on the reference in slot `cond`: taken when it is
 * null (on_null) or not.  Label operands are on top of the virtual stack. */
static int branch_on(tr *t, uint32_t x, uint32_t cond, bool on_null) {
  tr_ctl *c = &t->ctls[t->nctl - 1 - x];
  int64_t at;
  if (!tr_needs_moves(t, c)) {
    bool back = c->op == OP_LOOP;
    int op = on_null ? (back ? IR_BR_IFZ64_BACK : IR_BR_IFZ64) : (back ? IR_BR_IF64_BACK : IR_BR_IF64);
    wi_CO_write(tr_emit_at(t, op, &at), (wi_CO){ .cond = cond, .off = 0 });
    tr_jump j = { at, 1, 1 };
    if (back) tr_set_jump(t, j, c->loop_pc);
    else TRY(tr_add_patch(t, c, at, 1, 1));
  } else {
    /* skip the label's moves and jump when not taken */
    wi_CO_write(tr_emit_at(t, on_null ? IR_BR_IF64 : IR_BR_IFZ64, &at), (wi_CO){ .cond = cond, .off = 0 });
    tr_jump j = { at, 1, 1 };
    TRY(tr_branch(t, c));
    tr_set_jump(t, j, tr_label(t));
  }
  tr_no_dst(t);
  return 0;
}

int tr_ref(tr *t, uint32_t op) {
  uint32_t x;
  uint8_t rt;
  switch (op) {
    case OP_CALL_REF: return call_ref(t, false);
    case OP_RETURN_CALL_REF: return call_ref(t, true);
    case OP_REF_AS_NON_NULL: {
      TRY(top_ref(t, &rt));
      uint32_t slot = tr_operand(t, t->nst - 1);
      wi_D_write(tr_emit(t, IR_REF_AS_NON_NULL), (wi_D){ .dst = slot });
      tr_no_dst(t);
      t->st[t->nst - 1].type = rt == T_UNKNOWN ? T_UNKNOWN : wi_vt_non_null(rt);
      return 0;
    }
    case OP_BR_ON_NULL: {
      TRY(wi_rd_u32(&t->r, &x));
      if (x >= t->nctl) FAILV("unknown label %u", x);
      TRY(top_ref(t, &rt));
      tr_ctl *c = &t->ctls[t->nctl - 1 - x];
      uint32_t cond = tr_operand(t, t->nst - 1);
      tr_vent e = t->st[--t->nst];
      TRY(tr_need(t, tr_label_types(c), tr_label_arity(c)));
      for (uint32_t k = 0; k < tr_label_arity(c); k++)
        t->st[t->nst - tr_label_arity(c) + k].type = tr_label_types(c)[k];
      if (!tr_dead(t)) TRY(branch_on(t, x, cond, true));
      e.type = rt == T_UNKNOWN ? T_UNKNOWN : wi_vt_non_null(rt);
      t->st[t->nst++] = e;
      return 0;
    }
    case OP_BR_ON_NON_NULL: {
      TRY(wi_rd_u32(&t->r, &x));
      if (x >= t->nctl) FAILV("unknown label %u", x);
      tr_ctl *c = &t->ctls[t->nctl - 1 - x];
      uint32_t n = tr_label_arity(c);
      if (n == 0 || !wi_vt_is_ref(tr_label_types(c)[n - 1]))
        FAILV("type mismatch: br_on_non_null's label must take a reference last");
      TRY(top_ref(t, &rt));
      /* the reference goes to the label as non-null */
      if (rt != T_UNKNOWN) t->st[t->nst - 1].type = wi_vt_non_null(rt);
      uint32_t cond = tr_operand(t, t->nst - 1);
      TRY(tr_need(t, tr_label_types(c), n));
      for (uint32_t k = 0; k + 1 < n; k++) t->st[t->nst - n + k].type = tr_label_types(c)[k];
      if (!tr_dead(t)) TRY(branch_on(t, x, cond, false));
      tr_pop(t, 1);
      tr_no_dst(t);
      return 0;
    }
  }
  return wi_rd_fail(&t->r, "illegal opcode");
}
