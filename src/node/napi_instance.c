/* WebAssembly.Instance: link, instantiate (data/elem init in instanceNew,
 * the start function in instanceStart, so that it runs under the instance's
 * timeout and AbortSignal like any other run), and the frozen null-prototype exports object
 * (JS API 2.0 §"Instances"), plus the limits extension: fuel, memory cap,
 * call depth, value stack and a timeout per run (napi_run.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

#pragma weak wh_func_index

static int read_limit(napi_env env, napi_value obj, const char *key, uint64_t *out) {
  napi_value v;
  napi_valuetype t;
  *out = 0;
  WI_TRY(napi_get_named_property(env, obj, key, &v), -1);
  WI_TRY(napi_typeof(env, v, &t), -1);
  if (t == napi_undefined) return 0;
  return wn_get_u64(env, v, out);
}

/* timeout: milliseconds (fractions allowed) -> nanoseconds; 0 = none. */
static int read_timeout(napi_env env, napi_value obj, uint64_t *out) {
  napi_value v;
  napi_valuetype t;
  double ms;
  *out = 0;
  WI_TRY(napi_get_named_property(env, obj, "timeout", &v), -1);
  WI_TRY(napi_typeof(env, v, &t), -1);
  if (t == napi_undefined) return 0;
  if (t != napi_number || napi_get_value_double(env, v, &ms) != napi_ok || !(ms >= 0)) {
    napi_throw_type_error(env, NULL, "timeout must be a non-negative number of milliseconds");
    return -1;
  }
  double ns = ms * 1e6;
  *out = ns >= 1.8e19 ? UINT64_MAX : (uint64_t)ns;
  if (ms > 0 && *out == 0) *out = 1;
  return 0;
}

static int read_limits(napi_env env, napi_value obj, wh_limits_config *cfg,
                       uint64_t *timeout_ns) {
  uint64_t depth, slots;
  memset(cfg, 0, sizeof *cfg);
  if (read_limit(env, obj, "fuel", &cfg->fuel) ||
      read_limit(env, obj, "maxMemory", &cfg->max_memory_bytes) ||
      read_limit(env, obj, "maxCallDepth", &depth) ||
      read_limit(env, obj, "maxStackSlots", &slots) ||
      read_timeout(env, obj, timeout_ns))
    return -1;
  if (depth > UINT32_MAX || slots > UINT32_MAX) {
    napi_throw_range_error(env, NULL, "maxCallDepth and maxStackSlots must fit in 32 bits");
    return -1;
  }
  cfg->max_call_depth = (uint32_t)depth;
  cfg->max_stack_slots = (uint32_t)slots;
  return 0;
}

/* The name of an exported function: its function index.  An imported host
 * function has no wasm index of its own; like V8, name it by its position
 * among this module's function imports. */
static const char *export_func_name(wh_func *f, const wh_extern *imports, uint32_t n,
                                    char *buf, size_t cap) {
  uint32_t idx = wh_func_index ? wh_func_index(f) : UINT32_MAX, k = 0;
  if (idx != UINT32_MAX) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    if (imports[i].kind != WH_EXTERN_FUNC) continue;
    if (imports[i].u.func == f) {
      snprintf(buf, cap, "%u", (unsigned)k);
      return buf;
    }
    k++;
  }
  return NULL;
}

/* Is ext one of the instance's imports (re-exported), not its own? */
static int is_imported(const wh_extern *ext, const wh_extern *imports, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (imports[i].kind != ext->kind) continue;
    if ((ext->kind == WH_EXTERN_FUNC && imports[i].u.func == ext->u.func) ||
        (ext->kind == WH_EXTERN_MEMORY && imports[i].u.memory == ext->u.memory) ||
        (ext->kind == WH_EXTERN_TABLE && imports[i].u.table == ext->u.table) ||
        (ext->kind == WH_EXTERN_GLOBAL && imports[i].u.global == ext->u.global))
      return 1;
  }
  return 0;
}

static const void *extern_ptr(const wh_extern *ext) {
  switch (ext->kind) {
  case WH_EXTERN_FUNC: return ext->u.func;
  case WH_EXTERN_MEMORY: return ext->u.memory;
  case WH_EXTERN_TABLE: return ext->u.table;
  default: return ext->u.global;
  }
}

