/* The semantics of the SIMD instructions (spec 4.3 "vector operations"),
 * one small function per row of opcodes.def's WI_V rows, over wi_v128.
 *
 * Portability: GCC vector extensions (vector_size) where one C operator is
 * the whole lane operation (+ - * & | ^ << >> and comparisons: gcc and
 * clang agree on them, on x86-64 and arm64 alike); plain loops over the
 * lanes elsewhere, which both compilers vectorize where the target can.  No
 * target intrinsics and no __builtin_shuffle (gcc only).
 *
 * Floats: lane arithmetic is IEEE arithmetic, which returns a quiet NaN
 * whenever a NaN comes out (an arithmetic NaN, spec 4.3.3); min/max,
 * rounding and sqrt reuse the scalar helpers of ops.h so that -0/+0 and NaN
 * operands behave exactly as the scalar instructions. */
#ifndef WI_SIMD_OPS_H
#define WI_SIMD_OPS_H

#include "ops.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lane i of a v128 is element i of these arrays only on little-endian hosts"
#endif

typedef uint8_t wi_u8x16 __attribute__((vector_size(16)));
typedef int8_t wi_i8x16 __attribute__((vector_size(16)));
typedef uint16_t wi_u16x8 __attribute__((vector_size(16)));
typedef int16_t wi_i16x8 __attribute__((vector_size(16)));
typedef uint32_t wi_u32x4 __attribute__((vector_size(16)));
typedef int32_t wi_i32x4 __attribute__((vector_size(16)));
typedef uint64_t wi_u64x2 __attribute__((vector_size(16)));
typedef int64_t wi_i64x2 __attribute__((vector_size(16)));
typedef float wi_f32x4 __attribute__((vector_size(16)));
typedef double wi_f64x2 __attribute__((vector_size(16)));

/* Lane i of each interpretation is element i (little-endian hosts). */
typedef union wi_v128 {
  uint8_t u8[16];
  int8_t i8[16];
  uint16_t u16[8];
  int16_t i16[8];
  uint32_t u32[4];
  int32_t i32[4];
  uint64_t u64[2];
  int64_t i64[2];
  float f32[4];
  double f64[2];
  wi_u8x16 vu8;
  wi_i8x16 vi8;
  wi_u16x8 vu16;
  wi_i16x8 vi16;
  wi_u32x4 vu32;
  wi_i32x4 vi32;
  wi_u64x2 vu64;
  wi_i64x2 vi64;
  wi_f32x4 vf32;
  wi_f64x2 vf64;
} wi_v128;

/* A slot's 16 bytes as a v128 and back (slots are only 8-aligned). */
static inline wi_v128 wi_v128_get(const void *slot) { wi_v128 v; memcpy(&v, slot, 16); return v; }
static inline void wi_v128_put(void *slot, wi_v128 v) { memcpy(slot, &v, 16); }

/* Lane-wise definitions: a, b, c are lane i of the operands A, B, C. */
#define V_UN(name, L, N, expr)                                                \
  static inline wi_v128 name(wi_v128 A) {                                     \
    wi_v128 r;                                                                \
    for (int i = 0; i < (N); i++) {                                           \
      __typeof__(A.L[0]) a = A.L[i];                                          \
      r.L[i] = (expr);                                                        \
    }                                                                         \
    return r;                                                                 \
  }
#define V_BIN(name, L, N, expr)                                               \
  static inline wi_v128 name(wi_v128 A, wi_v128 B) {                          \
    wi_v128 r;                                                                \
    for (int i = 0; i < (N); i++) {                                           \
      __typeof__(A.L[0]) a = A.L[i], b = B.L[i];                              \
      (void)a;                                                                \
      r.L[i] = (expr);                                                        \
    }                                                                         \
    return r;                                                                 \
  }
/* one vector-extension expression over the whole value */
#define V_VEC2(name, L, expr)                                                 \
  static inline wi_v128 name(wi_v128 A, wi_v128 B) {                          \
    wi_v128 r;                                                                \
    r.L = (expr);                                                             \
    return r;                                                                 \
  }
/* comparisons give all-ones or zero lanes: the vector comparison operators
 * already produce exactly that (a signed integer vector of the lane width) */
#define V_CMP(name, L, RL, op)                                                \
  static inline wi_v128 name(wi_v128 A, wi_v128 B) {                          \
    wi_v128 r;                                                                \
    r.RL = (__typeof__(r.RL))(A.L op B.L);                                    \
    return r;                                                                 \
  }

static inline int32_t wi_sat(int64_t x, int64_t lo, int64_t hi) {
  return (int32_t)(x < lo ? lo : x > hi ? hi : x);
}

/* ---- memory: loads build a value from the bytes at p (the handler has
 * checked the bounds of the n bytes the row names) */
static inline wi_v128 wi_v_v128_load(const uint8_t *p) { return wi_v128_get(p); }
#define V_LOAD_EXT(name, L, N, MT)                                            \
  static inline wi_v128 name(const uint8_t *p) {                              \
    MT m[N];                                                                  \
    wi_v128 r;                                                                \
    memcpy(m, p, sizeof m);                                                   \
    for (int i = 0; i < (N); i++) r.L[i] = m[i];                              \
    return r;                                                                 \
  }
