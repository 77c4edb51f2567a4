/* Guest threads: a pool of dedicated threads for runs that must not block
 * their caller (the Node binding's async runs).  Dedicated, never an
 * embedder's general-purpose pool: a guest may run for minutes or block in
 * a WASI read, and other work (Node's fs, dns, crypto) needs that pool.
 *
 * Threads are started on demand, one per task in flight, up to a cap
 * (default 64, wh_pool_set_max); tasks beyond the cap wait in a FIFO
 * queue for a thread to come free.  Idle threads stay for the next task:
 * the engine keeps a per-thread execution stack for the thread's lifetime,
 * so reusing threads bounds that memory by the cap.  A guest blocked
 * forever (a read from a pipe nobody writes) holds its thread until it is
 * interrupted (a timeout, an abort). */
#include "internal.h"

#include <limits.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#define DEFAULT_MAX_THREADS 64u
#define HARD_MAX_THREADS 4096u

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static wh_task *queue_head, *queue_tail;
static uint32_t max_threads = DEFAULT_MAX_THREADS, nthreads, nidle, nqueued, nrunning;

static void *worker_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (!queue_head) {
      nidle++;
      pthread_cond_wait(&work, &lock);
      nidle--;
    }
    wh_task *t = queue_head;
    queue_head = t->next;
    if (!queue_head) queue_tail = NULL;
    t->next = NULL;
    nqueued--;
    nrunning++;
    pthread_mutex_unlock(&lock);
    t->run(t); /* t may be freed by now */
    pthread_mutex_lock(&lock);
    nrunning--;
    /* Going idle: give back the stack a deep guest touched (a syscall
     * that a busy queue should not pay per task). */
    if (!queue_head) {
      pthread_mutex_unlock(&lock);
      wh_thread_trim();
      pthread_mutex_lock(&lock);
    }
  }
  return NULL;
}

/* A worker gets the stack the main thread would (RLIMIT_STACK), as libuv's
 * threads do: a host function called from a guest may recurse as deeply as
 * it could on the embedder's own thread.  Not where the limit is
 * unlimited: the system default then. */
static int start_worker(void) {
  pthread_attr_t a;
  pthread_t tid;
  struct rlimit lim;
  if (pthread_attr_init(&a)) return -1;
  if (getrlimit(RLIMIT_STACK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    rlim_t size = lim.rlim_cur - lim.rlim_cur % (rlim_t)sysconf(_SC_PAGESIZE);
    if (size >= (rlim_t)PTHREAD_STACK_MIN) pthread_attr_setstacksize(&a, (size_t)size);
  }
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  int rc = pthread_create(&tid, &a, worker_main, NULL);
  pthread_attr_destroy(&a);
  return rc == 0 ? 0 : -1;
}

int wh_pool_submit(wh_task *task) {
  pthread_mutex_lock(&lock);
  task->next = NULL;
  if (queue_tail) queue_tail->next = task;
  else queue_head = task;
  queue_tail = task;
  nqueued++;
  /* Idle threads already waiting for queued tasks: is one left for this? */
  if (nidle >= nqueued) {
    pthread_cond_signal(&work);
  } else if (nthreads < max_threads) {
    if (start_worker() == 0) {
      nthreads++;
    } else if (nthreads == 0) {
      /* Nobody would ever run it. */
      queue_head = queue_tail = NULL;
      nqueued--;
      pthread_mutex_unlock(&lock);
      return -1;
    }
  }
  pthread_mutex_unlock(&lock);
  return 0;
}

int wh_pool_cancel(wh_task *task) {
  int found = 0;
  pthread_mutex_lock(&lock);
  wh_task *prev = NULL;
  for (wh_task *t = queue_head; t; prev = t, t = t->next) {
    if (t != task) continue;
    if (prev) prev->next = t->next;
    else queue_head = t->next;
    if (queue_tail == t) queue_tail = prev;
    t->next = NULL;
    nqueued--;
    found = 1;
    break;
  }
  pthread_mutex_unlock(&lock);
  return found;
}

void wh_pool_get_stats(wh_pool_stats *out) {
  pthread_mutex_lock(&lock);
  out->max = max_threads;
  out->threads = nthreads;
  out->idle = nidle;
  out->queued = nqueued;
  out->running = nrunning;
  pthread_mutex_unlock(&lock);
}

/* Lowers or raises the cap; threads above a lowered cap stay (idle). */
void wh_pool_set_max(uint32_t n) {
  pthread_mutex_lock(&lock);
  max_threads = n == 0 ? 1 : n > HARD_MAX_THREADS ? HARD_MAX_THREADS : n;
  pthread_mutex_unlock(&lock);
}
