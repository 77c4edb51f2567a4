/* The watchdog: one thread per process that interrupts guests whose run
 * outlived its timeout.  Runs (sync on the JS thread, async on a guest
 * thread) arm a deadline before wh_func_call and disarm it after; the
 * thread sleeps on a condition variable until the earliest deadline and
 * then calls wh_instance_interrupt, which is safe from any thread.  The
 * guest traps "interrupted" at its next loop back-edge or call, or within
 * one wait slice of a blocking WASI call.
 *
 * A sorted singly linked list is enough: the number of runs armed at once
 * is bounded by the guest threads plus the JS threads. */
#include <stdlib.h>
#include <uv.h>

#include "node/napi_binding.h"

static uv_once_t once = UV_ONCE_INIT;
static uv_mutex_t lock;
static uv_cond_t wake;
static wh_napi_watch *head;   /* armed watches, earliest deadline first */
static int started;           /* the thread exists */
static uv_thread_t thread;
/* The deadline the thread sleeps until (UINT64_MAX: no deadline); 0 while
 * it is awake.  Arming a later deadline needs no wake-up: a run with a
 * timeout costs a lock and a list insert, not a context switch. */
static uint64_t sleeping_until;

static void init(void) {
  if (uv_mutex_init(&lock) || uv_cond_init(&wake)) abort();
}

/* Under the lock. */
static void insert(wh_napi_watch *w) {
  wh_napi_watch **pp = &head;
  while (*pp && (*pp)->deadline <= w->deadline) pp = &(*pp)->next;
  w->next = *pp;
  *pp = w;
}

static void watchdog_main(void *arg) {
  (void)arg;
  uv_mutex_lock(&lock);
  for (;;) {
    uint64_t now = uv_hrtime();
    while (head && head->deadline <= now) {
      wh_napi_watch *w = head;
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
      uv_cond_wait(&wake, &lock);
    } else {
      sleeping_until = head->deadline;
      /* uv_cond_timedwait measures on the monotonic clock, like uv_hrtime. */
      uv_cond_timedwait(&wake, &lock, head->deadline - now);
    }
    sleeping_until = 0;
  }
}

int wh_napi_watch_arm(wh_napi_watch *w, wh_instance *inst, uint64_t timeout_ns) {
  uint64_t deadline = uv_hrtime() + timeout_ns;
  return wh_napi_watch_arm_at(w, inst, deadline < timeout_ns ? UINT64_MAX : deadline);
}

static int arm(wh_napi_watch *w, wh_instance *inst, uint64_t deadline, uint64_t period);

int wh_napi_watch_poke_every(wh_napi_watch *w, wh_instance *inst, uint64_t period_ns) {
  return arm(w, inst, uv_hrtime() + period_ns, period_ns);
}

int wh_napi_watch_arm_at(wh_napi_watch *w, wh_instance *inst, uint64_t deadline) {
  return arm(w, inst, deadline, 0);
}

static int arm(wh_napi_watch *w, wh_instance *inst, uint64_t deadline, uint64_t period) {
  uv_once(&once, init);
  w->period = period;
  w->inst = inst;
  w->fired = 0;
  w->next = NULL;
  w->deadline = deadline;
  uv_mutex_lock(&lock);
  if (!started) {
    if (uv_thread_create(&thread, watchdog_main, NULL) != 0) {
      uv_mutex_unlock(&lock);
      w->armed = 0;
      return -1;
    }
    started = 1;
  }
  insert(w);
  w->armed = 1;
  /* Only a deadline before the one the thread sleeps for needs it awake
   * (an awake thread looks at the list before it sleeps again). */
  if (w->deadline < sleeping_until) uv_cond_signal(&wake);
  uv_mutex_unlock(&lock);
  return 0;
}

int wh_napi_watch_disarm(wh_napi_watch *w) {
  int fired;
  uv_mutex_lock(&lock);
  if (w->armed) {
    wh_napi_watch **pp = &head;
    while (*pp && *pp != w) pp = &(*pp)->next;
    if (*pp) *pp = w->next;
    w->armed = 0;
    w->next = NULL;
  }
  fired = w->fired;
  uv_mutex_unlock(&lock);
  return fired;
}
