/* The translator's virtual operand stack: entries, their types (the
 * validator's operand stack, spec appendix "validation algorithm") and
 * where their values are (a temp slot, a local, a constant). */
#include "translate.h"

int tr_push_slow(tr *t, uint8_t type, uint8_t kind, uint32_t local, uint64_t cval) {
  if (!tr_grow(t, (void **)&t->st, &t->capst, t->nst + 1, sizeof(tr_vent))) return -1;
  return tr_push(t, type, kind, local, cval);
}

/* Writes entry i into its own slot. */
void tr_materialize(tr *t, uint32_t i) {
  tr_vent *e = &t->st[i];
  e->zx = e->kind == E_CONST && (e->cval >> 32) == 0;
  if (e->kind == E_LOCAL) tr_emit_copy(t, tr_slot(t, i), e->local, e->type);
  else if (e->kind == E_CONST) tr_emit_const(t, tr_slot(t, i), e->cval);
  e->kind = E_TEMP;
}

void tr_materialize_all(tr *t) {
  for (uint32_t i = 0; i < t->nst; i++)
    if (t->st[i].kind != E_TEMP) tr_materialize(t, i);
}

/* Before local x is written: entries still reading it get their own copy. */
void tr_materialize_local(tr *t, uint32_t x) {
  for (uint32_t i = 0; i < t->nst; i++)
    if (t->st[i].kind == E_LOCAL && t->st[i].local == x) tr_materialize(t, i);
}

/* 3.0: an operand of a subtype will do (typed references, valtype.c) */
static bool types_match(const tr *t, uint8_t have, uint8_t want) {
  return have == want || have == T_UNKNOWN || want == T_UNKNOWN || wi_vt_sub(t->m, have, want);
}

/* Checks that an operand of `want` is available `depth` below the top;
 * its index, or -1 when it comes from the polymorphic stack. */
int tr_peek(tr *t, uint32_t depth, uint8_t want, int64_t *idx) {
  tr_ctl *c = tr_top(t);
  if (t->nst < c->height + depth + 1) {
    if (c->unreachable) { *idx = -1; return 0; }
    FAILV("type mismatch: expected %s but nothing on stack", wh_valtype_name(want));
  }
  uint32_t i = t->nst - 1 - depth;
  if (!types_match(t, t->st[i].type, want))
    FAILV("type mismatch: expected %s, got %s", wh_valtype_name(want), wh_valtype_name(t->st[i].type));
  *idx = i;
  return 0;
}

int tr_need_slow(tr *t, const uint8_t *types, uint32_t n, bool retype) {
  tr_ctl *c = tr_top(t);
  uint32_t avail = t->nst - c->height;
  if (avail < n) {
    if (!c->unreachable)
      FAILV("type mismatch: expected %u values, got %u", n, avail);
    /* insert unknowns below the available ones */
    uint32_t missing = n - avail;
    if (!tr_grow(t, (void **)&t->st, &t->capst, t->nst + missing, sizeof(tr_vent))) return -1;
    memmove(&t->st[c->height + missing], &t->st[c->height], avail * sizeof(tr_vent));
    for (uint32_t k = 0; k < missing; k++)
      t->st[c->height + k] = (tr_vent){ .type = T_UNKNOWN, .kind = E_TEMP };
    t->nst += missing;
    if (t->nst > t->maxh) t->maxh = t->nst;
  }
  for (uint32_t k = 0; k < n; k++) {
    tr_vent *e = &t->st[t->nst - n + k];
    if (!types_match(t, e->type, types[k]))
      FAILV("type mismatch: expected %s, got %s", wh_valtype_name(types[k]), wh_valtype_name(e->type));
    /* an operand from the polymorphic stack takes the type it was
     * checked against: what stays on the stack (local.tee's value,
     * br_if's and a block's operands) has that type, as in the spec's
     * algorithm where push_vals(types) follows pop_vals(types).
     * br_table is the exception: it pushes back what it popped. */
    if (retype && e->type == T_UNKNOWN) e->type = types[k];
  }
  return 0;
}
