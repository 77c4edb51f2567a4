/* What a C embedder gets from include/wasihost.h alone (no Node, no
 * libuv): import matching and its messages (wh_extern_type,
 * wh_externtype_matches, wh_externtype_format, wh_instance_new's link
 * errors), timeouts (wh_func_call_timeout, the watchdog) and the guest
 * thread pool.  Modules written by test/engine/embedder.test.js:
 * argv[1]
 *   (import "m" "f" (func (param i32) (result i64)))
 *   (import "m" "mem" (memory 1 2))
 *   (import "m" "g" (global (mut i32)))
 *   (import "m" "t" (table 1 funcref))
 * argv[2]
 *   (import "e" "block" (func))   -- a host function that blocks until interrupted
 *   "spin": loop br 0;  "answer" (result i32): 42;  "blocked": calls block
 * Prints "CHECK name got want" lines for the JS driver. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasihost.h"
#include "check.h"

#define CHECK_STR(name, got, want) CHECK(name, strcmp(got, want) == 0, 1); \
  if (strcmp(got, want)) printf("# %s: got \"%s\", want \"%s\"\n", name, got, want)

static int host_f(wh_call *call, void *data, const wh_val *args, wh_val *results) {
  (void)call; (void)data;
  results[0].i64 = args[0].i32;
  return 0;
}

static void externtypes(const char *path) {
  size_t len;
  uint8_t *bytes = slurp(path, &len);
  wh_error err;
  wh_module *m = bytes ? wh_module_new(bytes, len, &err) : NULL;
  free(bytes);
  CHECK("module_compiles", m != NULL, 1);
  if (!m) return;
  wh_externtype want[4];
  for (uint32_t i = 0; i < 4; i++) wh_module_import(m, i, NULL, NULL, NULL, NULL, &want[i]);

  char buf[128];
  wh_externtype_format(&want[0], buf, sizeof buf);
  CHECK_STR("format_func", buf, "func [i32] -> [i64]");
  wh_externtype_format(&want[1], buf, sizeof buf);
  CHECK_STR("format_memory", buf, "memory {min 1, max 2}");
  wh_externtype_format(&want[2], buf, sizeof buf);
  CHECK_STR("format_global", buf, "global mut i32");
  wh_externtype_format(&want[3], buf, sizeof buf);
  CHECK_STR("format_table", buf, "table {min 1} funcref");
  /* snprintf's contract: truncated, terminated, full length returned */
  size_t need = wh_externtype_format(&want[0], buf, 6);
  CHECK("format_truncated_len", need, strlen("func [i32] -> [i64]"));
  CHECK_STR("format_truncated_text", buf, "func ");

  uint8_t i32 = WH_I32, i64 = WH_I64;
  wh_functype ft = {1, 1, &i32, &i64}, ft_bad = {1, 1, &i32, &i32};
  wh_func *f = wh_func_new_host(&ft, host_f, NULL, NULL);
  wh_func *f_bad = wh_func_new_host(&ft_bad, host_f, NULL, NULL);
  wh_memory *mem = wh_memory_new(1, 2, 1, &err);
  wh_memory *mem_nomax = wh_memory_new(1, 0, 0, &err);
  wh_memory *mem_big = wh_memory_new(3, 4, 1, &err);
  wh_val zero = {0};
  wh_global *g = wh_global_new(WH_I32, 1, zero);
  wh_global *g_const = wh_global_new(WH_I32, 0, zero);
  wh_table *t = wh_table_new(WH_FUNCREF, 2, 0, 0, zero, &err);
  wh_table *t_ext = wh_table_new(WH_EXTERNREF, 2, 0, 0, zero, &err);

  wh_extern ok[4] = {{WH_EXTERN_FUNC, {.func = f}}, {WH_EXTERN_MEMORY, {.memory = mem}},
                     {WH_EXTERN_GLOBAL, {.global = g}}, {WH_EXTERN_TABLE, {.table = t}}};
  wh_externtype have;
  int all = 1;
  for (int i = 0; i < 4; i++) {
    if (wh_extern_type(&ok[i], &have) != 0 || !wh_externtype_matches(&have, &want[i])) all = 0;
  }
  CHECK("matching_imports_match", all, 1);
  /* a table's type is its current size: 2 >= 1 */
  wh_extern_type(&ok[3], &have);
  CHECK("table_type_is_current_size", have.u.table.limits.min, 2);
  /* a memory that grew still matches a smaller min; its max must stay within 2 */
  wh_memory_grow(mem, 1);
  wh_extern_type(&ok[1], &have);
  CHECK("memory_type_is_current_size", have.u.memory.min, 2);
  CHECK("grown_memory_matches", wh_externtype_matches(&have, &want[1]), 1);

  struct { const char *name; wh_extern e; int idx; } bad[] = {
    {"func_wrong_result", {WH_EXTERN_FUNC, {.func = f_bad}}, 0},
    {"memory_no_max", {WH_EXTERN_MEMORY, {.memory = mem_nomax}}, 1},
    {"memory_max_too_big", {WH_EXTERN_MEMORY, {.memory = mem_big}}, 1},
    {"global_const_for_mut", {WH_EXTERN_GLOBAL, {.global = g_const}}, 2},
    {"table_externref_for_funcref", {WH_EXTERN_TABLE, {.table = t_ext}}, 3},
    {"kind_mismatch", {WH_EXTERN_MEMORY, {.memory = mem}}, 0},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    wh_extern_type(&bad[i].e, &have);
    CHECK(bad[i].name, wh_externtype_matches(&have, &want[bad[i].idx]), 0);
  }
  wh_extern null_func = {WH_EXTERN_FUNC, {.func = NULL}};
  CHECK("null_extern_type", wh_extern_type(&null_func, &have), WH_ERR_ARG);

  /* wh_instance_new applies the same test and says why in the same words */
  wh_instance *inst = wh_instance_new(m, ok, 4, NULL, &err);
  CHECK("instance_links", inst != NULL, 1);
  if (inst) wh_instance_unref(inst);
  wh_extern wrong[4] = {ok[0], {WH_EXTERN_MEMORY, {.memory = mem_big}}, ok[2], ok[3]};
  inst = wh_instance_new(m, wrong, 4, NULL, &err);
  CHECK("instance_refuses", inst == NULL && err.status == WH_ERR_LINK, 1);
  CHECK_STR("instance_message", err.message,
            "incompatible import type for m::mem: expected memory {min 1, max 2}, got memory {min 3, max 4}");
  wh_extern wrong_kind[4] = {ok[1], ok[1], ok[2], ok[3]};
  inst = wh_instance_new(m, wrong_kind, 4, NULL, &err);
  CHECK_STR("instance_kind_message", err.message,
            "incompatible import type for m::f: expected function, got memory");

  wh_func_unref(f); wh_func_unref(f_bad);
  wh_memory_unref(mem); wh_memory_unref(mem_nomax); wh_memory_unref(mem_big);
  wh_global_unref(g); wh_global_unref(g_const);
  wh_table_unref(t); wh_table_unref(t_ext);
  wh_module_unref(m);
}

