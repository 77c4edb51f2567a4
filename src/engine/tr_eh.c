/* The visitor's exception handling (3.0 spec 3.3.8 throw, throw_ref,
 * try_table; and the legacy try/catch/catch_all/rethrow/delegate of the
 * exception-handling proposal's first version, which LLVM emits by
 * default).
 *
 * A try block covers a region of the code; the function's regions and
 * their clauses become a table (wi_eh_table, internal.h) that the
 * interpreter searches only when something is thrown: entering and
 * leaving a try costs nothing at run time, beyond a jump over the landing
 * code of a try_table.
 *
 * try_table: each clause gets landing code placed before the body (jumped
 * over): the unwinder writes the payload (and the exnref) into slots above
 * the operand stack, and the landing code is an ordinary branch to the
 * clause's label, with its moves.
 *
 * Legacy try: a catch body starts like an else arm, with the payload at
 * the block's height.  The caught exception (for rethrow) lives in a
 * hidden exnref slot just below the block, pushed when the try opens and
 * removed when it ends (its results are moved down one slot then): it is
 * below every slot the body can use, so calls in the body, whose frames
 * start at the operand stack's top, never overwrite it.  The end of a
 * catch body releases the exception (tag.c). */
#include "translate.h"

enum { K_TRY_TABLE, K_LEGACY };
enum { P_BODY, P_CATCH, P_CATCH_ALL };

typedef struct tr_try {
  uint8_t kind, phase;
  int32_t region;      /* index in regions, -1 when nothing is emitted */
  int32_t arm;         /* legacy: the catch body open, -1 none */
} tr_try;

typedef struct tr_eh {
  tr_try *tries;
  uint32_t ntries, captries;
  wi_eh_region *regions;
  uint32_t nregions, capregions;
  wi_eh_clause *clauses;
  uint32_t *clause_region; /* legacy clauses come after nested ones: sorted at publish */
  uint32_t nclauses, capclauses, capcr;
  wi_eh_arm *arms;
  uint32_t narms, caparms;
} eh_state;

static eh_state *state(tr *t) {
  if (!t->eh && !(t->eh = calloc(1, sizeof *t->eh))) t->oom = true;
  return t->eh;
}

static tr_try *try_of(tr *t, const tr_ctl *c) { return c->eh ? &t->eh->tries[c->eh - 1] : NULL; }

/* The innermost region a throw at control depth <= k would be caught in:
 * a try_table, or a legacy try still in its body (not a catch). */
static int32_t active_region(tr *t, int64_t k) {
  for (; k >= 0; k--) {
    const tr_try *y = try_of(t, &t->ctls[k]);
    if (y && y->phase == P_BODY && y->region >= 0) return y->region;
  }
  return -1;
}

static int32_t open_region(tr *t) {
  eh_state *e = t->eh;
  if (!tr_live(t)) return -1;
  int32_t parent = active_region(t, (int64_t)t->nctl - 1);
  if (!tr_grow(t, (void **)&e->regions, &e->capregions, e->nregions + 1, sizeof *e->regions)) return -1;
  wi_eh_region *g = &e->regions[e->nregions];
  memset(g, 0, sizeof *g);
  g->start = tr_label(t);
  g->end = g->start;
  g->parent = parent;
  g->delegate = -2;
  return (int32_t)e->nregions++;
}

static int add_try(tr *t, uint8_t kind, int32_t region) {
  eh_state *e = t->eh;
  if (!tr_grow(t, (void **)&e->tries, &e->captries, e->ntries + 1, sizeof *e->tries)) return -1;
  e->tries[e->ntries++] = (tr_try){ .kind = kind, .phase = P_BODY, .region = region, .arm = -1 };
  tr_top(t)->eh = e->ntries;
  return 0;
}

static int add_clause(tr *t, int32_t region, wi_eh_clause c) {
  eh_state *e = t->eh;
  if (region < 0) return 0;
  if (!tr_grow(t, (void **)&e->clauses, &e->capclauses, e->nclauses + 1, sizeof *e->clauses) ||
      !tr_grow(t, (void **)&e->clause_region, &e->capcr, e->nclauses + 1, sizeof(uint32_t)))
    return 0; /* t->oom reports it */
  e->clauses[e->nclauses] = c;
  e->clause_region[e->nclauses++] = (uint32_t)region;
  return 0;
}

static int read_tag(tr *t, uint32_t *x) {
  TRY(wi_rd_u32(&t->r, x));
  if (*x >= t->m->ntags) FAILV("unknown tag %u", *x);
  return 0;
}

