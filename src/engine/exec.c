/* Execution contexts and calls across the host boundary.  Each thread has
 * one value stack and one frame stack, reserved once as address space and
 * touched only as deep as the guest goes; nested (re-entrant) calls from
 * host functions continue on the same stacks, so the limits hold for the
 * whole chain. */
#include "internal.h"
#include "prof.h"

#include <pthread.h>
#include <sys/mman.h>

#define STACK_SLOTS_CAP (16u << 20)   /* 128 MiB of address space */
#define FRAMES_CAP (1u << 20)
#define DEFAULT_STACK_SLOTS (4u << 20)
#define DEFAULT_FRAMES 100000u

/* The fast path reads the thread-local pointer; the pthread key exists
 * only for its destructor, so that a thread that ends (a Node worker, an
 * embedder's thread) gives its stacks back instead of leaking 136 MiB of
 * address space and whatever its deepest guest touched. */
static _Thread_local wi_exec *tls_exec;
static pthread_key_t exec_key;
static pthread_once_t exec_key_once = PTHREAD_ONCE_INIT;
static int exec_key_ok;

#define FRAMES_BYTES ((size_t)FRAMES_CAP * sizeof(wi_frame))
/* What stays touched after a trim: enough for typical shallow runs. */
#define KEEP_BYTES ((size_t)256 << 10)

