/* The sampling timer: one thread per process, alive while some profile is
 * registered.  Each tick of a profile whose instance is running adds to its
 * tick count and raises WI_STOP_SAMPLE in the instance's interrupt word;
 * nothing else is touched from here, so the guest thread records its own
 * stack (no cross-thread stack walking). */
#include "prof.h"

#include <errno.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static pthread_once_t changed_once = PTHREAD_ONCE_INIT;
static wi_prof *list;
static bool thread_up;

/* waits are on the monotonic clock (wh_clock_ns): a wall-clock step must
 * not stall ticks */
static void changed_init(void) {
  pthread_condattr_t a;
  pthread_condattr_init(&a);
  pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  pthread_cond_init(&changed, &a);
  pthread_condattr_destroy(&a);
}

static void *timer_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  while (list) {
    uint64_t now = wh_clock_ns(), wake = now + 100000000u;
    for (wi_prof *p = list; p; p = p->next) {
      uint64_t step = (uint64_t)p->interval_us * 1000u;
      if (now >= p->next_ns) {
        if (atomic_load_explicit(&p->running, memory_order_relaxed) > 0) {
          atomic_fetch_add_explicit(&p->ticks, 1, memory_order_relaxed);
          atomic_fetch_or_explicit(&p->inst->interrupt, WI_STOP_SAMPLE, memory_order_relaxed);
        }
        /* a late wake-up is not made up with a burst of ticks */
        p->next_ns = p->next_ns + step > now ? p->next_ns + step : now + step;
      }
      if (p->next_ns < wake) wake = p->next_ns;
    }
    struct timespec ts = { (time_t)(wake / 1000000000u), (long)(wake % 1000000000u) };
    /* a profile added meanwhile wakes the thread early */
    pthread_cond_timedwait(&changed, &lock, &ts);
  }
  thread_up = false;
  pthread_mutex_unlock(&lock);
  return NULL;
}

int wi_sampler_add(wi_prof *p) {
  int rc = 0;
  pthread_once(&changed_once, changed_init);
  pthread_mutex_lock(&lock);
  p->next_ns = wh_clock_ns() + (uint64_t)p->interval_us * 1000u;
  p->next = list;
  list = p;
  p->listed = true;
  if (!thread_up) {
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&a, 64 << 10);
    if (pthread_create(&t, &a, timer_main, NULL) == 0) {
      thread_up = true;
    } else {
      list = p->next;
      p->listed = false;
      rc = -1;
    }
    pthread_attr_destroy(&a);
  } else {
    pthread_cond_signal(&changed);
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

/* After this returns the timer never touches p (nor its instance) again:
 * it only reads the list under the lock. */
void wi_sampler_remove(wi_prof *p) {
  pthread_mutex_lock(&lock);
  for (wi_prof **q = &list; *q; q = &(*q)->next)
    if (*q == p) { *q = p->next; break; }
  p->listed = false;
  pthread_mutex_unlock(&lock);
}