/* ---- timeouts ---- */

/* The host function a guest calls to block: waits in slices, as a
 * blocking WASI call does, until the run is interrupted (or 10 s). */
static int host_block(wh_call *call, void *data, const wh_val *args, wh_val *results) {
  (void)data; (void)args; (void)results;
  for (int i = 0; i < 10000; i++) {
    if (wh_call_interrupted(call)) return wh_call_interrupt_trap(call);
    usleep(1000);
  }
  return 0;
}

static wh_module *timeout_module;

static wh_instance *new_spinner(void) {
  static const uint8_t none[1];
  wh_functype ft = {0, 0, none, none};
  wh_func *block = wh_func_new_host(&ft, host_block, NULL, NULL);
  wh_extern imp = {WH_EXTERN_FUNC, {.func = block}};
  wh_error err;
  wh_instance *inst = wh_instance_new(timeout_module, &imp, 1, NULL, &err);
  wh_func_unref(block);
  return inst;
}

static wh_func *export_func(wh_instance *inst, const char *name) {
  wh_extern e;
  if (wh_instance_export(inst, name, (uint32_t)strlen(name), &e) || e.kind != WH_EXTERN_FUNC) return NULL;
  return e.u.func;
}

static double ms_since(uint64_t t0) { return (double)(wh_clock_ns() - t0) / 1e6; }

/* A run on a pool thread: spins until its timeout and records how long
 * that took. */
typedef struct spin_task {
  wh_task task; /* first: the pool hands this pointer back */
  wh_instance *inst;
  uint64_t timeout_ns;
  int rc, trap;
  double ms;
  pthread_mutex_t *mu;
  pthread_cond_t *cv;
  int *done;
} spin_task;

static void spin_task_run(wh_task *task) {
  spin_task *t = (spin_task *)task;
  wh_error err;
  uint64_t t0 = wh_clock_ns();
  t->rc = wh_func_call_timeout(export_func(t->inst, "spin"), NULL, 0, NULL, 0, t->timeout_ns, &err);
  t->trap = err.trap;
  t->ms = ms_since(t0);
  pthread_mutex_lock(t->mu);
  (*t->done)++;
  pthread_cond_signal(t->cv);
  pthread_mutex_unlock(t->mu);
}