static const wh_functype *tag_type(tr *t, uint32_t x) { return &t->m->tag_types[x]->ft; }

/* try_table's landing code for one clause: the payload (and exnref) as
 * temps above the stack's top (whatever the body had there is dead once
 * it threw), branched to the label; *base is their first slot. */
static int landing(tr *t, const wh_functype *ft, bool ref, tr_ctl *label, uint32_t *pad,
                   uint32_t *base) {
  uint32_t saved = t->nst;
  tr_no_dst(t);
  *pad = tr_label(t);
  *base = tr_slot(t, saved);
  for (uint32_t k = 0; ft && k < ft->nparams; k++) TRY(tr_push_temp(t, ft->params[k]));
  if (ref) TRY(tr_push_temp(t, WH_EXNREF));
  TRY(tr_branch(t, label));
  t->nst = saved;
  tr_no_dst(t);
  return 0;
}

static int try_table(tr *t) {
  tr_ctl nc;
  memset(&nc, 0, sizeof nc);
  nc.op = OP_BLOCK;
  TRY(tr_read_blocktype(t, &nc));
  uint32_t n;
  TRY(wi_rd_u32(&t->r, &n));
  if (n > (size_t)(t->r.end - t->r.p)) return wi_rd_fail(&t->r, "unexpected end");
  const uint8_t *clauses = t->r.p;
  /* first pass: validate the clauses against their labels */
  for (uint32_t i = 0; i < n; i++) {
    uint8_t kind;
    uint32_t x = 0, l;
    TRY(wi_rd_u8(&t->r, &kind));
    if (kind > 3) return wi_rd_fail(&t->r, "malformed catch clause");
    if (kind < 2) TRY(read_tag(t, &x));
    TRY(wi_rd_u32(&t->r, &l));
    if (l >= t->nctl) FAILV("unknown label %u", l);
    const tr_ctl *c = &t->ctls[t->nctl - 1 - l];
    const wh_functype *ft = kind < 2 ? tag_type(t, x) : NULL;
    uint32_t np = ft ? ft->nparams : 0;
    bool ref = kind & 1;
    uint32_t arity = tr_label_arity(c);
    const uint8_t *lt = tr_label_types(c);
    bool ok = arity == np + ref && (!ref || wi_vt_sub(t->m, WI_VT_REF_EXN, lt[np]));
    for (uint32_t k = 0; ok && k < np; k++) ok = wi_vt_sub(t->m, ft->params[k], lt[k]);
    if (!ok) FAILV("type mismatch: catch clause does not match its label");
  }
  TRY(tr_need(t, nc.params, nc.np));
  tr_materialize_all(t);
  int32_t region = -1;
  if (tr_live(t) && state(t)) {
    int64_t over;
    tr_emit_at(t, IR_BR, &over);
    uint32_t first = t->eh->nclauses;
    const uint8_t *end = t->r.p;
    t->r.p = clauses;
    for (uint32_t i = 0; i < n; i++) {
      uint8_t kind;
      uint32_t x = 0, l, pad, base;
      wi_rd_u8(&t->r, &kind);
      if (kind < 2) wi_rd_u32(&t->r, &x);
      wi_rd_u32(&t->r, &l);
      const wh_functype *ft = kind < 2 ? tag_type(t, x) : NULL;
      TRY(landing(t, ft, kind & 1, &t->ctls[t->nctl - 1 - l], &pad, &base));
      static const uint8_t kinds[4] = { WI_EH_CATCH, WI_EH_CATCH_REF, WI_EH_CATCH_ALL, WI_EH_CATCH_ALL_REF };
      /* (region 0 until the region opens below) */
      TRY(add_clause(t, 0, (wi_eh_clause){ .kind = kinds[kind], .tag = x, .pad = pad, .base = base }));
    }
    t->r.p = end;
    if (over >= 0) tr_set_jump(t, (tr_jump){ .at = over, .cell = 1, .half = 0 }, tr_label(t));
    TRY(tr_enter_block(t, &nc));
    region = open_region(t);
    for (uint32_t k = first; k < t->eh->nclauses && region >= 0; k++) t->eh->clause_region[k] = (uint32_t)region;
    if (region < 0) t->eh->nclauses = first;
  } else {
    TRY(tr_enter_block(t, &nc));
    if (!state(t)) return -1;
  }
  return add_try(t, K_TRY_TABLE, region);
}

