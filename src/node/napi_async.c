/* Async runs: callAsync(fn, args, timeoutMs) -> Promise.  The guest runs
 * on a thread of the core's pool (wh_pool_submit) with its own engine execution
 * stack, so the event loop stays free.  WASI host functions (C) run right
 * there on the guest thread.  A JS host function cannot: the guest thread
 * posts the call to the JS thread through the run's threadsafe function
 * and sleeps on a condition variable until the JS function returned; an
 * exception it throws is kept and rejects the promise, the very object.
 *
 * Lifetime of a job: created on the JS thread with two shares, one for
 * the guest thread and one for the threadsafe function's finalizer (the
 * JS thread's last word on it); whoever lets go last frees it.  Anything
 * that may run JS finalizers (dropping engine references, napi refs) is
 * done by the finalizer, on the JS thread.
 *
 * Environment teardown (a worker thread ending) while a guest runs: a
 * cleanup hook per job interrupts the guest, fails a host call it waits
 * for, and waits until the guest thread is done with the threadsafe
 * function -- Node deletes that object right after the cleanup hooks.
 *
 * A JS import that returns a Promise parks the guest (host_req.parked):
 * the JS thread attaches settle callbacks and goes back to its event
 * loop, lending the instance to JS meanwhile (its memory stays usable by
 * the import's continuation, as during the call itself).  Every decision
 * about a parked call is the JS thread's: the Promise settling (the value
 * converted into the guest's results, or the rejection kept as the
 * import's exception), or abandoning it: interrupt(), AbortSignals and a
 * queued dispose() reach wn_job_interrupt on the JS thread; for its
 * deadline (the watchdog's) the parked guest waits no longer than that
 * and then asks for the abandon through the threadsafe function.  The
 * guest then traps "interrupted"; a Promise that settles later finds the
 * wait gone.  (Waits with a timeout cost a futex timer each: measured
 * twice as slow per host call, so only a parked guest with a deadline
 * uses one.) */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "node/napi_binding.h"

enum { REQ_HOST = 1, REQ_DONE, REQ_ABANDON };

/* How often a parked guest past its deadline looks for the watchdog's
 * interrupt (which fires a little after the deadline). */
#define PARK_POLL_NS 1000000u
/* The JS thread gave up a parked call: the guest traps "interrupted". */
#define RC_ABANDONED (-0x7e7e)

typedef struct host_req {
  int kind;
  wn_host_invoke invoke;
  wh_call *call;
  void *data;
  const wh_val *args;
  wh_val *results;
  int rc;
  int done;
  int parked;         /* waits for a Promise (under job->mu) */
  int abandon_asked;  /* guest thread only */
} host_req;

/* What the settle callbacks of a parked call's Promise hold (JS thread
 * only).  job is cleared when the wait ends otherwise (abandoned, run
 * over).  Shared by the two callback functions and the job while it
 * waits: a Promise nobody else holds is collected with its callbacks
 * before it settles. */
typedef struct awaiter {
  wn_job *job;
  host_req *req;
  int refs;
} awaiter;

static void awaiter_unref(awaiter *a) {
  if (--a->refs == 0) free(a);
}

struct wn_job {
  wh_task task; /* the pool's link */
  atomic_int refs;
  wn_env *E;
  wn_rs *rs;           /* a reference */
  wh_instance *inst;        /* rs->inst, for the guest thread */
  wh_func *f;               /* a reference, dropped on the JS thread */
  const wh_functype *ft;
  napi_ref fn;              /* the exported function (strong) */
  napi_deferred deferred;
  napi_threadsafe_function tsfn;
  uint64_t timeout_ns;
  uint64_t deadline;        /* absolute, set by the guest thread; 0 = none */
  wh_watch watch;
  wh_val *vals;             /* args, then results */
  int rc;
  wh_error err;
  napi_ref exception;       /* a host function's JS exception */
  host_req done_req;
  host_req abandon_req;
  awaiter *await;           /* the parked call's, or NULL (JS thread) */
  uint64_t fuel;            /* this run's budget; 0 = the instance's own */
  int metered;              /* the instance has a fuel limit of its own */
  uv_mutex_t mu;
  uv_cond_t cv;
  int closing;              /* env teardown: fail host calls at once */
  int finished;             /* the guest thread is done with the tsfn */
  int tsfn_dropped;         /* a push saw napi_closing (it released us) */
  int hook;                 /* the cleanup hook is registered */
  /* What the instance imported, pinned for the run (JS thread only). */
  wn_obj **pins;
  napi_ref *pin_refs;       /* strong: the wrappers outlive the run */
  uint32_t npins;
};

