/* Run states: who may run an instance now, its timeout and abort state,
 * the bracket around every run on the JS thread, and the entry points
 * that act on runs (interrupt, abort, dispose, pool info).
 *
 * The engine allows one thread per wh_instance at a time and each thread
 * has its own execution stack.  The binding enforces it: while an async
 * run owns an instance, the JS thread may not call into it, start another
 * run, touch the memories, tables and globals it defines or imported, nor
 * run the instances whose functions it imported ("instance is busy") --
 * except while the guest waits for a JS host function, when the JS thread
 * runs on the guest's behalf (rs->lent) and re-entrant calls and memory
 * access are as safe as in a sync run.  Only one level of imported
 * functions is tracked: a store shared more deeply is the embedder's to
 * keep to one thread (the engine has no store-level owner yet). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "node/napi_binding.h"

/* ---- the registry: run states by wh_instance, per env ---- */

/* A disposed instance's state stays findable (and refusing) as long as
 * anything holds it: its wh_instance may live on in a store shared with
 * live objects.  Its address cannot be reused meanwhile without a new
 * instance, whose wn_rs_new replaces the entry. */
wn_rs *wn_rs_find(wn_env *E, wh_instance *inst) {
  wn_ptrmap_entry *e = wn_ptrmap_find(&E->rs_map, inst);
  return e ? WN_CONTAINER(e, wn_rs, reg) : NULL;
}

wn_rs *wn_rs_new(wn_env *E, wh_instance *inst) {
  wn_ptrmap_entry *old;
  wn_rs *rs = calloc(1, sizeof *rs);
  if (!rs) return NULL;
  if (wn_ptrmap_put(&E->rs_map, &rs->reg, inst, &old)) {
    free(rs);
    return NULL;
  }
  rs->E = E;
  rs->inst = inst;
  rs->refs = 1;
  /* An older state of the same address belongs to a freed instance that
   * only waits for its holders' finalizers: it no longer matches. */
  if (old) WN_CONTAINER(old, wn_rs, reg)->inst = NULL;
  E->refs++;
  return rs;
}

void wn_rs_ref(wn_rs *rs) { rs->refs++; }

void wn_rs_unref(wn_rs *rs) {
  if (!rs || --rs->refs > 0) return;
  rs->inst = NULL;
  wn_rs_account(rs);
  wn_ptrmap_remove(&rs->E->rs_map, &rs->reg);
  if (rs->E->alive)
    for (uint32_t i = 0; i < rs->nimports; i++) wn_ref_drop(rs->E, rs->imports[i]);
  free(rs->imports);
  wn_env_release(rs->E);
  free(rs);
}

void wn_rs_attach(wn_rs *rs, wn_obj *w) {
  if (!rs || w->rs || w->kind == WN_NK_INSTANCE) return;
  wn_rs_ref(rs);
  w->rs = rs;
  w->rs_prev = NULL;
  w->rs_next = rs->objs;
  if (rs->objs) rs->objs->rs_prev = w;
  rs->objs = w;
}

void wn_rs_detach(wn_obj *w) {
  wn_rs *rs = w->rs;
  if (!rs) return;
  if (w->kind != WN_NK_INSTANCE) {
    if (w->rs_prev) w->rs_prev->rs_next = w->rs_next;
    else if (rs->objs == w) rs->objs = w->rs_next;
    if (w->rs_next) w->rs_next->rs_prev = w->rs_prev;
    w->rs_prev = w->rs_next = NULL;
  }
  w->rs = NULL;
  wn_rs_unref(rs);
}

int wn_rs_busy(const wn_rs *rs) {
  return rs && ((rs->job && !rs->lent) || rs->pins > rs->pins_lent);
}

int wn_obj_busy(const wn_obj *w) {
  return w->jobs > w->jobs_lent || wn_rs_busy(w->rs);
}

