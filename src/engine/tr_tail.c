/* The visitor's tail calls (3.0, spec 3.3.8 return_call /
 * return_call_indirect): the callee's results must be the caller's; the
 * arguments are left in consecutive slots at the top of the stack and the
 * handler (interp_tail.inc) moves them down to the frame's first slots and
 * reuses the frame, so a chain of tail calls runs in constant space. */
#include "translate.h"

static int same_results(tr *t, const wi_ftype *ft) {
  const tr_ctl *f = &t->ctls[0];
  bool same = ft->ft.nresults == f->nr;
  for (uint32_t k = 0; same && k < f->nr; k++) same = wi_vt_sub(t->m, ft->ft.results[k], tr_results(f)[k]);
  if (!same) FAILV("type mismatch: a tail call must return the caller's results");
  return 0;
}

static int args(tr *t, const wi_ftype *ft, uint32_t *base) {
  uint32_t np = ft->ft.nparams;
  TRY(tr_need(t, ft->ft.params, np));
  for (uint32_t k = t->nst - np; k < t->nst; k++)
    if (t->st[k].kind != E_TEMP) tr_materialize(t, k);
  *base = tr_slot(t, t->nst - np);
  tr_pop(t, np);
  return 0;
}

int tr_tail_call(tr *t, uint32_t op) {
  uint32_t x, base;
  if (op == OP_RETURN_CALL) {
    TRY(wi_rd_u32(&t->r, &x));
    if (x >= t->m->nfuncs) FAILV("unknown function %u", x);
    const wi_ftype *ft = t->m->func_types[x];
    TRY(same_results(t, ft));
    TRY(args(t, ft, &base));
    bool imported = x < t->m->nfunc_imports;
    uint32_t fx = imported ? x : x - t->m->nfunc_imports;
    wi_FB_write(tr_emit(t, imported ? IR_RETURN_CALL_IMPORT : IR_RETURN_CALL), (wi_FB){ .func = fx, .base = base });
  } else {
    uint32_t ti;
    TRY(wi_rd_u32(&t->r, &x));
    TRY(wi_rd_u32(&t->r, &ti));
    if (ti >= t->m->ntables) FAILV("unknown table %u", ti);
    if (x >= t->m->ntypes) FAILV("unknown type %u", x);
    if (!wi_vt_sub(t->m, t->m->tables[ti].elem, WH_FUNCREF)) FAILV("type mismatch: return_call_indirect on a table of externref");
    const wi_ftype *ft = t->m->types[x];
    TRY(same_results(t, ft));
    TRY(tr_need1(t, WH_I32));
    uint32_t islot = tr_operand(t, t->nst - 1); /* read before anything moves */
    tr_pop(t, 1);
    TRY(args(t, ft, &base));
    wi_CALLI_write(tr_emit(t, IR_RETURN_CALL_INDIRECT),
                   (wi_CALLI){ .type = ft->id, .base = base, .table = ti, .idx = islot });
  }
  tr_no_dst(t);
  tr_set_unreachable(t);
  return 0;
}