static int legacy_try(tr *t) {
  tr_ctl nc;
  memset(&nc, 0, sizeof nc);
  nc.op = OP_BLOCK;
  TRY(tr_read_blocktype(t, &nc));
  TRY(tr_need(t, nc.params, nc.np));
  tr_materialize_all(t);
  if (!state(t)) return -1;
  /* the hidden slot goes below the params, which move up one */
  uint32_t h = t->nst - nc.np;
  TRY(tr_push_temp(t, WH_EXNREF));
  for (uint32_t k = nc.np; k-- > 0;) {
    t->st[h + k + 1] = t->st[h + k];
    tr_emit_copy(t, tr_slot(t, h + k + 1), tr_slot(t, h + k), t->st[h + k + 1].type);
  }
  t->st[h] = (tr_vent){ .type = WH_EXNREF, .kind = E_TEMP };
  TRY(tr_enter_block(t, &nc));
  return add_try(t, K_LEGACY, open_region(t));
}

/* Closes the arm of try block c that ends here: its results into the
 * block's slots, and (a catch body) its exception released. */
static int close_arm(tr *t, tr_ctl *c, bool release) {
  TRY(tr_need(t, tr_results(c), c->nr));
  if (t->nst - c->height != c->nr) FAILV("type mismatch: block leaves %u values, expected %u", t->nst - c->height, c->nr);
  TRY(tr_move_to(t, tr_slot(t, c->height), c->nr));
  if (release) wi_X_write(tr_emit(t, IR_EXN_RELEASE), (wi_X){ .x = tr_slot(t, c->height - 1) });
  return 0;
}

static void end_body(tr *t, tr_try *y) {
  if (y->region >= 0 && y->phase == P_BODY) t->eh->regions[y->region].end = tr_label(t);
  if (y->arm >= 0) t->eh->arms[y->arm].end = tr_label(t);
  y->arm = -1;
}

static void open_arm(tr *t, tr_try *y, uint32_t start, uint32_t hold) {
  eh_state *e = t->eh;
  if (y->region < 0 || !tr_grow(t, (void **)&e->arms, &e->caparms, e->narms + 1, sizeof *e->arms)) return;
  e->arms[e->narms] = (wi_eh_arm){ .start = start, .end = start, .hold = hold };
  y->arm = (int32_t)e->narms++;
}

static int legacy_catch(tr *t, uint32_t op) {
  tr_ctl *c = tr_top(t);
  tr_try *y = try_of(t, c);
  uint32_t x = 0;
  if (op == OP_CATCH) TRY(read_tag(t, &x));
  if (!y || y->kind != K_LEGACY) FAILV("%s without try", op == OP_CATCH ? "catch" : "catch_all");
  if (y->phase == P_CATCH_ALL) FAILV("%s after catch_all", op == OP_CATCH ? "catch" : "catch_all");
  end_body(t, y);
  TRY(close_arm(t, c, y->phase != P_BODY));
  int64_t at;
  tr_emit_at(t, IR_BR, &at);
  TRY(tr_add_patch(t, c, at, 1, 0));
  y->phase = op == OP_CATCH ? P_CATCH : P_CATCH_ALL;
  c->unreachable = false;
  tr_zero_reset(t, c->zlog); /* a handler starts from the try's start */
  t->nst = c->height;
  tr_no_dst(t);
  uint32_t pad = tr_label(t);
  open_arm(t, y, pad, tr_slot(t, c->height - 1));
  TRY(add_clause(t, y->region, (wi_eh_clause){ .kind = op == OP_CATCH ? WI_EH_LEGACY : WI_EH_LEGACY_ALL,
                                               .tag = x, .pad = pad, .base = tr_slot(t, c->height),
                                               .hold = tr_slot(t, c->height - 1) }));
  if (op == OP_CATCH) {
    const wh_functype *ft = tag_type(t, x);
    for (uint32_t k = 0; k < ft->nparams; k++) TRY(tr_push_temp(t, ft->params[k]));
  }
  return 0;
}

/* The end of a legacy try (end or delegate): the results move down over
 * the hidden slot. */
static int legacy_end(tr *t, tr_try *y) {
  tr_ctl *c = tr_top(t);
  end_body(t, y);
  /* (the hidden slot is below the results tr_end moves into place) */
  if (y->phase != P_BODY) {
    wi_X_write(tr_emit(t, IR_EXN_RELEASE), (wi_X){ .x = tr_slot(t, c->height - 1) });
    tr_no_dst(t);
  }
  uint32_t h = c->height, nr = c->nr;
  TRY(tr_end(t));
  for (uint32_t k = 0; k < nr; k++) {
    tr_emit_copy(t, tr_slot(t, h - 1 + k), tr_slot(t, h + k), t->st[h + k].type);
    t->st[h - 1 + k] = t->st[h + k];
    t->st[h - 1 + k].zx = false;
  }
  t->nst--;
  tr_no_dst(t);
  return 0;
}

