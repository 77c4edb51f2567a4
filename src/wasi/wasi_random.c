/* random_get: the OS CSPRNG through libuv (getrandom / /dev/urandom). */
#include "wasi_internal.h"

#include <uv.h>

int wasi_random_get(wasi_call *c, const wh_val *a) {
  uint32_t buf = (uint32_t)a[0].i32, len = (uint32_t)a[1].i32;
  if (!wasi_mem_ok(c, buf, len)) return WASI_EFAULT;
  /* uv_random refuses more than 64 KiB per call. */
  for (uint32_t off = 0; off < len;) {
    uint32_t n = len - off > 65536 ? 65536 : len - off;
    int r = uv_random(NULL, NULL, c->mem + buf + off, n, 0, NULL);
    if (r != 0) return wasi_errno_from_uv(r);
    off += n;
  }
  return WASI_ESUCCESS;
}