V_LOAD_EXT(wi_v_v128_load8x8_s, i16, 8, int8_t)
V_LOAD_EXT(wi_v_v128_load8x8_u, u16, 8, uint8_t)
V_LOAD_EXT(wi_v_v128_load16x4_s, i32, 4, int16_t)
V_LOAD_EXT(wi_v_v128_load16x4_u, u32, 4, uint16_t)
V_LOAD_EXT(wi_v_v128_load32x2_s, i64, 2, int32_t)
V_LOAD_EXT(wi_v_v128_load32x2_u, u64, 2, uint32_t)
#define V_LOAD_SPLAT(name, L, N, MT)                                          \
  static inline wi_v128 name(const uint8_t *p) {                              \
    MT m;                                                                     \
    wi_v128 r;                                                                \
    memcpy(&m, p, sizeof m);                                                  \
    for (int i = 0; i < (N); i++) r.L[i] = m;                                 \
    return r;                                                                 \
  }
V_LOAD_SPLAT(wi_v_v128_load8_splat, u8, 16, uint8_t)
V_LOAD_SPLAT(wi_v_v128_load16_splat, u16, 8, uint16_t)
V_LOAD_SPLAT(wi_v_v128_load32_splat, u32, 4, uint32_t)
V_LOAD_SPLAT(wi_v_v128_load64_splat, u64, 2, uint64_t)
static inline wi_v128 wi_v_v128_load32_zero(const uint8_t *p) {
  wi_v128 r;
  memset(&r, 0, sizeof r);
  memcpy(&r.u32[0], p, 4);
  return r;
}
static inline wi_v128 wi_v_v128_load64_zero(const uint8_t *p) {
  wi_v128 r;
  memset(&r, 0, sizeof r);
  memcpy(&r.u64[0], p, 8);
  return r;
}

/* ---- splat: from a slot's raw bits (an i32 or f32 in the low half) */
#define V_SPLAT(name, L, N, T)                                                \
  static inline wi_v128 name(uint64_t x) {                                    \
    wi_v128 r;                                                                \
    for (int i = 0; i < (N); i++) r.L[i] = (T)x;                              \
    return r;                                                                 \
  }
V_SPLAT(wi_v_i8x16_splat, u8, 16, uint8_t)
V_SPLAT(wi_v_i16x8_splat, u16, 8, uint16_t)
V_SPLAT(wi_v_i32x4_splat, u32, 4, uint32_t)
V_SPLAT(wi_v_i64x2_splat, u64, 2, uint64_t)
V_SPLAT(wi_v_f32x4_splat, u32, 4, uint32_t)
V_SPLAT(wi_v_f64x2_splat, u64, 2, uint64_t)

/* ---- lanes: extract gives slot bits (i32 zero-extended), replace takes them */
static inline uint64_t wi_v_i8x16_extract_lane_s(wi_v128 a, uint32_t l) { return (uint32_t)(int32_t)a.i8[l]; }
static inline uint64_t wi_v_i8x16_extract_lane_u(wi_v128 a, uint32_t l) { return a.u8[l]; }
static inline uint64_t wi_v_i16x8_extract_lane_s(wi_v128 a, uint32_t l) { return (uint32_t)(int32_t)a.i16[l]; }
static inline uint64_t wi_v_i16x8_extract_lane_u(wi_v128 a, uint32_t l) { return a.u16[l]; }
static inline uint64_t wi_v_i32x4_extract_lane(wi_v128 a, uint32_t l) { return a.u32[l]; }
static inline uint64_t wi_v_i64x2_extract_lane(wi_v128 a, uint32_t l) { return a.u64[l]; }
static inline uint64_t wi_v_f32x4_extract_lane(wi_v128 a, uint32_t l) { return a.u32[l]; }
static inline uint64_t wi_v_f64x2_extract_lane(wi_v128 a, uint32_t l) { return a.u64[l]; }
static inline wi_v128 wi_v_i8x16_replace_lane(wi_v128 a, uint32_t l, uint64_t x) { a.u8[l] = (uint8_t)x; return a; }
static inline wi_v128 wi_v_i16x8_replace_lane(wi_v128 a, uint32_t l, uint64_t x) { a.u16[l] = (uint16_t)x; return a; }
static inline wi_v128 wi_v_i32x4_replace_lane(wi_v128 a, uint32_t l, uint64_t x) { a.u32[l] = (uint32_t)x; return a; }
static inline wi_v128 wi_v_i64x2_replace_lane(wi_v128 a, uint32_t l, uint64_t x) { a.u64[l] = x; return a; }
static inline wi_v128 wi_v_f32x4_replace_lane(wi_v128 a, uint32_t l, uint64_t x) { a.u32[l] = (uint32_t)x; return a; }
static inline wi_v128 wi_v_f64x2_replace_lane(wi_v128 a, uint32_t l, uint64_t x) { a.u64[l] = x; return a; }

