/* Extended constant expressions (WebAssembly 3.0, spec 3.3.10): a sequence
 * of constant instructions, where i32/i64 add, sub and mul are constant too.
 * A one-instruction expression keeps the compact forms of decode.c
 * (WI_CE_CONST, _GLOBAL, _REF_FUNC, _REF_NULL); anything longer is a
 * WI_CE_EXPR holding its bytes (inside the module's bytes, which the module
 * keeps), checked here when the module is validated and evaluated here
 * when a module is instantiated. */
#include "opcodes.h"
#include "reader.h"

#define FAIL(...) return wi_rd_fail(r, __VA_ARGS__)
#define TRY(x) do { if ((x) != 0) return -1; } while (0)

/* Reads one instruction of a constant expression; *op is its code, *imm
 * its immediate (a value, or a global / function index, or a reference
 * type).  Returns 1 at `end`. */
static int next(wi_reader *r, uint32_t *op, wh_val *imm) {
  uint8_t b;
  memset(imm, 0, sizeof *imm);
  TRY(wi_rd_u8(r, &b));
  *op = b;
  switch (b) {
    case OP_END: return 1;
    case OP_I32_CONST: { int32_t v; TRY(wi_rd_s32(r, &v)); imm->raw = (uint32_t)v; return 0; }
    case OP_I64_CONST: { int64_t v; TRY(wi_rd_s64(r, &v)); imm->raw = (uint64_t)v; return 0; }
    case OP_F32_CONST: { uint32_t v; TRY(wi_rd_f32(r, &v)); imm->raw = v; return 0; }
    case OP_F64_CONST: { uint64_t v; TRY(wi_rd_f64(r, &v)); imm->raw = v; return 0; }
    case OP_GLOBAL_GET: case OP_REF_FUNC: { uint32_t x; TRY(wi_rd_u32(r, &x)); imm->raw = x; return 0; }
    case OP_REF_NULL: { uint8_t t; TRY(wi_rd_heaptype(r, WI_VT_MAX_CONCRETE, true, &t)); imm->raw = t; return 0; }
    case OP_I32_ADD: case OP_I32_SUB: case OP_I32_MUL:
    case OP_I64_ADD: case OP_I64_SUB: case OP_I64_MUL: return 0;
    case 0xFD: {
      uint32_t sub;
      const uint8_t *p;
      TRY(wi_rd_u32(r, &sub));
      if (WI_FD(sub) != OP_V128_CONST) break;
      *op = OP_V128_CONST;
      TRY(wi_rd_bytes(r, 16, &p));
      memcpy(imm->v128, p, 16);
      return 0;
    }
    default: break;
  }
  r->p--;
  if (r->err) r->err->offset = wi_rd_off(r);
  return wi_err_set(r->err, WH_ERR_INVALID, "constant expression required at offset %u", wi_rd_off(r));
}

int wi_rd_constexpr_ext(wi_reader *r, wi_constexpr *ce, const uint8_t *start) {
  uint32_t op, n = 0;
  wh_val imm;
  int rc;
  r->p = start;
  while ((rc = next(r, &op, &imm)) == 0) n++;
  if (rc < 0) return -1;
  ce->kind = WI_CE_EXPR;
  ce->expr = start;
  ce->expr_len = (uint32_t)(r->p - start);
  ce->index = n; /* the instruction count bounds the stack */
  return 0;
}

#define INVALID(...) return wi_err_set(err, WH_ERR_INVALID, __VA_ARGS__)

/* Types the expression (the validation algorithm over a value stack);
 * global.get names an immutable global among the first `visible`
 * (validate.c). */