static _Thread_local wn_job *current;

wn_job *wn_current_job(void) { return current; }

static void job_unref(wn_job *job) {
  if (atomic_fetch_sub_explicit(&job->refs, 1, memory_order_acq_rel) != 1) return;
  uv_cond_destroy(&job->cv);
  uv_mutex_destroy(&job->mu);
  free(job->vals);
  free(job);
}

static int trap_closing(wh_call *call) {
  return wh_call_trap(call, "the JS environment of this run is shutting down");
}

/* ---- guest thread ---- */

int wn_job_host_call(wn_job *job, wn_host_invoke invoke, wh_call *call,
                          void *data, const wh_val *args, wh_val *results) {
  host_req req = {REQ_HOST, invoke, call, data, args, results, WH_ERR_TRAP, 0, 0, 0};
  uv_mutex_lock(&job->mu);
  if (job->closing || job->tsfn_dropped) {
    uv_mutex_unlock(&job->mu);
    return trap_closing(call);
  }
  napi_status st = napi_call_threadsafe_function(job->tsfn, &req, napi_tsfn_blocking);
  if (st != napi_ok) {
    if (st == napi_closing) job->tsfn_dropped = 1;
    uv_mutex_unlock(&job->mu);
    return trap_closing(call);
  }
  /* The JS thread may take its time (the event loop runs other callbacks
   * first): the guest is idle here, no need to poll for interrupts --
   * unless it waits for a Promise, which may take forever. */
  while (!req.done && !job->closing) {
    if (!req.parked || !job->deadline || req.abandon_asked) {
      uv_cond_wait(&job->cv, &job->mu);
      continue;
    }
    if (wh_call_interrupted(call)) {
      req.abandon_asked = 1;
      if (napi_call_threadsafe_function(job->tsfn, &job->abandon_req, napi_tsfn_blocking) ==
          napi_closing) {
        job->tsfn_dropped = 1;
        break;
      }
      continue;
    }
    uint64_t now = wh_clock_ns();
    uv_cond_timedwait(&job->cv, &job->mu,
                      now < job->deadline ? job->deadline - now : PARK_POLL_NS);
  }
  int rc = !req.done ? trap_closing(call)
           : req.rc == RC_ABANDONED ? wh_call_interrupt_trap(call)
           : req.rc;
  uv_mutex_unlock(&job->mu);
  return rc;
}

static void job_main(wh_task *task) {
  wn_job *job = (wn_job *)task;
  uint32_t np = job->ft->nparams, nr = job->ft->nresults;
  int watching = 0;
  current = job;
  if (job->timeout_ns) {
    uint64_t now = wh_clock_ns();
    job->deadline = job->timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + job->timeout_ns;
    watching = wh_watch_arm_at(&job->watch, job->inst, job->deadline) == 0;
  }
  job->err.status = 0;
  job->err.message[0] = 0;
  /* A per-run budget is carved out of the instance's (when it has one):
   * what the run spends is spent from both. */
  uint64_t before = 0, budget = job->fuel;
  if (budget) {
    if (job->metered) {
      before = wh_instance_fuel(job->inst);
      if (before < budget) budget = before;
    }
    wh_instance_set_fuel(job->inst, budget);
  }
  job->rc = wh_func_call(job->f, job->vals, np, job->vals + np, nr, &job->err);
  if (job->fuel) {
    uint64_t left = wh_instance_fuel(job->inst);
    /* An instance without a limit stays metered from now on, unlimited. */
    wh_instance_set_fuel(job->inst, job->metered ? before - (budget - left) : UINT64_MAX);
  }
  if (watching) wh_watch_disarm(&job->watch);
  current = NULL;
  uv_mutex_lock(&job->mu);
  if (!job->tsfn_dropped) {
    napi_status st = napi_call_threadsafe_function(job->tsfn, &job->done_req,
                                                   napi_tsfn_blocking);
    if (st != napi_closing) napi_release_threadsafe_function(job->tsfn, napi_tsfn_release);
  }
  job->finished = 1;
  uv_cond_broadcast(&job->cv);
  uv_mutex_unlock(&job->mu);
  job_unref(job);
}

