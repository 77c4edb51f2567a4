/* The visitor's SIMD part: validates and translates the WI_V rows of
 * opcodes.def (0xFD prefix, spec 3.3.3 "vector instructions"), one case
 * per shape.  A v128 operand is one slot like any other value (wh_val is
 * 16 bytes wide), so the stack, locals, blocks and calls need nothing of
 * their own for it. */
#include "translate.h"

static const uint8_t v1[1] = { WH_V128 };
static const uint8_t v2[2] = { WH_V128, WH_V128 };
static const uint8_t v3[3] = { WH_V128, WH_V128, WH_V128 };

/* A fresh temp for the last instruction's destination (cell 1, half a),
 * which a following local.set may retarget: every SIMD handler reads its
 * operands before it writes. */
static int result(tr *t, uint8_t ty) {
  uint32_t dst = tr_slot(t, t->nst);
  TRY(tr_push_temp(t, ty));
  tr_mark_dst(t, 1, dst);
  return 0;
}

static int memarg(tr *t, uint32_t width, uint32_t *offset) {
  uint32_t align;
  TRY(wi_rd_u32(&t->r, &align));
  if (align & 0x40) TRY(tr_simd_mem_begin(t, &align)); /* another memory: tr_mem.c */
  TRY(wi_rd_u32(&t->r, offset));
  if (t->m->nmems == 0) FAILV("unknown memory 0");
  if (align >= 32 || (1u << align) > width) FAILV("alignment must not be larger than natural");
  return 0;
}

static int lane(tr *t, uint32_t nlanes, uint32_t *l) {
  uint8_t b;
  TRY(wi_rd_u8(&t->r, &b));
  if (b >= nlanes) FAILV("invalid lane index");
  *l = b;
  return 0;
}

/* 16 immediate bytes as two little-endian cells */
static int bytes16(tr *t, uint64_t *k, uint64_t *k2) {
  const uint8_t *p;
  TRY(wi_rd_bytes(&t->r, 16, &p));
  memcpy(k, p, 8);
  memcpy(k2, p + 8, 8);
  return 0;
}

/* The slots of the n operands on top, popped; the destination is then
 * tr_slot(t, t->nst). */
static int operands(tr *t, const uint8_t *ty, uint32_t n, uint32_t *s) {
  TRY(tr_need(t, ty, n));
  for (uint32_t k = 0; k < n; k++) s[k] = tr_operand(t, t->nst - n + k);
  tr_pop(t, n);
  return 0;
}

