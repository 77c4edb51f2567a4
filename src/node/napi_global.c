/* WebAssembly.Global (JS API 2.0 §"Globals"), and internals.globalRaw. */
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

static int valtype_from_name(napi_env env, napi_value v, uint8_t *out) {
  static const struct { const char *name; uint8_t type; } names[] = {
      {"i32", WH_I32},         {"i64", WH_I64},         {"f32", WH_F32},
      {"f64", WH_F64},         {"anyfunc", WH_FUNCREF}, {"funcref", WH_FUNCREF},
      {"externref", WH_EXTERNREF},
  };
  char s[16];
  size_t len = 0;
  WI_TRY(napi_get_value_string_utf8(env, v, s, sizeof s, &len), -1);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!strcmp(s, names[i].name)) {
      *out = names[i].type;
      return 0;
    }
  }
  napi_throw_type_error(env, NULL, "Descriptor property 'value' must be a WebAssembly type");
  return -1;
}

static wh_global *arg_global(napi_env env, napi_callback_info info, size_t *argc,
                             napi_value *argv, size_t need) {
  if (napi_get_cb_info(env, info, argc, argv, NULL, NULL) != napi_ok) {
    wn_ensure_exception(env);
    return NULL;
  }
  wn_obj *w = *argc ? wn_unwrap(env, argv[0], WN_NK_GLOBAL) : NULL;
  if (!w) {
    napi_throw_type_error(env, NULL, "Receiver is not a WebAssembly.Global");
    return NULL;
  }
  if (*argc < need) {
    napi_throw_type_error(env, NULL, "missing argument");
    return NULL;
  }
  return w->ptr;
}

/* globalNew(target, type, mutable, value) */
napi_value wn_global_new(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  uint8_t type;
  bool mut = false;
  wh_val v;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 4 || !wn_is_object(env, argv[0])) {
    napi_throw_type_error(env, NULL, "globalNew(target, type, mutable, value)");
    return NULL;
  }
  if (valtype_from_name(env, argv[1], &type)) return NULL;
  WI_TRY(napi_get_value_bool(env, argv[2], &mut), NULL);
  if (wn_to_wasm_held(E, argv[3], type, argv[0], &v)) return NULL;
  wh_global *g = wh_global_new(type, mut, v);
  wn_obj *w = g ? calloc(1, sizeof *w) : NULL;
  if (!w) {
    if (g) wh_global_unref(g);
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  w->kind = WN_NK_GLOBAL;
  w->ptr = g;
  if (wn_attach(E, argv[0], w)) return NULL;
  return wn_undefined(env);
}

/* The value of a global as JS sees it (get) or in the internals raw
 * convention (raw). */
static napi_value global_value(napi_env env, napi_callback_info info, int raw) {
  size_t argc = 1;
  napi_value argv[1], out;
  wh_globaltype gt;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wh_global *g = arg_global(env, info, &argc, argv, 1);
  if (!g) return NULL;
  wh_global_type(g, &gt);
  if ((raw ? wn_raw_to_js : wn_to_js)(E, wh_global_get(g), gt.type, argv[0], &out))
    return NULL;
  return out;
}

/* globalGet(global) */
napi_value wn_global_get(napi_env env, napi_callback_info info) {
  return global_value(env, info, 0);
}

/* globalSet(global, value) */
napi_value wn_global_set(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  wh_globaltype gt;
  wh_val v;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wh_global *g = arg_global(env, info, &argc, argv, 2);
  if (!g) return NULL;
  wh_global_type(g, &gt);
  if (!gt.mutable_) {
    napi_throw_type_error(env, NULL, "Can't set the value of an immutable global.");
    return NULL;
  }
  if (wn_to_wasm_held(E, argv[1], gt.type, argv[0], &v)) return NULL;
  /* The conversion ran user JS (valueOf, toPrimitive, BigInt coercion):
   * the global, or the instance that defines it, may be disposed or busy
   * now.  Look it up again rather than trusting g. */
  if (!(g = arg_global(env, info, &argc, argv, 2))) return NULL;
  wh_global_set(g, v);
  return wn_undefined(env);
}

/* globalType(global) -> {value, mutable} */
napi_value wn_global_type(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v;
  wh_globaltype gt;
  wh_global *g = arg_global(env, info, &argc, argv, 1);
  if (!g) return NULL;
  wh_global_type(g, &gt);
  WI_TRY(napi_create_object(env, &out), NULL);
  WI_TRY(napi_create_string_utf8(env, gt.type == WH_FUNCREF ? "anyfunc"
                                      : wh_valtype_name(gt.type),
                                 NAPI_AUTO_LENGTH, &v), NULL);
  WI_TRY(napi_set_named_property(env, out, "value", v), NULL);
  WI_TRY(napi_get_boolean(env, gt.mutable_ != 0, &v), NULL);
  WI_TRY(napi_set_named_property(env, out, "mutable", v), NULL);
  return out;
}

/* globalRaw(global): the value in the internals raw convention. */
napi_value wn_global_raw(napi_env env, napi_callback_info info) {
  return global_value(env, info, 1);
}
