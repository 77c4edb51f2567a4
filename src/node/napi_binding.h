/* Internal header of the N-API binding (src/node/).  Only files under
 * src/node include node_api.h; everything here is a thin layer over
 * include/wasihost.h that converts JS values and keeps JS wrappers alive.
 *
 * Wrappers: every wh_* object reachable from JS is held by exactly one JS
 * object per env (napi_wrap + type tag), found again through an identity map
 * keyed by the wh_* pointer, so `exports.f === exports.f`, `table.get(0) ===
 * exports.f` and a re-exported Memory is the very object that was imported.
 * Each wrapper holds one wh_* reference, dropped by its finalizer. */
#ifndef WN_BINDING_H
#define WN_BINDING_H

/* Plain N-API 9: wrapper finalizers run after a collection, from the event
 * loop, never inside it.  (Experimental N-API would run them inside V8's
 * collection, but Node 20 then checks for a pending JS exception after
 * each finalizer and, finding the one our callback is throwing -- Node
 * rethrows it after we return, and that rethrow allocates -- treats it as
 * thrown by the finalizer and aborts: SIGILL in the spec suite.)  Native
 * memory of collected objects is instead let go of by wn_sweep_dead
 * (napi_wrap.c) at the next entry point that allocates, so a synchronous
 * loop still frees what it drops (issue 13). */
#define NAPI_VERSION 9
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#include "wasihost.h"

typedef enum wn_kind {
  WN_NK_MODULE = 1,
  WN_NK_INSTANCE,
  WN_NK_FUNC,
  WN_NK_MEMORY,
  WN_NK_TABLE,
  WN_NK_GLOBAL,
  WN_NK_TAG, /* exception handling (napi_tag.c) */
  WN_NK_EXN,
  WN_NK_COUNT
} wn_kind;

typedef struct wn_env wn_env;
typedef struct wn_rs wn_rs;
typedef struct wn_job wn_job;

/* A pointer-keyed hash map (napi_ptrmap.c), intrusive: the entry lives in
 * the struct it maps (WN_CONTAINER gets back to it), so adding
 * allocates at most a bigger bucket array and removing never fails.  JS
 * thread only, like everything that uses it. */
typedef struct wn_ptrmap_entry {
  const void *key;                    /* NULL while in no map */
  struct wn_ptrmap_entry *next;
} wn_ptrmap_entry;

typedef struct wn_ptrmap {
  wn_ptrmap_entry **buckets;     /* a power of two of them; the owner
                                         frees the array */
  size_t nbuckets, count;
} wn_ptrmap;

#define WN_CONTAINER(entry, type, member)                               \
  ((type *)(void *)((char *)(entry) - offsetof(type, member)))

/* The common head of every wrapper struct. */
typedef struct wn_obj {
  int kind;         /* wn_kind */
  void *ptr;        /* the wh_* object; this wrapper owns one reference.
                       NULL once dispose()d: every entry point refuses it */
  wn_env *E;
  napi_ref self;    /* weak reference to the JS object: the identity map,
                       and the sweep's test that it was collected */
  struct wn_obj *all_prev, *all_next; /* E->all: every wrapper whose
                       engine object is not let go of yet */
  wn_ptrmap_entry map; /* in E->objs under ptr while it is the live
                               wrapper of ptr */
  /* The run state of the instance that defines this object (one
   * reference), or NULL when unknown (imported from JS, made from JS).
   * Objects on rs's list are disposed with the instance. */
  wn_rs *rs;
  struct wn_obj *rs_prev, *rs_next;
  /* Async runs of instances that imported this object (napi_async.c pins
   * it for the run), and how many of them lend it to the JS thread now. */
  int jobs, jobs_lent;
  int64_t ext_bytes; /* reported to V8 as external memory (napi_gc.c) */
} wn_obj;

typedef struct wn_func {
  wn_obj h;
  const wh_functype *type; /* owned by the wh_func */
  int has_funcref;         /* a funcref param or result: calls need the JS
                              function itself for keep-alive groups */
  int not_js;              /* wn_functype_not_js(type) */
} wn_func;

typedef struct wn_memory {
  wn_obj h;
  napi_ref buffer;       /* the current ArrayBuffer, or NULL */
  uint64_t buffer_size;  /* its byte length */
  struct wn_memory *live_prev, *live_next; /* memories with a buffer */
} wn_memory;

