/* Helpers named by opcodes.def for the operations whose semantics are more
 * than one C operator: traps, NaN-exact sign operations, IEEE min/max. */
#ifndef WI_OPS_H
#define WI_OPS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef uint32_t ct_I32;
typedef uint64_t ct_I64;
typedef float ct_F32;
typedef double ct_F64;

static inline uint32_t wi_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float wi_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint64_t wi_f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline double wi_bits_f64(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

/* Slots hold raw bits: CV_ reads a slot as its C type, TOR_ turns a C
 * value back into slot bits, LD_ widens a loaded memory value.  An i32 or
 * f32 is read from the low 32 bits only; the high half of its slot is
 * unspecified (which makes i32.wrap_i64 free). */
#define CV_I32(r) ((uint32_t)(r))
#define CV_I64(r) ((uint64_t)(r))
#define CV_F32(r) wi_bits_f32((uint32_t)(r))
#define CV_F64(r) wi_bits_f64((uint64_t)(r))
#define TOR_I32(v) ((uint64_t)(uint32_t)(v))
#define TOR_I64(v) ((uint64_t)(v))
#define TOR_F32(v) ((uint64_t)wi_f32_bits(v))
#define TOR_F64(v) wi_f64_bits(v)
#define LD_I32(v) ((uint64_t)(uint32_t)(v))
#define LD_I64(v) ((uint64_t)(v))
#define LD_F32(v) ((uint64_t)(uint32_t)(v))
#define LD_F64(v) ((uint64_t)(v))

/* Sign operations are bit operations: they must not touch a NaN payload. */
static inline float wi_f32_abs(float a) { return wi_bits_f32(wi_f32_bits(a) & 0x7fffffffu); }
static inline float wi_f32_neg(float a) { return wi_bits_f32(wi_f32_bits(a) ^ 0x80000000u); }
static inline float wi_f32_copysign(float a, float b) {
  return wi_bits_f32((wi_f32_bits(a) & 0x7fffffffu) | (wi_f32_bits(b) & 0x80000000u));
}
static inline double wi_f64_abs(double a) { return wi_bits_f64(wi_f64_bits(a) & 0x7fffffffffffffffull); }
static inline double wi_f64_neg(double a) { return wi_bits_f64(wi_f64_bits(a) ^ 0x8000000000000000ull); }
static inline double wi_f64_copysign(double a, double b) {
  return wi_bits_f64((wi_f64_bits(a) & 0x7fffffffffffffffull) |
                     (wi_f64_bits(b) & 0x8000000000000000ull));
}

/* Rounding and sqrt: a NaN operand must come back quiet (an arithmetic
 * NaN, spec 4.3.3), which libm does not promise for signalling NaNs. */
#define WI_FROUND(name, type, fn)                                            \
  static inline type name(type a) { return a != a ? a + a : fn(a); }
WI_FROUND(wi_f32_ceil, float, ceilf)
WI_FROUND(wi_f32_floor, float, floorf)
WI_FROUND(wi_f32_trunc, float, truncf)
WI_FROUND(wi_f32_nearest, float, nearbyintf)
WI_FROUND(wi_f32_sqrt, float, sqrtf)
WI_FROUND(wi_f64_ceil, double, ceil)
WI_FROUND(wi_f64_floor, double, floor)
WI_FROUND(wi_f64_trunc, double, trunc)
WI_FROUND(wi_f64_nearest, double, nearbyint)
WI_FROUND(wi_f64_sqrt, double, sqrt)
#undef WI_FROUND

/* min/max: a NaN operand gives a NaN (made quiet by the arithmetic), and
 * -0 is smaller than +0 (spec 4.3.3 fmin/fmax). */
static inline float wi_f32_min(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return wi_bits_f32(wi_f32_bits(a) | wi_f32_bits(b));
  return a < b ? a : b;
}
static inline float wi_f32_max(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return wi_bits_f32(wi_f32_bits(a) & wi_f32_bits(b));
  return a > b ? a : b;
}
static inline double wi_f64_min(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return wi_bits_f64(wi_f64_bits(a) | wi_f64_bits(b));
  return a < b ? a : b;
}
static inline double wi_f64_max(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return wi_bits_f64(wi_f64_bits(a) & wi_f64_bits(b));
  return a > b ? a : b;
}

/* Integer division (spec 4.3.2): the traps are return values. */
static inline int wi_i32_div_s(uint32_t a, uint32_t b, uint32_t *r) {
  if (b == 0) return WH_TRAP_DIV_ZERO;
  if (a == 0x80000000u && b == 0xffffffffu) return WH_TRAP_INT_OVERFLOW;
  *r = (uint32_t)((int32_t)a / (int32_t)b);
  return 0;
}
static inline int wi_i32_div_u(uint32_t a, uint32_t b, uint32_t *r) {
  if (b == 0) return WH_TRAP_DIV_ZERO;
  *r = a / b;
  return 0;
}
static inline int wi_i32_rem_s(uint32_t a, uint32_t b, uint32_t *r) {
  if (b == 0) return WH_TRAP_DIV_ZERO;
  *r = (b == 0xffffffffu) ? 0 : (uint32_t)((int32_t)a % (int32_t)b);
  return 0;
}
static inline int wi_i32_rem_u(uint32_t a, uint32_t b, uint32_t *r) {
  if (b == 0) return WH_TRAP_DIV_ZERO;
  *r = a % b;
  return 0;
}
static inline int wi_i64_div_s(uint64_t a, uint64_t b, uint64_t *r) {
  if (b == 0) return WH_TRAP_DIV_ZERO;
  if (a == 0x8000000000000000ull && b == ~0ull) return WH_TRAP_INT_OVERFLOW;
  *r = (uint64_t)((int64_t)a / (int64_t)b);
  return 0;
}
static inline int wi_i64_div_u(uint64_t a, uint64_t b, uint64_t *r) {
  if (b == 0) return WH_TRAP_DIV_ZERO;
  *r = a / b;
  return 0;
}
static inline int wi_i64_rem_s(uint64_t a, uint64_t b, uint64_t *r) {
  if (b == 0) return WH_TRAP_DIV_ZERO;
  *r = (b == ~0ull) ? 0 : (uint64_t)((int64_t)a % (int64_t)b);
  return 0;
}
static inline int wi_i64_rem_u(uint64_t a, uint64_t b, uint64_t *r) {
  if (b == 0) return WH_TRAP_DIV_ZERO;
  *r = a % b;
  return 0;
}

/* Float to integer (spec 4.3.4 trunc / trunc_sat).  The bounds are the
 * exact open intervals of representable results. */
#define WI_TRUNC(name, ftype, itype, ctype, lo, hi)                          \
  static inline int name(ftype a, ctype *r) {                                \
    if (a != a) return WH_TRAP_BAD_CONVERSION;                               \
    if (!(a > (lo) && a < (hi))) return WH_TRAP_INT_OVERFLOW;                \
    *r = (ctype)(itype)a;                                                    \
    return 0;                                                                \
  }
WI_TRUNC(wi_i32_trunc_f32_s, float, int32_t, uint32_t, -2147483904.0f, 2147483648.0f)
WI_TRUNC(wi_i32_trunc_f32_u, float, uint32_t, uint32_t, -1.0f, 4294967296.0f)
WI_TRUNC(wi_i32_trunc_f64_s, double, int32_t, uint32_t, -2147483649.0, 2147483648.0)
WI_TRUNC(wi_i32_trunc_f64_u, double, uint32_t, uint32_t, -1.0, 4294967296.0)
WI_TRUNC(wi_i64_trunc_f32_s, float, int64_t, uint64_t, -9223373136366403584.0f, 9223372036854775808.0f)
WI_TRUNC(wi_i64_trunc_f32_u, float, uint64_t, uint64_t, -1.0f, 18446744073709551616.0f)
WI_TRUNC(wi_i64_trunc_f64_s, double, int64_t, uint64_t, -9223372036854777856.0, 9223372036854775808.0)
WI_TRUNC(wi_i64_trunc_f64_u, double, uint64_t, uint64_t, -1.0, 18446744073709551616.0)
#undef WI_TRUNC

#define WI_TRUNC_SAT(name, ftype, itype, ctype, lo, hi, minv, maxv)          \
  static inline ctype name(ftype a) {                                        \
    if (a != a) return 0;                                                    \
    if (!(a > (lo))) return (ctype)(itype)(minv);                            \
    if (!(a < (hi))) return (ctype)(itype)(maxv);                            \
    return (ctype)(itype)a;                                                  \
  }
WI_TRUNC_SAT(wi_i32_trunc_sat_f32_s, float, int32_t, uint32_t, -2147483904.0f, 2147483648.0f, INT32_MIN, INT32_MAX)
WI_TRUNC_SAT(wi_i32_trunc_sat_f32_u, float, uint32_t, uint32_t, -1.0f, 4294967296.0f, 0, UINT32_MAX)
WI_TRUNC_SAT(wi_i32_trunc_sat_f64_s, double, int32_t, uint32_t, -2147483649.0, 2147483648.0, INT32_MIN, INT32_MAX)
WI_TRUNC_SAT(wi_i32_trunc_sat_f64_u, double, uint32_t, uint32_t, -1.0, 4294967296.0, 0, UINT32_MAX)
WI_TRUNC_SAT(wi_i64_trunc_sat_f32_s, float, int64_t, uint64_t, -9223373136366403584.0f, 9223372036854775808.0f, INT64_MIN, INT64_MAX)
WI_TRUNC_SAT(wi_i64_trunc_sat_f32_u, float, uint64_t, uint64_t, -1.0f, 18446744073709551616.0f, 0, UINT64_MAX)
WI_TRUNC_SAT(wi_i64_trunc_sat_f64_s, double, int64_t, uint64_t, -9223372036854777856.0, 9223372036854775808.0, INT64_MIN, INT64_MAX)
WI_TRUNC_SAT(wi_i64_trunc_sat_f64_u, double, uint64_t, uint64_t, -1.0, 18446744073709551616.0, 0, UINT64_MAX)
#undef WI_TRUNC_SAT

#endif
