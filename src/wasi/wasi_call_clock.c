/* clock_res_get / clock_time_get.  Realtime and monotonic come from libuv
 * (uv_clock_gettime, uv_hrtime); the CPU-time clocks have no libuv
 * equivalent and use POSIX clock_gettime.  Resolutions are the host's own
 * (clock_getres), never a made-up constant.  In deterministic mode every
 * clock is a fake one that moves only as the guest reads or sleeps. */
#include "wasi_internal.h"
#include "wasi_clock.h"

#include <time.h>
#include <uv.h>

static int posix_clock(uint32_t id, clockid_t *out) {
  switch (id) {
  case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return 1;
  case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return 1;
  case WASI_CLOCK_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return 1;
  case WASI_CLOCK_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return 1;
  default: return 0;
  }
}

/* Deterministic mode's clocks: wazero's fake clocks' epoch, so programs
 * that print a date print the same one on both. */
#define WASI_FAKE_EPOCH_NS (1640995200ull * 1000000000u)
/* Each read moves the fake clocks on by this much, so time never stands
 * still for a guest that busy-waits on it, and two reads never tie. */
#define WASI_FAKE_TICK_NS 1000u

uint64_t wasi_clock_fake(wh_wasi *w, uint32_t id, uint64_t advance) {
  uint64_t t = __atomic_add_fetch(&w->fake_ns, advance, __ATOMIC_RELAXED);
  return id == WASI_CLOCK_REALTIME ? WASI_FAKE_EPOCH_NS + t : t;
}

int wasi_clock_now(wh_wasi *w, uint32_t id, uint64_t *ns) {
  clockid_t cid;
  struct timespec ts;
  if (w != NULL && w->deterministic) {
    if (!posix_clock(id, &cid)) return WASI_EINVAL;
    *ns = wasi_clock_fake(w, id, WASI_FAKE_TICK_NS);
    return 0;
  }
  if (id == WASI_CLOCK_MONOTONIC) {
    *ns = uv_hrtime();
    return 0;
  }
  if (id == WASI_CLOCK_REALTIME) {
    uv_timespec64_t t;
    if (uv_clock_gettime(UV_CLOCK_REALTIME, &t) != 0) return WASI_EIO;
    *ns = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
    return 0;
  }
  if (!posix_clock(id, &cid)) return WASI_EINVAL;
  if (clock_gettime(cid, &ts) != 0) return WASI_EIO;
  *ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  return 0;
}

int wasi_call_clock_res_get(wasi_req *c, const wh_val *a) {
  uint32_t id = (uint32_t)a[0].i32, out = (uint32_t)a[1].i32;
  clockid_t cid;
  struct timespec ts;
  if (!posix_clock(id, &cid)) return WASI_EINVAL;
  if (!wasi_mem_ok(c, out, 8)) return WASI_EFAULT;
  if (c->w->deterministic) {
    wasi_st64(c->mem + out, WASI_FAKE_TICK_NS);
    return WASI_ESUCCESS;
  }
  if (clock_getres(cid, &ts) != 0) return WASI_EIO;
  uint64_t res = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  wasi_st64(c->mem + out, res ? res : 1); /* witx: non-zero for supported clocks */
  return WASI_ESUCCESS;
}

int wasi_call_clock_time_get(wasi_req *c, const wh_val *a) {
  uint32_t id = (uint32_t)a[0].i32, out = (uint32_t)a[2].i32;
  uint64_t ns;
  clockid_t cid;
  if (!posix_clock(id, &cid)) return WASI_EINVAL;
  if (!wasi_mem_ok(c, out, 8)) return WASI_EFAULT;
  int e = wasi_clock_now(c->w, id, &ns);
  if (e) return e;
  wasi_st64(c->mem + out, ns);
  return WASI_ESUCCESS;
}
