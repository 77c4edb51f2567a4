/* Function objects: host functions and the public view of wasm ones. */
#include "internal.h"

static void func_destroy(wi_object *o) {
  wh_func *f = (wh_func *)o;
  if (f->finalize) f->finalize(f->data);
  free(f);
}

wh_func *wh_func_new_host(const wh_functype *type, wh_host_fn fn, void *data,
                          wh_finalizer finalize) {
  /* 2.0 types, and the typed references a signature shows (WH_REF_FUNC...) */
  for (uint32_t i = 0; i < type->nparams; i++)
    if (!wi_is_valtype(type->params[i]) && !(wi_vt_is_ref(type->params[i]) && type->params[i] < 0x80)) return NULL;
  for (uint32_t i = 0; i < type->nresults; i++)
    if (!wi_is_valtype(type->results[i]) && !(wi_vt_is_ref(type->results[i]) && type->results[i] < 0x80)) return NULL;
  wh_func *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->type = wi_type_intern(type->params, type->nparams, type->results, type->nresults);
  f->obj.destroy = func_destroy;
  if (!f->type || wi_object_init(&f->obj) != 0) {
    free(f);
    return NULL;
  }
  f->host = fn;
  f->data = data;
  f->finalize = finalize;
  return f;
}

static void twin_destroy(wi_object *o) { free(o); }

/* A host function imported where the signature names concrete types
 * (3.0 typed references): the host typed it by its public bytes alone, so
 * call_indirect / call_ref would not see the module's canonical type.  The
 * twin calls the same host code under that type; the instance frees it,
 * and the original (its data) lives as long as the instance's store. */
wh_func *wi_func_twin(const wh_func *f, const wi_ftype *type) {
  wh_func *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->obj.destroy = twin_destroy;
  t->type = type;
  t->host = f->host;
  t->data = f->data;
  return t;
}

wh_func *wh_func_ref(wh_func *f) { wi_object_ref(&f->obj); return f; }
void wh_func_unref(wh_func *f) { if (f) wi_object_unref(&f->obj); }
const wh_functype *wh_func_type(const wh_func *f) { return &f->type->ft; }
void *wh_func_host_data(const wh_func *f) { return f->host ? f->data : NULL; }

uint32_t wh_func_index(const wh_func *f) { return f->host ? UINT32_MAX : f->index; }
wh_instance *wh_func_instance(const wh_func *f) { return f->host ? NULL : f->inst; }
