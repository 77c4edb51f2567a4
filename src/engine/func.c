/* Function objects: host functions and the public view of wasm ones. */
#include "internal.h"

static void func_destroy(wh_object *o) {
  wh_func *f = (wh_func *)o;
  if (f->finalize) f->finalize(f->data);
  free(f);
}

wh_func *wh_func_new_host(const wh_functype *type, wh_host_fn fn, void *data,
                          wh_finalizer finalize) {
  for (uint32_t i = 0; i < type->nparams; i++)
    if (!wh_is_valtype(type->params[i])) return NULL;
  for (uint32_t i = 0; i < type->nresults; i++)
    if (!wh_is_valtype(type->results[i])) return NULL;
  wh_func *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->type = wh_type_intern(type->params, type->nparams, type->results, type->nresults);
  f->obj.destroy = func_destroy;
  if (!f->type || wh_object_init(&f->obj) != 0) {
    free(f);
    return NULL;
  }
  f->host = fn;
  f->data = data;
  f->finalize = finalize;
  return f;
}

wh_func *wh_func_ref(wh_func *f) { wh_object_ref(&f->obj); return f; }
void wh_func_unref(wh_func *f) { if (f) wh_object_unref(&f->obj); }
const wh_functype *wh_func_type(const wh_func *f) { return &f->type->ft; }
void *wh_func_host_data(const wh_func *f) { return f->host ? f->data : NULL; }

uint32_t wh_func_index(const wh_func *f) { return f->host ? UINT32_MAX : f->index; }
wh_instance *wh_func_instance(const wh_func *f) { return f->host ? NULL : f->inst; }