/* ---- JS thread ---- */

static void job_cleanup(void *arg) {
  wn_job *job = arg;
  job->hook = 0;
  if (wh_pool_cancel(&job->task)) {
    /* Never started: no thread will touch it; give back its share. */
    napi_release_threadsafe_function(job->tsfn, napi_tsfn_release);
    job_unref(job);
    return;
  }
  wh_instance_interrupt(job->inst);
  uv_mutex_lock(&job->mu);
  job->closing = 1;
  uv_cond_broadcast(&job->cv);
  while (!job->finished) uv_cond_wait(&job->cv, &job->mu);
  uv_mutex_unlock(&job->mu);
}

/* Pins what the instance imported: while the guest runs, the JS thread
 * may not touch those memories, tables and globals, nor run the instances
 * whose functions it imported. */
static int pin_imports(napi_env env, wn_job *job) {
  wn_rs *rs = job->rs;
  if (!rs->nimports) return 0;
  job->pins = calloc(rs->nimports, sizeof *job->pins);
  job->pin_refs = calloc(rs->nimports, sizeof *job->pin_refs);
  if (!job->pins || !job->pin_refs) return -1;
  for (uint32_t i = 0; i < rs->nimports; i++) {
    napi_value v;
    wn_obj *w;
    if (napi_get_reference_value(env, rs->imports[i], &v) != napi_ok || !v) continue;
    if (!(w = wn_unwrap_any(env, v)) || !w->ptr) continue;
    if (w->kind == WN_NK_FUNC && !w->rs) continue; /* a host function */
    if (napi_create_reference(env, v, 1, &job->pin_refs[job->npins]) != napi_ok) return -1;
    job->pins[job->npins++] = w;
    if (w->kind == WN_NK_FUNC) w->rs->pins++;
    else w->jobs++;
  }
  return 0;
}

static void unpin_imports(napi_env env, wn_job *job, int alive) {
  for (uint32_t i = 0; i < job->npins; i++) {
    wn_obj *w = job->pins[i];
    /* Pinned objects cannot be disposed, so w->rs is still the one pinned. */
    if (w->kind == WN_NK_FUNC) w->rs->pins--;
    else w->jobs--;
    if (alive) napi_delete_reference(env, job->pin_refs[i]);
  }
  job->npins = 0;
  free(job->pins);
  free(job->pin_refs);
  job->pins = NULL;
  job->pin_refs = NULL;
}

static void lend(wn_job *job, int d) {
  job->rs->lent += d;
  for (uint32_t i = 0; i < job->npins; i++) {
    wn_obj *w = job->pins[i];
    if (w->kind == WN_NK_FUNC) w->rs->pins_lent += d;
    else w->jobs_lent += d;
  }
}

/* Ends a parked wait without settling it (the run is over). */
static void unpark(wn_job *job) {
  awaiter *a = job->await;
  if (!a) return;
  a->job = NULL;
  job->await = NULL;
  awaiter_unref(a);
  lend(job, -1);
}

static void job_done(napi_env env, wn_job *job, int alive) {
  unpark(job);
  if (job->rs->job != job) return;
  job->rs->job = NULL;
  job->E->active_jobs--;
  unpin_imports(env, job, alive);
}

static void settle(napi_env env, wn_job *job, int ok, napi_value v) {
  if (ok) napi_resolve_deferred(env, job->deferred, v);
  else napi_reject_deferred(env, job->deferred, v);
  job->deferred = NULL;
}

/* Rejects with whatever exception is pending (there must be one). */
static void reject_pending(napi_env env, wn_job *job) {
  napi_value exc;
  wn_ensure_exception(env);
  if (napi_get_and_clear_last_exception(env, &exc) != napi_ok) return;
  settle(env, job, 0, exc);
}

static void complete(napi_env env, wn_job *job) {
  wn_env *E = job->E;
  napi_value fn = NULL, ret;
  if (job->hook) {
    napi_remove_env_cleanup_hook(env, job_cleanup, job);
    job->hook = 0;
  }
  job_done(env, job, 1);
  wn_sweep_memories(E);
  wn_rs_account(job->rs);
  if (napi_get_reference_value(env, job->fn, &fn) != napi_ok) fn = NULL;
  if (job->rc == WH_OK) {
    ret = wn_results_to_js(E, job->ft, fn, job->vals + job->ft->nparams, 0);
    if (ret) settle(env, job, 1, ret);
    else reject_pending(env, job);
    return;
  }
  napi_value box;
  if (job->rc == WH_ERR_HOST && job->exception &&
      napi_get_reference_value(env, job->exception, &box) == napi_ok && box &&
      napi_get_element(env, box, 0, &ret) == napi_ok) {
    settle(env, job, 0, ret);
    return;
  }
  wn_throw_status(E, job->rc, &job->err);
  reject_pending(env, job);
}