int tr_simd(tr *t, const wi_opinfo *oi) {
  uint32_t s[3] = { 0, 0, 0 }, l = 0, off = 0;
  uint64_t k = 0, k2 = 0;
  int ir = oi->ir;
  switch (oi->cls) {
    case WI_K_VUN:
    case WI_K_VTEST:
      TRY(operands(t, v1, 1, s));
      wi_DX_write(tr_emit(t, ir), (wi_DX){ .dst = tr_slot(t, t->nst), .x = s[0] });
      return result(t, oi->tout);
    case WI_K_VBIN:
      TRY(operands(t, v2, 2, s));
      wi_DXY_write(tr_emit(t, ir), (wi_DXY){ .dst = tr_slot(t, t->nst), .x = s[0], .y = s[1] });
      return result(t, WH_V128);
    case WI_K_VTERN:
      TRY(operands(t, v3, 3, s));
      wi_DXYZ_write(tr_emit(t, ir),
                    (wi_DXYZ){ .dst = tr_slot(t, t->nst), .x = s[0], .y = s[1], .z = s[2] });
      return result(t, WH_V128);
    case WI_K_VSHIFT: {
      const uint8_t ty[2] = { WH_V128, WH_I32 };
      TRY(tr_need(t, ty, 2));
      const tr_vent *c = &t->st[t->nst - 1];
      if (c->kind == E_CONST) { /* the count as an immediate (taken modulo the lane width) */
        l = (uint32_t)c->cval;
        s[0] = tr_operand(t, t->nst - 2);
        tr_pop(t, 2);
        wi_DXL_write(tr_emit(t, ir + 1), (wi_DXL){ .dst = tr_slot(t, t->nst), .x = s[0], .lane = l });
        return result(t, WH_V128);
      }
      TRY(operands(t, ty, 2, s));
      wi_DXY_write(tr_emit(t, ir), (wi_DXY){ .dst = tr_slot(t, t->nst), .x = s[0], .y = s[1] });
      return result(t, WH_V128);
    }
    case WI_K_VSPLAT:
      TRY(operands(t, &oi->tin, 1, s));
      wi_DX_write(tr_emit(t, ir), (wi_DX){ .dst = tr_slot(t, t->nst), .x = s[0] });
      return result(t, WH_V128);
    case WI_K_VEXTRACT:
      TRY(lane(t, oi->width, &l));
      TRY(operands(t, v1, 1, s));
      wi_DXL_write(tr_emit(t, ir), (wi_DXL){ .dst = tr_slot(t, t->nst), .x = s[0], .lane = l });
      return result(t, oi->tout);
    case WI_K_VREPLACE: {
      const uint8_t ty[2] = { WH_V128, oi->tin };
      TRY(lane(t, oi->width, &l));
      TRY(operands(t, ty, 2, s));
      wi_DXYL_write(tr_emit(t, ir),
                    (wi_DXYL){ .dst = tr_slot(t, t->nst), .x = s[0], .y = s[1], .lane = l });
      return result(t, WH_V128);
    }
    case WI_K_VLOAD: {
      const uint8_t ty[1] = { WH_I32 };
      uint32_t k32 = 0;
      TRY(memarg(t, oi->width, &off));
      TRY(tr_need(t, ty, 1));
      /* an i32.add that computed the address folds in, as for scalar loads */
      int fa = tr_fold_address(t, t->nst - 1, 0, &s[0], &k32);
      if (fa == 1) s[0] = tr_operand(t, t->nst - 1);
      tr_pop(t, 1);
      if (fa == 2)
        wi_LDX_write(tr_emit(t, ir + 1), (wi_LDX){ .dst = tr_slot(t, t->nst), .addr = s[0], .off = off, .idx = k32 });
      else
        wi_LD_write(tr_emit(t, ir), (wi_LD){ .dst = tr_slot(t, t->nst), .addr = s[0], .off = off, .k = k32 });
      return result(t, WH_V128);
    }
    case WI_K_VSTORE: {
      const uint8_t ty[2] = { WH_I32, WH_V128 };
      TRY(memarg(t, 16, &off));
      TRY(operands(t, ty, 2, s));
      wi_ST_write(tr_emit(t, ir), (wi_ST){ .addr = s[0], .val = s[1], .off = off, .k = 0 });
      tr_no_dst(t);
      return 0;
    }
    case WI_K_VLOADLANE: {
      const uint8_t ty[2] = { WH_I32, WH_V128 };
      TRY(memarg(t, 16 / oi->width, &off));
      TRY(lane(t, oi->width, &l));
      TRY(operands(t, ty, 2, s));
      wi_LDL_write(tr_emit(t, ir), (wi_LDL){ .dst = tr_slot(t, t->nst), .addr = s[0], .off = off,
                                               .lane = l, .x = s[1] });
      return result(t, WH_V128);
    }
    case WI_K_VSTORELANE: {
      const uint8_t ty[2] = { WH_I32, WH_V128 };
      TRY(memarg(t, 16 / oi->width, &off));
      TRY(lane(t, oi->width, &l));
      TRY(operands(t, ty, 2, s));
      wi_STL_write(tr_emit(t, ir), (wi_STL){ .addr = s[0], .val = s[1], .off = off, .lane = l });
      tr_no_dst(t);
      return 0;
    }
    case WI_K_VCONST:
      TRY(bytes16(t, &k, &k2));
      wi_DKK_write(tr_emit(t, ir), (wi_DKK){ .dst = tr_slot(t, t->nst), .k = k, .k2 = k2 });
      return result(t, WH_V128);
    case WI_K_VSHUFFLE: {
      TRY(bytes16(t, &k, &k2));
      uint8_t idx[16];
      memcpy(idx, &k, 8);
      memcpy(idx + 8, &k2, 8);
      for (int i = 0; i < 16; i++)
        if (idx[i] >= 32) FAILV("invalid lane index");
      TRY(operands(t, v2, 2, s));
      wi_DXYKK_write(tr_emit(t, ir), (wi_DXYKK){ .dst = tr_slot(t, t->nst), .x = s[0], .y = s[1],
                                                   .k = k, .k2 = k2 });
      return result(t, WH_V128);
    }
  }
  return wi_rd_fail(&t->r, "illegal opcode");
}
