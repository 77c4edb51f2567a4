/* random_get: the OS CSPRNG through libuv (getrandom / /dev/urandom), or in
 * deterministic mode xoshiro256** seeded through splitmix64 (the seeding
 * its authors recommend): the same seed gives the same bytes on every
 * host, which is the point, and is why that mode is not for secrets. */
#include "wasi_internal.h"

#include <uv.h>

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void wasi_random_seed(wh_wasi *w, uint64_t seed) {
  for (int i = 0; i < 4; i++) w->rng[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t xoshiro_next(uint64_t *s) {
  uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

int wasi_call_random_get(wasi_req *c, const wh_val *a) {
  uint32_t buf = (uint32_t)a[0].i32, len = (uint32_t)a[1].i32;
  if (!wasi_mem_ok(c, buf, len)) return WASI_EFAULT;
  if (c->w->deterministic) {
    uint8_t *p = c->mem + buf;
    for (uint32_t off = 0; off < len; off += 8) {
      uint64_t v = xoshiro_next(c->w->rng);
      for (uint32_t k = 0; k < 8 && off + k < len; k++) p[off + k] = (uint8_t)(v >> (8 * k));
    }
    return WASI_ESUCCESS;
  }
  /* uv_random refuses more than 64 KiB per call. */
  for (uint32_t off = 0; off < len;) {
    uint32_t n = len - off > 65536 ? 65536 : len - off;
    int r = uv_random(NULL, NULL, c->mem + buf + off, n, 0, NULL);
    if (r != 0) return wasi_errno_from_uv(r);
    off += n;
  }
  return WASI_ESUCCESS;
}