int wi_constexpr_check(wh_module *m, const wi_constexpr *ce, uint32_t visible, uint8_t *type, wh_error *err) {
  wi_reader rd = { ce->expr, ce->expr + ce->expr_len + 1, ce->expr, err }, *r = &rd;
  uint8_t *st = malloc(ce->index + 1);
  uint32_t h = 0, op;
  wh_val imm;
  int rc = 0;
  if (!st) return wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  while (rc == 0 && (rc = next(r, &op, &imm)) == 0) {
    uint8_t t = 0;
    switch (op) {
      case OP_I32_CONST: t = WH_I32; break;
      case OP_I64_CONST: t = WH_I64; break;
      case OP_F32_CONST: t = WH_F32; break;
      case OP_F64_CONST: t = WH_F64; break;
      case OP_V128_CONST: t = WH_V128; break;
      case OP_REF_NULL:
        t = (uint8_t)imm.raw;
        if (t >= 0x80 && wi_vt_concrete_index(t) >= m->ntypes) { rc = wi_err_set(err, WH_ERR_INVALID, "unknown type %u", wi_vt_concrete_index(t)); break; }
        break;
      case OP_REF_FUNC:
        if (imm.raw >= m->nfuncs) { rc = wi_err_set(err, WH_ERR_INVALID, "unknown function %u", (uint32_t)imm.raw); break; }
        m->declared_funcs[imm.raw] = 1;
        t = wi_vt_of_func(m, (uint32_t)imm.raw);
        break;
      case OP_GLOBAL_GET: {
        uint32_t x = (uint32_t)imm.raw;
        if (x >= visible) { rc = wi_err_set(err, WH_ERR_INVALID, "unknown global %u", x); break; }
        if (m->globals[x].type.mutable_) {
          rc = wi_err_set(err, WH_ERR_INVALID, "constant expression required: global %u is mutable", x);
          break;
        }
        t = m->globals[x].type.type;
        break;
      }
      default: { /* i32/i64 add, sub, mul */
        uint8_t want = op <= OP_I32_MUL ? WH_I32 : WH_I64;
        if (h < 2 || st[h - 1] != want || st[h - 2] != want) {
          rc = wi_err_set(err, WH_ERR_INVALID, "type mismatch: %s needs two %s operands",
                          wi_op(op)->text, wh_valtype_name(want));
          break;
        }
        h -= 2;
        t = want;
      }
    }
    if (rc == 0) st[h++] = t;
  }
  if (rc < 0 || (rc == 1 && h != 1)) {
    if (rc == 1) wi_err_set(err, WH_ERR_INVALID, "type mismatch: constant expression leaves %u values", h);
    free(st);
    return err ? err->status : -1;
  }
  *type = st[0];
  free(st);
  return 0;
}

/* Evaluates a checked expression: every operation is total (the adds and
 * multiplies wrap). */
wh_val wi_constexpr_eval(wh_instance *inst, const wi_constexpr *ce) {
  wh_val small[16], *st = ce->index <= 16 ? small : malloc(ce->index * sizeof *st), out;
  wi_reader rd = { ce->expr, ce->expr + ce->expr_len + 1, ce->expr, NULL };
  uint32_t h = 0, op;
  wh_val imm;
  memset(&out, 0, sizeof out);
  if (!st) return out; /* out of memory: the zero value (checked below in practice never) */
  while (next(&rd, &op, &imm) == 0) {
    wh_val *a = h >= 2 ? &st[h - 2] : NULL;
    switch (op) {
      case OP_GLOBAL_GET: st[h++] = inst->globals[imm.raw]->val; break;
      case OP_REF_FUNC: memset(&st[h], 0, sizeof st[h]); st[h++].func = inst->funcs[imm.raw]; break;
      case OP_REF_NULL: memset(&st[h], 0, sizeof st[h]); h++; break;
      case OP_I32_ADD: a->raw = (uint32_t)(a->raw + a[1].raw); h--; break;
      case OP_I32_SUB: a->raw = (uint32_t)(a->raw - a[1].raw); h--; break;
      case OP_I32_MUL: a->raw = (uint32_t)((uint32_t)a->raw * (uint32_t)a[1].raw); h--; break;
      case OP_I64_ADD: a->raw += a[1].raw; h--; break;
      case OP_I64_SUB: a->raw -= a[1].raw; h--; break;
      case OP_I64_MUL: a->raw *= a[1].raw; h--; break;
      default: st[h++] = imm; break; /* the constants */
    }
  }
  if (h) out = st[h - 1];
  if (st != small) free(st);
  return out;
}