static void timeouts(const char *path) {
  size_t len;
  uint8_t *bytes = slurp(path, &len);
  wh_error err;
  timeout_module = bytes ? wh_module_new(bytes, len, &err) : NULL;
  free(bytes);
  CHECK("timeout_module_compiles", timeout_module != NULL, 1);
  if (!timeout_module) return;
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
  int done = 0;

  /* The pool first, while it has no threads: with a cap of 1 a second
   * task waits in the queue and can be taken out of it. */
  wh_pool_set_max(1);
  wh_instance *a = new_spinner(), *b = new_spinner();
  spin_task first = {{NULL, spin_task_run}, a, 200000000u, 0, 0, 0, &mu, &cv, &done};
  spin_task second = {{NULL, spin_task_run}, b, 1000000u, 0, 0, 0, &mu, &cv, &done};
  CHECK("pool_submit", wh_pool_submit(&first.task), 0);
  CHECK("pool_submit_queued", wh_pool_submit(&second.task), 0);
  wh_pool_stats st;
  wh_pool_get_stats(&st);
  CHECK("pool_one_thread_at_cap_1", st.threads, 1);
  CHECK("pool_cancel_queued", wh_pool_cancel(&second.task), 1);
  CHECK("pool_cancel_twice", wh_pool_cancel(&second.task), 0);
  pthread_mutex_lock(&mu);
  while (done < 1) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  CHECK("pool_task_timed_out", first.rc == WH_ERR_TRAP && first.trap == WH_TRAP_INTERRUPTED, 1);
  CHECK("pool_task_ran_its_timeout", first.ms >= 190, 1);

  /* Two runs on two pool threads at once, different deadlines: the one
   * watchdog stops each at its own. */
  wh_pool_set_max(4);
  done = 0;
  spin_task fast = {{NULL, spin_task_run}, a, 50000000u, 0, 0, 0, &mu, &cv, &done};
  spin_task slow = {{NULL, spin_task_run}, b, 400000000u, 0, 0, 0, &mu, &cv, &done};
  wh_pool_submit(&slow.task);
  wh_pool_submit(&fast.task);
  pthread_mutex_lock(&mu);
  while (done < 2) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  CHECK("two_runs_both_timed_out", fast.trap == WH_TRAP_INTERRUPTED && slow.trap == WH_TRAP_INTERRUPTED, 1);
  CHECK("fast_deadline_kept", fast.ms >= 45 && fast.ms < slow.ms, 1);
  CHECK("slow_deadline_kept", slow.ms >= 390, 1);
  printf("# fast %.1f ms, slow %.1f ms\n", fast.ms, slow.ms);
  /* a task counts as running until its run() returned to the pool */
  for (int i = 0; i < 2000; i++) {
    wh_pool_get_stats(&st);
    if (st.queued + st.running == 0) break;
    usleep(1000);
  }
  CHECK("pool_queue_empty", st.queued + st.running, 0);
  CHECK("pool_threads_idle", st.idle, st.threads);
  CHECK("pool_cap", st.max, 4);

  /* On the embedder's own thread: an infinite loop with a timeout. */
  uint64_t t0 = wh_clock_ns();
  int rc = wh_func_call_timeout(export_func(a, "spin"), NULL, 0, NULL, 0, 100000000u, &err);
  double ms = ms_since(t0);
  CHECK("spin_times_out", rc, WH_ERR_TRAP);
  CHECK("spin_trap_interrupted", err.trap, WH_TRAP_INTERRUPTED);
  CHECK_STR("spin_message", err.message, "interrupted");
  CHECK("spin_ran_100ms", ms >= 95 && ms < 10000, 1);
  printf("# spin stopped after %.1f ms\n", ms);
  /* the instance is usable afterwards: the flag the timeout set is gone */
  wh_val r;
  CHECK("next_call_runs", wh_func_call_timeout(export_func(a, "answer"), NULL, 0, &r, 1, 100000000u, &err), 0);
  CHECK("next_call_result", r.i32, 42);
  CHECK("no_timeout_runs", wh_func_call_timeout(export_func(a, "answer"), NULL, 0, &r, 1, 0, &err), 0);
  /* a guest blocked in a host function is stopped too */
  t0 = wh_clock_ns();
  rc = wh_func_call_timeout(export_func(a, "blocked"), NULL, 0, NULL, 0, 100000000u, &err);
  ms = ms_since(t0);
  CHECK("blocked_host_call_times_out", rc == WH_ERR_TRAP && err.trap == WH_TRAP_INTERRUPTED, 1);
  CHECK("blocked_host_call_ran_100ms", ms >= 95 && ms < 10000, 1);

  /* wh_watch by hand: a deadline that does not fire reports 0 */
  wh_watch w;
  CHECK("watch_arm", wh_watch_arm(&w, a, 10000000000u), 0);
  CHECK("watch_not_fired", wh_watch_disarm(&w), 0);
  CHECK("watch_arm_past", wh_watch_arm_at(&w, a, wh_clock_ns()), 0);
  rc = wh_func_call(export_func(a, "spin"), NULL, 0, NULL, 0, &err);
  CHECK("watch_past_deadline_stops_run", rc == WH_ERR_TRAP && err.trap == WH_TRAP_INTERRUPTED, 1);
  CHECK("watch_fired", wh_watch_disarm(&w), 1);
  wh_instance_clear_interrupt(a);

  wh_instance_unref(a);
  wh_instance_unref(b);
  wh_module_unref(timeout_module);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  externtypes(argv[1]);
  timeouts(argv[2]);
  return 0;
}
