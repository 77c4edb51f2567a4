/* Typed function references (3.0, spec 2.3.3 / 5.3.3): reading
 * `(ref null? ht)` and the subtyping the validator checks (spec 3.3.2,
 * "matching").
 *
 * A value type stays one byte everywhere (signatures, locals, the
 * translator's stack), so the engine's arrays and its hot comparisons are
 * unchanged.  Codes (WI_VT_* in internal.h):
 *   - the 2.0 bytes, and the binary shorthands of the nullable abstract
 *     types (0x70 funcref, 0x6F externref, 0x73 nullfuncref, 0x72
 *     nullexternref);
 *   - their non-nullable forms: shorthand - 0x40 ((ref func) = 0x30);
 *   - a concrete `(ref null? $t)`: 0x80 + 2t + nullable, for type indexes
 *     below 64 (WI_VT_MAX_CONCRETE).  The code is module-local: the type
 *     index means nothing in another module, so signatures are interned
 *     (types.c) by the referenced type's canonical id and runtime objects
 *     see the code's family (WH_FUNCREF, WH_REF_FUNC).  An index of 64 or
 *     more in a typed reference fails to compile with a message saying so.
 * Without GC no function type declares a supertype: a concrete type
 * matches only types with its canonical id, nofunc and func bound it. */
#include "reader.h"

enum { H_FUNC, H_NOFUNC, H_EXTERN, H_NOEXTERN, H_EXN, H_NOEXN, H_CONCRETE, H_NONE };

static int heap_of(uint8_t t) {
  if (t >= 0x80) return H_CONCRETE;
  switch (t) {
    case WH_FUNCREF: case WI_VT_REF_FUNC: return H_FUNC;
    case WI_VT_NULLFUNCREF: case WI_VT_REF_NOFUNC: return H_NOFUNC;
    case WH_EXTERNREF: case WI_VT_REF_EXTERN: return H_EXTERN;
    case WI_VT_NULLEXTERNREF: case WI_VT_REF_NOEXTERN: return H_NOEXTERN;
    case WH_EXNREF: case WI_VT_REF_EXN: return H_EXN; /* exception handling */
    case WI_VT_NULLEXNREF: case WI_VT_REF_NOEXN: return H_NOEXN;
    default: return H_NONE;
  }
}

bool wi_vt_nullable(uint8_t t) {
  if (t >= 0x80) return t & 1;
  return t == WH_FUNCREF || t == WH_EXTERNREF || t == WI_VT_NULLFUNCREF || t == WI_VT_NULLEXTERNREF ||
         t == WH_EXNREF || t == WI_VT_NULLEXNREF;
}

uint8_t wi_vt_non_null(uint8_t t) {
  if (t >= 0x80) return t & (uint8_t)~1u;
  if (wi_vt_nullable(t)) return (uint8_t)(t - 0x40);
  return t;
}

uint8_t wi_vt_nullable_of(uint8_t t) {
  if (t >= 0x80) return t | 1;
  if (heap_of(t) != H_NONE && !wi_vt_nullable(t)) return (uint8_t)(t + 0x40);
  return t;
}

bool wi_vt_is_ref(uint8_t t) { return heap_of(t) != H_NONE; }

bool wi_vt_defaultable(uint8_t t) { return heap_of(t) == H_NONE || wi_vt_nullable(t); }

uint8_t wh_reftype_family(uint8_t t) {
  switch (heap_of(t)) {
    case H_FUNC: case H_NOFUNC: case H_CONCRETE: return WH_FUNCREF;
    case H_EXTERN: case H_NOEXTERN: return WH_EXTERNREF;
    case H_EXN: case H_NOEXN: return WH_EXNREF;
    default: return t;
  }
}

int wh_reftype_nullable(uint8_t t) { return heap_of(t) == H_NONE || wi_vt_nullable(t); }

/* What a runtime object or another module sees of a module-local code:
 * a concrete type becomes its family, nullability kept. */
uint8_t wi_vt_public(uint8_t t) {
  if (t < 0x80) return t;
  return (t & 1) ? WH_FUNCREF : WI_VT_REF_FUNC;
}

uint32_t wi_vt_concrete_index(uint8_t t) { return (uint32_t)(t - 0x80) >> 1; }

/* a <: b (spec 3.3.2: reference types match by nullability and heap) */
bool wi_vt_sub(const wh_module *m, uint8_t a, uint8_t b) {
  if (a == b) return true;
  int ha = heap_of(a), hb = heap_of(b);
  if (ha == H_NONE || hb == H_NONE) return false;
  if (wi_vt_nullable(a) && !wi_vt_nullable(b)) return false;
  switch (hb) {
    case H_FUNC: return ha == H_FUNC || ha == H_NOFUNC || ha == H_CONCRETE;
    case H_EXTERN: return ha == H_EXTERN || ha == H_NOEXTERN;
    case H_EXN: return ha == H_EXN || ha == H_NOEXN;
    case H_CONCRETE:
      if (ha == H_NOFUNC) return true;
      if (ha != H_CONCRETE) return false;
      return m->types[wi_vt_concrete_index(a)]->id == m->types[wi_vt_concrete_index(b)]->id;
    default: return ha == hb;
  }
}