/* ---- byte permutations (simd_shuffle.c): dst may be any operand */
void wi_simd_shuffle(uint8_t *dst, const uint8_t *a, const uint8_t *b, const uint8_t *idx)
    __attribute__((visibility("hidden")));
void wi_simd_swizzle(uint8_t *dst, const uint8_t *a, const uint8_t *idx)
    __attribute__((visibility("hidden")));
/* swizzle: an index past the last lane selects zero */
static inline wi_v128 wi_v_i8x16_swizzle(wi_v128 a, wi_v128 b) {
  wi_simd_swizzle(a.u8, a.u8, b.u8);
  return a;
}
/* relaxed_swizzle: as swizzle (every index >= 16 gives 0) */
#define wi_v_i8x16_relaxed_swizzle wi_v_i8x16_swizzle

/* ---- comparisons */
V_CMP(wi_v_i8x16_eq, vu8, vi8, ==)
V_CMP(wi_v_i8x16_ne, vu8, vi8, !=)
V_CMP(wi_v_i8x16_lt_s, vi8, vi8, <)
V_CMP(wi_v_i8x16_lt_u, vu8, vi8, <)
V_CMP(wi_v_i8x16_gt_s, vi8, vi8, >)
V_CMP(wi_v_i8x16_gt_u, vu8, vi8, >)
V_CMP(wi_v_i8x16_le_s, vi8, vi8, <=)
V_CMP(wi_v_i8x16_le_u, vu8, vi8, <=)
V_CMP(wi_v_i8x16_ge_s, vi8, vi8, >=)
V_CMP(wi_v_i8x16_ge_u, vu8, vi8, >=)
V_CMP(wi_v_i16x8_eq, vu16, vi16, ==)
V_CMP(wi_v_i16x8_ne, vu16, vi16, !=)
V_CMP(wi_v_i16x8_lt_s, vi16, vi16, <)
V_CMP(wi_v_i16x8_lt_u, vu16, vi16, <)
V_CMP(wi_v_i16x8_gt_s, vi16, vi16, >)
V_CMP(wi_v_i16x8_gt_u, vu16, vi16, >)
V_CMP(wi_v_i16x8_le_s, vi16, vi16, <=)
V_CMP(wi_v_i16x8_le_u, vu16, vi16, <=)
V_CMP(wi_v_i16x8_ge_s, vi16, vi16, >=)
V_CMP(wi_v_i16x8_ge_u, vu16, vi16, >=)
V_CMP(wi_v_i32x4_eq, vu32, vi32, ==)
V_CMP(wi_v_i32x4_ne, vu32, vi32, !=)
V_CMP(wi_v_i32x4_lt_s, vi32, vi32, <)
V_CMP(wi_v_i32x4_lt_u, vu32, vi32, <)
V_CMP(wi_v_i32x4_gt_s, vi32, vi32, >)
V_CMP(wi_v_i32x4_gt_u, vu32, vi32, >)
V_CMP(wi_v_i32x4_le_s, vi32, vi32, <=)
V_CMP(wi_v_i32x4_le_u, vu32, vi32, <=)
V_CMP(wi_v_i32x4_ge_s, vi32, vi32, >=)
V_CMP(wi_v_i32x4_ge_u, vu32, vi32, >=)
V_CMP(wi_v_i64x2_eq, vu64, vi64, ==)
V_CMP(wi_v_i64x2_ne, vu64, vi64, !=)
V_CMP(wi_v_i64x2_lt_s, vi64, vi64, <)
V_CMP(wi_v_i64x2_gt_s, vi64, vi64, >)
V_CMP(wi_v_i64x2_le_s, vi64, vi64, <=)
V_CMP(wi_v_i64x2_ge_s, vi64, vi64, >=)
/* float comparisons are false on a NaN operand except ne: C's operators */
V_CMP(wi_v_f32x4_eq, vf32, vi32, ==)
V_CMP(wi_v_f32x4_ne, vf32, vi32, !=)
V_CMP(wi_v_f32x4_lt, vf32, vi32, <)
V_CMP(wi_v_f32x4_gt, vf32, vi32, >)
V_CMP(wi_v_f32x4_le, vf32, vi32, <=)
V_CMP(wi_v_f32x4_ge, vf32, vi32, >=)
V_CMP(wi_v_f64x2_eq, vf64, vi64, ==)
V_CMP(wi_v_f64x2_ne, vf64, vi64, !=)
V_CMP(wi_v_f64x2_lt, vf64, vi64, <)
V_CMP(wi_v_f64x2_gt, vf64, vi64, >)
V_CMP(wi_v_f64x2_le, vf64, vi64, <=)
V_CMP(wi_v_f64x2_ge, vf64, vi64, >=)