typedef struct wn_instance {
  wn_obj h;    /* h.rs is the instance's own run state */
  int has_fuel;
} wn_instance;

/* Run state of one instance, shared by its Instance wrapper and the
 * wrappers of what it defines; JS thread only.  It decides whether a new
 * run may start ("instance is busy": one wh_instance is never run by two
 * threads at once), clears the interrupt flag before each outermost run,
 * arms the timeout, and remembers an aborted AbortSignal. */
struct wn_rs {
  wn_env *E;
  wh_instance *inst;   /* not a reference (holders keep the store alive);
                          NULL once the instance is disposed */
  /* In E->rs_map under inst, kept after dispose so that a function of a
   * disposed instance reached again (through a shared table) still
   * refuses. */
  wn_ptrmap_entry reg;
  int refs;
  int aborted;         /* the Instance's signal fired: every run fails */
  uint64_t timeout_ns; /* per outermost run; 0 = none */
  int sync_depth;      /* runs on the JS thread in progress (nested) */
  wn_job *job;    /* the async run in progress, or NULL */
  int lent;            /* job waits on a JS host call: the JS thread may
                          use the instance (re-entrant calls, memory) */
  wn_obj *objs;   /* disposed together with the instance */
  /* The wrappers it imported (weak refs): an async run of this instance
   * pins them, a run on the JS thread refuses while one is pinned by a
   * run elsewhere.  Functions of other instances count through their
   * instance's pins. */
  napi_ref *imports;
  uint32_t nimports;
  int pins, pins_lent;
  int64_t ext_bytes;   /* the instance's footprint as reported to V8 */
  int unrun;           /* ext_bytes counts only the pages instantiation
                          wrote into its memories: until a run or the host
                          may touch them (wn_rs_touch) */
  uint64_t buffered;   /* bytes of its memories that V8 counts already,
                          through their live ArrayBuffers (napi_memory.c) */
};

/* One run on the JS thread (wn_run_begin/end), or an async run
 * lending itself to the JS thread while its guest waits for a JS import
 * (wn_run_lend).  They form a stack per env: a JS import may call
 * into other instances, whose runs are nested in the caller's.  The engine
 * checks only the flag of the instance a run entered, so a nested run
 * inherits the enclosing deadline (its own watch) and interrupt() of an
 * enclosing instance reaches every run nested in it. */
typedef struct wn_run {
  wn_rs *rs;
  int outer;           /* the outermost run of rs: owns the interrupt flag */
  int watching;
  int stopped;         /* interrupted: runs nested in it fail at once */
  uint64_t deadline;   /* absolute (wh_clock_ns), inherited inward; 0 = none */
  wh_watch watch;
  /* In a Worker's env, the outermost run is poked now and then so that its
   * guest asks the env's probe whether the Worker is being terminated. */
  wh_watch poke;
  int poking;
  struct wn_run *prev;
} wn_run;

/* Per-env state (napi_set_instance_data).  Reference counted so that host
 * function data outliving the env's teardown never touches freed memory. */
struct wn_env {
  napi_env env;
  int alive;
  int refs;
  int initialized;
  napi_ref err_compile, err_link, err_runtime, err_exit;
  napi_ref proto[WN_NK_COUNT]; /* prototypes for wrappers made from C */
  napi_ref object_create;      /* Object.create */
  napi_ref to_list;            /* (iterable) => [...iterable] */
  napi_ref bigint_asintn;      /* BigInt.asIntN */
  napi_ref extern_intern;      /* (value) => id > 0 */
  napi_ref extern_values;      /* Array: id -> value */
  napi_ref group_join;         /* (a, b): join the keep-alive groups */
  napi_ref group_keep;         /* (obj, value): obj's group keeps value */
  napi_ref exported_function;  /* (call, handle, name, nparams) => function
                                  (lib/api/exported.js) */
  napi_ref call_exported;      /* call: the native entry of those functions */
  /* Wrappers by wh_* object (napi_wrap.c) and run states by wh_instance
   * (napi_run.c).  The second name of each union is its bucket array,
   * which the env's teardown in napi_addon.c frees under that name. */
  union { wn_ptrmap objs; wn_ptrmap_entry **buckets; };
  union { wn_ptrmap rs_map; wn_ptrmap_entry **rs_buckets; };
  wn_memory *live_memories;
  uint64_t memories_swept_at; /* wh_memory_grow_count() of the last full sweep */
  int active_jobs;             /* async runs in flight */
  wn_run *runs;           /* innermost run on the JS thread */
  int is_worker;               /* a worker_threads env (not the main loop) */
  /* Wrappers not yet released (napi_wrap.c), and what the next sweep of
   * collected ones waits for: enough new wrappers or external bytes since
   * the last sweep to pay for the walk (napi_gc.c counts the bytes). */
  wn_obj *all;
  size_t nall, made_since_sweep, nall_swept;
  int64_t grown_since_sweep, ext_total, ext_swept; /* bytes reported now,
                                  and when the last sweep ended */
  wh_error **errs;             /* error blocks of the calls in progress */
  size_t nerrs, caperrs;
  napi_ref noop;               /* () => {}: the probe's way to meet V8 */
};