/* Equal types (invariant positions: mutable globals, tables). */
bool wi_vt_eq(const wh_module *m, uint8_t a, uint8_t b) {
  return a == b || (wi_vt_sub(m, a, b) && wi_vt_sub(m, b, a));
}

/* Reads a heap type (s33: a type index or an abstract type's byte) and
 * gives the code of the reference to it; `ntypes`: indexes allowed. */
int wi_rd_heaptype(wi_reader *r, uint32_t ntypes, bool nullable, uint8_t *t) {
  const uint8_t *at = r->p;
  int64_t h;
  if (wi_rd_s33(r, &h)) return -1;
  if (h >= 0) {
    if ((uint64_t)h >= ntypes) {
      if (r->err) r->err->offset = (uint32_t)(at - r->base);
      return wi_err_set(r->err, WH_ERR_INVALID, "unknown type %lld", (long long)h);
    }
    if (h >= WI_VT_MAX_CONCRETE) {
      r->p = at;
      return wi_rd_fail(r, "typed reference to type %lld: wasihost supports typed references "
                        "to the first %u types of a module only", (long long)h, WI_VT_MAX_CONCRETE);
    }
    *t = (uint8_t)(0x80 + 2 * h + nullable);
    return 0;
  }
  /* an abstract heap type is one byte: -64..-1 as an s33 */
  uint8_t b = (uint8_t)(h & 0x7F);
  if (h < -64) {
    r->p = at;
    return wi_rd_fail(r, "malformed heap type");
  }
  switch (b) {
    case 0x70: case 0x6F: case 0x73: case 0x72: case 0x69: case 0x74:
      *t = nullable ? b : (uint8_t)(b - 0x40);
      return 0;
    default:
      r->p = at;
      return wi_rd_fail(r, "malformed heap type 0x%02x%s", b, wi_unsupported_valtype(b));
  }
}

/* A value type: one byte, or 0x63/0x64 and a heap type. */
int wi_rd_valtype(wi_reader *r, uint32_t ntypes, uint8_t *t) {
  uint8_t b;
  if (wi_rd_u8(r, &b)) return -1;
  if (b == 0x63 || b == 0x64) return wi_rd_heaptype(r, ntypes, b == 0x63, t);
  if (b == WI_VT_NULLFUNCREF || b == WI_VT_NULLEXTERNREF || b == WI_VT_NULLEXNREF || wi_is_valtype(b)) {
    *t = b;
    return 0;
  }
  r->p--;
  return wi_rd_fail(r, "malformed value type 0x%02x%s", b, wi_unsupported_valtype(b));
}

int wi_rd_reftype(wi_reader *r, uint32_t ntypes, uint8_t *t) {
  const uint8_t *at = r->p;
  if (wi_rd_valtype(r, ntypes, t)) return -1;
  if (!wi_vt_is_ref(*t)) {
    r->p = at;
    return wi_rd_fail(r, "malformed reference type");
  }
  return 0;
}

/* ref.func x: (ref $t) of the function's type (3.0), (ref func) when $t
 * has no code of its own */
uint8_t wi_vt_of_func(const wh_module *m, uint32_t x) {
  uint32_t ti = m->func_typeidx[x];
  return ti < WI_VT_MAX_CONCRETE ? (uint8_t)(0x80 + 2 * ti) : WI_VT_REF_FUNC;
}

/* The canonical id of the concrete type a code refers to (0: none), what
 * runtime tables and globals keep beside the family (internal.h). */
uint32_t wi_vt_ctype(const wh_module *m, uint8_t t) {
  return t >= 0x80 ? m->types[wi_vt_concrete_index(t)]->id : 0;
}

/* An import of a table or global whose type names a concrete function
 * type: the object's own concrete type must be the same (a table, a
 * mutable global) or, for an immutable global, a subtype: the same type
 * or none at all is never enough, since a family says nothing of the
 * signature.  Family and nullability are wh_externtype_matches's. */
bool wi_vt_import_ok(const wh_module *m, uint8_t want, uint32_t have_ctype, uint8_t have_public) {
  if (want < 0x80) return true;
  if (have_ctype) return have_ctype == wi_vt_ctype(m, want);
  return have_public == WI_VT_NULLFUNCREF || have_public == WI_VT_REF_NOFUNC;
}
