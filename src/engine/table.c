/* Tables of references (funcref / externref). */
#include "internal.h"

static void table_destroy(wi_object *o);

wh_table *wi_table_create(uint8_t elem, uint64_t min, uint64_t max,
                          bool has_max, wh_val init, wh_error *err) {
  if (min > WI_MAX_TABLE) {
    wi_err_set(err, WH_ERR_LIMIT, "table of %llu elements is too large",
               (unsigned long long)min);
    return NULL;
  }
  wh_table *t = calloc(1, sizeof *t);
  if (!t) goto oom;
  t->obj.destroy = table_destroy;
  t->type.elem = elem;
  t->type.limits.min = min;
  t->type.limits.max = has_max ? max : 0xffffffffu;
  t->type.limits.has_max = has_max;
  t->size = (uint32_t)min;
  t->cap = (uint32_t)min;
  if (min) {
    t->elems = malloc(min * sizeof(wh_val));
    if (!t->elems) { free(t); goto oom; }
    for (uint32_t i = 0; i < min; i++) t->elems[i] = init;
  }
  return t;
oom:
  wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  return NULL;
}

static void table_destroy(wi_object *o) {
  wh_table *t = (wh_table *)o;
  free(t->elems);
  free(t);
}

static int64_t table_grow(wh_table *t, uint32_t delta, wh_val init) {
  uint32_t old = t->size;
  uint64_t want = (uint64_t)old + delta;
  uint64_t max = t->type.limits.has_max ? t->type.limits.max : 0xffffffffu;
  if (want > max || want > WI_MAX_TABLE) return -1;
  if (want > t->cap) {
    uint64_t cap = t->cap * 2 > want ? t->cap * 2 : want;
    if (cap > WI_MAX_TABLE) cap = WI_MAX_TABLE;
    wh_val *e = realloc(t->elems, cap * sizeof(wh_val));
    if (!e) return -1;
    t->elems = e;
    t->cap = (uint32_t)cap;
  }
  for (uint64_t i = old; i < want; i++) t->elems[i] = init;
  t->size = (uint32_t)want;
  return old;
}

/* The interpreter's entry: the caller already joined stores. */
int64_t wi_table_grow_raw(wh_table *t, uint32_t delta, wh_val init) {
  return table_grow(t, delta, init);
}

wh_table *wh_table_new(uint8_t elem, uint64_t min, uint64_t max, int has_max,
                       wh_val init, wh_error *err) {
  if (!wi_vt_is_ref(elem) || elem >= 0x80 || (has_max && max < min) || max > 0xffffffffu) {
    wi_err_set(err, WH_ERR_ARG, "bad table type");
    return NULL;
  }
  wh_table *t = wi_table_create(elem, min, max, has_max, init, err);
  if (!t) return NULL;
  if (wi_object_init(&t->obj) != 0) {
    table_destroy(&t->obj);
    wi_err_set(err, WH_ERR_NOMEM, "out of memory");
    return NULL;
  }
  if (wh_reftype_family(elem) == WH_FUNCREF && init.func) wi_store_join(&t->obj, &init.func->obj);
  return t;
}

wh_table *wh_table_ref(wh_table *t) { wi_object_ref(&t->obj); return t; }
void wh_table_unref(wh_table *t) { if (t) wi_object_unref(&t->obj); }
void wh_table_type(const wh_table *t, wh_tabletype *out) {
  *out = t->type;
  out->limits.min = t->size;
}
uint32_t wh_table_size(const wh_table *t) { return t->size; }

void wh_table_set_addr64(wh_table *t) { t->type.limits.addr64 = 1; }

int wh_table_get(const wh_table *t, uint32_t i, wh_val *out) {
  if (i >= t->size) return WH_ERR_ARG;
  *out = t->elems[i];
  return 0;
}

int wh_table_set(wh_table *t, uint32_t i, wh_val v) {
  if (i >= t->size) return WH_ERR_ARG;
  if (wh_reftype_family(t->type.elem) == WH_FUNCREF && v.func) wi_store_join(&t->obj, &v.func->obj);
  t->elems[i] = v;
  return 0;
}

int64_t wh_table_grow(wh_table *t, uint32_t delta, wh_val init) {
  if (wh_reftype_family(t->type.elem) == WH_FUNCREF && init.func) wi_store_join(&t->obj, &init.func->obj);
  return table_grow(t, delta, init);
}
