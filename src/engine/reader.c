/* Binary values (spec 5.2). */
#include "reader.h"

#include <stdio.h>

int wi_rd_fail(wi_reader *r, const char *fmt, ...) {
  if (r->err) {
    va_list ap;
    va_start(ap, fmt);
    char msg[200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->err->offset = wi_rd_off(r);
    wi_err_set(r->err, WH_ERR_MALFORMED, "%s at offset %u", msg, wi_rd_off(r));
  }
  return -1;
}

int wi_rd_u8_slow(wi_reader *r, uint8_t *out) {
  if (r->p >= r->end) return wi_rd_fail(r, "unexpected end");
  *out = *r->p++;
  return 0;
}

/* Unsigned LEB128 of at most `bits` bits: at most ceil(bits/7) bytes, and
 * the unused high bits of the last byte must be zero. */
static int rd_uleb(wi_reader *r, unsigned bits, uint64_t *out) {
  uint64_t v = 0;
  unsigned shift = 0;
  for (;;) {
    if (r->p >= r->end) return wi_rd_fail(r, "unexpected end");
    uint8_t b = *r->p++;
    if (shift + 7 >= bits) {
      /* last permitted byte */
      if (b & 0x80) return wi_rd_fail(r, "integer representation too long");
      unsigned used = bits - shift;
      if (used < 7 && (b >> used) != 0) return wi_rd_fail(r, "integer too large");
      v |= (uint64_t)b << shift;
      break;
    }
    v |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  *out = v;
  return 0;
}

/* Signed LEB128: the unused bits of the last byte must be a sign
 * extension of the value's top bit. */
static int rd_sleb(wi_reader *r, unsigned bits, int64_t *out) {
  uint64_t v = 0;
  unsigned shift = 0;
  uint8_t b;
  for (;;) {
    if (r->p >= r->end) return wi_rd_fail(r, "unexpected end");
    b = *r->p++;
    if (shift + 7 >= bits) {
      if (b & 0x80) return wi_rd_fail(r, "integer representation too long");
      unsigned used = bits - shift; /* bits of b that belong to the value */
      if (used < 7) {
        int8_t sb = (int8_t)(b << 1) >> 1; /* sign-extend 7-bit payload */
        int8_t top = (int8_t)(sb >> (used - 1)); /* 0 or -1 if canonical */
        if (top != 0 && top != -1) return wi_rd_fail(r, "integer too large");
      }
      v |= (uint64_t)(b & 0x7f) << shift;
      shift += 7;
      break;
    }
    v |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  if (shift < 64 && (b & 0x40)) v |= ~0ull << shift;
  *out = (int64_t)v;
  return 0;
}

int wi_rd_u32_slow(wi_reader *r, uint32_t *out) {
  /* Go's offsets and indices: 2 to 4 bytes, read without a bounds check
   * per byte; anything unusual (the end near, an overlong or too large
   * encoding) takes the general loop from the start, for its errors */
  const uint8_t *p = r->p;
  if (WI_LIKELY(r->end - p >= 5)) {
    uint32_t v = p[0] & 0x7fu;
    unsigned k = 0;
    /* at most 4 bytes (28 bits) here: none can be too large */
    while (k < 3 && (p[k] & 0x80)) {
      k++;
      v |= (uint32_t)(p[k] & 0x7f) << (7 * k);
    }
    if (!(p[k] & 0x80)) {
      r->p = p + k + 1;
      *out = v;
      return 0;
    }
  }
  uint64_t v = 0;
  if (rd_uleb(r, 32, &v)) return -1;
  *out = (uint32_t)v;
  return 0;
}

int wi_rd_u64(wi_reader *r, uint64_t *out) { return rd_uleb(r, 64, out); }

int wi_rd_s32_slow(wi_reader *r, int32_t *out) {
  int64_t v;
  if (rd_sleb(r, 32, &v)) return -1;
  *out = (int32_t)v;
  return 0;
}

int wi_rd_s33(wi_reader *r, int64_t *out) { return rd_sleb(r, 33, out); }
int wi_rd_s64_slow(wi_reader *r, int64_t *out) {
  /* Go's constants (addresses, masks): up to 9 bytes (63 bits) read
   * without a bounds check per byte; the 10th byte's checks and the
   * errors are the general loop's */
  const uint8_t *p = r->p;
  if (WI_LIKELY(r->end - p >= 10)) {
    uint64_t v = 0;
    unsigned k = 0;
    while (k < 8 && (p[k] & 0x80)) {
      v |= (uint64_t)(p[k] & 0x7f) << (7 * k);
      k++;
    }
    if (!(p[k] & 0x80)) {
      v |= (uint64_t)(p[k] & 0x7f) << (7 * k);
      unsigned shift = 7 * (k + 1);
      if (p[k] & 0x40) v |= ~0ull << shift; /* shift <= 63 */
      r->p = p + k + 1;
      *out = (int64_t)v;
      return 0;
    }
  }
  return rd_sleb(r, 64, out);
}

int wi_rd_f32(wi_reader *r, uint32_t *out) {
  if (r->end - r->p < 4) return wi_rd_fail(r, "unexpected end");
  memcpy(out, r->p, 4); /* little-endian host */
  r->p += 4;
  return 0;
}

int wi_rd_f64(wi_reader *r, uint64_t *out) {
  if (r->end - r->p < 8) return wi_rd_fail(r, "unexpected end");
  memcpy(out, r->p, 8);
  r->p += 8;
  return 0;
}

int wi_rd_bytes(wi_reader *r, uint32_t n, const uint8_t **out) {
  if ((size_t)(r->end - r->p) < n) return wi_rd_fail(r, "unexpected end");
  *out = r->p;
  r->p += n;
  return 0;
}

static bool utf8_valid(const uint8_t *s, uint32_t n) {
  uint32_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    uint32_t len, cp;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return false;
    if (n - i < len) return false;
    for (uint32_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += len;
  }
  return true;
}

int wi_rd_name(wi_reader *r, wi_name *out) {
  uint32_t n;
  const uint8_t *b;
  if (wi_rd_u32(r, &n)) return -1;
  if ((size_t)(r->end - r->p) < n) return wi_rd_fail(r, "length out of bounds");
  if (wi_rd_bytes(r, n, &b)) return -1;
  if (!utf8_valid(b, n)) return wi_rd_fail(r, "malformed UTF-8 encoding");
  out->ptr = (const char *)b;
  out->len = n;
  return 0;
}
