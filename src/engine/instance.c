/* Instantiation (spec 4.5.4): import matching, allocation, segment
 * initialisation, start function. */
#include "internal.h"
#include "prof.h"

#include <stdio.h>

static const char *kind_name(int k) {
  static const char *const n[] = { "function", "table", "memory", "global", "tag" };
  return (unsigned)k < 5 ? n[k] : "unknown";
}

/* Import matching is wh_externtype_matches (externtype.c), the same test
 * the Node binding applies before it gets here. */
static int check_import(const wh_module *m, uint32_t i, const wh_extern *ex, wh_error *err) {
  const wi_import *im = &m->imports[i];
  wh_externtype want, have;
  char a[160], b[160];
  /* Signatures are interned: equal ids are equal types, the answer
   * wh_externtype_matches would give for the commonest import. */
  if (ex->kind == WH_EXTERN_FUNC && im->kind == WH_EXTERN_FUNC && ex->u.func &&
      ex->u.func->type->id == m->func_types[im->index]->id)
    return 0;
  wh_module_import(m, i, NULL, NULL, NULL, NULL, &want);
  if (ex->kind != im->kind || wh_extern_type(ex, &have) != 0) {
    return wi_err_set(err, WH_ERR_LINK, "incompatible import type for %.*s::%.*s: expected %s, got %s%s",
                      (int)im->module.len, im->module.ptr, (int)im->name.len, im->name.ptr,
                      kind_name(im->kind), ex->kind == im->kind ? "null " : "", kind_name(ex->kind));
  }
  if (wh_externtype_matches(&have, &want)) {
    /* typed references to concrete types (valtype.c) */
    if (im->kind == WH_EXTERN_GLOBAL &&
        (!wi_vt_import_ok(m, m->globals[im->index].type.type, ex->u.global->ctype, ex->u.global->type.type) ||
         (m->globals[im->index].type.mutable_ && m->globals[im->index].type.type < 0x80 && ex->u.global->ctype)))
      goto mismatch;
    if (im->kind == WH_EXTERN_TABLE &&
        (!wi_vt_import_ok(m, m->tables[im->index].elem, ex->u.table->ctype, ex->u.table->type.elem) ||
         (m->tables[im->index].elem < 0x80 && ex->u.table->ctype)))
      goto mismatch;
    return 0;
  }
mismatch:
  wh_externtype_format(&want, a, sizeof a);
  wh_externtype_format(&have, b, sizeof b);
  return wi_err_set(err, WH_ERR_LINK, "incompatible import type for %.*s::%.*s: expected %s, got %s",
                    (int)im->module.len, im->module.ptr, (int)im->name.len, im->name.ptr, a, b);
}

static wh_val eval_const(wh_instance *inst, const wi_constexpr *ce) {
  wh_val v;
  v.raw = 0;
  switch (ce->kind) {
    case WI_CE_CONST: v = ce->value; break;
    case WI_CE_GLOBAL: v = inst->globals[ce->index]->val; break;
    case WI_CE_REF_FUNC: v.func = inst->funcs[ce->index]; break;
    case WI_CE_REF_NULL: v.raw = 0; break;
    case WI_CE_EXPR: v = wi_constexpr_eval(inst, ce); break;
  }
  return v;
}

static void instance_destroy(wi_object *o) {
  wh_instance *inst = (wh_instance *)o;
  wh_module *m = inst->mod;
  wi_prof_destroy(inst);
  for (uint32_t i = 0; i < m->nelems; i++) free(inst->elem_items[i]);
  wh_module_unref(m);
  free(inst);
}

/* The instance and its per-index arrays (and its own functions and
 * globals) are one allocation: a small plugin's instance is a few hundred
 * bytes in one block, not a dozen mallocs. */
typedef struct {
  size_t funcs, own_funcs, tables, mems, globals, own_globals, elem_items, elem_len,
      data_len, tags, total;
} inst_layout;

static size_t place(size_t *at, size_t n, size_t size) {
  size_t off = (*at + 15) & ~(size_t)15;
  *at = off + n * size;
  return off;
}

