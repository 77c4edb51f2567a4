/* Guest threads for async runs.  Dedicated threads, never libuv's
 * threadpool: a guest may run for minutes or block in a WASI read, and
 * Node's fs, dns and crypto need that pool.
 *
 * Threads are started on demand, one per run in flight, up to a cap
 * (WASIHOST_MAX_THREADS, default 64, or poolInfo(max)); runs beyond the
 * cap wait in a FIFO queue for a thread to come free.  Idle threads stay
 * for the next run: the engine keeps a per-thread execution stack for the
 * thread's lifetime, so reusing threads bounds that memory by the cap.  A
 * guest blocked forever (a read from a pipe nobody writes) holds its
 * thread until it is interrupted (timeout, AbortSignal). */
#include <stdlib.h>
#include <uv.h>

#include "node/napi_binding.h"

#define DEFAULT_MAX_THREADS 64u
#define HARD_MAX_THREADS 4096u

static uv_once_t once = UV_ONCE_INIT;
static uv_mutex_t lock;
static uv_cond_t work;
static wh_napi_task *queue_head, *queue_tail;
static uint32_t max_threads, nthreads, nidle, nqueued, nrunning;

static void init(void) {
  if (uv_mutex_init(&lock) || uv_cond_init(&work)) abort();
  const char *s = getenv("WASIHOST_MAX_THREADS");
  unsigned long n = s && *s ? strtoul(s, NULL, 10) : 0;
  max_threads = n == 0 ? DEFAULT_MAX_THREADS : n > HARD_MAX_THREADS ? HARD_MAX_THREADS : (uint32_t)n;
}

static void worker_main(void *arg) {
  (void)arg;
  uv_mutex_lock(&lock);
  for (;;) {
    while (!queue_head) {
      nidle++;
      uv_cond_wait(&work, &lock);
      nidle--;
    }
    wh_napi_task *t = queue_head;
    queue_head = t->next;
    if (!queue_head) queue_tail = NULL;
    t->next = NULL;
    nqueued--;
    nrunning++;
    uv_mutex_unlock(&lock);
    t->run(t); /* t may be freed by now */
    uv_mutex_lock(&lock);
    nrunning--;
    /* Going idle: give back the stack a deep guest touched (a syscall
     * that a busy queue should not pay per job). */
    if (!queue_head) {
      uv_mutex_unlock(&lock);
      wh_thread_trim();
      uv_mutex_lock(&lock);
    }
  }
}

int wh_napi_pool_submit(wh_napi_task *task) {
  uv_once(&once, init);
  uv_mutex_lock(&lock);
  task->next = NULL;
  if (queue_tail) queue_tail->next = task;
  else queue_head = task;
  queue_tail = task;
  nqueued++;
  /* Idle threads already waiting for queued tasks: is one left for this? */
  if (nidle >= nqueued) {
    uv_cond_signal(&work);
  } else if (nthreads < max_threads) {
    uv_thread_t tid;
    if (uv_thread_create(&tid, worker_main, NULL) == 0) {
      nthreads++;
    } else if (nthreads == 0) {
      /* Nobody would ever run it. */
      queue_head = queue_tail = NULL;
      nqueued--;
      uv_mutex_unlock(&lock);
      return -1;
    }
  }
  uv_mutex_unlock(&lock);
  return 0;
}

int wh_napi_pool_cancel(wh_napi_task *task) {
  int found = 0;
  uv_once(&once, init);
  uv_mutex_lock(&lock);
  wh_napi_task *prev = NULL;
  for (wh_napi_task *t = queue_head; t; prev = t, t = t->next) {
    if (t != task) continue;
    if (prev) prev->next = t->next;
    else queue_head = t->next;
    if (queue_tail == t) queue_tail = prev;
    t->next = NULL;
    nqueued--;
    found = 1;
    break;
  }
  uv_mutex_unlock(&lock);
  return found;
}

void wh_napi_pool_stats(uint32_t out[5]) {
  uv_once(&once, init);
  uv_mutex_lock(&lock);
  out[0] = max_threads;
  out[1] = nthreads;
  out[2] = nidle;
  out[3] = nqueued;
  out[4] = nrunning;
  uv_mutex_unlock(&lock);
}

/* Lowers or raises the cap; threads above a lowered cap stay (idle). */
void wh_napi_pool_set_max(uint32_t n) {
  uv_once(&once, init);
  uv_mutex_lock(&lock);
  max_threads = n == 0 ? 1 : n > HARD_MAX_THREADS ? HARD_MAX_THREADS : n;
  uv_mutex_unlock(&lock);
}
