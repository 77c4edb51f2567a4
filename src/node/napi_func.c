/* Exported functions (JS API 2.0 §"Exported Function"): one JS function per
 * wh_func per env, with .length = param count and .name = the function
 * index (closures made by lib/api/exported.js around one native entry);
 * plus the internals that look through them (callRaw, funcType). */
#include <stdio.h>
#include <stdlib.h>

#include "node/napi_binding.h"

/* An engine without wh_func_index still links; names fall back to "".
 * Without wh_func_instance a function is tied to its instance's run state
 * only when that instance exports it (napi_instance.c). */
#pragma weak wh_func_index
#pragma weak wh_func_instance

int wn_has_func_instance(void) { return wh_func_instance != NULL; }

/* callExported(handle, ...args): the native side of every exported function
 * (lib/api/exported.js), which passes exactly its parameters after the
 * External of its wrapper. */
napi_value wn_call_exported(napi_env env, napi_callback_info info) {
  napi_value small[9], *argv = small, ret;
  size_t argc = 9;
  void *data = NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, small, NULL, NULL), NULL);
  if (argc > 9) {
    size_t want = argc;
    if (!(argv = malloc(want * sizeof *argv))) {
      napi_throw_error(env, NULL, "wasihost: out of memory");
      return NULL;
    }
    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
      free(argv);
      wn_ensure_exception(env);
      return NULL;
    }
    if (argc > want) argc = want;
  }
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok || !data) {
    if (argv != small) free(argv);
    napi_throw_type_error(env, NULL, "callExported: not an exported function's handle");
    return NULL;
  }
  wn_func *w = data;
  /* A disposed function's type went with its wh_func. */
  if (!w->h.ptr) {
    if (argv != small) free(argv);
    napi_throw_error(env, "ERR_WASIHOST_DISPOSED",
                     "this function's WebAssembly.Instance has been disposed");
    return NULL;
  }
  napi_value self = NULL;
  if (w->has_funcref && napi_get_reference_value(env, w->h.self, &self) != napi_ok)
    self = NULL;
  ret = wn_call(w->h.E, w, self, argc - 1, argv + 1, 0, 0);
  if (argv != small) free(argv);
  return ret;
}

/* The function is a closure made in JS (lib/api/exported.js) around an
 * External of w.  Only the closure holds that External, and w is freed by
 * the closure's own finalizer: no call can reach a freed w. */
int wn_func_value(wn_env *E, wh_func *f, const char *name,
                       napi_value owner, napi_value *out) {
  napi_env env = E->env;
  char buf[16];
  napi_value fn, make, argv[4];
  if (wn_lookup(E, f, out)) return 0;
  if (!name) {
    uint32_t idx = wh_func_index ? wh_func_index(f) : UINT32_MAX;
    buf[0] = 0;
    if (idx != UINT32_MAX) snprintf(buf, sizeof buf, "%u", (unsigned)idx);
    name = buf;
  }
  wn_func *w = calloc(1, sizeof *w);
  if (!w) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return -1;
  }
  w->h.kind = WN_NK_FUNC;
  w->h.ptr = wh_func_ref(f);
  w->h.E = E;
  w->type = wh_func_type(f);
  for (uint32_t i = 0; i < w->type->nparams; i++)
    if (wh_reftype_family(w->type->params[i]) == WH_FUNCREF) w->has_funcref = 1;
  for (uint32_t i = 0; i < w->type->nresults; i++)
    if (wh_reftype_family(w->type->results[i]) == WH_FUNCREF) w->has_funcref = 1;
  w->not_js = wn_functype_not_js(w->type);
  if (napi_get_reference_value(env, E->call_exported, &argv[0]) != napi_ok ||
      napi_create_external(env, w, NULL, NULL, &argv[1]) != napi_ok ||
      napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &argv[2]) != napi_ok ||
      napi_create_uint32(env, w->type->nparams, &argv[3]) != napi_ok ||
      napi_get_reference_value(env, E->exported_function, &make) != napi_ok ||
      napi_call_function(env, wn_undefined(env), make, 4, argv, &fn) != napi_ok) {
    wn_ensure_exception(env);
    wh_func_unref(f);
    free(w);
    return -1;
  }
  if (wn_attach(E, fn, &w->h) || wn_group_join(E, owner, fn)) return -1;
  /* Runs of it are runs of its instance: busy, timeout, dispose. */
  wh_instance *inst = wh_func_instance ? wh_func_instance(f) : NULL;
  if (inst) {
    wn_rs *rs = wn_rs_find(E, inst);
    if (rs) {
      wn_rs_attach(rs, &w->h);
    } else if ((rs = wn_rs_new(E, inst))) {
      wn_rs_attach(rs, &w->h);
      wn_rs_unref(rs);
    }
  }
  *out = fn;
  return 0;
}