static napi_value build_exports(wn_env *E, napi_value owner, wh_instance *inst,
                                wn_rs *rs, const wh_extern *imports,
                                uint32_t nimports) {
  napi_env env = E->env;
  napi_value create, null, obj, v, key;
  wh_module *m = wh_instance_module(inst);
  WI_TRY(napi_get_reference_value(env, E->object_create, &create), NULL);
  WI_TRY(napi_get_null(env, &null), NULL);
  WI_TRY(napi_call_function(env, wn_undefined(env), create, 1, &null, &obj), NULL);
  uint32_t n = wh_module_export_count(m);
  /* The exports join the instance's keep-alive group in one call at the
   * end (one call into JS per instance, not per export). */
  napi_value small[8], *values = small;
  if (n > 8 && !(values = malloc(n * sizeof *values))) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  napi_value result = NULL;
  for (uint32_t i = 0; i < n; i++) {
    const char *name;
    uint32_t name_len;
    wh_externtype t;
    wh_extern ext;
    char buf[16];
    if (wh_module_export(m, i, &name, &name_len, &t) ||
        wh_instance_export_at(inst, i, &ext)) {
      napi_throw_error(env, NULL, "wasihost: cannot read an export of the instance");
      goto out;
    }
    int rc = ext.kind == WH_EXTERN_FUNC
                 ? wn_func_value(E, ext.u.func,
                                      export_func_name(ext.u.func, imports, nimports,
                                                       buf, sizeof buf),
                                      NULL, &v)
                 : wn_extern_value(E, &ext, NULL, &v);
    if (rc) goto out;
    values[i] = v;
    /* What the instance defines runs on (and is disposed with) it. */
    if (!is_imported(&ext, imports, nimports)) {
      /* v is the env's one live wrapper of this instance's own object,
       * made just above (or earlier): the identity map has it, without a
       * call into N-API. */
      wn_ptrmap_entry *e = wn_ptrmap_find(&E->objs, extern_ptr(&ext));
      if (e) wn_rs_attach(rs, WN_CONTAINER(e, wn_obj, map));
    }
    if (!(key = wn_string_n(env, name, name_len)) ||
        napi_set_property(env, obj, key, v) != napi_ok)
      goto out;
  }
  if (wn_group_join_all(E, owner, values, n) == 0 &&
      napi_object_freeze(env, obj) == napi_ok)
    result = obj;
out:
  if (values != small) free(values);
  if (!result) wn_ensure_exception(env);
  return result;
}

/* After reading the imports (getters, Proxy traps: user JS that may have
 * disposed or lent out anything looked at earlier) the module and every
 * wrapper taken as an import must still be usable.  The references held
 * meanwhile only keep the memory valid; this decides whether to go on. */
static int still_usable(napi_env env, wn_obj *mw, const napi_value *values,
                        const wh_extern *exts, uint32_t n) {
  static const int kinds[] = {[WH_EXTERN_FUNC] = WN_NK_FUNC, [WH_EXTERN_TABLE] = WN_NK_TABLE,
                              [WH_EXTERN_MEMORY] = WN_NK_MEMORY,
                              [WH_EXTERN_GLOBAL] = WN_NK_GLOBAL, [WH_EXTERN_TAG] = WN_NK_TAG};
  if (!mw->ptr) {
    napi_throw_error(env, "ERR_WASIHOST_DISPOSED", "WebAssembly.Module has been disposed");
    return -1;
  }
  for (uint32_t i = 0; i < n; i++) {
    wn_obj *w = values[i] ? wn_unwrap_any(env, values[i]) : NULL;
    if (!w) continue; /* a JS callable or a plain value: a new object */
    if (!wn_unwrap(env, values[i], kinds[exts[i].kind])) return -1;
    /* this instance's runs may run the other's code or touch its memory */
    wn_rs_touch(w->rs);
    if (w->kind == WN_NK_FUNC && wn_rs_busy(w->rs)) {
      wn_throw_busy(env, "link its function");
      return -1;
    }
  }
  return 0;
}

/* instanceNew(target, module, importObject, limits | undefined) -> exports.
 * Order (issue 13): convert the limits, then look up the module and hold a
 * reference on it and on each import as it is read, since reading the
 * import object runs user JS that may dispose() any of them. */