static void layout(const wh_module *m, inst_layout *l) {
  size_t at = sizeof(wh_instance);
  /* first, at WI_INST_GLOBALS_OFF: the interpreter reaches a global's
   * object in one load from the instance (internal.h, WI_GLOBAL) */
  l->globals = place(&at, m->nglobals, sizeof(wh_global *));
  l->funcs = place(&at, m->nfuncs, sizeof(wh_func *));
  l->own_funcs = place(&at, m->nfuncs - m->nfunc_imports, sizeof(wh_func));
  l->tables = place(&at, m->ntables, sizeof(wh_table *));
  l->mems = place(&at, m->nmems, sizeof(wh_memory *));
  l->own_globals = place(&at, m->nglobals - m->nglobal_imports, sizeof(wh_global));
  l->elem_items = place(&at, m->nelems, sizeof(wh_val *));
  l->elem_len = place(&at, m->nelems, sizeof(uint32_t));
  l->data_len = place(&at, m->ndatas, sizeof(uint32_t));
  l->tags = place(&at, m->ntags, sizeof(wh_tag *));
  l->total = at;
}

wh_instance *wh_instance_new_unstarted(wh_module *m, const wh_extern *imports,
                                       uint32_t nimports, const wh_limits_config *limits,
                                       wh_error *err) {
  wh_error local;
  if (!err) err = &local;
  memset(err, 0, sizeof *err);
  if (nimports != m->nimports) {
    wi_err_set(err, WH_ERR_LINK, "expected %u imports, got %u", m->nimports, nimports);
    return NULL;
  }
  for (uint32_t i = 0; i < nimports; i++)
    if (check_import(m, i, &imports[i], err)) return NULL;

  inst_layout l;
  layout(m, &l);
  char *block = calloc(1, l.total);
  if (!block) goto oom0;
  wh_instance *inst = (wh_instance *)block;
  inst->obj.destroy = instance_destroy;
  if (wi_object_init(&inst->obj) != 0) { free(inst); goto oom0; }
  inst->mod = wh_module_ref(m);
  inst->defs = m->funcs;
  if (limits) inst->limits = *limits;
  inst->fuel = (int64_t)(inst->limits.fuel > INT64_MAX ? INT64_MAX : inst->limits.fuel);
  inst->funcs = (wh_func **)(block + l.funcs);
  inst->own_funcs = (wh_func *)(block + l.own_funcs);
  inst->tables = (wh_table **)(block + l.tables);
  inst->mems = m->nmems ? (wh_memory **)(block + l.mems) : NULL;
  inst->globals = (wh_global **)(block + l.globals); /* == block + WI_INST_GLOBALS_OFF */
  wh_global *own_globals = (wh_global *)(block + l.own_globals);
  inst->elem_items = (wh_val **)(block + l.elem_items);
  inst->elem_len = (uint32_t *)(block + l.elem_len);
  inst->data_len = (uint32_t *)(block + l.data_len);
  inst->tags = (wh_tag **)(block + l.tags);

  for (uint32_t i = 0; i < nimports; i++) {
    const wi_import *im = &m->imports[i];
    const wh_extern *ex = &imports[i];
    switch (im->kind) {
      case WH_EXTERN_FUNC: {
        wh_func *f = ex->u.func;
        wi_store_join(&inst->obj, &f->obj);
        if (f->host && f->type->id != m->func_types[im->index]->id) { /* typed references: func.c */
          if (!(f = wi_func_twin(f, m->func_types[im->index]->canon))) goto oom;
          wi_store_adopt(&inst->obj, &f->obj);
        }
        inst->funcs[im->index] = f;
        break;
      }
      case WH_EXTERN_TABLE: inst->tables[im->index] = ex->u.table; wi_store_join(&inst->obj, &ex->u.table->obj); break;
      case WH_EXTERN_MEMORY: inst->mems[im->index] = ex->u.memory; wi_store_join(&inst->obj, &ex->u.memory->obj); break;
      case WH_EXTERN_GLOBAL: inst->globals[im->index] = ex->u.global; wi_store_join(&inst->obj, &ex->u.global->obj); break;
      case WH_EXTERN_TAG: inst->tags[im->index] = ex->u.tag; wi_store_join(&inst->obj, &ex->u.tag->obj); break;
    }
  }
  /* exception handling: each instantiation makes new tags (spec 4.5.4) */
  for (uint32_t i = m->ntag_imports; i < m->ntags; i++) {
    wh_tag *tg = wi_tag_create(m->tag_types[i]);
    if (!tg) goto oom;
    wi_store_adopt(&inst->obj, &tg->obj);
    inst->tags[i] = tg;
  }
  for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
    wh_func *f = &inst->own_funcs[i - m->nfunc_imports];
    wi_object_init_owned(&f->obj, &inst->obj);
    f->type = m->func_types[i]->canon;
    f->inst = inst;
    f->def = &m->funcs[i - m->nfunc_imports];
    f->index = i;
    inst->funcs[i] = f;
  }
  for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
    wh_val null = { .raw = 0 };
    const wh_tabletype *tt = &m->tables[i];
    wh_table *t = wi_table_create(wi_vt_public(tt->elem), tt->limits.min, tt->limits.max, tt->limits.has_max, null, err);
    if (!t) goto fail;
    t->ctype = wi_vt_ctype(m, tt->elem);
    t->type.limits.addr64 = tt->limits.addr64;
    wi_store_adopt(&inst->obj, &t->obj);
    inst->tables[i] = t;
  }
  for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
    const wh_limits *l = &m->mems[i];
    wh_memory *mem = l->addr64 ? wi_memory_create64(l->min, l->max, l->has_max, inst->limits.max_memory_bytes, err)
                               : wi_memory_create(l->min, l->max, l->has_max, inst->limits.max_memory_bytes, err);
    if (!mem) goto fail;
    wi_store_adopt(&inst->obj, &mem->obj);
    inst->mems[i] = mem;
  }
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
    const wi_globaldef *gd = &m->globals[i];
    wh_global *g = &own_globals[i - m->nglobal_imports];
    wi_object_init_owned(&g->obj, &inst->obj);
    g->type = gd->type;
    g->type.type = wi_vt_public(gd->type.type);
    g->ctype = wi_vt_ctype(m, gd->type.type);
    g->val = eval_const(inst, &gd->init);
    inst->globals[i] = g;
  }
  /* 3.0 table initializers: every element starts as the value */
  for (uint32_t i = m->ntable_imports; m->table_init && i < m->ntables; i++) {
    if (!m->table_init[i].has) continue;
    wh_val v = eval_const(inst, &m->table_init[i].ce);
    wh_table *t = inst->tables[i];
    for (uint32_t k = 0; k < t->size; k++) t->elems[k] = v;
    if (v.func && wh_reftype_family(t->type.elem) == WH_FUNCREF) wi_store_join(&t->obj, &v.func->obj);
  }
  /* Only passive segments keep their items past instantiation (for
   * table.init); active and declarative ones are dropped by it, so their
   * items go straight into the table below and are never copied. */
  for (uint32_t i = 0; i < m->nelems; i++) {
    const wi_elemseg *s = &m->elems[i];
    if (s->mode != WI_SEG_PASSIVE || !s->count) continue;
    if (!(inst->elem_items[i] = malloc(s->count * sizeof(wh_val)))) goto oom;
    for (uint32_t k = 0; k < s->count; k++) inst->elem_items[i][k] = eval_const(inst, &s->items[k]);
    inst->elem_len[i] = s->count;
  }
  /* (without m->datas every segment is active: their lengths stay 0) */
  for (uint32_t i = 0; m->datas && i < m->ndatas; i++)
    inst->data_len[i] = m->datas[i].mode == WI_SEG_PASSIVE ? m->datas[i].len : 0;

  /* Active segments behave as table.init / memory.init followed by a
   * drop, in order; a trap stops instantiation but earlier writes stay
   * (spec 4.5.4, bulk memory semantics). */
  for (uint32_t i = 0; i < m->nelems; i++) {
    const wi_elemseg *s = &m->elems[i];
    if (s->mode != WI_SEG_ACTIVE) continue;
    wh_table *t = inst->tables[s->table];
    wh_val off = eval_const(inst, &s->offset);
    uint64_t d = t->type.limits.addr64 ? (uint64_t)off.i64 : (uint32_t)off.i32; /* table64 */
    if (d > t->size || s->count > t->size - d) {
      wi_err_trap(err, WH_TRAP_TABLE_OOB);
      goto fail;
    }
    for (uint32_t k = 0; k < s->count; k++) t->elems[d + k] = eval_const(inst, &s->items[k]);
  }
  uint32_t data_at = m->data_at;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    wi_dataseg reread;
    if (!m->datas) wi_dataseg_next(m, &data_at, &reread);
    const wi_dataseg *s = m->datas ? &m->datas[i] : &reread;
    if (s->mode != WI_SEG_ACTIVE) continue;
    wh_memory *mem = inst->mems[s->memory];
    wi_constexpr offset = wi_dataseg_offset(m, s);
    wh_val off = eval_const(inst, &offset);
    uint64_t d = mem->addr64 ? (uint64_t)off.i64 : (uint32_t)off.i32; /* memory64 */
    if (d > mem->size || s->len > mem->size - d) {
      wi_err_trap(err, WH_TRAP_MEM_OOB);
      goto fail;
    }
    if (s->len) memcpy(mem->data + d, s->bytes, s->len);
    if (s->len && s->memory >= m->nmem_imports) {
      /* the pages written, as the kernel commits them */
      uint64_t lo = d & ~(uint64_t)4095, hi = (d + s->len + 4095) & ~(uint64_t)4095;
      inst->init_touched += hi - lo;
    }
  }
  return inst;