int wn_rs_set_imports(wn_rs *rs, const napi_value *values, uint32_t n) {
  napi_env env = rs->E->env;
  if (!n) return 0;
  rs->imports = calloc(n, sizeof *rs->imports);
  if (!rs->imports) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return -1;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (!values[i] || !wn_unwrap_any(env, values[i])) continue; /* a JS callable */
    WI_TRY(napi_create_reference(env, values[i], 0, &rs->imports[rs->nimports]), -1);
    rs->nimports++;
  }
  return 0;
}

int wn_rs_imports_busy(const wn_rs *rs) {
  napi_env env = rs->E->env;
  if (!rs->E->active_jobs) return 0;
  for (uint32_t i = 0; i < rs->nimports; i++) {
    napi_value v;
    wn_obj *w;
    if (napi_get_reference_value(env, rs->imports[i], &v) != napi_ok || !v) continue;
    if ((w = wn_unwrap_any(env, v)) && w->ptr && wn_obj_busy(w)) return 1;
  }
  return 0;
}

/* A run of rs's own instance is in progress (what interrupt() stops). */
static int rs_running(const wn_rs *rs) {
  return rs && (rs->job || rs->sync_depth > 0);
}

void wn_throw_busy(napi_env env, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "instance is busy: cannot %s during a run in progress", what);
  napi_throw_error(env, "ERR_WASIHOST_BUSY", msg);
}

void wn_throw_interrupted(wn_env *E) {
  wn_throw_class(E, E->err_runtime, wh_trap_message(WH_TRAP_INTERRUPTED));
}