/* ---- the pointer map (napi_ptrmap.c) ---- */
/* The entry under key, or NULL. */
wn_ptrmap_entry *wn_ptrmap_find(const wn_ptrmap *m, const void *key);
/* Adds e under key (not NULL), taking out the entry already there, if
 * any: returned in *old (old may be NULL).  -1 when the bucket array
 * cannot grow; the map is unchanged then. */
int wn_ptrmap_put(wn_ptrmap *m, wn_ptrmap_entry *e, const void *key,
                       wn_ptrmap_entry **old);
/* Takes e out; no-op when it is in no map. */
void wn_ptrmap_remove(wn_ptrmap *m, wn_ptrmap_entry *e);

/* ---- env (napi_addon.c) ---- */
wn_env *wn_env_get(napi_env env);
/* Same, but throws when require('wasihost') has not initialised it. */
wn_env *wn_env_ready(napi_env env);
void wn_env_release(wn_env *E);

/* A binding function and its JS name (wn_export_fns defines each on
 * exports). */
typedef struct wn_fn {
  const char *name;
  napi_callback cb;
} wn_fn;
int wn_export_fns(napi_env env, napi_value exports, const wn_fn *fns, size_t n);

/* ---- errors and small helpers (napi_util.c) ---- */
/* After a failed napi call: make sure some JS exception is pending. */
void wn_ensure_exception(napi_env env);
/* Throws the JS error for a failed C API call: CompileError, LinkError,
 * RuntimeError, WASIExit (with .code), RangeError for limits/OOM; for
 * WH_ERR_HOST leaves the host's pending exception untouched. */
void wn_throw_status(wn_env *E, int status, const wh_error *err);
/* Throws `new Ctor(message)` for one of the env's error classes. */
void wn_throw_class(wn_env *E, napi_ref ctor, const char *message);
/* Sets exc.wasmBacktrace and adds the wasm frames to exc.stack
 * (napi_backtrace.c). */
void wn_attach_backtrace(napi_env env, napi_value exc, const wh_error *err);
/* Bytes of an ArrayBuffer, TypedArray or DataView; TypeError otherwise. */
int wn_buffer_source(napi_env env, napi_value v, const uint8_t **data,
                          size_t *len);
int wn_is_object(napi_env env, napi_value v);
napi_value wn_undefined(napi_env env);
napi_value wn_bool(napi_env env, int b);
napi_value wn_string_n(napi_env env, const char *s, size_t len);
/* A uint64 from a non-negative Number or BigInt. */
int wn_get_u64(napi_env env, napi_value v, uint64_t *out);

#define WI_TRY(call, ret)                                                    \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      wn_ensure_exception(env);                                         \
      return ret;                                                            \
    }                                                                        \
  } while (0)

/* ---- wrappers and the identity map (napi_wrap.c) ---- */
/* The wrapper of v when it is a JS wrapper of that kind, else NULL (no
 * exception) -- except that a wrapper that was dispose()d, or a Memory,
 * Table or Global whose instance an async run owns right now, gives NULL
 * WITH an exception ("... has been disposed", "instance is busy"). */
wn_obj *wn_unwrap(napi_env env, napi_value v, int kind);
/* The wrapper of v of any kind, disposed or not, without exceptions. */
wn_obj *wn_unwrap_any(napi_env env, napi_value v);
/* Same, but throws a TypeError naming `what` when it is not. */
wn_obj *wn_unwrap_or_throw(napi_env env, napi_value v, int kind,
                                     const char *what);
