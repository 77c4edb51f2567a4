/* The watchdog: one thread per process that interrupts guests whose run
 * outlived its deadline.  A run arms a wh_watch before wh_func_call and
 * disarms it after; the thread sleeps on a condition variable until the
 * earliest deadline and then calls wh_instance_interrupt (safe from any
 * thread).  The guest traps "interrupted" at its next loop back-edge or
 * call, or within one wait slice of a blocking WASI call.
 *
 * A sorted singly linked list is enough: the number of runs armed at once
 * is bounded by the threads running guests. */
#include "internal.h"

#include <pthread.h>
#include <time.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static wh_watch *head;   /* armed watches, earliest deadline first */
static int started;      /* the thread exists */
/* The deadline the thread sleeps until (UINT64_MAX: no deadline); 0 while
 * it is awake.  Arming a later deadline needs no wake-up: a run with a
 * timeout costs a lock and a list insert, not a context switch. */
static uint64_t sleeping_until;

uint64_t wh_clock_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Waits on the monotonic clock, as wh_clock_ns measures: a wall-clock
 * step must neither fire deadlines early nor stall them. */
static void init(void) {
  pthread_condattr_t a;
  if (pthread_condattr_init(&a) || pthread_condattr_setclock(&a, CLOCK_MONOTONIC) ||
      pthread_cond_init(&wake, &a))
    abort();
  pthread_condattr_destroy(&a);
}

/* Under the lock. */
static void insert(wh_watch *w) {
  wh_watch **pp = &head;
  while (*pp && (*pp)->deadline <= w->deadline) pp = &(*pp)->next;
  w->next = *pp;
  *pp = w;
}

static void *watchdog_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  for (;;) {
    uint64_t now = wh_clock_ns();
    while (head && head->deadline <= now) {
      wh_watch *w = head;
      head = w->next;
      w->next = NULL;
      /* Under the lock: disarm() cannot return (and its caller cannot let
       * the instance go) until this store is done. */
      if (w->period) {
        wh_instance_poke(w->inst);
        w->deadline = now + w->period;
        insert(w);
        continue;
      }
      w->armed = 0;
      w->fired = 1;
      wh_instance_interrupt(w->inst);
    }
    if (!head) {
      sleeping_until = UINT64_MAX;
      pthread_cond_wait(&wake, &lock);
    } else {
      sleeping_until = head->deadline;
      struct timespec ts = {(time_t)(head->deadline / 1000000000u),
                            (long)(head->deadline % 1000000000u)};
      pthread_cond_timedwait(&wake, &lock, &ts);
    }
    sleeping_until = 0;
  }
  return NULL;
}

static int arm(wh_watch *w, wh_instance *inst, uint64_t deadline, uint64_t period) {
  pthread_once(&once, init);
  w->period = period;
  w->inst = inst;
  w->fired = 0;
  w->next = NULL;
  w->deadline = deadline;
  pthread_mutex_lock(&lock);
  if (!started) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, watchdog_main, NULL) != 0) {
      pthread_mutex_unlock(&lock);
      w->armed = 0;
      return -1;
    }
    pthread_detach(thread);
    started = 1;
  }
  insert(w);
  w->armed = 1;
  /* Only a deadline before the one the thread sleeps for needs it awake
   * (an awake thread looks at the list before it sleeps again). */
  if (w->deadline < sleeping_until) pthread_cond_signal(&wake);
  pthread_mutex_unlock(&lock);
  return 0;
}

/* now + ns, saturating: a huge timeout is no timeout, never a past one. */
static uint64_t after(uint64_t ns) {
  uint64_t now = wh_clock_ns();
  return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

int wh_watch_arm_at(wh_watch *w, wh_instance *inst, uint64_t deadline_ns) {
  return arm(w, inst, deadline_ns, 0);
}

int wh_watch_arm(wh_watch *w, wh_instance *inst, uint64_t timeout_ns) {
  return arm(w, inst, after(timeout_ns), 0);
}

int wh_watch_poke_every(wh_watch *w, wh_instance *inst, uint64_t period_ns) {
  return arm(w, inst, after(period_ns), period_ns ? period_ns : 1);
}

int wh_watch_disarm(wh_watch *w) {
  int fired;
  pthread_mutex_lock(&lock);
  if (w->armed) {
    wh_watch **pp = &head;
    while (*pp && *pp != w) pp = &(*pp)->next;
    if (*pp) *pp = w->next;
    w->armed = 0;
    w->next = NULL;
  }
  fired = w->fired;
  pthread_mutex_unlock(&lock);
  return fired;
}

int wh_func_call_timeout(wh_func *f, const wh_val *args, uint32_t nargs, wh_val *results,
                         uint32_t nresults, uint64_t timeout_ns, wh_error *err) {
  wh_instance *inst = wh_func_instance(f);
  wh_watch w;
  if (!inst || timeout_ns == 0) return wh_func_call(f, args, nargs, results, nresults, err);
  if (wh_watch_arm(&w, inst, timeout_ns) != 0)
    return wi_err_set(err, WH_ERR_NOMEM, "cannot start the watchdog thread");
  int rc = wh_func_call(f, args, nargs, results, nresults, err);
  /* The flag was ours: the next run of inst must not see it. */
  if (wh_watch_disarm(&w)) wh_instance_clear_interrupt(inst);
  return rc;
}