uint64_t wn_timeout_min(uint64_t a, uint64_t b) {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

/* ---- runs on the JS thread ---- */

/* How often a Worker's sync run asks whether the Worker is ending: a JS
 * call of a no-op per poke, about 1 us in 20 ms. */
#define POKE_NS 20000000u

static uint64_t deadline_min(uint64_t a, uint64_t b) { return wn_timeout_min(a, b); }

static uint64_t deadline_in(uint64_t timeout_ns) {
  uint64_t now = wh_clock_ns();
  return timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
}

/* Is a run on this thread already poked (an enclosing sync run; a lend
 * frame's guest runs on its own thread and is not)? */
static int poked(const wn_run *r) {
  for (; r; r = r->prev)
    if (r->poking) return 1;
  return 0;
}

int wn_run_begin(wn_env *E, wn_rs *rs, uint64_t timeout_ns,
                      wn_run *run) {
  napi_env env = E->env;
  wn_run *parent = E->runs;
  memset(run, 0, sizeof *run);
  if (parent && parent->stopped) {
    /* The run this one would nest in was interrupted: so is this. */
    wn_throw_interrupted(E);
    return -1;
  }
  if (!rs) return 0; /* a host function, or an instance we cannot name */
  if (!rs->inst) {
    napi_throw_error(env, "ERR_WASIHOST_DISPOSED", "WebAssembly.Instance has been disposed");
    return -1;
  }
  if (wn_rs_busy(rs) || wn_rs_imports_busy(rs)) {
    wn_throw_busy(env, "call it");
    return -1;
  }
  if (rs->aborted) {
    wn_throw_interrupted(E);
    return -1;
  }
  run->rs = rs;
  /* The first run of rs owns its flag and its own timeout; a run of an
   * instance already running here (re-entry, or the JS thread running for
   * its waiting async guest) shares both. */
  run->outer = rs->sync_depth == 0 && rs->job == NULL;
  uint64_t deadline = parent ? parent->deadline : 0;
  if (run->outer) {
    wh_instance_clear_interrupt(rs->inst);
    if (rs->timeout_ns) deadline = deadline_min(deadline, deadline_in(rs->timeout_ns));
  }
  if (timeout_ns) deadline = deadline_min(deadline, deadline_in(timeout_ns));
  run->deadline = deadline;
  /* A watch of its own unless the enclosing one already covers this
   * instance with the same deadline. */
  if (deadline && (!parent || parent->rs != rs || parent->deadline != deadline)) {
    if (wh_watch_arm_at(&run->watch, rs->inst, deadline)) {
      napi_throw_error(env, NULL, "wasihost: cannot start the watchdog thread");
      return -1;
    }
    run->watching = 1;
  }
  /* worker.terminate() and process.exit() only mark the Worker's isolate;
   * nothing else on its thread runs while the guest spins.  The guest's
   * back-edges consult the env's probe (napi_addon.c) every POKE_NS. */
  if (E->is_worker && !poked(parent) &&
      wh_watch_poke_every(&run->poke, rs->inst, POKE_NS) == 0)
    run->poking = 1;
  rs->sync_depth++;
  wn_rs_ref(rs);
  run->prev = parent;
  E->runs = run;
  return 0;
}

void wn_run_lend(wn_env *E, wn_rs *rs, uint64_t deadline, wn_run *run) {
  memset(run, 0, sizeof *run);
  run->rs = rs;
  run->deadline = deadline;
  run->outer = -1; /* marks a lend frame: nothing to count */
  wn_rs_ref(rs);
  run->prev = E->runs;
  E->runs = run;
}

void wn_run_end(wn_run *run) {
  wn_rs *rs = run->rs;
  if (!rs) return;
  if (run->watching) wh_watch_disarm(&run->watch);
  if (run->poking) wh_watch_disarm(&run->poke);
  if (run->outer >= 0) rs->sync_depth--;
  /* The instance's last run here may have grown its memory. */
  if (run->outer == 1) wn_rs_account(rs);
  rs->E->runs = run->prev;
  wn_rs_unref(rs);
  run->rs = NULL;
}

int wn_rs_interrupt(wn_rs *rs) {
  int hit = rs->inst && rs_running(rs);
  if (hit) wh_instance_interrupt(rs->inst);
  /* A guest parked on a Promise does not look at its flag. */
  if (hit && rs->job) wn_job_interrupt(rs->job);
  /* The outermost frame of rs on the JS thread, then everything above. */
  wn_run *bottom = NULL;
  for (wn_run *r = rs->E->runs; r; r = r->prev)
    if (r->rs == rs) bottom = r;
  if (!bottom) return hit;
  for (wn_run *r = rs->E->runs;; r = r->prev) {
    r->stopped = 1;
    if (r->rs && r->rs->inst) wh_instance_interrupt(r->rs->inst);
    if (r == bottom) break;
  }
  return 1;
}

/* ---- entry points ---- */

static wn_rs *target_rs(napi_env env, napi_value v) {
  wn_obj *w = wn_unwrap_any(env, v);
  if (!w || (w->kind != WN_NK_INSTANCE && w->kind != WN_NK_FUNC)) {
    napi_throw_type_error(env, NULL, "expected a WebAssembly.Instance or an exported function");
    return NULL;
  }
  return w->rs;
}

/* interrupt(instanceOrFunction) -> true when a run was in progress.  The
 * run traps "interrupted" at its next loop back-edge or call (or within a
 * millisecond of a blocking WASI call). */
napi_value wn_interrupt(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v;
  WI_TRY(napi_get_cb_info(env, info, &argc, &v, NULL, NULL), NULL);
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "interrupt(target)");
    return NULL;
  }
  wn_rs *rs = target_rs(env, v);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return NULL;
  return wn_bool(env, rs && wn_rs_interrupt(rs));
}

/* instanceAbort(instance): its AbortSignal fired.  The run in progress is
 * interrupted and every later run fails at once. */
napi_value wn_instance_abort(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v;
  WI_TRY(napi_get_cb_info(env, info, &argc, &v, NULL, NULL), NULL);
  wn_obj *w = argc ? wn_unwrap_any(env, v) : NULL;
  if (!w || w->kind != WN_NK_INSTANCE) {
    napi_throw_type_error(env, NULL, "instanceAbort(instance)");
    return NULL;
  }
  wn_rs *rs = w->rs;
  if (rs) {
    rs->aborted = 1;
    wn_rs_interrupt(rs);
  }
  return wn_undefined(env);
}

