/* Internal header of the N-API binding (src/node/).  Only files under
 * src/node include node_api.h; everything here is a thin layer over
 * include/wasihost.h that converts JS values and keeps JS wrappers alive.
 *
 * Wrappers: every wh_* object reachable from JS is held by exactly one JS
 * object per env (napi_wrap + type tag), found again through an identity map
 * keyed by the wh_* pointer, so `exports.f === exports.f`, `table.get(0) ===
 * exports.f` and a re-exported Memory is the very object that was imported.
 * Each wrapper holds one wh_* reference, dropped by its finalizer. */
#ifndef WH_NAPI_BINDING_H
#define WH_NAPI_BINDING_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#include "wasihost.h"

typedef enum wh_napi_kind {
  WH_NK_MODULE = 1,
  WH_NK_INSTANCE,
  WH_NK_FUNC,
  WH_NK_MEMORY,
  WH_NK_TABLE,
  WH_NK_GLOBAL,
  WH_NK_COUNT
} wh_napi_kind;

typedef struct wh_napi_env wh_napi_env;

/* The common head of every wrapper struct. */
typedef struct wh_napi_obj {
  int kind;         /* wh_napi_kind */
  void *ptr;        /* the wh_* object; this wrapper owns one reference */
  wh_napi_env *E;
  napi_ref self;    /* weak reference to the JS object (identity map) */
  int in_map;
  struct wh_napi_obj *map_next;
} wh_napi_obj;

typedef struct wh_napi_func {
  wh_napi_obj h;
  const wh_functype *type; /* owned by the wh_func */
  int has_funcref;         /* a funcref param or result: calls need the JS
                              function itself for keep-alive groups */
} wh_napi_func;

typedef struct wh_napi_memory {
  wh_napi_obj h;
  napi_ref buffer;       /* the current ArrayBuffer, or NULL */
  uint64_t buffer_size;  /* its byte length */
  struct wh_napi_memory *live_prev, *live_next; /* memories with a buffer */
} wh_napi_memory;

typedef struct wh_napi_instance {
  wh_napi_obj h;
  int has_fuel;
} wh_napi_instance;

/* Per-env state (napi_set_instance_data).  Reference counted so that host
 * function data outliving the env's teardown never touches freed memory. */
struct wh_napi_env {
  napi_env env;
  int alive;
  int refs;
  int initialized;
  napi_ref err_compile, err_link, err_runtime, err_exit;
  napi_ref proto[WH_NK_COUNT]; /* prototypes for wrappers made from C */
  napi_ref object_create;      /* Object.create */
  napi_ref to_list;            /* (iterable) => [...iterable] */
  napi_ref bigint_asintn;      /* BigInt.asIntN */
  napi_ref extern_intern;      /* (value) => id > 0 */
  napi_ref extern_values;      /* Array: id -> value */
  napi_ref group_join;         /* (a, b): join the keep-alive groups */
  napi_ref group_keep;         /* (obj, value): obj's group keeps value */
  wh_napi_obj **buckets;
  size_t nbuckets, count;
  wh_napi_memory *live_memories;
};

/* ---- env (napi_addon.c) ---- */
wh_napi_env *wh_napi_env_get(napi_env env);
/* Same, but throws when require('wasihost') has not initialised it. */
wh_napi_env *wh_napi_env_ready(napi_env env);
void wh_napi_env_release(wh_napi_env *E);

/* ---- errors and small helpers (napi_util.c) ---- */
/* After a failed napi call: make sure some JS exception is pending. */
void wh_napi_ensure_exception(napi_env env);
/* Throws the JS error for a failed C API call: CompileError, LinkError,
 * RuntimeError, WASIExit (with .code), RangeError for limits/OOM; for
 * WH_ERR_HOST leaves the host's pending exception untouched. */
void wh_napi_throw_status(wh_napi_env *E, int status, const wh_error *err);
/* Throws `new Ctor(message)` for one of the env's error classes. */
void wh_napi_throw_class(wh_napi_env *E, napi_ref ctor, const char *message);
/* Bytes of an ArrayBuffer, TypedArray or DataView; TypeError otherwise. */
int wh_napi_buffer_source(napi_env env, napi_value v, const uint8_t **data,
                          size_t *len);
