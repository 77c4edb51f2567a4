/* The engine's public C API alone (no Node, no libuv): interrupts that
 * must reach nested runs and start functions, and the per-thread execution
 * stacks' memory.  argv[1] is a module written by test/engine/c-api.test.js:
 *   (import "e" "cb" (func))            -- a host function
 *   "spin": loop br 0
 *   "callThenSpin": call cb, then loop br 0
 *   "deep" (param i32) (result i32): recursion n deep through frames of 64 locals, returns n
 * and argv[2] the same with (start $spin).
 * Prints "CHECK name got want" lines for the JS driver. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wasihost.h"
#include "check.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* /proc/self/status field in kB */
static long status_kb(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen(key);
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, key, n) && line[n] == ':') v = atol(line + n + 1);
  if (f) fclose(f);
  return v;
}

static wh_func *export_func(wh_instance *inst, const char *name) {
  wh_extern e;
  if (wh_instance_export(inst, name, (uint32_t)strlen(name), &e) || e.kind != WH_EXTERN_FUNC) return NULL;
  return e.u.func;
}

/* A thread that interrupts `target` after `ms`, and as a last resort
 * (so that a failing check cannot hang the test) `fallback` 2 s later. */
typedef struct { wh_instance *target, *fallback; int ms; } stopper;
static void *stopper_main(void *p) {
  stopper *s = p;
  usleep((useconds_t)s->ms * 1000);
  wh_instance_interrupt(s->target);
  if (s->fallback) {
    usleep(2000 * 1000);
    wh_instance_interrupt(s->fallback);
  }
  return NULL;
}

static wh_instance *inner_inst;
static int inner_trap;
/* cb of the outer instance: runs the inner instance's spin loop, as a
 * host function calling back into wasm does. */
static int cb_nested(wh_call *call, void *data, const wh_val *args, wh_val *results) {
  (void)data; (void)args; (void)results;
  wh_error err;
  int rc = wh_func_call(export_func(inner_inst, "spin"), NULL, 0, NULL, 0, &err);
  inner_trap = rc == WH_ERR_TRAP ? err.trap : -1;
  if (rc == WH_ERR_TRAP && wh_call_interrupted(call)) return wh_call_interrupt_trap(call);
  return rc == WH_ERR_TRAP ? WH_ERR_TRAP : 0;
}
static int cb_nop(wh_call *call, void *data, const wh_val *args, wh_val *results) {
  (void)call; (void)data; (void)args; (void)results;
  return 0;
}

static wh_instance *instantiate(wh_module *m, wh_host_fn cb, int start) {
  static const wh_functype none = {0, 0, NULL, NULL};
  wh_extern imp = {.kind = WH_EXTERN_FUNC};
  imp.u.func = wh_func_new_host(&none, cb, NULL, NULL);
  wh_error err;
  wh_instance *inst = start ? wh_instance_new(m, &imp, 1, NULL, &err)
                            : wh_instance_new_unstarted(m, &imp, 1, NULL, &err);
  wh_func_unref(imp.u.func);
  return inst;
}

