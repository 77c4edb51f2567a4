/* Globals. */
#include "internal.h"

static void global_destroy(wi_object *o) { free(o); }

wh_global *wi_global_create(uint8_t type, bool mut, wh_val v) {
  wh_global *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->obj.destroy = global_destroy;
  g->type.type = type;
  g->type.mutable_ = mut;
  g->val = v;
  return g;
}

wh_global *wh_global_new(uint8_t type, int mutable_, wh_val init) {
  if (!wi_is_valtype(type)) return NULL;
  wh_global *g = wi_global_create(type, mutable_ != 0, init);
  if (!g) return NULL;
  if (wi_object_init(&g->obj) != 0) {
    free(g);
    return NULL;
  }
  if (wh_reftype_family(type) == WH_FUNCREF && init.func) wi_store_join(&g->obj, &init.func->obj);
  return g;
}

wh_global *wh_global_ref(wh_global *g) { wi_object_ref(&g->obj); return g; }
void wh_global_unref(wh_global *g) { if (g) wi_object_unref(&g->obj); }
void wh_global_type(const wh_global *g, wh_globaltype *out) { *out = g->type; }
wh_val wh_global_get(const wh_global *g) { return g->val; }

void wh_global_set(wh_global *g, wh_val v) {
  if (wh_reftype_family(g->type.type) == WH_FUNCREF && v.func) wi_store_join(&g->obj, &v.func->obj);
  g->val = v;
}