int wh_napi_is_object(napi_env env, napi_value v);
napi_value wh_napi_undefined(napi_env env);
napi_value wh_napi_bool(napi_env env, int b);
napi_value wh_napi_string_n(napi_env env, const char *s, size_t len);
/* A uint64 from a non-negative Number or BigInt. */
int wh_napi_get_u64(napi_env env, napi_value v, uint64_t *out);
const char *wh_napi_valtype_name(uint8_t t);

#define WH_TRY(call, ret)                                                    \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      wh_napi_ensure_exception(env);                                         \
      return ret;                                                            \
    }                                                                        \
  } while (0)

/* ---- wrappers and the identity map (napi_wrap.c) ---- */
/* The wrapper of v when it is a JS wrapper of that kind, else NULL (no
 * exception). */
wh_napi_obj *wh_napi_unwrap(napi_env env, napi_value v, int kind);
/* Same, but throws a TypeError naming `what` when it is not. */
wh_napi_obj *wh_napi_unwrap_or_throw(napi_env env, napi_value v, int kind,
                                     const char *what);
/* Attaches w (allocated by the caller, w->ptr already referenced) to obj:
 * type tag, napi_wrap with a finalizer that unrefs and frees, and an entry in
 * the identity map.  On failure frees w, unrefs w->ptr, returns -1. */
int wh_napi_attach(wh_napi_env *E, napi_value obj, wh_napi_obj *w);
/* The live JS wrapper of ptr, or NULL. */
int wh_napi_lookup(wh_napi_env *E, void *ptr, napi_value *out);
/* The JS object for an extern: the existing wrapper, or a new one made with
 * Object.create(Memory/Table/Global.prototype) or as an exported function.
 * `name` names a new function wrapper (NULL: its function index).  A new
 * wrapper joins the keep-alive group of `owner` (a JS wrapper whose engine
 * object shares the store, or NULL); see lib/api/groups.js. */
int wh_napi_extern_value(wh_napi_env *E, const wh_extern *ext, napi_value owner,
                         napi_value *out);
int wh_napi_func_value(wh_napi_env *E, wh_func *f, const char *name,
                       napi_value owner, napi_value *out);
/* Joins the keep-alive groups of two JS objects (no-op if either is NULL). */
int wh_napi_group_join(wh_napi_env *E, napi_value a, napi_value b);
/* owner's keep-alive group holds value strongly. */
int wh_napi_group_keep(wh_napi_env *E, napi_value owner, napi_value value);
/* Detaches ArrayBuffers of memories that grew since they were handed out.
 * Called after every call into wasm and on entry to every host call. */
void wh_napi_sweep_memories(wh_napi_env *E);
/* From a Memory wrapper's finalizer: forget its buffer without detaching it
 * (the ArrayBuffer keeps its own wh_memory reference and stays valid). */
void wh_napi_memory_release(wh_napi_env *E, wh_napi_memory *m);

/* ---- values (napi_value.c) ---- */
/* ToWebAssemblyValue: 0, or -1 with a pending exception. */
int wh_napi_to_wasm(wh_napi_env *E, napi_value v, uint8_t type, wh_val *out);
/* ToJSValue: 0, or -1 with a pending exception.  owner: see
 * wh_napi_extern_value (matters for funcref only). */
int wh_napi_to_js(wh_napi_env *E, wh_val v, uint8_t type, napi_value owner,
                  napi_value *out);
/* Raw bit conventions of require('wasihost').internals (see lib/index.js). */
int wh_napi_raw_to_wasm(wh_napi_env *E, napi_value v, uint8_t type,
                        wh_val *out);
int wh_napi_raw_to_js(wh_napi_env *E, wh_val v, uint8_t type,
                      napi_value owner, napi_value *out);
/* Calls f (whose JS wrapper is fn) with JS args (missing ones are
 * undefined) and returns the JS result (undefined, one value, or an Array).
 * raw selects the internals convention.  NULL with a pending exception. */
