/* Addon entry: per-env state and the table of binding functions.
 * lib/index.js calls init() once with the JS classes the binding needs to
 * create (errors) or to give prototypes to (Memory, Table, Global). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "node/napi_binding.h"

/* napi_wasi.c (owned by the WASI helper) may not exist yet; a weak
 * reference lets the addon load either way. */
#pragma weak wn_wasi_init

/* The probe of a Worker's JS thread (wh_thread_set_probe): a guest poked
 * during a sync run asks whether the Worker is being stopped
 * (worker.terminate(), process.exit()).  Calling a JS no-op is the one
 * N-API way to see it: once Node marks the env as stopping, every call into
 * JS fails.  The stopped run then cannot throw either (N-API refuses), so
 * the call returns undefined and V8's pending termination ends the
 * Worker's JS at its next interrupt check (a JS call or loop back-edge).
 * A RangeError near the stack limit also fails the call: the run then
 * stops with that RangeError. */
static int probe(void *data) {
  wn_env *E = data;
  napi_env env = E->env;
  napi_handle_scope scope;
  napi_value fn, ignored;
  int stop = 0;
  if (!E->alive || !E->noop) return 0;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return 1;
  if (napi_get_reference_value(env, E->noop, &fn) == napi_ok && fn &&
      napi_call_function(env, wn_undefined(env), fn, 0, NULL, &ignored) != napi_ok)
    stop = 1;
  napi_close_handle_scope(env, scope);
  return stop;
}

static void env_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  wn_env *E = data;
  if (E->is_worker) wh_thread_set_probe(NULL, NULL);
  E->alive = 0;
  wn_env_release(E);
}

void wn_env_release(wn_env *E) {
  if (--E->refs > 0) return;
  for (size_t i = 0; i < E->caperrs; i++) free(E->errs[i]);
  free(E->errs);
  free(E->buckets);
  free(E->rs_buckets);
  free(E);
}

wn_env *wn_env_get(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok) return NULL;
  return data;
}

wn_env *wn_env_ready(napi_env env) {
  wn_env *E = wn_env_get(env);
  if (!E || !E->initialized) {
    napi_throw_error(env, NULL,
                     "wasihost: the binding is not initialised; load it "
                     "through require('wasihost')");
    return NULL;
  }
  return E;
}

static int keep(napi_env env, napi_value obj, const char *key, int want_fn,
                napi_ref *out) {
  napi_value v;
  napi_valuetype t;
  WI_TRY(napi_get_named_property(env, obj, key, &v), -1);
  WI_TRY(napi_typeof(env, v, &t), -1);
  if ((want_fn && t != napi_function) || (!want_fn && t != napi_object)) {
    char msg[96];
    snprintf(msg, sizeof msg, "wasihost init: %s has the wrong type", key);
    napi_throw_type_error(env, NULL, msg);
    return -1;
  }
  WI_TRY(napi_create_reference(env, v, 1, out), -1);
  return 0;
}

/* init({CompileError, LinkError, RuntimeError, WASIExit, MemoryProto,
 *       TableProto, GlobalProto, toList, externIntern, externValues,
 *       groupJoin, groupKeep, exportedFunction}) */
static napi_value init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value cfg, global, object, bigint;
  wn_env *E = wn_env_get(env);
  WI_TRY(napi_get_cb_info(env, info, &argc, &cfg, NULL, NULL), NULL);
  if (!E) {
    napi_throw_error(env, NULL, "wasihost: no env state");
    return NULL;
  }
  if (E->initialized) return wn_undefined(env);
  if (argc < 1 || !wn_is_object(env, cfg)) {
    napi_throw_type_error(env, NULL, "wasihost init: expected an object");
    return NULL;
  }
  if (keep(env, cfg, "CompileError", 1, &E->err_compile) ||
      keep(env, cfg, "LinkError", 1, &E->err_link) ||
      keep(env, cfg, "RuntimeError", 1, &E->err_runtime) ||
      keep(env, cfg, "WASIExit", 1, &E->err_exit) ||
      keep(env, cfg, "MemoryProto", 0, &E->proto[WN_NK_MEMORY]) ||
      keep(env, cfg, "TableProto", 0, &E->proto[WN_NK_TABLE]) ||
      keep(env, cfg, "GlobalProto", 0, &E->proto[WN_NK_GLOBAL]) ||
      keep(env, cfg, "TagProto", 0, &E->proto[WN_NK_TAG]) ||
      keep(env, cfg, "ExceptionProto", 0, &E->proto[WN_NK_EXN]) ||
      keep(env, cfg, "toList", 1, &E->to_list) ||
      keep(env, cfg, "externIntern", 1, &E->extern_intern) ||
      keep(env, cfg, "externValues", 0, &E->extern_values) ||
      keep(env, cfg, "groupJoin", 1, &E->group_join) ||
      keep(env, cfg, "groupKeep", 1, &E->group_keep) ||
      keep(env, cfg, "exportedFunction", 1, &E->exported_function))
    return NULL;
  /* Reachable from JS only through the exported functions' closures. */
  napi_value entry;
  WI_TRY(napi_create_function(env, "callExported", NAPI_AUTO_LENGTH, wn_call_exported,
                              NULL, &entry), NULL);
  WI_TRY(napi_create_reference(env, entry, 1, &E->call_exported), NULL);
  WI_TRY(napi_get_global(env, &global), NULL);
  WI_TRY(napi_get_named_property(env, global, "Object", &object), NULL);
  WI_TRY(napi_get_named_property(env, global, "BigInt", &bigint), NULL);
  if (keep(env, object, "create", 1, &E->object_create) ||
      keep(env, bigint, "asIntN", 1, &E->bigint_asintn))
    return NULL;
  if (E->is_worker) {
    napi_value src, fn;
    WI_TRY(napi_create_string_utf8(env, "(function () {})", NAPI_AUTO_LENGTH, &src), NULL);
    WI_TRY(napi_run_script(env, src, &fn), NULL);
    WI_TRY(napi_create_reference(env, fn, 1, &E->noop), NULL);
    wh_thread_set_probe(probe, E);
  }
  E->initialized = 1;
  return wn_undefined(env);
}

