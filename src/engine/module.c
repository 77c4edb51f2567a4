/* Module objects and their public accessors. */
#include "internal.h"
#include "jit.h"

static void fill_externtype(const wh_module *m, uint8_t kind, uint32_t index,
                            wh_externtype *t) {
  memset(t, 0, sizeof *t);
  t->kind = kind;
  switch (kind) {
    case WH_EXTERN_FUNC: t->u.func = m->func_types[index]->canon->ft; break;
    case WH_EXTERN_TABLE: t->u.table = m->tables[index]; t->u.table.elem = wi_vt_public(t->u.table.elem); break;
    case WH_EXTERN_MEMORY: t->u.memory = m->mems[index]; break;
    case WH_EXTERN_GLOBAL:
      t->u.global = m->globals[index].type;
      t->u.global.type = wi_vt_public(t->u.global.type);
      break;
    case WH_EXTERN_TAG: t->u.tag = m->types[m->tag_typeidx[index]]->ft; break;
  }
}

/* func_names of a module whose name section names no function */
static char *no_names_slot;
char **const wi_no_names = &no_names_slot;

void wi_module_free(wh_module *m) {
  if (!m) return;
  for (uint32_t i = 0; m->funcs && i + m->nfunc_imports < m->nfuncs; i++) {
    free(atomic_load(&m->funcs[i].code));
    wi_eh_table_free(m->funcs[i].eh);
    wi_jit_free(m->funcs[i].jit);
  }
  wi_jit_arena_free(m->jit_arena);
  pthread_mutex_destroy(&m->translate_lock);
  for (uint32_t i = 0; m->elems && i < m->nelems; i++) free(m->elems[i].items);
  char **names = atomic_load(&m->func_names);
  if (names != wi_no_names) free(names);
  /* a module's own views of signatures with typed references (decode.c) */
  for (uint32_t i = 0; m->types && i < m->ntypes; i++)
    if (m->types[i] && m->types[i]->canon != m->types[i]) free((void *)m->types[i]);
  free(m->types);
  free(m->table_init);
  free(m->imports);
  free(m->func_types);
  free(m->func_typeidx);
  free(m->funcs);
  free(m->local_types);
  free(m->tables);
  free(m->mems);
  free(m->globals);
  free(m->tag_typeidx);
  free(m->tag_types);
  free(m->exports);
  free(m->elems);
  free(m->datas);
  free(m->data_offsets);
  free(m->declared_funcs);
  free(m->customs);
  wi_module_free_dwarf(m);
  if (m->release) m->release(m->release_ctx);
  free(m);
}

/* Everything decoding kept that points into the bytes, moved from the
 * caller's bytes to the module's copy of them (wh_module_new). */
static const uint8_t *moved(const wh_module *m, const uint8_t *p) {
  return p ? m->copy_to + (p - m->bytes) : p;
}
#define MOVE(m, p) ((p) = (void *)moved(m, (const uint8_t *)(p)))

static void move_constexpr(const wh_module *m, wi_constexpr *ce) {
  if (ce->kind == WI_CE_EXPR) MOVE(m, ce->expr);
}

static void move_to_copy(wh_module *m) {
  for (uint32_t i = 0; i < m->nimports; i++) {
    MOVE(m, m->imports[i].module.ptr);
    MOVE(m, m->imports[i].name.ptr);
  }
  for (uint32_t i = 0; i < m->nexports; i++) MOVE(m, m->exports[i].name.ptr);
  for (uint32_t i = 0; i + m->nfunc_imports < m->nfuncs; i++) {
    MOVE(m, m->funcs[i].body);
    MOVE(m, m->funcs[i].body_end);
  }
  for (uint32_t i = 0; i < m->nglobals; i++) move_constexpr(m, &m->globals[i].init);
  for (uint32_t i = 0; m->table_init && i < m->ntables; i++) move_constexpr(m, &m->table_init[i].ce);
  for (uint32_t i = 0; i < m->nelems; i++) {
    move_constexpr(m, &m->elems[i].offset);
    for (uint32_t k = 0; k < m->elems[i].count; k++) move_constexpr(m, &m->elems[i].items[k]);
  }
  for (uint32_t i = 0; m->datas && i < m->ndatas; i++) MOVE(m, m->datas[i].bytes);
  for (uint32_t i = 0; i < m->ndata_offsets; i++) move_constexpr(m, &m->data_offsets[i]);
  for (uint32_t i = 0; i < m->ncustoms; i++) {
    MOVE(m, m->customs[i].name.ptr);
    MOVE(m, m->customs[i].data);
  }
  m->bytes = m->copy_to;
  m->copy_to = NULL;
}

/* On failure the bytes are not released: they stay the caller's (and
 * copy_to, when given, is not freed either).  copy_to: the module is
 * read from bytes while they are copied there, and then from there. */