/* Keeps exc (the first one) for the run's promise.  Held through a
 * one-element array: N-API references to primitives (throw 42, undefined,
 * a string) are refused before Node 22. */
static void keep_exception(napi_env env, wn_job *job, napi_value exc) {
  napi_value box;
  if (!job->exception &&
      (napi_create_array_with_length(env, 1, &box) != napi_ok ||
       napi_set_element(env, box, 0, exc) != napi_ok ||
       napi_create_reference(env, box, 1, &job->exception) != napi_ok))
    job->exception = NULL;
}

/* Keep a JS exception for the promise; never leave it pending here, it
 * would be reported as uncaught. */
static int take_exception(napi_env env, wn_job *job, int rc) {
  napi_value exc;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
      napi_get_and_clear_last_exception(env, &exc) == napi_ok) {
    keep_exception(env, job, exc);
    if (rc == WH_OK) rc = WH_ERR_HOST;
  }
  return rc;
}

static void finish_req(wn_job *job, host_req *req, int rc) {
  uv_mutex_lock(&job->mu);
  req->rc = rc;
  req->done = 1;
  req->parked = 0;
  uv_cond_broadcast(&job->cv);
  uv_mutex_unlock(&job->mu);
}

static void awaiter_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  awaiter_unref(data);
}

/* Promise settle callbacks of a parked call: resolve (data: the awaiter,
 * ok = 1) or reject (ok = 0). */
static napi_value settle_parked(napi_env env, napi_callback_info info, int ok) {
  size_t argc = 1;
  napi_value value = NULL;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, &value, NULL, &data) != napi_ok || !data) return NULL;
  awaiter *a = data;
  wn_job *job = a->job;
  if (!job) return NULL; /* abandoned, or the run is over */
  host_req *req = a->req;
  a->job = NULL;
  if (job->await == a) {
    job->await = NULL;
    awaiter_unref(a);
  }
  if (argc < 1 || !value) value = wn_undefined(env);
  int rc;
  if (ok) {
    /* Converting may run user JS (valueOf): as on behalf of the guest. */
    wn_run frame;
    wn_run_lend(job->E, job->rs, job->deadline, &frame);
    rc = wn_host_settle(req->data, value, req->results);
    wn_run_end(&frame);
  } else {
    keep_exception(env, job, value);
    rc = WH_ERR_HOST;
  }
  lend(job, -1);
  finish_req(job, req, take_exception(env, job, rc));
  return NULL;
}

static napi_value on_resolved(napi_env env, napi_callback_info info) {
  return settle_parked(env, info, 1);
}

static napi_value on_rejected(napi_env env, napi_callback_info info) {
  return settle_parked(env, info, 0);
}

/* promise.then(on_resolved, on_rejected) for req; the instance stays lent.
 * -1 with an exception. */
static int park(napi_env env, wn_job *job, host_req *req, napi_value promise) {
  napi_value fns[2], then, ignored;
  awaiter *a = calloc(1, sizeof *a);
  if (!a) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return -1;
  }
  a->job = job;
  a->req = req;
  napi_callback cbs[2] = {on_resolved, on_rejected};
  for (int i = 0; i < 2; i++) {
    if (napi_create_function(env, "wasihost.awaitImport", NAPI_AUTO_LENGTH, cbs[i], a,
                             &fns[i]) != napi_ok ||
        napi_add_finalizer(env, fns[i], a, awaiter_finalize, NULL, NULL) != napi_ok) {
      wn_ensure_exception(env);
      if (a->refs == 0) free(a);
      else a->job = NULL;
      return -1;
    }
    a->refs++;
  }
  /* Through the intrinsic Promise.prototype.then would be nicer, but a
   * patched then() is the user's business, as with `await`. */
  if (napi_get_named_property(env, promise, "then", &then) != napi_ok ||
      napi_call_function(env, promise, then, 2, fns, &ignored) != napi_ok) {
    wn_ensure_exception(env);
    if (!a->job) {
      /* It settled the call before throwing: the guest has moved on. */
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      return 0;
    }
    a->job = NULL;
    return -1;
  }
  /* A then() that settled synchronously (user code) ended the wait. */
  if (!a->job) return 0;
  job->await = a;
  a->refs++;
  /* interrupt() from the import itself came before there was a wait. */
  if (wh_call_interrupted(req->call)) {
    wn_job_interrupt(job);
    return 0;
  }
  uv_mutex_lock(&job->mu);
  req->parked = 1;
  /* Only a guest with a deadline waits differently when parked. */
  if (job->deadline) uv_cond_broadcast(&job->cv);
  uv_mutex_unlock(&job->mu);
  return 0;
}

