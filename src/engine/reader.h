/* A bounds-checked cursor over module bytes (spec 5.2 values: LEB128
 * integers, names, bytes).  Every read fails with WH_ERR_MALFORMED and the
 * byte offset instead of running past the end. */
#ifndef WH_READER_H
#define WH_READER_H

#include "internal.h"

/* engine-internal: direct calls, not through the shared object's PLT */
#pragma GCC visibility push(hidden)

typedef struct wh_reader {
  const uint8_t *p, *end, *base;
  wh_error *err;
} wh_reader;

static inline uint32_t wh_rd_off(const wh_reader *r) { return (uint32_t)(r->p - r->base); }

int wh_rd_fail(wh_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int wh_rd_u8_slow(wh_reader *r, uint8_t *out);
int wh_rd_u32_slow(wh_reader *r, uint32_t *out);

/* The common cases inline: a byte, a one-byte LEB. */
static inline int wh_rd_u8(wh_reader *r, uint8_t *out) {
  if (WH_LIKELY(r->p < r->end)) {
    *out = *r->p++;
    return 0;
  }
  return wh_rd_u8_slow(r, out);
}
static inline int wh_rd_u32(wh_reader *r, uint32_t *out) {
  if (WH_LIKELY(r->p < r->end && *r->p < 0x80)) {
    *out = *r->p++;
    return 0;
  }
  return wh_rd_u32_slow(r, out);
}
int wh_rd_u64(wh_reader *r, uint64_t *out);
int wh_rd_s32(wh_reader *r, int32_t *out);
int wh_rd_s33(wh_reader *r, int64_t *out);
int wh_rd_s64(wh_reader *r, int64_t *out);
int wh_rd_f32(wh_reader *r, uint32_t *out);
int wh_rd_f64(wh_reader *r, uint64_t *out);
int wh_rd_bytes(wh_reader *r, uint32_t n, const uint8_t **out);
int wh_rd_name(wh_reader *r, wh_name *out);

#pragma GCC visibility pop

#endif
