/* Force-included (-include) into src/wasi when fuzz/build.sh links the
 * system libuv: Debian 12 ships 1.44, older than the uv_clock_gettime()
 * (1.45) that src/wasi uses from Node's own libuv.  uv_compat.c supplies
 * it; with a new enough libuv this header is empty. */
#ifndef WI_FUZZ_UV_COMPAT_H
#define WI_FUZZ_UV_COMPAT_H
#include <uv.h>
#if UV_VERSION_HEX < 0x012d00
typedef enum { UV_CLOCK_MONOTONIC, UV_CLOCK_REALTIME } uv_clock_id;
typedef struct {
  int64_t tv_sec;
  int32_t tv_nsec;
} uv_timespec64_t;
int uv_clock_gettime(uv_clock_id clock_id, uv_timespec64_t *ts);
#endif
#endif
