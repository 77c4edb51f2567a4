/* A bounds-checked cursor over module bytes (spec 5.2 values: LEB128
 * integers, names, bytes).  Every read fails with WH_ERR_MALFORMED and the
 * byte offset instead of running past the end. */
#ifndef WI_READER_H
#define WI_READER_H

#include "internal.h"

/* engine-internal: direct calls, not through the shared object's PLT */
#pragma GCC visibility push(hidden)

typedef struct wi_reader {
  const uint8_t *p, *end, *base;
  wh_error *err;
} wi_reader;

static inline uint32_t wi_rd_off(const wi_reader *r) { return (uint32_t)(r->p - r->base); }

int wi_rd_fail(wi_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int wi_rd_u8_slow(wi_reader *r, uint8_t *out);
int wi_rd_u32_slow(wi_reader *r, uint32_t *out);

/* The common cases inline: a byte, a one-byte LEB. */
static inline int wi_rd_u8(wi_reader *r, uint8_t *out) {
  if (WI_LIKELY(r->p < r->end)) {
    *out = *r->p++;
    return 0;
  }
  return wi_rd_u8_slow(r, out);
}
static inline int wi_rd_u32(wi_reader *r, uint32_t *out) {
  if (WI_LIKELY(r->p < r->end && *r->p < 0x80)) {
    *out = *r->p++;
    return 0;
  }
  /* two bytes: Go's memory offsets and function indices */
  if (r->end - r->p >= 2 && r->p[1] < 0x80) {
    *out = (r->p[0] & 0x7fu) | (uint32_t)r->p[1] << 7;
    r->p += 2;
    return 0;
  }
  return wi_rd_u32_slow(r, out);
}
int wi_rd_u64(wi_reader *r, uint64_t *out);
int wi_rd_s32_slow(wi_reader *r, int32_t *out);
int wi_rd_s33(wi_reader *r, int64_t *out);
int wi_rd_s64_slow(wi_reader *r, int64_t *out);
/* one-byte signed LEBs (most constants): their 7 bits sign-extended */
static inline int wi_rd_s32(wi_reader *r, int32_t *out) {
  if (WI_LIKELY(r->p < r->end && *r->p < 0x80)) {
    *out = (int8_t)(uint8_t)(*r->p++ << 1) >> 1;
    return 0;
  }
  return wi_rd_s32_slow(r, out);
}
static inline int wi_rd_s64(wi_reader *r, int64_t *out) {
  if (WI_LIKELY(r->p < r->end && *r->p < 0x80)) {
    *out = (int8_t)(uint8_t)(*r->p++ << 1) >> 1;
    return 0;
  }
  return wi_rd_s64_slow(r, out);
}
int wi_rd_f32(wi_reader *r, uint32_t *out);
int wi_rd_f64(wi_reader *r, uint64_t *out);
int wi_rd_bytes(wi_reader *r, uint32_t n, const uint8_t **out);
int wi_rd_name(wi_reader *r, wi_name *out);

#pragma GCC visibility pop

#endif