napi_value wh_napi_call(wh_napi_env *E, wh_func *f, napi_value fn, size_t argc,
                        napi_value *argv, int raw);

/* ---- host functions (napi_host.c) ---- */
/* A wh_func that calls the JS callable fn with the given type.  The
 * function holds fn weakly: owner's keep-alive group (normally the Instance
 * being created) holds it strongly.  With owner NULL it holds fn strongly. */
wh_func *wh_napi_host_func(wh_napi_env *E, napi_value fn,
                           const wh_functype *type, napi_value owner);

/* ---- import resolution (napi_link.c) ---- */
/* Reads imports for module m from importObject (undefined allowed when m
 * has no imports).  Fills exts[0..n) and records in owned[] the objects this
 * call created (to be unreffed after instantiation).  -1 with an exception. */
int wh_napi_read_imports(wh_napi_env *E, wh_module *m, napi_value import_object,
                         napi_value owner, wh_extern *exts, wh_extern *owned,
                         uint32_t *nowned);
void wh_napi_extern_unref(const wh_extern *e);
/* "func [i32 i64] -> [f32]" etc.; buf must hold at least 128 bytes. */
void wh_napi_format_externtype(const wh_externtype *t, char *buf, size_t cap);

/* ---- binding entry points, one group per file ---- */
napi_value wh_napi_module_new(napi_env env, napi_callback_info info);
napi_value wh_napi_module_validate(napi_env env, napi_callback_info info);
napi_value wh_napi_module_imports(napi_env env, napi_callback_info info);
napi_value wh_napi_module_exports(napi_env env, napi_callback_info info);
napi_value wh_napi_module_custom_sections(napi_env env, napi_callback_info info);
napi_value wh_napi_instance_new(napi_env env, napi_callback_info info);
napi_value wh_napi_instance_fuel(napi_env env, napi_callback_info info);
napi_value wh_napi_instance_set_fuel(napi_env env, napi_callback_info info);
napi_value wh_napi_memory_new(napi_env env, napi_callback_info info);
napi_value wh_napi_memory_buffer(napi_env env, napi_callback_info info);
napi_value wh_napi_memory_grow(napi_env env, napi_callback_info info);
napi_value wh_napi_memory_type(napi_env env, napi_callback_info info);
napi_value wh_napi_table_new(napi_env env, napi_callback_info info);
napi_value wh_napi_table_get(napi_env env, napi_callback_info info);
napi_value wh_napi_table_set(napi_env env, napi_callback_info info);
napi_value wh_napi_table_grow(napi_env env, napi_callback_info info);
napi_value wh_napi_table_length(napi_env env, napi_callback_info info);
napi_value wh_napi_table_type(napi_env env, napi_callback_info info);
napi_value wh_napi_global_new(napi_env env, napi_callback_info info);
napi_value wh_napi_global_get(napi_env env, napi_callback_info info);
napi_value wh_napi_global_set(napi_env env, napi_callback_info info);
napi_value wh_napi_global_type(napi_env env, napi_callback_info info);
napi_value wh_napi_call_raw(napi_env env, napi_callback_info info);
napi_value wh_napi_global_raw(napi_env env, napi_callback_info info);
napi_value wh_napi_func_type(napi_env env, napi_callback_info info);
napi_value wh_napi_kind_of(napi_env env, napi_callback_info info);

/* ---- for napi_wasi.c ----
 * The WASI helper's file may define this; the addon calls it (when linked
 * in) at load time to add its functions to the binding's exports. */
napi_value wh_napi_wasi_init(napi_env env, napi_value exports);

/* Convenience accessors for other binding files (napi_wasi.c): the wh_*
 * object behind a JS wrapper, or NULL when v is not one. */
wh_instance *wh_napi_get_instance(napi_env env, napi_value v);
wh_memory *wh_napi_get_memory(napi_env env, napi_value v);
wh_func *wh_napi_get_func(napi_env env, napi_value v);

#endif /* WH_NAPI_BINDING_H */