/* ---- bitwise */
static inline wi_v128 wi_v_v128_not(wi_v128 a) { a.vu64 = ~a.vu64; return a; }
V_VEC2(wi_v_v128_and, vu64, A.vu64 & B.vu64)
V_VEC2(wi_v_v128_andnot, vu64, A.vu64 & ~B.vu64)
V_VEC2(wi_v_v128_or, vu64, A.vu64 | B.vu64)
V_VEC2(wi_v_v128_xor, vu64, A.vu64 ^ B.vu64)
static inline wi_v128 wi_v_v128_bitselect(wi_v128 a, wi_v128 b, wi_v128 c) {
  a.vu64 = (a.vu64 & c.vu64) | (b.vu64 & ~c.vu64);
  return a;
}
static inline uint32_t wi_v_v128_any_true(wi_v128 a) { return (a.u64[0] | a.u64[1]) != 0; }
/* relaxed_laneselect: the bitwise select for every lane width (a mask lane
 * that is neither all ones nor all zeros selects bit by bit) */
#define wi_v_i8x16_relaxed_laneselect wi_v_v128_bitselect
#define wi_v_i16x8_relaxed_laneselect wi_v_v128_bitselect
#define wi_v_i32x4_relaxed_laneselect wi_v_v128_bitselect
#define wi_v_i64x2_relaxed_laneselect wi_v_v128_bitselect

/* ---- tests */
#define V_ALL_TRUE(name, L, N)                                                \
  static inline uint32_t name(wi_v128 a) {                                    \
    uint32_t r = 1;                                                           \
    for (int i = 0; i < (N); i++) r &= a.L[i] != 0;                           \
    return r;                                                                 \
  }
V_ALL_TRUE(wi_v_i8x16_all_true, u8, 16)
V_ALL_TRUE(wi_v_i16x8_all_true, u16, 8)
V_ALL_TRUE(wi_v_i32x4_all_true, u32, 4)
V_ALL_TRUE(wi_v_i64x2_all_true, u64, 2)
#define V_BITMASK(name, L, N)                                                 \
  static inline uint32_t name(wi_v128 a) {                                    \
    uint32_t r = 0;                                                           \
    for (int i = 0; i < (N); i++) r |= (uint32_t)(a.L[i] < 0) << i;           \
    return r;                                                                 \
  }
V_BITMASK(wi_v_i8x16_bitmask, i8, 16)
V_BITMASK(wi_v_i16x8_bitmask, i16, 8)
V_BITMASK(wi_v_i32x4_bitmask, i32, 4)
V_BITMASK(wi_v_i64x2_bitmask, i64, 2)

/* ---- integer arithmetic: unsigned lanes wrap as the spec's modular ops */
V_UN(wi_v_i8x16_abs, u8, 16, (uint8_t)(a & 0x80 ? -a : a))
V_UN(wi_v_i16x8_abs, u16, 8, (uint16_t)(a & 0x8000 ? -a : a))
V_UN(wi_v_i32x4_abs, u32, 4, a & 0x80000000u ? -a : a)
V_UN(wi_v_i64x2_abs, u64, 2, a >> 63 ? -a : a)
static inline wi_v128 wi_v_i8x16_neg(wi_v128 a) { a.vu8 = -a.vu8; return a; }
static inline wi_v128 wi_v_i16x8_neg(wi_v128 a) { a.vu16 = -a.vu16; return a; }
static inline wi_v128 wi_v_i32x4_neg(wi_v128 a) { a.vu32 = -a.vu32; return a; }
static inline wi_v128 wi_v_i64x2_neg(wi_v128 a) { a.vu64 = -a.vu64; return a; }
V_UN(wi_v_i8x16_popcnt, u8, 16, (uint8_t)__builtin_popcount(a))
V_VEC2(wi_v_i8x16_add, vu8, A.vu8 + B.vu8)
V_VEC2(wi_v_i16x8_add, vu16, A.vu16 + B.vu16)
V_VEC2(wi_v_i32x4_add, vu32, A.vu32 + B.vu32)
V_VEC2(wi_v_i64x2_add, vu64, A.vu64 + B.vu64)
V_VEC2(wi_v_i8x16_sub, vu8, A.vu8 - B.vu8)
V_VEC2(wi_v_i16x8_sub, vu16, A.vu16 - B.vu16)
V_VEC2(wi_v_i32x4_sub, vu32, A.vu32 - B.vu32)
V_VEC2(wi_v_i64x2_sub, vu64, A.vu64 - B.vu64)
V_VEC2(wi_v_i16x8_mul, vu16, A.vu16 * B.vu16)
V_VEC2(wi_v_i32x4_mul, vu32, A.vu32 * B.vu32)
V_VEC2(wi_v_i64x2_mul, vu64, A.vu64 * B.vu64)
V_BIN(wi_v_i8x16_add_sat_s, i8, 16, (int8_t)wi_sat((int32_t)a + b, INT8_MIN, INT8_MAX))
V_BIN(wi_v_i8x16_add_sat_u, u8, 16, (uint8_t)wi_sat((int32_t)a + b, 0, UINT8_MAX))
V_BIN(wi_v_i8x16_sub_sat_s, i8, 16, (int8_t)wi_sat((int32_t)a - b, INT8_MIN, INT8_MAX))
V_BIN(wi_v_i8x16_sub_sat_u, u8, 16, (uint8_t)wi_sat((int32_t)a - b, 0, UINT8_MAX))
V_BIN(wi_v_i16x8_add_sat_s, i16, 8, (int16_t)wi_sat((int32_t)a + b, INT16_MIN, INT16_MAX))
V_BIN(wi_v_i16x8_add_sat_u, u16, 8, (uint16_t)wi_sat((int32_t)a + b, 0, UINT16_MAX))
V_BIN(wi_v_i16x8_sub_sat_s, i16, 8, (int16_t)wi_sat((int32_t)a - b, INT16_MIN, INT16_MAX))
V_BIN(wi_v_i16x8_sub_sat_u, u16, 8, (uint16_t)wi_sat((int32_t)a - b, 0, UINT16_MAX))
V_BIN(wi_v_i8x16_min_s, i8, 16, a < b ? a : b)
V_BIN(wi_v_i8x16_min_u, u8, 16, a < b ? a : b)
V_BIN(wi_v_i8x16_max_s, i8, 16, a > b ? a : b)
V_BIN(wi_v_i8x16_max_u, u8, 16, a > b ? a : b)
V_BIN(wi_v_i16x8_min_s, i16, 8, a < b ? a : b)
V_BIN(wi_v_i16x8_min_u, u16, 8, a < b ? a : b)
V_BIN(wi_v_i16x8_max_s, i16, 8, a > b ? a : b)
V_BIN(wi_v_i16x8_max_u, u16, 8, a > b ? a : b)
V_BIN(wi_v_i32x4_min_s, i32, 4, a < b ? a : b)
V_BIN(wi_v_i32x4_min_u, u32, 4, a < b ? a : b)
V_BIN(wi_v_i32x4_max_s, i32, 4, a > b ? a : b)
V_BIN(wi_v_i32x4_max_u, u32, 4, a > b ? a : b)
V_BIN(wi_v_i8x16_avgr_u, u8, 16, (uint8_t)(((uint32_t)a + b + 1) >> 1))
V_BIN(wi_v_i16x8_avgr_u, u16, 8, (uint16_t)(((uint32_t)a + b + 1) >> 1))
/* q15mulr_sat_s: only -32768 * -32768 saturates */
V_BIN(wi_v_i16x8_q15mulr_sat_s, i16, 8, (int16_t)wi_sat(((int32_t)a * b + 0x4000) >> 15, INT16_MIN, INT16_MAX))
/* relaxed_q15mulr_s: as q15mulr_sat_s (saturating) */
V_BIN(wi_v_i16x8_relaxed_q15mulr_s, i16, 8, (int16_t)wi_sat(((int32_t)a * b + 0x4000) >> 15, INT16_MIN, INT16_MAX))