oom:
  wi_err_set(err, WH_ERR_NOMEM, "out of memory");
fail:
  wi_object_unref(&inst->obj);
  return NULL;
oom0:
  wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  return NULL;
}

int wh_instance_start(wh_instance *inst, wh_error *err) {
  wh_error local;
  if (!err) err = &local;
  memset(err, 0, sizeof *err);
  if (inst->started) return 0;
  inst->started = 1;
  if (inst->mod->start < 0) return 0;
  return wh_func_call(inst->funcs[inst->mod->start], NULL, 0, NULL, 0, err);
}

int wh_instance_start_pending(const wh_instance *inst) {
  return !inst->started && inst->mod->start >= 0;
}

wh_instance *wh_instance_new(wh_module *m, const wh_extern *imports, uint32_t nimports,
                             const wh_limits_config *limits, wh_error *err) {
  wh_instance *inst = wh_instance_new_unstarted(m, imports, nimports, limits, err);
  if (inst && wh_instance_start(inst, err) != 0) {
    wh_instance_unref(inst);
    return NULL;
  }
  return inst;
}

wh_instance *wh_instance_ref(wh_instance *inst) { wi_object_ref(&inst->obj); return inst; }
void wh_instance_unref(wh_instance *inst) { if (inst) wi_object_unref(&inst->obj); }
wh_module *wh_instance_module(const wh_instance *inst) { return inst->mod; }