static wh_module *parse(const uint8_t *bytes, size_t len, uint8_t *copy_to,
                        void (*release)(void *), void *ctx, wh_error *err) {
  wh_error local;
  if (!err) err = &local;
  memset(err, 0, sizeof *err);
  wh_module *m = calloc(1, sizeof *m);
  if (!m) { wi_err_set(err, WH_ERR_NOMEM, "out of memory"); return NULL; }
  m->refs = 1;
  m->start = -1;
  pthread_mutex_init(&m->translate_lock, NULL);
  m->bytes = len ? bytes : (const uint8_t *)"";
  m->len = len;
  m->copy_to = len ? copy_to : NULL;
  if (wi_decode(m, err) != 0 || wi_validate_module(m, err) != 0) {
    if (err->status == 0) wi_err_set(err, WH_ERR_MALFORMED, "malformed module");
    wi_module_free(m);
    return NULL;
  }
  if (m->copy_to) move_to_copy(m);
  m->release = release;
  m->release_ctx = ctx;
  return m;
}

wh_module *wh_module_new(const uint8_t *bytes, size_t len, wh_error *err) {
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy) {
    wh_error local;
    wi_err_set(err ? err : &local, WH_ERR_NOMEM, "out of memory");
    return NULL;
  }
  /* Eager translation keeps the copy first: nothing it makes need be moved. */
  bool in_place = len && !wi_cfg_eager();
  if (len && !in_place) memcpy(copy, bytes, len);
  wh_module *m = in_place ? parse(bytes, len, copy, free, copy, err) : parse(copy, len, NULL, free, copy, err);
  if (!m) free(copy);
  return m;
}

wh_module *wh_module_new_borrowed(const uint8_t *bytes, size_t len,
                                  void (*release)(void *ctx), void *ctx,
                                  wh_error *err) {
  return parse(bytes, len, NULL, release, ctx, err);
}

/* The bytes outlive the check: nothing is copied. */
int wh_module_validate(const uint8_t *bytes, size_t len, wh_error *err) {
  wh_error local;
  if (!err) err = &local;
  wh_module *m = parse(bytes, len, NULL, NULL, NULL, err);
  if (!m) return err->status;
  wi_module_free(m);
  return 0;
}

wh_module *wh_module_ref(wh_module *m) { atomic_fetch_add(&m->refs, 1); return m; }
void wh_module_unref(wh_module *m) {
  if (m && atomic_fetch_sub(&m->refs, 1) == 1) wi_module_free(m);
}

uint32_t wh_module_import_count(const wh_module *m) { return m->nimports; }

int wh_module_import(const wh_module *m, uint32_t i, const char **module,
                     uint32_t *module_len, const char **name, uint32_t *name_len,
                     wh_externtype *type) {
  if (i >= m->nimports) return WH_ERR_ARG;
  const wi_import *im = &m->imports[i];
  if (module) *module = im->module.ptr;
  if (module_len) *module_len = im->module.len;
  if (name) *name = im->name.ptr;
  if (name_len) *name_len = im->name.len;
  if (type) fill_externtype(m, im->kind, im->index, type);
  return 0;
}

uint32_t wh_module_export_count(const wh_module *m) { return m->nexports; }

int wh_module_export(const wh_module *m, uint32_t i, const char **name,
                     uint32_t *name_len, wh_externtype *type) {
  if (i >= m->nexports) return WH_ERR_ARG;
  const wi_export *e = &m->exports[i];
  if (name) *name = e->name.ptr;
  if (name_len) *name_len = e->name.len;
  if (type) fill_externtype(m, e->kind, e->index, type);
  return 0;
}

uint32_t wh_module_custom_count(const wh_module *m) { return m->ncustoms; }

int wh_module_custom(const wh_module *m, uint32_t i, const char **name,
                     uint32_t *name_len, const uint8_t **data, size_t *data_len) {
  if (i >= m->ncustoms) return WH_ERR_ARG;
  if (name) *name = m->customs[i].name.ptr;
  if (name_len) *name_len = m->customs[i].name.len;
  if (data) *data = m->customs[i].data;
  if (data_len) *data_len = m->customs[i].len;
  return 0;
}

/* Read on first use by any thread; a thread that loses the race to
 * publish them frees its own. */
const char *wh_module_func_name(const wh_module *m, uint32_t index) {
  if (index >= m->nfuncs) return NULL;
  wh_module *w = (wh_module *)m;
  char **names = atomic_load_explicit(&w->func_names, memory_order_acquire);
  if (!names) {
    char **mine = wi_module_read_names(m);
    if (!mine) mine = wi_no_names;
    names = NULL;
    if (atomic_compare_exchange_strong_explicit(&w->func_names, &names, mine, memory_order_acq_rel,
                                                memory_order_acquire)) {
      names = mine;
    } else if (mine != wi_no_names) {
      free(mine);
    }
  }
  return names == wi_no_names ? NULL : names[index];
}