/* The run was interrupted: a parked call ends now.  (When the guest asked
 * and the Promise won the race, the request may find a later parked call
 * of the same run: it is abandoned too, rightly, the flag is still set.) */
void wn_job_interrupt(wn_job *job) {
  awaiter *a = job ? job->await : NULL;
  if (!a) return;
  host_req *req = a->req;
  unpark(job);
  finish_req(job, req, RC_ABANDONED);
}

static void run_host(napi_env env, wn_job *job, host_req *req) {
  wn_run frame;
  napi_value promise = NULL;
  lend(job, 1);
  wn_run_lend(job->E, job->rs, job->deadline, &frame);
  int rc = req->invoke(req->call, req->data, req->args, req->results, &promise);
  wn_run_end(&frame);
  if (rc == WN_PENDING) {
    if (park(env, job, req, promise) == 0) return; /* still lent */
    rc = WH_ERR_HOST;
  }
  lend(job, -1);
  finish_req(job, req, take_exception(env, job, rc));
}

static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)js_cb;
  /* env is NULL while the function is torn down: context may be gone and
   * the waiting guest (if any) was released by job_cleanup. */
  if (!env) return;
  wn_job *job = context;
  host_req *req = data;
  if (req->kind == REQ_HOST) run_host(env, job, req);
  else if (req->kind == REQ_ABANDON) wn_job_interrupt(job);
  else complete(env, job);
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  wn_job *job = data;
  wn_env *E = job->E;
  if (job->hook) {
    napi_remove_env_cleanup_hook(env, job_cleanup, job);
    job->hook = 0;
  }
  job_done(env, job, E->alive);
  if (E->alive) {
    if (job->fn) napi_delete_reference(env, job->fn);
    if (job->exception) napi_delete_reference(env, job->exception);
  }
  wn_rs_unref(job->rs);
  wh_func_unref(job->f); /* may free the store: JS thread only */
  wn_env_release(E);
  job_unref(job);
}

/* callAsync(fn, argsArray, timeoutMs | undefined, fuel | undefined,
 * metered) -> Promise.  fuel: this run's budget (Number or BigInt, > 0),
 * taken from the instance's own when metered (it has a fuel limit).
 * Argument errors throw; a busy, disposed or aborted instance rejects. */
