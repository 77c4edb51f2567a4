/* uv_clock_gettime() for libuv < 1.45 (see uv_compat.h). */
#include "uv_compat.h"

#if UV_VERSION_HEX < 0x012d00
#include <errno.h>
#include <time.h>

int uv_clock_gettime(uv_clock_id clock_id, uv_timespec64_t *ts) {
  struct timespec t;
  if (ts == NULL) return UV_EFAULT;
  if (clock_id != UV_CLOCK_MONOTONIC && clock_id != UV_CLOCK_REALTIME) return UV_EINVAL;
  if (clock_gettime(clock_id == UV_CLOCK_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME, &t) != 0)
    return -errno;
  ts->tv_sec = t.tv_sec;
  ts->tv_nsec = (int32_t)t.tv_nsec;
  return 0;
}
#else
typedef int wi_uv_compat_unused; /* ISO C: no empty translation unit */
#endif