typedef struct { wh_module *m; int depth; int rc; } deep_job;
static void *deep_main(void *p) {
  deep_job *j = p;
  wh_instance *inst = instantiate(j->m, cb_nop, 1);
  wh_val a = {.i32 = j->depth}, r;
  wh_error err;
  j->rc = inst ? wh_func_call(export_func(inst, "deep"), &a, 1, &r, 1, &err) : -100;
  wh_instance_unref(inst);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  setvbuf(stdout, NULL, _IOLBF, 0); /* the lines survive a sanitizer exit */
  size_t len, slen;
  uint8_t *bytes = slurp(argv[1], &len), *sbytes = slurp(argv[2], &slen);
  wh_error err;
  wh_module *m = bytes ? wh_module_new(bytes, len, &err) : NULL;
  wh_module *sm = sbytes ? wh_module_new(sbytes, slen, &err) : NULL;
  if (!m || !sm) {
    fprintf(stderr, "cannot load the modules: %s\n", err.message);
    return 3;
  }

  /* 1. The host interrupts the run it started; the guest is meanwhile
   * inside a host function that re-entered another instance's loop. */
  wh_instance *outer = instantiate(m, cb_nested, 1);
  inner_inst = instantiate(m, cb_nop, 1);
  stopper s1 = {outer, inner_inst, 50};
  pthread_t th;
  pthread_create(&th, NULL, stopper_main, &s1);
  double t0 = now_ms();
  int rc = wh_func_call(export_func(outer, "callThenSpin"), NULL, 0, NULL, 0, &err);
  double took = now_ms() - t0;
  CHECK("nested_status", rc, WH_ERR_TRAP);
  CHECK("nested_outer_trap", err.trap, WH_TRAP_INTERRUPTED);
  CHECK("nested_inner_trap", inner_trap, WH_TRAP_INTERRUPTED);
  CHECK("nested_within_1s", took < 1000, 1);
  pthread_join(th, NULL);

  /* 2. A start function that never ends, interrupted before it returns. */
  wh_instance *si = instantiate(sm, cb_nop, 0);
  CHECK("unstarted_created", si != NULL, 1);
  CHECK("start_pending", wh_instance_start_pending(si), 1);
  stopper s2 = {si, NULL, 50};
  pthread_create(&th, NULL, stopper_main, &s2);
  rc = wh_instance_start(si, &err);
  pthread_join(th, NULL);
  CHECK("start_status", rc, WH_ERR_TRAP);
  CHECK("start_trap", err.trap, WH_TRAP_INTERRUPTED);
  CHECK("start_not_pending", wh_instance_start_pending(si), 0);
  CHECK("start_runs_once", wh_instance_start(si, &err), 0);
  wh_instance_unref(si);
  /* wh_instance_new still runs it: a start that returns. */
  wh_instance *plain = instantiate(m, cb_nop, 1);
  CHECK("no_start_pending", wh_instance_start_pending(plain), 0);
  wh_instance_unref(plain);

  /* 3. Threads that ran wasm and exited leave no execution stacks behind
   * (each is 136 MiB of address space plus what the guest touched). */
  long vm0 = status_kb("VmSize");
  for (int i = 0; i < 20; i++) {
    deep_job j = {m, 2000, -1};
    pthread_create(&th, NULL, deep_main, &j);
    pthread_join(th, NULL);
    if (j.rc != 0) CHECK("thread_run", j.rc, 0);
  }
  long vm_growth_mb = (status_kb("VmSize") - vm0) / 1024;
  printf("# VmSize growth after 20 threads: %ld MiB\n", vm_growth_mb);
  CHECK("threads_vm_growth_under_100mb", vm_growth_mb < 100, 1);

  /* 4. wh_thread_trim gives back what a deep run touched. */
  {
    wh_instance *inst = instantiate(m, cb_nop, 1);
    wh_val a = {.i32 = 55000}, r;
    long rss0 = status_kb("VmRSS");
    rc = wh_func_call(export_func(inst, "deep"), &a, 1, &r, 1, &err);
    CHECK("deep_run", rc, 0);
    if (rc) printf("# deep run: %s\n", err.message);
    long rss1 = status_kb("VmRSS");
    wh_thread_trim();
    long rss2 = status_kb("VmRSS");
    printf("# VmRSS: before %ld kB, after a deep run %ld kB, after trim %ld kB\n", rss0, rss1, rss2);
    CHECK("deep_run_touched_20mb", rss1 - rss0 > 20 * 1024, 1);
    CHECK("trim_returned_most", rss1 - rss2 > (rss1 - rss0) * 3 / 4, 1);
    a.i32 = 10;
    CHECK("runs_after_trim", wh_func_call(export_func(inst, "deep"), &a, 1, &r, 1, &err), 0);
    CHECK("deep_result", r.i32, 10);
    wh_instance_unref(inst);
  }

  wh_instance_unref(outer);
  wh_instance_unref(inner_inst);
  wh_module_unref(m);
  wh_module_unref(sm);
  free(bytes);
  free(sbytes);
  return 0;
}