/* ---- shifts: the count is taken modulo the lane width */
#define V_SHIFT(name, L, bits, op)                                            \
  static inline wi_v128 name(wi_v128 a, uint32_t s) {                         \
    a.L = a.L op (__typeof__(a.L[0]))(s & ((bits) - 1));                      \
    return a;                                                                 \
  }
V_SHIFT(wi_v_i8x16_shl, vu8, 8, <<)
V_SHIFT(wi_v_i8x16_shr_s, vi8, 8, >>)
V_SHIFT(wi_v_i8x16_shr_u, vu8, 8, >>)
V_SHIFT(wi_v_i16x8_shl, vu16, 16, <<)
V_SHIFT(wi_v_i16x8_shr_s, vi16, 16, >>)
V_SHIFT(wi_v_i16x8_shr_u, vu16, 16, >>)
V_SHIFT(wi_v_i32x4_shl, vu32, 32, <<)
V_SHIFT(wi_v_i32x4_shr_s, vi32, 32, >>)
V_SHIFT(wi_v_i32x4_shr_u, vu32, 32, >>)
V_SHIFT(wi_v_i64x2_shl, vu64, 64, <<)
V_SHIFT(wi_v_i64x2_shr_s, vi64, 64, >>)
V_SHIFT(wi_v_i64x2_shr_u, vu64, 64, >>)

/* ---- narrowing (signed inputs, saturated), widening, pairwise, dot */
#define V_NARROW(name, RL, N, L, lo, hi)                                      \
  static inline wi_v128 name(wi_v128 a, wi_v128 b) {                          \
    wi_v128 r;                                                                \
    for (int i = 0; i < (N) / 2; i++) {                                       \
      r.RL[i] = (__typeof__(r.RL[0]))wi_sat(a.L[i], lo, hi);                  \
      r.RL[i + (N) / 2] = (__typeof__(r.RL[0]))wi_sat(b.L[i], lo, hi);        \
    }                                                                         \
    return r;                                                                 \
  }
V_NARROW(wi_v_i8x16_narrow_i16x8_s, i8, 16, i16, INT8_MIN, INT8_MAX)
V_NARROW(wi_v_i8x16_narrow_i16x8_u, u8, 16, i16, 0, UINT8_MAX)
V_NARROW(wi_v_i16x8_narrow_i32x4_s, i16, 8, i32, INT16_MIN, INT16_MAX)
V_NARROW(wi_v_i16x8_narrow_i32x4_u, u16, 8, i32, 0, UINT16_MAX)
#define V_EXTEND(name, RL, N, L, from)                                        \
  static inline wi_v128 name(wi_v128 a) {                                     \
    wi_v128 r;                                                                \
    for (int i = 0; i < (N); i++) r.RL[i] = a.L[i + (from)];                  \
    return r;                                                                 \
  }