napi_value wn_instance_new(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], exports = NULL;
  wh_limits_config cfg;
  uint64_t timeout_ns = 0;
  int has_limits = 0;
  wh_extern *exts = NULL, *owned = NULL;
  napi_value *values = NULL;
  uint32_t nowned = 0;
  wh_error err;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wn_sweep_dead(E, 0);
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 4 || !wn_is_object(env, argv[0])) {
    napi_throw_type_error(env, NULL, "instanceNew(target, module, imports, limits)");
    return NULL;
  }
  if (wn_is_object(env, argv[3])) {
    if (read_limits(env, argv[3], &cfg, &timeout_ns)) return NULL;
    has_limits = 1;
  }
  wn_obj *mw = wn_unwrap(env, argv[1], WN_NK_MODULE);
  if (!mw) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_type_error(env, NULL, "Argument 0 must be a WebAssembly.Module");
    return NULL;
  }
  wh_module *m = wh_module_ref(mw->ptr);
  uint32_t n = wh_module_import_count(m);
  if (n) {
    exts = calloc(n, sizeof *exts);
    owned = calloc(n, sizeof *owned);
    values = calloc(n, sizeof *values);
    if (!exts || !owned || !values) {
      free(exts);
      free(owned);
      free(values);
      wh_module_unref(m);
      napi_throw_error(env, NULL, "wasihost: out of memory");
      return NULL;
    }
  }
  wh_instance *inst = NULL;
  if (wn_read_imports(E, m, argv[2], argv[0], exts, owned, &nowned, values) == 0 &&
      still_usable(env, mw, values, exts, n) == 0) {
    memset(&err, 0, sizeof err);
    inst = wh_instance_new_unstarted(m, exts, n, has_limits ? &cfg : NULL, &err);
    wn_sweep_memories(E);
    if (!inst) wn_throw_status(E, err.status ? err.status : WH_ERR_LINK, &err);
  }
  if (inst) {
    wn_instance *w = calloc(1, sizeof *w);
    wn_rs *rs = w ? wn_rs_new(E, inst) : NULL;
    if (!rs) {
      free(w);
      wh_instance_unref(inst);
      napi_throw_error(env, NULL, "wasihost: out of memory");
    } else {
      w->h.kind = WN_NK_INSTANCE;
      w->h.ptr = inst;
      w->h.rs = rs; /* the wrapper owns rs's first reference */
      rs->timeout_ns = timeout_ns;
      w->has_fuel = has_limits && cfg.fuel != 0;
      if (wn_attach(E, argv[0], &w->h) == 0 && wn_rs_set_imports(rs, values, n) == 0)
        exports = build_exports(E, argv[0], inst, rs, exts, n);
      wn_rs_account_unrun(rs);
    }
  }
  /* The instance holds its own references to what it imported. */
  for (uint32_t i = 0; i < nowned; i++) wn_extern_unref(&owned[i]);
  wh_module_unref(m);
  free(exts);
  free(owned);
  free(values);
  return exports;
}

/* The receiver argv[0] as an Instance wrapper (an exception when not). */
wn_instance *wn_arg_instance(napi_env env, napi_callback_info info, size_t *argc,
                                       napi_value *argv) {
  if (napi_get_cb_info(env, info, argc, argv, NULL, NULL) != napi_ok) {
    wn_ensure_exception(env);
    return NULL;
  }
  if (*argc < 1) {
    napi_throw_type_error(env, NULL, "Receiver is not a WebAssembly.Instance");
    return NULL;
  }
  return (wn_instance *)wn_unwrap_or_throw(env, argv[0], WN_NK_INSTANCE,
                                                     "WebAssembly.Instance");
}

/* instanceStart(instance): runs the start function, if the module has one
 * and it has not run, as a run of the instance: its timeout, AbortSignal,
 * fuel and "instance is busy" rules hold.  Throws what it trapped with. */
napi_value wn_instance_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  wn_run run;
  wh_error err;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wn_instance *w = wn_arg_instance(env, info, &argc, argv);
  if (!w) return NULL;
  wh_instance *inst = w->h.ptr;
  if (!inst || !wh_instance_start_pending(inst)) return wn_undefined(env);
  if (wn_run_begin(E, w->h.rs, 0, &run)) return NULL;
  int rc = wh_instance_start(inst, &err);
  wn_run_end(&run);
  wn_sweep_memories(E);
  if (rc != WH_OK) {
    wn_throw_status(E, rc, &err);
    return NULL;
  }
  return wn_undefined(env);
}

/* instanceFuel(instance) -> Number, or undefined without a fuel limit */
napi_value wn_instance_fuel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  wn_instance *w = wn_arg_instance(env, info, &argc, argv);
  if (!w) return NULL;
  if (!w->has_fuel) return wn_undefined(env);
  /* The guest thread keeps the budget in its own registers while it runs. */
  if (wn_rs_busy(w->h.rs)) {
    wn_throw_busy(env, "read its fuel");
    return NULL;
  }
  WI_TRY(napi_create_double(env, (double)wh_instance_fuel(w->h.ptr), &out), NULL);
  return out;
}

/* instanceSetFuel(instance, fuel) */
napi_value wn_instance_set_fuel(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint64_t fuel;
  wn_instance *w = wn_arg_instance(env, info, &argc, argv);
  if (!w) return NULL;
  if (!w->has_fuel) {
    napi_throw_type_error(env, NULL,
                          "this instance was created without a fuel limit");
    return NULL;
  }
  /* A run in progress (even one lent to the JS thread) writes its budget
   * back when it ends: a refill now would be lost. */
  if (w->h.rs && (w->h.rs->job || w->h.rs->sync_depth)) {
    wn_throw_busy(env, "refill its fuel");
    return NULL;
  }
  if (argc < 2 || wn_get_u64(env, argv[1], &fuel)) {
    if (argc < 2) napi_throw_type_error(env, NULL, "fuel must be a Number or BigInt");
    return NULL;
  }
  wh_instance_set_fuel(w->h.ptr, fuel);
  return wn_undefined(env);
}
