/* Module-level validation (spec 3.4): everything but function bodies,
 * which the translator validates as it translates them (translate.h). */
#include "internal.h"

#define INVALID(...) return wi_err_set(err, WH_ERR_INVALID, __VA_ARGS__)

/* Constant expressions: global.get names an immutable global among the
 * first `visible` ones.  3.0 (spec 3.4): a global's initializer sees the
 * imported globals and the globals defined before it; segment offsets and
 * items see every global.  (2.0 allowed imported globals only.) */
static int check_constexpr(wh_module *m, const wi_constexpr *ce, uint8_t want,
                           uint32_t visible, wh_error *err) {
  uint8_t got = ce->type;
  switch (ce->kind) {
    case WI_CE_GLOBAL:
      if (ce->index >= visible) INVALID("unknown global %u", ce->index);
      if (m->globals[ce->index].type.mutable_)
        INVALID("constant expression required: global %u is mutable", ce->index);
      got = m->globals[ce->index].type.type;
      break;
    case WI_CE_REF_FUNC:
      if (ce->index >= m->nfuncs) INVALID("unknown function %u", ce->index);
      m->declared_funcs[ce->index] = 1;
      got = wi_vt_of_func(m, ce->index);
      break;
    case WI_CE_REF_NULL:
      if (got >= 0x80 && wi_vt_concrete_index(got) >= m->ntypes)
        INVALID("unknown type %u", wi_vt_concrete_index(got));
      break;
    case WI_CE_EXPR:
      if (wi_constexpr_check(m, ce, visible, &got, err)) return err->status;
      break;
    default:
      break;
  }
  if (got != want && !wi_vt_sub(m, got, want)) /* 3.0: a subtype will do */
    INVALID("type mismatch: constant expression has type %s, expected %s",
            wh_valtype_name(got), wh_valtype_name(want));
  return 0;
}

static int check_limits(const wh_limits *l, uint64_t bound, const char *what,
                        wh_error *err) {
  if (l->min > bound) INVALID("%s size must be at most %llu", what, (unsigned long long)bound);
  if (l->has_max && l->max > bound) INVALID("%s size must be at most %llu", what, (unsigned long long)bound);
  if (l->has_max && l->max < l->min) INVALID("size minimum must not be greater than maximum");
  return 0;
}