int tr_eh_end(tr *t) {
  tr_try *y = try_of(t, tr_top(t));
  if (y->kind == K_LEGACY) return legacy_end(t, y);
  end_body(t, y);
  return tr_end(t);
}

static int delegate(tr *t) {
  uint32_t l;
  tr_ctl *c = tr_top(t);
  tr_try *y = try_of(t, c);
  TRY(wi_rd_u32(&t->r, &l));
  if (!y || y->kind != K_LEGACY || y->phase != P_BODY) FAILV("delegate without try");
  if (l >= t->nctl - 1) FAILV("unknown label %u", l);
  if (y->region >= 0) t->eh->regions[y->region].delegate = active_region(t, (int64_t)t->nctl - 2 - l);
  return legacy_end(t, y);
}

int tr_eh(tr *t, uint32_t op) {
  uint32_t x, base;
  switch (op) {
    case OP_TRY_TABLE: return try_table(t);
    case OP_TRY: return legacy_try(t);
    case OP_CATCH: case OP_CATCH_ALL: return legacy_catch(t, op);
    case OP_DELEGATE: return delegate(t);
    case OP_THROW: {
      TRY(read_tag(t, &x));
      const wh_functype *ft = tag_type(t, x);
      TRY(tr_in_slots(t, ft->params, ft->nparams, &base));
      wi_TGB_write(tr_emit(t, IR_THROW), (wi_TGB){ .tag = x, .base = base });
      break;
    }
    case OP_THROW_REF: {
      TRY(tr_need1(t, WH_EXNREF));
      uint32_t a = tr_operand(t, t->nst - 1);
      tr_pop(t, 1);
      wi_X_write(tr_emit(t, IR_THROW_REF), (wi_X){ .x = a });
      break;
    }
    case OP_RETHROW: {
      TRY(wi_rd_u32(&t->r, &x));
      if (x >= t->nctl) FAILV("unknown label %u", x);
      tr_ctl *c = &t->ctls[t->nctl - 1 - x];
      tr_try *y = try_of(t, c);
      if (!y || y->kind != K_LEGACY || y->phase == P_BODY) FAILV("invalid rethrow label");
      wi_X_write(tr_emit(t, IR_RETHROW), (wi_X){ .x = tr_slot(t, c->height - 1) });
      break;
    }
    default:
      return wi_rd_fail(&t->r, "illegal opcode");
  }
  tr_no_dst(t);
  tr_set_unreachable(t);
  return 0;
}

/* The region table into the function (before its code is published):
 * clauses grouped by region, in the order they were written. */
int tr_eh_publish(tr *t) {
  eh_state *e = t->eh;
  wi_eh_table *old = t->f->eh;
  t->f->eh = NULL;
  wi_eh_table_free(old);
  if (!e || !e->nregions) return 0;
  wi_eh_table *tb = calloc(1, sizeof *tb);
  if (!tb) return -1;
  tb->nregions = e->nregions;
  tb->narms = e->narms;
  tb->regions = malloc(e->nregions * sizeof *tb->regions);
  tb->clauses = malloc((e->nclauses + 1) * sizeof *tb->clauses);
  tb->arms = malloc((e->narms + 1) * sizeof *tb->arms);
  if (!tb->regions || !tb->clauses || !tb->arms) {
    wi_eh_table_free(tb);
    return -1;
  }
  if (tb->narms) memcpy(tb->arms, e->arms, e->narms * sizeof *tb->arms);
  memcpy(tb->regions, e->regions, e->nregions * sizeof *tb->regions);
  for (uint32_t r = 0; r < e->nregions; r++) tb->regions[r].n = 0;
  for (uint32_t k = 0; k < e->nclauses; k++) tb->regions[e->clause_region[k]].n++;
  uint32_t at = 0;
  for (uint32_t r = 0; r < e->nregions; r++) {
    tb->regions[r].first = at;
    at += tb->regions[r].n;
    tb->regions[r].n = 0;
  }
  for (uint32_t k = 0; k < e->nclauses; k++) {
    wi_eh_region *g = &tb->regions[e->clause_region[k]];
    tb->clauses[g->first + g->n++] = e->clauses[k];
  }
  t->f->eh = tb;
  return 0;
}

void tr_eh_free(tr *t) {
  eh_state *e = t->eh;
  if (!e) return;
  free(e->tries);
  free(e->regions);
  free(e->clauses);
  free(e->clause_region);
  free(e->arms);
  free(e);
  t->eh = NULL;
}
