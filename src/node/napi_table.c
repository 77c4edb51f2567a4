/* WebAssembly.Table (JS API 2.0 §"Tables"): funcref tables hold exported
 * functions (identity kept through the wrapper map), externref tables hold
 * interned JS values. */
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

static int elem_from_name(napi_env env, napi_value v, uint8_t *out) {
  char s[16];
  size_t len = 0;
  WI_TRY(napi_get_value_string_utf8(env, v, s, sizeof s, &len), -1);
  if (!strcmp(s, "anyfunc") || !strcmp(s, "funcref")) *out = WH_FUNCREF;
  else if (!strcmp(s, "externref")) *out = WH_EXTERNREF;
  else {
    napi_throw_type_error(env, NULL, "Descriptor property 'element' must be a WebAssembly reference type");
    return -1;
  }
  return 0;
}

static int get_u32(napi_env env, napi_value v, uint32_t *out) {
  uint64_t x;
  if (wn_get_u64(env, v, &x)) return -1;
  if (x > UINT32_MAX) {
    napi_throw_type_error(env, NULL, "value out of range for an unsigned 32-bit integer");
    return -1;
  }
  *out = (uint32_t)x;
  return 0;
}

/* Unwraps argv[0] as a table after fetching up to *argc arguments. */
static wh_table *arg_table(napi_env env, napi_callback_info info, size_t *argc,
                           napi_value *argv, size_t need) {
  size_t cap = *argc;
  if (napi_get_cb_info(env, info, argc, argv, NULL, NULL) != napi_ok) {
    wn_ensure_exception(env);
    return NULL;
  }
  wn_obj *w = *argc ? wn_unwrap(env, argv[0], WN_NK_TABLE) : NULL;
  if (!w) {
    napi_throw_type_error(env, NULL, "Receiver is not a WebAssembly.Table");
    return NULL;
  }
  if (*argc < need) {
    napi_throw_type_error(env, NULL, "missing argument");
    return NULL;
  }
  for (size_t i = *argc; i < cap; i++) argv[i] = wn_undefined(env);
  return w->ptr;
}

static uint8_t elem_of(const wh_table *t) {
  wh_tabletype tt;
  wh_table_type(t, &tt);
  return tt.elem;
}

/* tableNew(target, element, initial, maximum | undefined, init, addr64?) */
napi_value wn_table_new(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  bool addr64 = false;
  uint8_t elem;
  uint32_t initial, maximum = 0;
  napi_valuetype t;
  wh_val init;
  wh_error err;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wn_sweep_dead(E, 0);
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 5 || !wn_is_object(env, argv[0])) {
    napi_throw_type_error(env, NULL, "tableNew(target, element, initial, maximum, init)");
    return NULL;
  }
  if (elem_from_name(env, argv[1], &elem) || get_u32(env, argv[2], &initial)) return NULL;
  WI_TRY(napi_typeof(env, argv[3], &t), NULL);
  int has_max = t != napi_undefined;
  if (has_max && get_u32(env, argv[3], &maximum)) return NULL;
  if (wn_to_wasm_held(E, argv[4], elem, argv[0], &init)) return NULL;
  memset(&err, 0, sizeof err);
  wh_table *tab = wh_table_new(elem, initial, maximum, has_max, init, &err);
  if (!tab) {
    if (err.status == 0 || err.status == WH_ERR_NOMEM || err.status == WH_ERR_LIMIT)
      napi_throw_range_error(env, NULL, err.message[0] ? err.message : "cannot allocate the table");
    else
      wn_throw_status(E, err.status, &err);
    return NULL;
  }
  if (argc > 5 && napi_get_value_bool(env, argv[5], &addr64) == napi_ok && addr64) wh_table_set_addr64(tab);
  wn_obj *w = calloc(1, sizeof *w);
  if (!w) {
    wh_table_unref(tab);
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  w->kind = WN_NK_TABLE;
  w->ptr = tab;
  if (wn_attach(E, argv[0], w)) return NULL;
  wn_obj_account(w);
  return wn_undefined(env);
}

/* The head of tableGet, tableSet and tableGrow(table, u32, ...): the env,
 * the table and argv[1] as a u32, which unless grow is an index, checked
 * against the length.  argv holds n, all required. */