static void fill_extern(wh_instance *inst, const wi_export *e, wh_extern *out) {
  out->kind = e->kind;
  switch (e->kind) {
    case WH_EXTERN_FUNC: out->u.func = inst->funcs[e->index]; break;
    case WH_EXTERN_TABLE: out->u.table = inst->tables[e->index]; break;
    case WH_EXTERN_MEMORY: out->u.memory = inst->mems[e->index]; break;
    case WH_EXTERN_GLOBAL: out->u.global = inst->globals[e->index]; break;
    case WH_EXTERN_TAG: out->u.tag = inst->tags[e->index]; break;
  }
}

int wh_instance_export(wh_instance *inst, const char *name, uint32_t name_len, wh_extern *out) {
  const wh_module *m = inst->mod;
  for (uint32_t i = 0; i < m->nexports; i++) {
    const wi_export *e = &m->exports[i];
    if (e->name.len == name_len && memcmp(e->name.ptr, name, name_len) == 0) {
      fill_extern(inst, e, out);
      return 0;
    }
  }
  return WH_ERR_ARG;
}

int wh_instance_export_at(wh_instance *inst, uint32_t i, wh_extern *out) {
  if (i >= inst->mod->nexports) return WH_ERR_ARG;
  fill_extern(inst, &inst->mod->exports[i], out);
  return 0;
}

wh_memory *wh_instance_memory(wh_instance *inst) { return inst->mems ? inst->mems[0] : NULL; }

uint64_t wh_instance_fuel(const wh_instance *inst) { return inst->fuel < 0 ? 0 : (uint64_t)inst->fuel; }
void wh_instance_set_fuel(wh_instance *inst, uint64_t fuel) {
  inst->fuel = fuel > INT64_MAX ? INT64_MAX : (int64_t)fuel;
  if (!inst->limits.fuel) inst->limits.fuel = fuel ? fuel : 1;
}
/* Bit operations: pokes (probe.c) and the profiler's sample requests
 * (prof.h) share the word. */
void wh_instance_interrupt(wh_instance *inst) { atomic_fetch_or(&inst->interrupt, WI_STOP_INTERRUPT); }
void wh_instance_clear_interrupt(wh_instance *inst) {
  atomic_fetch_and(&inst->interrupt, ~(WI_STOP_INTERRUPT | WI_STOP_POKE));
}