V_EXTEND(wi_v_i16x8_extend_low_i8x16_s, i16, 8, i8, 0)
V_EXTEND(wi_v_i16x8_extend_high_i8x16_s, i16, 8, i8, 8)
V_EXTEND(wi_v_i16x8_extend_low_i8x16_u, u16, 8, u8, 0)
V_EXTEND(wi_v_i16x8_extend_high_i8x16_u, u16, 8, u8, 8)
V_EXTEND(wi_v_i32x4_extend_low_i16x8_s, i32, 4, i16, 0)
V_EXTEND(wi_v_i32x4_extend_high_i16x8_s, i32, 4, i16, 4)
V_EXTEND(wi_v_i32x4_extend_low_i16x8_u, u32, 4, u16, 0)
V_EXTEND(wi_v_i32x4_extend_high_i16x8_u, u32, 4, u16, 4)
V_EXTEND(wi_v_i64x2_extend_low_i32x4_s, i64, 2, i32, 0)
V_EXTEND(wi_v_i64x2_extend_high_i32x4_s, i64, 2, i32, 2)
V_EXTEND(wi_v_i64x2_extend_low_i32x4_u, u64, 2, u32, 0)
V_EXTEND(wi_v_i64x2_extend_high_i32x4_u, u64, 2, u32, 2)
/* extmul: the products of the widened lanes (wrapping in the wide lane,
 * which only i64x2's signed case can reach: it cannot overflow either) */
#define V_EXTMUL(name, RL, WT, N, L, from)                                    \
  static inline wi_v128 name(wi_v128 a, wi_v128 b) {                          \
    wi_v128 r;                                                                \
    for (int i = 0; i < (N); i++)                                             \
      r.RL[i] = (__typeof__(r.RL[0]))((WT)a.L[i + (from)] * (WT)b.L[i + (from)]); \
    return r;                                                                 \
  }
V_EXTMUL(wi_v_i16x8_extmul_low_i8x16_s, i16, int32_t, 8, i8, 0)
V_EXTMUL(wi_v_i16x8_extmul_high_i8x16_s, i16, int32_t, 8, i8, 8)
V_EXTMUL(wi_v_i16x8_extmul_low_i8x16_u, u16, uint32_t, 8, u8, 0)
V_EXTMUL(wi_v_i16x8_extmul_high_i8x16_u, u16, uint32_t, 8, u8, 8)
V_EXTMUL(wi_v_i32x4_extmul_low_i16x8_s, i32, int64_t, 4, i16, 0)
V_EXTMUL(wi_v_i32x4_extmul_high_i16x8_s, i32, int64_t, 4, i16, 4)
V_EXTMUL(wi_v_i32x4_extmul_low_i16x8_u, u32, uint64_t, 4, u16, 0)
V_EXTMUL(wi_v_i32x4_extmul_high_i16x8_u, u32, uint64_t, 4, u16, 4)
V_EXTMUL(wi_v_i64x2_extmul_low_i32x4_s, i64, int64_t, 2, i32, 0)
V_EXTMUL(wi_v_i64x2_extmul_high_i32x4_s, i64, int64_t, 2, i32, 2)
V_EXTMUL(wi_v_i64x2_extmul_low_i32x4_u, u64, uint64_t, 2, u32, 0)
V_EXTMUL(wi_v_i64x2_extmul_high_i32x4_u, u64, uint64_t, 2, u32, 2)
#define V_PAIRWISE(name, RL, N, L)                                            \
  static inline wi_v128 name(wi_v128 a) {                                     \
    wi_v128 r;                                                                \
    for (int i = 0; i < (N); i++) r.RL[i] = a.L[2 * i] + a.L[2 * i + 1];      \
    return r;                                                                 \
  }
V_PAIRWISE(wi_v_i16x8_extadd_pairwise_i8x16_s, i16, 8, i8)
V_PAIRWISE(wi_v_i16x8_extadd_pairwise_i8x16_u, u16, 8, u8)
V_PAIRWISE(wi_v_i32x4_extadd_pairwise_i16x8_s, i32, 4, i16)
V_PAIRWISE(wi_v_i32x4_extadd_pairwise_i16x8_u, u32, 4, u16)
static inline wi_v128 wi_v_i32x4_dot_i16x8_s(wi_v128 a, wi_v128 b) {
  wi_v128 r;
  /* the sum wraps (2 * -32768 * -32768 = 2^31) */
  for (int i = 0; i < 4; i++)
    r.u32[i] = (uint32_t)((int32_t)a.i16[2 * i] * b.i16[2 * i]) +
               (uint32_t)((int32_t)a.i16[2 * i + 1] * b.i16[2 * i + 1]);
  return r;
}
/* relaxed dot products: b's lanes are read as signed; the i16 sum of two
 * products wraps (only -128 * -128 twice reaches 2^15) */