static wh_table *table_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv,
                            int grow, wn_env **E, uint32_t *u) {
  size_t argc = n;
  if (!(*E = wn_env_ready(env))) return NULL;
  wh_table *t = arg_table(env, info, &argc, argv, n);
  if (!t || get_u32(env, argv[1], u)) return NULL;
  if (!grow && *u >= wh_table_size(t)) {
    napi_throw_range_error(env, NULL, "table index out of bounds");
    return NULL;
  }
  return t;
}

/* tableGet(table, index) */
napi_value wn_table_get(napi_env env, napi_callback_info info) {
  napi_value argv[2], out;
  uint32_t i;
  wh_val v;
  wn_env *E;
  wh_table *t = table_args(env, info, 2, argv, 0, &E, &i);
  if (!t) return NULL;
  if (wh_table_get(t, i, &v)) {
    napi_throw_range_error(env, NULL, "table index out of bounds");
    return NULL;
  }
  if (wn_to_js(E, v, elem_of(t), argv[0], &out)) return NULL;
  return out;
}

/* tableSet(table, index, value) */
napi_value wn_table_set(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint32_t i;
  wh_val v;
  wn_env *E;
  wh_table *t = table_args(env, info, 3, argv, 0, &E, &i);
  if (!t || wn_to_wasm_held(E, argv[2], elem_of(t), argv[0], &v)) return NULL;
  /* Reference conversions run no user JS today; look again anyway so that
   * a future coercion cannot leave t dangling. */
  if (!(t = table_args(env, info, 3, argv, 0, &E, &i))) return NULL;
  if (wh_table_set(t, i, v)) {
    napi_throw_range_error(env, NULL, "table index out of bounds");
    return NULL;
  }
  return wn_undefined(env);
}

/* tableGrow(table, delta, init) -> old length */
napi_value wn_table_grow(napi_env env, napi_callback_info info) {
  napi_value argv[3], out;
  uint32_t delta;
  wh_val init;
  wn_env *E;
  wh_table *t = table_args(env, info, 3, argv, 1, &E, &delta);
  if (!t || wn_to_wasm_held(E, argv[2], elem_of(t), argv[0], &init)) return NULL;
  if (!(t = table_args(env, info, 3, argv, 1, &E, &delta))) return NULL;
  int64_t old = wh_table_grow(t, delta, init);
  wn_obj *tw = wn_unwrap_any(env, argv[0]);
  if (old >= 0 && tw) {
    if (tw->rs) wn_rs_account(tw->rs);
    else wn_obj_account(tw);
  }
  if (old < 0) {
    napi_throw_range_error(env, NULL, "WebAssembly.Table.grow(): failed to grow table");
    return NULL;
  }
  WI_TRY(napi_create_double(env, (double)old, &out), NULL);
  return out;
}

/* tableLength(table) */
napi_value wn_table_length(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  wh_table *t = arg_table(env, info, &argc, argv, 1);
  if (!t) return NULL;
  WI_TRY(napi_create_uint32(env, wh_table_size(t), &out), NULL);
  return out;
}

/* tableType(table) -> {element, minimum, maximum?} (minimum = current length) */
napi_value wn_table_type(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v;
  wh_tabletype tt;
  wh_table *t = arg_table(env, info, &argc, argv, 1);
  if (!t) return NULL;
  wh_table_type(t, &tt);
  WI_TRY(napi_create_object(env, &out), NULL);
  WI_TRY(napi_create_string_utf8(env, wh_reftype_family(tt.elem) == WH_FUNCREF ? "anyfunc" : "externref",
                                 NAPI_AUTO_LENGTH, &v), NULL);
  WI_TRY(napi_set_named_property(env, out, "element", v), NULL);
  WI_TRY(napi_create_uint32(env, wh_table_size(t), &v), NULL);
  WI_TRY(napi_set_named_property(env, out, "minimum", v), NULL);
  if (tt.limits.has_max) {
    WI_TRY(napi_create_double(env, (double)tt.limits.max, &v), NULL);
    WI_TRY(napi_set_named_property(env, out, "maximum", v), NULL);
  }
  if (tt.limits.addr64) { /* memory64 / table64; an i32 one keeps the 2.0 shape */
    WI_TRY(napi_create_string_utf8(env, "i64", NAPI_AUTO_LENGTH, &v), NULL);
    WI_TRY(napi_set_named_property(env, out, "address", v), NULL);
  }
  return out;
}