static void *reserve(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static void exec_free(void *p) {
  wi_exec *ex = p;
  if (!ex) return;
  if (ex->stack) munmap(ex->stack, ex->stack_bytes);
  if (ex->frames) munmap(ex->frames, FRAMES_BYTES);
  free(ex);
}

static void exec_key_init(void) { exec_key_ok = pthread_key_create(&exec_key, exec_free) == 0; }

wi_exec *wi_exec_get(void) {
  if (tls_exec) return tls_exec;
  pthread_once(&exec_key_once, exec_key_init);
  wi_exec *ex = calloc(1, sizeof *ex);
  if (!ex) return NULL;
  ex->stack_bytes = (size_t)STACK_SLOTS_CAP * sizeof(wh_val);
  ex->stack = reserve(ex->stack_bytes);
  ex->frames = reserve(FRAMES_BYTES);
  if (!ex->stack || !ex->frames || (exec_key_ok && pthread_setspecific(exec_key, ex) != 0)) {
    exec_free(ex);
    return NULL;
  }
  ex->stack_end = ex->stack + DEFAULT_STACK_SLOTS;
  ex->top = ex->frames;
  wi_set_max_frames(ex, DEFAULT_FRAMES);
  ex->sp = ex->stack;
  wi_fuel_refill(ex);
  tls_exec = ex;
  return ex;
}

/* Touched stack pages stay with the thread; a thread that served a deep
 * run (a pool thread kept for the next job) returns them here. */
void wh_thread_trim(void) {
  wi_exec *ex = tls_exec;
  if (!ex || ex->depth) return;
  madvise((char *)ex->stack + KEEP_BYTES, ex->stack_bytes - KEEP_BYTES, MADV_DONTNEED);
  madvise((char *)ex->frames + KEEP_BYTES, FRAMES_BYTES - KEEP_BYTES, MADV_DONTNEED);
}

/* The outermost call takes its limits from the instance it enters. */
static void enter_limits(wi_exec *ex, wh_instance *inst) {
  uint32_t slots = DEFAULT_STACK_SLOTS, frames = DEFAULT_FRAMES;
  ex->entry_inst = inst;
  ex->fuel_on = false;
  ex->fuel = 0;
  ex->fuel_rest = 0;
  ex->fuel_inst = NULL;
  if (inst) {
    if (inst->limits.max_stack_slots)
      slots = inst->limits.max_stack_slots < STACK_SLOTS_CAP ? inst->limits.max_stack_slots : STACK_SLOTS_CAP;
    if (inst->limits.max_call_depth)
      frames = inst->limits.max_call_depth < FRAMES_CAP ? inst->limits.max_call_depth : FRAMES_CAP;
    if (inst->limits.fuel) {
      ex->fuel_on = true;
      ex->fuel_rest = inst->fuel;
      ex->fuel_inst = inst;
    }
  }
  wi_fuel_refill(ex);
  ex->stack_end = ex->stack + slots;
  wi_set_max_frames(ex, frames);
}

static void leave_limits(wi_exec *ex) {
  int64_t left = ex->fuel + ex->fuel_rest;
  if (ex->fuel_on && ex->fuel_inst) ex->fuel_inst->fuel = left < 0 ? 0 : left;
}

int wi_call_host(wi_exec *ex, wh_instance *caller, wh_func *f, wh_val *args) {
  const wh_functype *ft = &f->type->ft;
  uint32_t n = ft->nparams > ft->nresults ? ft->nparams : ft->nresults;
  wh_val *saved_sp = ex->sp;
  wh_error *saved_err = ex->err;
  ex->sp = args + n;
  if (ex->sp > ex->stack_end) {
    ex->sp = saved_sp;
    return wi_err_trap(ex->err, WH_TRAP_STACK_EXHAUSTED);
  }
  wh_call call = { ex, caller };
  ex->host_trap = NULL;
  int rc = f->host(&call, f->data, args, args);
  ex->sp = saved_sp;
  ex->err = saved_err;
  if (caller && WI_UNLIKELY(caller->prof || (ex->entry_inst && ex->entry_inst->prof)))
    wi_prof_host_return(ex, caller, f);
  if (rc == 0) {
    for (uint32_t i = 0; i < ft->nresults; i++)
      if (wh_reftype_family(ft->results[i]) == WH_FUNCREF && args[i].func && caller)
        wi_store_join(&caller->obj, &args[i].func->obj);
    return 0;
  }
  switch (rc) {
    case WH_ERR_TRAP:
      if (ex->host_trap) {
        if (ex->err) {
          ex->err->trap = WH_TRAP_HOST;
          wi_err_set(ex->err, WH_ERR_TRAP, "%s", ex->host_trap);
        }
        return WH_ERR_TRAP;
      }
      return ex->err && ex->err->status == WH_ERR_TRAP ? WH_ERR_TRAP
                                                       : wi_err_trap(ex->err, WH_TRAP_HOST);
    case WH_ERR_EXCEPTION: /* wh_call_throw (tag.c) left it in ex->exn */
      if (ex->exn) {
        if (ex->err) wi_err_set(ex->err, WH_ERR_EXCEPTION, "exception from a host function");
        return WH_ERR_EXCEPTION;
      }
      return wi_err_set(ex->err, WH_ERR_HOST, "host function failed");
    case WH_ERR_EXIT:
      if (ex->err) {
        ex->err->exit_code = ex->exit_code;
        wi_err_set(ex->err, WH_ERR_EXIT, "exit with code %d", ex->exit_code);
      }
      return WH_ERR_EXIT;
    default:
      return wi_err_set(ex->err, WH_ERR_HOST, "host function failed");
  }
}

/* A caller that passes no error block gets one here, in a frame of its
 * own: wh_func_call's frame stays small for the host calls that nest it
 * (JS->wasm->JS recursion is bounded by the JS engine's stack limit). */
static __attribute__((noinline)) int call_local_err(wh_func *f, const wh_val *args,
                                                    uint32_t nargs, wh_val *results,
                                                    uint32_t nresults) {
  wh_error local;
  return wh_func_call(f, args, nargs, results, nresults, &local);
}

int wh_func_call(wh_func *f, const wh_val *args, uint32_t nargs, wh_val *results,
                 uint32_t nresults, wh_error *err) {
  if (!err) return call_local_err(f, args, nargs, results, nresults);
  /* not a memset: this is on every call from the host */
  err->status = 0;
  err->trap = 0;
  err->message[0] = 0;
  err->nframes = 0;
  err->exn = NULL;
  const wh_functype *ft = &f->type->ft;
  if (nargs != ft->nparams || nresults != ft->nresults)
    return wi_err_set(err, WH_ERR_ARG, "expected %u arguments and %u results",
                      ft->nparams, ft->nresults);
  wi_exec *ex = wi_exec_get();
  if (!ex) return wi_err_set(err, WH_ERR_NOMEM, "cannot allocate an execution stack");
  bool outer = ex->depth == 0;
  wi_prof *prof = NULL;
  if (outer) {
    enter_limits(ex, f->host ? NULL : f->inst);
    ex->sp = ex->stack;
    ex->top = ex->frames;
    if (!f->host && f->inst->prof) wi_prof_enter(prof = f->inst->prof, f);
  }
  wh_val *base = ex->sp;
  uint32_t n = ft->nparams > ft->nresults ? ft->nparams : ft->nresults;
  if (base + n > ex->stack_end) return wi_err_trap(err, WH_TRAP_STACK_EXHAUSTED);
  for (uint32_t i = 0; i < nargs; i++) {
    base[i] = args[i];
    if (wh_reftype_family(ft->params[i]) == WH_FUNCREF && args[i].func)
      wi_store_join(&f->obj, &args[i].func->obj);
  }
  wh_error *saved_err = ex->err;
  wh_val *saved_sp = ex->sp;
  ex->err = err;
  ex->depth++;
  int rc;
  if (f->host) {
    rc = wi_call_host(ex, NULL, f, base);
  } else {
    rc = wi_interp_call(ex, f->inst, f->def, base);
  }
  ex->depth--;
  ex->err = saved_err;
  ex->sp = saved_sp;
  if (rc == WH_ERR_EXCEPTION && ex->exn) {
    err->exn = wi_exn_escape(ex, ex->exn); /* (tag.c) */
    ex->exn = NULL;
    if (!err->exn) rc = wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  }
  if (outer) wi_exn_sweep(ex); /* the run's floating exceptions (tag.c) */
  if (outer) leave_limits(ex);
  if (prof) wi_prof_leave(prof);
  if (rc == 0)
    for (uint32_t i = 0; i < nresults; i++) results[i] = base[i];
  return rc;
}

wh_instance *wh_call_instance(wh_call *call) { return call ? call->inst : NULL; }

wh_memory *wh_call_memory(wh_call *call) {
  if (!call || !call->inst || !call->inst->mems) return NULL;
  return call->inst->mems[0];
}

int wh_call_trap(wh_call *call, const char *message) {
  call->ex->host_trap = message;
  return WH_ERR_TRAP;
}

/* As the interpreter's check: the caller's flag or the outermost run's. */
int wh_call_interrupted(wh_call *call) {
  if (!call || !call->ex) return 0;
  const wh_instance *outer = call->ex->entry_inst, *inst = call->inst ? call->inst : outer;
  if (!inst) return 0;
  int v = atomic_load_explicit(&inst->interrupt, memory_order_relaxed);
  if (outer) v |= atomic_load_explicit(&outer->interrupt, memory_order_relaxed);
  /* A poke (probe.c) asks the thread's probe; a profiler's sample request
   * (prof.h) is no stop at all. */
  return (v & (WI_STOP_INTERRUPT | WI_STOP_POKE)) &&
         wi_stop_check(&inst->interrupt, outer ? &outer->interrupt : NULL);
}

int wh_call_interrupt_trap(wh_call *call) {
  if (call->ex->err) wi_err_trap(call->ex->err, WH_TRAP_INTERRUPTED);
  return WH_ERR_TRAP;
}

int wh_call_exit(wh_call *call, int code) {
  call->ex->exit_code = code;
  return WH_ERR_EXIT;
}