static inline wi_v128 wi_v_i16x8_relaxed_dot_i8x16_i7x16_s(wi_v128 a, wi_v128 b) {
  wi_v128 r;
  for (int i = 0; i < 8; i++)
    r.u16[i] = (uint16_t)((int32_t)a.i8[2 * i] * b.i8[2 * i] + (int32_t)a.i8[2 * i + 1] * b.i8[2 * i + 1]);
  return r;
}
static inline wi_v128 wi_v_i32x4_relaxed_dot_i8x16_i7x16_add_s(wi_v128 a, wi_v128 b, wi_v128 c) {
  wi_v128 r;
  for (int i = 0; i < 4; i++) {
    int32_t s = 0;
    for (int k = 4 * i; k < 4 * i + 4; k++) s += (int32_t)a.i8[k] * b.i8[k];
    r.u32[i] = (uint32_t)s + c.u32[i];
  }
  return r;
}

/* ---- floats */
static inline wi_v128 wi_v_f32x4_abs(wi_v128 a) { a.vu32 &= 0x7fffffffu; return a; }
static inline wi_v128 wi_v_f32x4_neg(wi_v128 a) { a.vu32 ^= 0x80000000u; return a; }
static inline wi_v128 wi_v_f64x2_abs(wi_v128 a) { a.vu64 &= 0x7fffffffffffffffull; return a; }
static inline wi_v128 wi_v_f64x2_neg(wi_v128 a) { a.vu64 ^= 0x8000000000000000ull; return a; }
V_UN(wi_v_f32x4_sqrt, f32, 4, wi_f32_sqrt(a))
V_UN(wi_v_f32x4_ceil, f32, 4, wi_f32_ceil(a))
V_UN(wi_v_f32x4_floor, f32, 4, wi_f32_floor(a))
V_UN(wi_v_f32x4_trunc, f32, 4, wi_f32_trunc(a))
V_UN(wi_v_f32x4_nearest, f32, 4, wi_f32_nearest(a))
V_UN(wi_v_f64x2_sqrt, f64, 2, wi_f64_sqrt(a))
V_UN(wi_v_f64x2_ceil, f64, 2, wi_f64_ceil(a))
V_UN(wi_v_f64x2_floor, f64, 2, wi_f64_floor(a))
V_UN(wi_v_f64x2_trunc, f64, 2, wi_f64_trunc(a))
V_UN(wi_v_f64x2_nearest, f64, 2, wi_f64_nearest(a))
V_VEC2(wi_v_f32x4_add, vf32, A.vf32 + B.vf32)
V_VEC2(wi_v_f32x4_sub, vf32, A.vf32 - B.vf32)
V_VEC2(wi_v_f32x4_mul, vf32, A.vf32 * B.vf32)
V_VEC2(wi_v_f32x4_div, vf32, A.vf32 / B.vf32)
V_VEC2(wi_v_f64x2_add, vf64, A.vf64 + B.vf64)
V_VEC2(wi_v_f64x2_sub, vf64, A.vf64 - B.vf64)
V_VEC2(wi_v_f64x2_mul, vf64, A.vf64 * B.vf64)
V_VEC2(wi_v_f64x2_div, vf64, A.vf64 / B.vf64)
/* min/max as ops.h's scalar ones, branch-free over whole vectors: a NaN
 * operand gives a + b (a quiet NaN), equal operands (+0 and -0) combine
 * their bits (or: -0 wins min; and: +0 wins max) */
#define V_MINMAX(name, FL, IL, IT, op, both)                                  \
  static inline wi_v128 name(wi_v128 A, wi_v128 B) {                          \
    IT pick = (IT)(A.FL op B.FL), eq = (IT)(A.FL == B.FL);                    \
    IT un = (IT)(A.FL != A.FL) | (IT)(B.FL != B.FL);                          \
    wi_v128 s, r;                                                             \
    s.FL = A.FL + B.FL;                                                       \
    r.IL = (A.IL & pick) | (B.IL & ~pick);                                    \
    r.IL = (r.IL & ~eq) | ((A.IL both B.IL) & eq);                            \
    r.IL = (r.IL & ~un) | (s.IL & un);                                        \
    return r;                                                                 \
  }
V_MINMAX(wi_v_f32x4_min, vf32, vi32, wi_i32x4, <, |)
V_MINMAX(wi_v_f32x4_max, vf32, vi32, wi_i32x4, >, &)
V_MINMAX(wi_v_f64x2_min, vf64, vi64, wi_i64x2, <, |)
V_MINMAX(wi_v_f64x2_max, vf64, vi64, wi_i64x2, >, &)
/* pmin/pmax: C's b < a ? b : a, which returns a (its bits) on a NaN */
V_BIN(wi_v_f32x4_pmin, f32, 4, b < a ? b : a)
V_BIN(wi_v_f32x4_pmax, f32, 4, a < b ? b : a)
V_BIN(wi_v_f64x2_pmin, f64, 2, b < a ? b : a)
V_BIN(wi_v_f64x2_pmax, f64, 2, a < b ? b : a)
/* relaxed_min/max: the deterministic min/max (NaN in, NaN out; -0 < +0) */
#define wi_v_f32x4_relaxed_min wi_v_f32x4_min
#define wi_v_f32x4_relaxed_max wi_v_f32x4_max
#define wi_v_f64x2_relaxed_min wi_v_f64x2_min
#define wi_v_f64x2_relaxed_max wi_v_f64x2_max
/* relaxed_madd / nmadd: fused, one rounding (fma() is exact IEEE on every
 * libm, so the result is the same on every machine) */