int wn_call_args(napi_env env, size_t argc, napi_value *argv, const char *not_array,
                      uint32_t *n, uint64_t *timeout_ns) {
  bool is_array = false;
  *n = 0;
  *timeout_ns = 0;
  if (argc > 1) WI_TRY(napi_is_array(env, argv[1], &is_array), -1);
  if (is_array) WI_TRY(napi_get_array_length(env, argv[1], n), -1);
  if (argc > 1 && !is_array && not_array) {
    napi_valuetype t;
    WI_TRY(napi_typeof(env, argv[1], &t), -1);
    if (t != napi_undefined) {
      napi_throw_type_error(env, NULL, not_array);
      return -1;
    }
  }
  if (argc > 2) {
    napi_valuetype t;
    double ms;
    WI_TRY(napi_typeof(env, argv[2], &t), -1);
    /* +1: a positive timeout never truncates to 0, which means none. */
    if (t == napi_number && napi_get_value_double(env, argv[2], &ms) == napi_ok && ms > 0)
      *timeout_ns = ms * 1e6 >= 1.8e19 ? UINT64_MAX : (uint64_t)(ms * 1e6) + 1;
  }
  return 0;
}

/* callRaw(fn, argsArray) -> Array of raw results, and
 * callSync(fn, argsArray, timeoutMs | undefined) -> the call's JS result,
 * with a timeout for this run on top of the instance's own. */
static napi_value call_on_js_thread(napi_env env, napi_callback_info info, int raw) {
  size_t argc = 3;
  napi_value argv[3], small[16], *args = small, ret;
  uint32_t n;
  uint64_t timeout_ns;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  wn_obj *w = argc ? wn_unwrap(env, argv[0], WN_NK_FUNC) : NULL;
  if (!w) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending)
      napi_throw_type_error(env, NULL, raw ? "callRaw: not an exported WebAssembly function"
                                           : "callSync: not an exported WebAssembly function");
    return NULL;
  }
  /* callRaw has no timeout argument: a third one is ignored. */
  if (raw && argc > 2) argc = 2;
  if (wn_call_args(env, argc, argv, raw ? "callRaw: args must be an Array" : NULL, &n,
                        &timeout_ns))
    return NULL;
  if (n > 16 && !(args = malloc(n * sizeof *args))) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (napi_get_element(env, argv[1], i, &args[i]) != napi_ok) {
      wn_ensure_exception(env);
      if (args != small) free(args);
      return NULL;
    }
  }
  ret = wn_call(E, (wn_func *)w, argv[0], n, args, raw, timeout_ns);
  if (args != small) free(args);
  return ret;
}

napi_value wn_call_raw(napi_env env, napi_callback_info info) {
  return call_on_js_thread(env, info, 1);
}

napi_value wn_call_sync(napi_env env, napi_callback_info info) {
  return call_on_js_thread(env, info, 0);
}

static int type_list(napi_env env, const uint8_t *types, uint32_t n,
                     napi_value *out) {
  napi_value s;
  WI_TRY(napi_create_array_with_length(env, n, out), -1);
  for (uint32_t i = 0; i < n; i++) {
    WI_TRY(napi_create_string_utf8(env, wh_valtype_name(types[i]),
                                   NAPI_AUTO_LENGTH, &s), -1);
    WI_TRY(napi_set_element(env, *out, i, s), -1);
  }
  return 0;
}

/* funcType(fn) -> {params: [...], results: [...]} */
napi_value wn_func_type(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value fn, out, params, results;
  WI_TRY(napi_get_cb_info(env, info, &argc, &fn, NULL, NULL), NULL);
  wn_obj *w = argc ? wn_unwrap(env, fn, WN_NK_FUNC) : NULL;
  if (!w) {
    napi_throw_type_error(env, NULL, "funcType: not an exported WebAssembly function");
    return NULL;
  }
  const wh_functype *ft = wh_func_type(w->ptr);
  if (type_list(env, ft->params, ft->nparams, &params) ||
      type_list(env, ft->results, ft->nresults, &results))
    return NULL;
  WI_TRY(napi_create_object(env, &out), NULL);
  WI_TRY(napi_set_named_property(env, out, "params", params), NULL);
  WI_TRY(napi_set_named_property(env, out, "results", results), NULL);
  return out;
}