/* Attaches w (allocated by the caller, w->ptr already referenced) to obj:
 * type tag, napi_wrap with a finalizer that unrefs and frees, and an entry in
 * the identity map.  On failure frees w, unrefs w->ptr, returns -1. */
int wn_attach(wn_env *E, napi_value obj, wn_obj *w);
/* The live JS wrapper of ptr, or NULL. */
int wn_lookup(wn_env *E, void *ptr, napi_value *out);
/* The JS object for an extern: the existing wrapper, or a new one made with
 * Object.create(Memory/Table/Global.prototype) or as an exported function.
 * `name` names a new function wrapper (NULL: its function index).  A new
 * wrapper joins the keep-alive group of `owner` (a JS wrapper whose engine
 * object shares the store, or NULL); see lib/api/groups.js. */
int wn_extern_value(wn_env *E, const wh_extern *ext, napi_value owner,
                         napi_value *out);
/* The native entry every exported function calls (napi_func.c). */
napi_value wn_call_exported(napi_env env, napi_callback_info info);
int wn_func_value(wn_env *E, wh_func *f, const char *name,
                       napi_value owner, napi_value *out);
/* Joins the keep-alive groups of two JS objects (no-op if either is NULL). */
int wn_group_join(wn_env *E, napi_value a, napi_value b);
/* Joins each of bs[0..n) with a, in one call into JS. */
int wn_group_join_all(wn_env *E, napi_value a, napi_value *bs, size_t n);
/* owner's keep-alive group holds value strongly. */
int wn_group_keep(wn_env *E, napi_value owner, napi_value value);
/* dispose(): drops w's reference now (detaching a Memory's buffer) and
 * leaves the wrapper unusable; its finalizer later only frees it. */
void wn_obj_dispose(wn_obj *w);
/* Detaches ArrayBuffers of memories that grew since they were handed out.
 * Called after every call into wasm and on entry to every host call. */
void wn_sweep_memories(wn_env *E);
/* From a Memory wrapper's finalizer: forget its buffer without detaching it
 * (the ArrayBuffer keeps its own wh_memory reference and stays valid). */
void wn_memory_release(wn_env *E, wn_memory *m);
/* From dispose(): forget the buffer and detach it (it must not outlive the
 * Memory's usability). */
void wn_memory_release_detach(wn_env *E, wn_memory *m);

/* ---- external memory reported to V8 (napi_gc.c) ---- */
/* An error block for a call on the JS thread, freed by the matching pop
 * (calls nest, so blocks are a stack).  NULL when memory runs out. */
wh_error *wn_err_push(wn_env *E);
void wn_err_pop(wn_env *E);
/* napi_delete_reference while the env lives (after teardown the
 * reference is gone with it). */
void wn_ref_drop(wn_env *E, napi_ref ref);
/* Lets go of the engine objects of wrappers whose JS objects have been
 * collected but whose finalizers have not run yet (they run from the
 * event loop, which a synchronous loop never reaches).  Walks the
 * wrappers only now and then (napi_wrap.c says when) unless force (an
 * allocation failed). */
void wn_sweep_dead(wn_env *E, int force);
/* A Module, or a Memory or Table made from JS: reports its footprint now
 * (0 once disposed).  Others hold nothing of their own. */
void wn_obj_account(wn_obj *w);
/* Reports nothing more for w (its engine object is let go). */
void wn_obj_unaccount(wn_obj *w);
/* An instance's own footprint (0 once disposed). */
void wn_rs_account(wn_rs *rs);
/* At instantiation: the footprint before any code ran (rs->unrun). */
void wn_rs_account_unrun(wn_rs *rs);
/* rs's memories may be touched from now on (the host got a view of one,
 * or another instance may run its code or use its memory): report the
 * whole footprint if it was counted unrun.  rs may be NULL. */
static inline void wn_rs_touch(wn_rs *rs) {
  if (rs && rs->unrun) wn_rs_account(rs);
}

/* ---- values (napi_value.c) ---- */
/* ToWebAssemblyValue: 0, or -1 with a pending exception. */
int wn_to_wasm(wn_env *E, napi_value v, uint8_t type, wh_val *out);
/* Same for a value that holder (a JS object, or NULL) keeps from now on: a
 * function reference joins holder's keep-alive group, or the function
 * could be collected while the wasm side still refers to it. */