/* Node dlclose()s an addon when the last Worker env that loaded it ends.
 * Our code must outlive that: guest-pool threads idle in it, and every
 * thread that ran wasm has a thread-specific-data destructor in it that
 * runs when the thread exits, after the env is gone.  Opening ourselves
 * once more with RTLD_NODELETE keeps the image mapped for the process. */
static void pin_image(void) {
  Dl_info info;
  if (dladdr((void *)pin_image, &info) && info.dli_fname)
    (void)dlopen(info.dli_fname, RTLD_LAZY | RTLD_NODELETE | RTLD_NOLOAD);
}

static const wn_fn fns[] = {
      {"init", init},
      {"moduleNew", wn_module_new},
      {"moduleValidate", wn_module_validate},
      {"moduleImports", wn_module_imports},
      {"moduleExports", wn_module_exports},
      {"moduleCustomSections", wn_module_custom_sections},
      {"moduleShare", wn_module_share},
      {"moduleUnshare", wn_module_unshare},
      {"moduleFromShared", wn_module_from_shared},
      {"instanceNew", wn_instance_new},
      {"instanceStart", wn_instance_start},
      {"instanceFuel", wn_instance_fuel},
      {"instanceSetFuel", wn_instance_set_fuel},
      {"memoryNew", wn_memory_new},
      {"memoryBuffer", wn_memory_buffer},
      {"memoryGrow", wn_memory_grow},
      {"memoryType", wn_memory_type},
      {"tableNew", wn_table_new},
      {"tableGet", wn_table_get},
      {"tableSet", wn_table_set},
      {"tableGrow", wn_table_grow},
      {"tableLength", wn_table_length},
      {"tableType", wn_table_type},
      {"globalNew", wn_global_new},
      {"tagNew", wn_tag_new},
      {"tagType", wn_tag_type},
      {"jsTag", wn_js_tag},
      {"exnNew", wn_exn_new},
      {"exnIs", wn_exn_is},
      {"exnGetArg", wn_exn_get_arg},
      {"globalGet", wn_global_get},
      {"globalSet", wn_global_set},
      {"globalType", wn_global_type},
      {"callRaw", wn_call_raw},
      {"globalRaw", wn_global_raw},
      {"funcType", wn_func_type},
      {"kindOf", wn_kind_of},
      {"callSync", wn_call_sync},
      {"callAsync", wn_call_async},
      {"interrupt", wn_interrupt},
      {"instanceAbort", wn_instance_abort},
      {"dispose", wn_dispose},
      {"isDisposed", wn_is_disposed},
      {"poolInfo", wn_pool_info},
      {"externalBytes", wn_external_bytes},
      {"profileStart", wn_profile_start},
      {"profileRead", wn_profile_read},
      {"profileStop", wn_profile_stop},
      {"moduleBytes", wn_module_bytes},
      {"moduleSetExact", wn_module_set_exact},
      {"moduleFromFile", wn_module_from_file},
};

int wn_export_fns(napi_env env, napi_value exports, const wn_fn *f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    napi_value fn;
    if (napi_create_function(env, f[i].name, NAPI_AUTO_LENGTH, f[i].cb, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, f[i].name, fn) != napi_ok)
      return -1;
  }
  return 0;
}

NAPI_MODULE_INIT() {
  pin_image();
  wn_config_from_env();
  wn_env *E = calloc(1, sizeof *E);
  if (!E) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  E->env = env;
  E->alive = 1;
  E->refs = 1;
  {
    /* The main thread runs libuv's default loop; a Worker its own. */
    struct uv_loop_s *loop = NULL;
    E->is_worker = napi_get_uv_event_loop(env, &loop) == napi_ok && loop &&
                   loop != uv_default_loop();
  }
  if (napi_set_instance_data(env, E, env_finalize, NULL) != napi_ok) {
    free(E);
    wn_ensure_exception(env);
    return NULL;
  }
  if (wn_export_fns(env, exports, fns, sizeof fns / sizeof fns[0])) {
    wn_ensure_exception(env);
    return NULL;
  }
  {
    napi_value features, b;
    WI_TRY(napi_create_object(env, &features), NULL);
    WI_TRY(napi_get_boolean(env, wn_has_func_instance(), &b), NULL);
    WI_TRY(napi_set_named_property(env, features, "funcInstance", b), NULL);
    WI_TRY(napi_set_named_property(env, exports, "features", features), NULL);
  }
  if (wn_wasi_init) return wn_wasi_init(env, exports);
  return exports;
}
