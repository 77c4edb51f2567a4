/* Byte permutations (i8x16.shuffle, i8x16.swizzle, relaxed_swizzle), the
 * one kind of SIMD operation that C's vector operators cannot express with
 * a run-time index and that clang emits constantly (zero- and
 * sign-extension, narrowing, interleaving).  The portable loop costs about
 * four times an i8x16.add; a byte-table instruction does it in a few
 * cycles: SSSE3's pshufb on x86-64 (chosen at load time: the baseline
 * x86-64 lacks it) and NEON's tbl on arm64 (always present).  All three
 * give the same bytes. */
#include "internal.h"

#include <string.h>

/* idx[i] < 32 selects byte idx[i] of a:b (shuffle, validated); for swizzle
 * idx[i] >= 16 selects 0.  dst may be a, b or idx. */
__attribute__((unused)) static void shuffle_c(uint8_t *dst, const uint8_t *a, const uint8_t *b, const uint8_t *idx) {
  uint8_t ab[32], r[16];
  memcpy(ab, a, 16);
  memcpy(ab + 16, b, 16);
  for (int i = 0; i < 16; i++) r[i] = ab[idx[i] & 31];
  memcpy(dst, r, 16);
}
__attribute__((unused)) static void swizzle_c(uint8_t *dst, const uint8_t *a, const uint8_t *idx) {
  uint8_t r[16];
  for (int i = 0; i < 16; i++) r[i] = idx[i] < 16 ? a[idx[i]] : 0;
  memcpy(dst, r, 16);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

static int have_ssse3;
__attribute__((constructor)) static void detect(void) {
  __builtin_cpu_init();
  have_ssse3 = __builtin_cpu_supports("ssse3");
}

/* pshufb zeroes a byte whose index has bit 7 set and otherwise takes the
 * low four bits: a saturating +0x70 sends every index >= 16 to >= 0x80 and
 * keeps the low nibble of the others; index - 16 does the same for b. */
__attribute__((target("ssse3"))) static void shuffle_ssse3(uint8_t *dst, const uint8_t *a,
                                                           const uint8_t *b, const uint8_t *idx) {
  __m128i i = _mm_loadu_si128((const __m128i *)idx);
  __m128i ra = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)a), _mm_adds_epu8(i, _mm_set1_epi8(0x70)));
  __m128i rb = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)b), _mm_sub_epi8(i, _mm_set1_epi8(16)));
  _mm_storeu_si128((__m128i *)dst, _mm_or_si128(ra, rb));
}
__attribute__((target("ssse3"))) static void swizzle_ssse3(uint8_t *dst, const uint8_t *a,
                                                           const uint8_t *idx) {
  __m128i i = _mm_loadu_si128((const __m128i *)idx);
  __m128i r = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)a), _mm_adds_epu8(i, _mm_set1_epi8(0x70)));
  _mm_storeu_si128((__m128i *)dst, r);
}

void wi_simd_shuffle(uint8_t *dst, const uint8_t *a, const uint8_t *b, const uint8_t *idx) {
  if (WI_LIKELY(have_ssse3)) shuffle_ssse3(dst, a, b, idx);
  else shuffle_c(dst, a, b, idx);
}
void wi_simd_swizzle(uint8_t *dst, const uint8_t *a, const uint8_t *idx) {
  if (WI_LIKELY(have_ssse3)) swizzle_ssse3(dst, a, idx);
  else swizzle_c(dst, a, idx);
}

#elif defined(__aarch64__)
#include <arm_neon.h>

/* tbl gives 0 for an index past its table: exactly both semantics */
void wi_simd_shuffle(uint8_t *dst, const uint8_t *a, const uint8_t *b, const uint8_t *idx) {
  uint8x16x2_t t = { { vld1q_u8(a), vld1q_u8(b) } };
  vst1q_u8(dst, vqtbl2q_u8(t, vld1q_u8(idx)));
}
void wi_simd_swizzle(uint8_t *dst, const uint8_t *a, const uint8_t *idx) {
  vst1q_u8(dst, vqtbl1q_u8(vld1q_u8(a), vld1q_u8(idx)));
}

#else
void wi_simd_shuffle(uint8_t *dst, const uint8_t *a, const uint8_t *b, const uint8_t *idx) {
  shuffle_c(dst, a, b, idx);
}
void wi_simd_swizzle(uint8_t *dst, const uint8_t *a, const uint8_t *idx) { swizzle_c(dst, a, idx); }
#endif