napi_value wn_call_async(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], promise, name, elem;
  uint32_t n;
  uint64_t timeout_ns, fuel = 0;
  bool metered = false;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  wn_obj *w = argc ? wn_unwrap_any(env, argv[0]) : NULL;
  if (!w || w->kind != WN_NK_FUNC) {
    napi_throw_type_error(env, NULL, "callAsync: not an exported WebAssembly function");
    return NULL;
  }
  if (wn_call_args(env, argc < 3 ? argc : 3, argv, NULL, &n, &timeout_ns)) return NULL;
  if (argc > 3) {
    napi_valuetype t;
    WI_TRY(napi_typeof(env, argv[3], &t), NULL);
    if (t != napi_undefined && (wn_get_u64(env, argv[3], &fuel) || fuel == 0)) {
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (!pending) napi_throw_type_error(env, NULL, "callAsync: fuel must be a positive Number or BigInt");
      return NULL;
    }
  }
  if (argc > 4) WI_TRY(napi_get_value_bool(env, argv[4], &metered), NULL);
  wn_job *job = calloc(1, sizeof *job);
  if (!job) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  if (uv_mutex_init(&job->mu)) {
    free(job);
    napi_throw_error(env, NULL, "wasihost: cannot create a mutex");
    return NULL;
  }
  if (uv_cond_init(&job->cv)) {
    uv_mutex_destroy(&job->mu);
    free(job);
    napi_throw_error(env, NULL, "wasihost: cannot create a condition variable");
    return NULL;
  }
  atomic_init(&job->refs, 1); /* the caller's, until the pool has it */
  job->E = E;
  job->done_req.kind = REQ_DONE;
  job->abandon_req.kind = REQ_ABANDON;
  job->fuel = fuel;
  job->metered = metered;
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok) {
    wn_ensure_exception(env);
    job_unref(job);
    return NULL;
  }
  /* From here on every failure rejects the promise. */
  wn_func *fw = (wn_func *)w;
  wn_rs *rs;
  napi_value *args = NULL;
  if (!w->ptr) {
    napi_throw_error(env, "ERR_WASIHOST_DISPOSED",
                     "this function's WebAssembly.Instance has been disposed");
    goto fail;
  }
  /* Held from here: reading the arguments runs user JS (array getters,
   * valueOf) that may dispose the instance, and ft lives in the wh_func. */
  job->f = wh_func_ref(w->ptr);
  job->ft = fw->type;
  size_t nv = (size_t)job->ft->nparams + job->ft->nresults;
  job->vals = calloc(nv ? nv : 1, sizeof *job->vals);
  args = calloc(n ? n : 1, sizeof *args);
  if (!job->vals || !args) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    goto fail;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (napi_get_element(env, argv[1], i, &elem) != napi_ok) goto fail;
    args[i] = elem;
  }
  if (wn_args_to_wasm(E, job->ft, fw->not_js, argv[0], n, args, 0, job->vals)) goto fail;
  /* Conversions may have run JS (valueOf, even dispose()): decide about
   * the function and its instance only now. */
  rs = w->rs;
  if (!w->ptr || (rs && !rs->inst)) {
    napi_throw_error(env, "ERR_WASIHOST_DISPOSED",
                     "this function's WebAssembly.Instance has been disposed");
    goto fail;
  }
  if (!rs) {
    napi_throw_type_error(env, NULL,
                          "callAsync: the function must be defined by a wasihost "
                          "Instance (host functions run on the JS thread)");
    goto fail;
  }
  if (!rs->inst) {
    napi_throw_error(env, "ERR_WASIHOST_DISPOSED", "WebAssembly.Instance has been disposed");
    goto fail;
  }
  if (rs->job || rs->sync_depth || wn_rs_busy(rs) || wn_rs_imports_busy(rs)) {
    wn_throw_busy(env, "start an async run");
    goto fail;
  }
  if (rs->aborted) {
    wn_throw_interrupted(E);
    goto fail;
  }
  if (napi_create_string_utf8(env, "wasihost.callAsync", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_reference(env, argv[0], 1, &job->fn) != napi_ok)
    goto fail;
  if (napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, job, tsfn_finalize, job,
                                      call_js, &job->tsfn) != napi_ok) {
    napi_delete_reference(env, job->fn);
    job->fn = NULL;
    goto fail;
  }
  /* The finalizer owns the rest: rs, f, fn, the env reference. */
  job->rs = rs;
  wn_rs_ref(rs);
  job->inst = rs->inst;
  E->refs++;
  atomic_store(&job->refs, 2); /* the guest thread's share and the finalizer's */
  job->timeout_ns = wn_timeout_min(rs->timeout_ns, timeout_ns);
  if (napi_add_env_cleanup_hook(env, job_cleanup, job) == napi_ok) job->hook = 1;
  rs->job = job;
  E->active_jobs++;
  if (pin_imports(env, job)) {
    /* Out of memory: run anyway with what got pinned; the rest is unguarded. */
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  wh_instance_clear_interrupt(rs->inst);
  job->task.run = job_main;
  if (wh_pool_submit(&job->task)) {
    job_done(env, job, 1);
    napi_throw_error(env, NULL, "wasihost: cannot start a guest thread");
    reject_pending(env, job);
    napi_release_threadsafe_function(job->tsfn, napi_tsfn_release); /* -> finalizer */
    job_unref(job); /* the guest's share */
    free(args);
    return promise;
  }
  free(args);
  return promise;
fail:
  free(args);
  if (job->f) wh_func_unref(job->f);
  reject_pending(env, job);
  job_unref(job);
  return promise;
}