int wi_validate_module(wh_module *m, wh_error *err) {
  m->declared_funcs = calloc(m->nfuncs + 1, 1);
  if (!m->declared_funcs) return wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  for (uint32_t i = 0; i < m->nmems; i++) m->any64 |= m->mems[i].addr64 != 0;
  for (uint32_t i = 0; i < m->ntables; i++) m->any64 |= m->tables[i].limits.addr64 != 0;
  for (uint32_t i = 0; i < m->nfuncs; i++)
    if (m->func_typeidx[i] >= m->ntypes) INVALID("unknown type %u", m->func_typeidx[i]);
  /* exception handling (3.0): a tag's type has no results */
  if (m->ntags && !(m->tag_types = calloc(m->ntags, sizeof *m->tag_types)))
    return wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  for (uint32_t i = 0; i < m->ntags; i++) {
    if (m->tag_typeidx[i] >= m->ntypes) INVALID("unknown type %u", m->tag_typeidx[i]);
    m->tag_types[i] = m->types[m->tag_typeidx[i]];
    if (m->tag_types[i]->ft.nresults) INVALID("non-empty tag result type");
  }
  for (uint32_t i = 0; i < m->ntables; i++)
    if (check_limits(&m->tables[i].limits, m->tables[i].limits.addr64 ? UINT64_MAX : 0xffffffffu, "table", err))
      return err->status;
  for (uint32_t i = 0; i < m->nmems; i++) {
    /* memory64 (3.0): up to 2^48 pages may be declared */
    if (m->mems[i].addr64 && check_limits(&m->mems[i], 1ull << 48, "memory", err))
      INVALID("memory size must be at most 2^48 pages");
    if (!m->mems[i].addr64 && check_limits(&m->mems[i], WI_MAX_PAGES, "memory", err))
      INVALID("memory size must be at most 65536 pages (4GiB)");
  }
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
    if (check_constexpr(m, &m->globals[i].init, m->globals[i].type.type, i, err)) return err->status;
  /* 3.0 typed references: a table of non-nullable elements needs an
   * initializer; the initializer may read imported globals */
  for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
    bool has = m->table_init && m->table_init[i].has;
    if (!has && !wi_vt_defaultable(m->tables[i].elem))
      INVALID("type mismatch: a table of %s needs an initializer", wh_valtype_name(m->tables[i].elem));
    if (has && check_constexpr(m, &m->table_init[i].ce, m->tables[i].elem, m->nglobal_imports, err)) return err->status;
  }
  for (uint32_t i = 0; i < m->nexports; i++) {
    wi_export *e = &m->exports[i];
    uint32_t n = e->kind == WH_EXTERN_FUNC ? m->nfuncs
               : e->kind == WH_EXTERN_TABLE ? m->ntables
               : e->kind == WH_EXTERN_MEMORY ? m->nmems
               : e->kind == WH_EXTERN_TAG ? m->ntags : m->nglobals;
    static const char *const what[] = { "function", "table", "memory", "global", "tag" };
    if (e->index >= n) INVALID("unknown %s %u", what[e->kind], e->index);
    if (e->kind == WH_EXTERN_FUNC) m->declared_funcs[e->index] = 1;
    for (uint32_t k = 0; k < i; k++)
      if (m->exports[k].name.len == e->name.len &&
          memcmp(m->exports[k].name.ptr, e->name.ptr, e->name.len) == 0)
        INVALID("duplicate export name");
  }
  if (m->start >= 0) {
    if ((uint64_t)m->start >= m->nfuncs) INVALID("unknown function %lld", (long long)m->start);
    const wi_ftype *t = m->func_types[m->start];
    if (t->ft.nparams || t->ft.nresults) INVALID("start function must have type [] -> []");
  }
  for (uint32_t i = 0; i < m->nelems; i++) {
    wi_elemseg *s = &m->elems[i];
    if (s->mode == WI_SEG_ACTIVE) {
      if (s->table >= m->ntables) INVALID("unknown table %u", s->table);
      if (check_constexpr(m, &s->offset, m->tables[s->table].limits.addr64 ? WH_I64 : WH_I32, m->nglobals, err))
        return err->status;
      if (!wi_vt_sub(m, s->type, m->tables[s->table].elem))
        INVALID("type mismatch: element segment of %s in table of %s",
                wh_valtype_name(s->type), wh_valtype_name(m->tables[s->table].elem));
    }
    for (uint32_t k = 0; k < s->count; k++)
      if (check_constexpr(m, &s->items[k], s->type, m->nglobals, err)) return err->status;
  }
  /* Without m->datas every segment is active at an i32.const: valid unless
   * one names a memory that does not exist or has 64-bit addresses.  Only
   * then are they read again, for the first one at fault (a Go binary has
   * tens of thousands). */
  bool check_datas = m->datas != NULL || (m->ndatas && m->data_mem_max >= m->nmems);
  for (uint32_t i = 0; !check_datas && m->ndatas && i <= m->data_mem_max; i++)
    check_datas = m->mems[i].addr64;
  uint32_t data_at = m->data_at;
  for (uint32_t i = 0; check_datas && i < m->ndatas; i++) {
    wi_dataseg reread;
    if (!m->datas) wi_dataseg_next(m, &data_at, &reread);
    const wi_dataseg *d = m->datas ? &m->datas[i] : &reread;
    if (d->mode == WI_SEG_ACTIVE) {
      if (d->memory >= m->nmems) INVALID("unknown memory %u", d->memory);
      wi_constexpr offset = wi_dataseg_offset(m, d);
      if (check_constexpr(m, &offset, m->mems[d->memory].addr64 ? WH_I64 : WH_I32, m->nglobals, err))
        return err->status;
    }
  }
  return wi_translate_module(m, err);
}