int wn_to_wasm_held(wn_env *E, napi_value v, uint8_t type, napi_value holder,
                         wh_val *out);
/* v128 and exnref: no JS value converts to or from them (a TypeError).
 * wn_functype_not_js: 1 + the position (params, then results) of the first
 * such type in ft, or 0; worked out once per function, since the JS API
 * refuses a call of such a function before it runs (V8 does too). */
int wn_functype_not_js(const wh_functype *ft);
int wn_throw_not_js(napi_env env, uint8_t type);
/* ToJSValue: 0, or -1 with a pending exception.  owner: see
 * wn_extern_value (matters for funcref only). */
int wn_to_js(wn_env *E, wh_val v, uint8_t type, napi_value owner,
                  napi_value *out);
/* Raw bit conventions of require('wasihost').internals (see lib/index.js). */
int wn_raw_to_wasm(wn_env *E, napi_value v, uint8_t type,
                        wh_val *out);
int wn_raw_to_js(wn_env *E, wh_val v, uint8_t type,
                      napi_value owner, napi_value *out);
/* Calls the function of wrapper w (whose JS object is fn, or NULL when
 * not needed) with JS args (missing ones are undefined) and returns the JS
 * result (undefined, one value, or an Array).  raw selects the internals
 * convention; timeout_ns (0 = none) adds to the instance's own timeout.
 * NULL with a pending exception. */
napi_value wn_call(wn_env *E, wn_func *w, napi_value fn, size_t argc,
                        napi_value *argv, int raw, uint64_t timeout_ns);
/* The arguments after fn of callSync, callAsync and callRaw: the number of
 * wasm arguments in argv[1] (its length when an Array, else none) and a
 * timeout from argv[2] (a positive Number of ms, else none: 0).  With
 * not_array set, argv[1] must be an Array or undefined, else that
 * TypeError.  0, or -1 with a pending exception. */
int wn_call_args(napi_env env, size_t argc, napi_value *argv, const char *not_array,
                      uint32_t *n, uint64_t *timeout_ns);
/* Args from JS to wasm for f's type (funcref args join fn's group;
 * not_js: wn_functype_not_js(ft), the refusal unless raw):
 * 0, or -1 with a pending exception. */
int wn_args_to_wasm(wn_env *E, const wh_functype *ft, int not_js, napi_value fn,
                         size_t argc, napi_value *argv, int raw, wh_val *args);
/* Results of a finished call as the JS return value. */
napi_value wn_results_to_js(wn_env *E, const wh_functype *ft, napi_value fn,
                                 const wh_val *results, int raw);

/* 1 when the engine has wh_func_instance (then every wrapper of a wasm
 * function knows its instance's run state, not only exported ones). */
int wn_has_func_instance(void);

/* ---- host functions (napi_host.c) ---- */
/* A wh_func that calls the JS callable fn with the given type.  The
 * function holds fn weakly: owner's keep-alive group (normally the Instance
 * being created) holds it strongly.  With owner NULL it holds fn strongly. */
wh_func *wn_host_func(wn_env *E, napi_value fn,
                           const wh_functype *type, napi_value owner);

/* The JS-thread body of a call to a JS host function (napi_host.c): runs
 * the callable and converts its results.  Returns 0, WH_ERR_HOST with the
 * JS exception pending, or WH_ERR_TRAP.  With promise not NULL (an async
 * run, which can wait) a Promise the callable returned is not an error:
 * it is stored there (escaped to the caller's handle scope) and the result
 * is WN_PENDING; wn_host_settle converts its value later.
 * Without, such a Promise throws a TypeError naming the function. */
#define WN_PENDING 0x7e7e
typedef int (*wn_host_invoke)(wh_call *call, void *data, const wh_val *args,
                                   wh_val *results, napi_value *promise);
/* The value a JS host function's Promise resolved to, as its results.
 * 0, or WH_ERR_HOST with the JS exception pending. */
int wn_host_settle(void *data, napi_value value, wh_val *results);

/* ---- run states, sync runs and limits (napi_run.c) ---- */
wn_rs *wn_rs_new(wn_env *E, wh_instance *inst);
void wn_rs_ref(wn_rs *rs);
void wn_rs_unref(wn_rs *rs);
/* The live run state of inst, or NULL. */
wn_rs *wn_rs_find(wn_env *E, wh_instance *inst);
/* w (not an Instance wrapper) takes a reference on rs and joins its
 * dispose list; no-op when w already has one. */