static const char *kind_class(int kind) {
  switch (kind) {
  case WN_NK_MODULE: return "WebAssembly.Module";
  case WN_NK_INSTANCE: return "WebAssembly.Instance";
  case WN_NK_MEMORY: return "WebAssembly.Memory";
  case WN_NK_TABLE: return "WebAssembly.Table";
  case WN_NK_GLOBAL: return "WebAssembly.Global";
  default: return "function";
  }
}

static void dispose_instance(wn_obj *w) {
  wn_rs *rs = w->rs;
  if (rs) {
    while (rs->objs) {
      wn_obj *o = rs->objs;
      wn_obj_dispose(o); /* leaves the list */
      if (rs->objs == o) wn_rs_detach(o);
    }
    rs->inst = NULL; /* stays registered (rs->reg): see wn_rs_find */
    wn_rs_account(rs);
  }
  wn_obj_dispose(w);
}

/* dispose(obj): releases an Instance (with the functions, memories, tables
 * and globals it defines and exported), Module, Memory, Table or Global
 * now instead of at garbage collection.  Idempotent. */
napi_value wn_dispose(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v;
  char msg[128];
  if (!wn_env_ready(env)) return NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, &v, NULL, NULL), NULL);
  wn_obj *w = argc ? wn_unwrap_any(env, v) : NULL;
  if (!w || w->kind == WN_NK_FUNC) {
    napi_throw_type_error(env, NULL,
                          "dispose(): expected a WebAssembly.Instance, Module, Memory, "
                          "Table or Global (functions go with their Instance)");
    return NULL;
  }
  if (!w->ptr) return wn_undefined(env);
  if (w->kind != WN_NK_MODULE &&
      (rs_running(w->rs) || (w->rs && w->rs->pins) || w->jobs)) {
    snprintf(msg, sizeof msg, "dispose a %s", kind_class(w->kind));
    wn_throw_busy(env, msg);
    return NULL;
  }
  if (w->kind == WN_NK_INSTANCE) dispose_instance(w);
  else wn_obj_dispose(w);
  return wn_undefined(env);
}

/* isDisposed(obj) -> boolean */
napi_value wn_is_disposed(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v;
  WI_TRY(napi_get_cb_info(env, info, &argc, &v, NULL, NULL), NULL);
  wn_obj *w = argc ? wn_unwrap_any(env, v) : NULL;
  return wn_bool(env, w && !w->ptr);
}

/* poolInfo([max]) -> {max, threads, idle, queued, running}; a Number
 * argument sets the cap on guest threads first. */
napi_value wn_pool_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v, out, n;
  wh_pool_stats ps;
  static const char *keys[5] = {"max", "threads", "idle", "queued", "running"};
  WI_TRY(napi_get_cb_info(env, info, &argc, &v, NULL, NULL), NULL);
  if (argc >= 1) {
    napi_valuetype t;
    WI_TRY(napi_typeof(env, v, &t), NULL);
    if (t != napi_undefined) {
      uint32_t max;
      if (napi_get_value_uint32(env, v, &max) != napi_ok || max == 0) {
        napi_throw_range_error(env, NULL, "the maximum number of guest threads must be a positive integer");
        return NULL;
      }
      wh_pool_set_max(max);
    }
  }
  wh_pool_get_stats(&ps);
  const uint32_t st[5] = {ps.max, ps.threads, ps.idle, ps.queued, ps.running};
  WI_TRY(napi_create_object(env, &out), NULL);
  for (int i = 0; i < 5; i++) {
    WI_TRY(napi_create_uint32(env, st[i], &n), NULL);
    WI_TRY(napi_set_named_property(env, out, keys[i], n), NULL);
  }
  return out;
}