static inline wi_v128 wi_v_f32x4_relaxed_madd(wi_v128 a, wi_v128 b, wi_v128 c) {
  for (int i = 0; i < 4; i++) a.f32[i] = fmaf(a.f32[i], b.f32[i], c.f32[i]);
  return a;
}
static inline wi_v128 wi_v_f32x4_relaxed_nmadd(wi_v128 a, wi_v128 b, wi_v128 c) {
  for (int i = 0; i < 4; i++) a.f32[i] = fmaf(-a.f32[i], b.f32[i], c.f32[i]);
  return a;
}
static inline wi_v128 wi_v_f64x2_relaxed_madd(wi_v128 a, wi_v128 b, wi_v128 c) {
  for (int i = 0; i < 2; i++) a.f64[i] = fma(a.f64[i], b.f64[i], c.f64[i]);
  return a;
}
static inline wi_v128 wi_v_f64x2_relaxed_nmadd(wi_v128 a, wi_v128 b, wi_v128 c) {
  for (int i = 0; i < 2; i++) a.f64[i] = fma(-a.f64[i], b.f64[i], c.f64[i]);
  return a;
}

/* ---- conversions */
static inline wi_v128 wi_v_f32x4_demote_f64x2_zero(wi_v128 a) {
  wi_v128 r;
  memset(&r, 0, sizeof r);
  r.f32[0] = (float)a.f64[0];
  r.f32[1] = (float)a.f64[1];
  return r;
}
static inline wi_v128 wi_v_f64x2_promote_low_f32x4(wi_v128 a) {
  wi_v128 r;
  r.f64[0] = a.f32[0];
  r.f64[1] = a.f32[1];
  return r;
}
static inline wi_v128 wi_v_f32x4_convert_i32x4_s(wi_v128 a) {
  wi_v128 r;
  for (int i = 0; i < 4; i++) r.f32[i] = (float)a.i32[i];
  return r;
}
static inline wi_v128 wi_v_f32x4_convert_i32x4_u(wi_v128 a) {
  wi_v128 r;
  for (int i = 0; i < 4; i++) r.f32[i] = (float)a.u32[i];
  return r;
}
static inline wi_v128 wi_v_f64x2_convert_low_i32x4_s(wi_v128 a) {
  wi_v128 r;
  for (int i = 0; i < 2; i++) r.f64[i] = (double)a.i32[i];
  return r;
}
static inline wi_v128 wi_v_f64x2_convert_low_i32x4_u(wi_v128 a) {
  wi_v128 r;
  for (int i = 0; i < 2; i++) r.f64[i] = (double)a.u32[i];
  return r;
}
/* trunc_sat: the scalar saturating conversions lane by lane (NaN -> 0) */
#define V_TRUNC4(name, fn)                                                    \
  static inline wi_v128 name(wi_v128 a) {                                     \
    wi_v128 r;                                                                \
    for (int i = 0; i < 4; i++) r.u32[i] = fn(a.f32[i]);                      \
    return r;                                                                 \
  }
#define V_TRUNC2Z(name, fn)                                                   \
  static inline wi_v128 name(wi_v128 a) {                                     \
    wi_v128 r;                                                                \
    r.u32[0] = fn(a.f64[0]);                                                  \
    r.u32[1] = fn(a.f64[1]);                                                  \
    r.u32[2] = r.u32[3] = 0;                                                  \
    return r;                                                                 \
  }
V_TRUNC4(wi_v_i32x4_trunc_sat_f32x4_s, wi_i32_trunc_sat_f32_s)
V_TRUNC4(wi_v_i32x4_trunc_sat_f32x4_u, wi_i32_trunc_sat_f32_u)
V_TRUNC2Z(wi_v_i32x4_trunc_sat_f64x2_s_zero, wi_i32_trunc_sat_f64_s)
V_TRUNC2Z(wi_v_i32x4_trunc_sat_f64x2_u_zero, wi_i32_trunc_sat_f64_u)
/* relaxed_trunc: as trunc_sat (NaN -> 0, out of range saturates) */
#define wi_v_i32x4_relaxed_trunc_f32x4_s wi_v_i32x4_trunc_sat_f32x4_s
#define wi_v_i32x4_relaxed_trunc_f32x4_u wi_v_i32x4_trunc_sat_f32x4_u
#define wi_v_i32x4_relaxed_trunc_f64x2_s_zero wi_v_i32x4_trunc_sat_f64x2_s_zero
#define wi_v_i32x4_relaxed_trunc_f64x2_u_zero wi_v_i32x4_trunc_sat_f64x2_u_zero

#endif