void wn_rs_attach(wn_rs *rs, wn_obj *w);
/* From finalizers and dispose: leaves the list, drops the reference. */
void wn_rs_detach(wn_obj *w);
/* An async run owns rs's instance (or one that imported its functions)
 * and is not lending it to the JS thread. */
int wn_rs_busy(const wn_rs *rs);
/* The same for any wrapper: its instance's state, or an async run that
 * imported it. */
int wn_obj_busy(const wn_obj *w);
/* Is something rs imported busy?  (Cheap when no async run is active.) */
int wn_rs_imports_busy(const wn_rs *rs);
/* Records the JS values rs's instance imported (wrappers only). */
int wn_rs_set_imports(wn_rs *rs, const napi_value *values, uint32_t n);
/* Throws Error("instance is busy: ...") naming what was attempted. */
void wn_throw_busy(napi_env env, const char *what);
/* Throws RuntimeError("interrupted") (an aborted signal). */
void wn_throw_interrupted(wn_env *E);
/* Brackets a run on the JS thread.  rs may be NULL (nothing to track).
 * 0, or -1 with an exception (busy, disposed, aborted). */
int wn_run_begin(wn_env *E, wn_rs *rs, uint64_t timeout_ns,
                      wn_run *run);
void wn_run_end(wn_run *run);
/* The JS thread runs a JS import for rs's async run (deadline: the run's,
 * absolute, 0 = none); ended with wn_run_end. */
void wn_run_lend(wn_env *E, wn_rs *rs, uint64_t deadline, wn_run *run);
/* interrupt()/abort of rs: its run and every run nested in it. */
int wn_rs_interrupt(wn_rs *rs);
/* Longer of two timeouts (0 = none) made into the shorter real one. */
uint64_t wn_timeout_min(uint64_t a, uint64_t b);

/* ---- async runs on guest threads (napi_async.c; the threads are the
 * core's pool, wh_pool_submit, and deadlines its watchdog, wh_watch) ---- */
/* The async run the calling thread executes, or NULL (the JS thread). */
wn_job *wn_current_job(void);
/* From a guest thread: has the JS thread run invoke(call, data, args,
 * results) and waits for it.  Returns what invoke returned (a JS exception
 * is kept by the job and rejects its promise) or WH_ERR_TRAP. */
int wn_job_host_call(wn_job *job, wn_host_invoke invoke, wh_call *call,
                          void *data, const wh_val *args, wh_val *results);
/* JS thread: rs's run was interrupted (interrupt(), a signal): a guest
 * parked on a JS import's Promise stops waiting and traps. */
void wn_job_interrupt(wn_job *job);

/* ---- import resolution (napi_link.c) ---- */
/* Reads imports for module m from importObject (undefined allowed when m
 * has no imports).  Fills exts[0..n) and records in owned[] one reference
 * to each object read so far, made or taken from a wrapper (to be unreffed
 * after instantiation, also on failure): the getters of later imports may
 * dispose() earlier ones.  values[i] is the JS value of import i.  -1 with
 * an exception. */
int wn_read_imports(wn_env *E, wh_module *m, napi_value import_object,
                         napi_value owner, wh_extern *exts, wh_extern *owned,
                         uint32_t *nowned, napi_value *values);
void wn_extern_unref(const wh_extern *e);

/* ---- settings from environment variables (napi_config.c) ---- */
/* wh_config_set from WASIHOST_EAGER, _DUMP_IR, _PROFILE and
 * wh_pool_set_max from WASIHOST_MAX_THREADS, once per process. */
void wn_config_from_env(void);
/* 1 when variable name is set to something other than "" or "0". */
int wn_env_flag(const char *name);

/* ---- binding entry points, one group per file ---- */
napi_value wn_module_new(napi_env env, napi_callback_info info);
napi_value wn_module_from_file(napi_env env, napi_callback_info info);
napi_value wn_module_validate(napi_env env, napi_callback_info info);
napi_value wn_module_imports(napi_env env, napi_callback_info info);
napi_value wn_module_exports(napi_env env, napi_callback_info info);
napi_value wn_module_custom_sections(napi_env env, napi_callback_info info);
int wn_module_attach(wn_env *E, napi_value js, wh_module *m);
wn_instance *wn_arg_instance(napi_env env, napi_callback_info info, size_t *argc,
                                       napi_value *argv);
/* napi_share.c: module.share() / Module.fromShared() across Workers. */
napi_value wn_module_share(napi_env env, napi_callback_info info);
napi_value wn_module_unshare(napi_env env, napi_callback_info info);
napi_value wn_module_from_shared(napi_env env, napi_callback_info info);
napi_value wn_instance_new(napi_env env, napi_callback_info info);
napi_value wn_instance_start(napi_env env, napi_callback_info info);
napi_value wn_instance_fuel(napi_env env, napi_callback_info info);
napi_value wn_instance_set_fuel(napi_env env, napi_callback_info info);
napi_value wn_memory_new(napi_env env, napi_callback_info info);
napi_value wn_memory_buffer(napi_env env, napi_callback_info info);
napi_value wn_memory_grow(napi_env env, napi_callback_info info);
napi_value wn_memory_type(napi_env env, napi_callback_info info);
napi_value wn_table_new(napi_env env, napi_callback_info info);
napi_value wn_table_get(napi_env env, napi_callback_info info);
napi_value wn_table_set(napi_env env, napi_callback_info info);
napi_value wn_table_grow(napi_env env, napi_callback_info info);
napi_value wn_table_length(napi_env env, napi_callback_info info);
napi_value wn_table_type(napi_env env, napi_callback_info info);
napi_value wn_global_new(napi_env env, napi_callback_info info);
/* napi_tag.c: WebAssembly.Tag and WebAssembly.Exception; an exception
 * leaving wasm thrown to JS; a JS exception from an import thrown into
 * wasm (sync runs) */
napi_value wn_tag_new(napi_env env, napi_callback_info info);
napi_value wn_tag_type(napi_env env, napi_callback_info info);
napi_value wn_js_tag(napi_env env, napi_callback_info info);
napi_value wn_exn_new(napi_env env, napi_callback_info info);
napi_value wn_exn_is(napi_env env, napi_callback_info info);
napi_value wn_exn_get_arg(napi_env env, napi_callback_info info);
void wn_throw_exn(wn_env *E, wh_exn *e);
int wn_host_throw(wn_env *E, wh_call *call);
int wn_tag_value(wn_env *E, wh_tag *t, napi_value owner, napi_value *out);
napi_value wn_global_get(napi_env env, napi_callback_info info);
napi_value wn_global_set(napi_env env, napi_callback_info info);
napi_value wn_global_type(napi_env env, napi_callback_info info);
napi_value wn_call_raw(napi_env env, napi_callback_info info);
napi_value wn_global_raw(napi_env env, napi_callback_info info);
napi_value wn_func_type(napi_env env, napi_callback_info info);
napi_value wn_kind_of(napi_env env, napi_callback_info info);
napi_value wn_call_sync(napi_env env, napi_callback_info info);
napi_value wn_call_async(napi_env env, napi_callback_info info);
napi_value wn_interrupt(napi_env env, napi_callback_info info);
napi_value wn_instance_abort(napi_env env, napi_callback_info info);
napi_value wn_dispose(napi_env env, napi_callback_info info);
napi_value wn_is_disposed(napi_env env, napi_callback_info info);
napi_value wn_pool_info(napi_env env, napi_callback_info info);
napi_value wn_external_bytes(napi_env env, napi_callback_info info);
napi_value wn_profile_start(napi_env env, napi_callback_info info); /* napi_profile.c */
napi_value wn_profile_read(napi_env env, napi_callback_info info);
napi_value wn_profile_stop(napi_env env, napi_callback_info info);
napi_value wn_module_bytes(napi_env env, napi_callback_info info);
napi_value wn_module_set_exact(napi_env env, napi_callback_info info);

/* ---- for napi_wasi.c ----
 * The WASI helper's file may define this; the addon calls it (when linked
 * in) at load time to add its functions to the binding's exports. */
napi_value wn_wasi_init(napi_env env, napi_value exports);

/* Convenience accessors for other binding files (napi_wasi.c): the wh_*
 * object behind a JS wrapper, or NULL when v is not one. */
wh_instance *wn_get_instance(napi_env env, napi_value v);
wh_memory *wn_get_memory(napi_env env, napi_value v);
wh_func *wn_get_func(napi_env env, napi_value v);

#endif /* WN_BINDING_H */
