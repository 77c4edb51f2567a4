/* memory64 and table64 (3.0) in the visitor: an instruction on a memory or
 * table addressed by i64 is the 32-bit instruction after a check.
 *
 * The engine holds at most 4 GiB of a memory (memory.c) and 10^7 elements
 * of a table, so an address, length or index of 2^32 or more is always out
 * of bounds: each i64 operand is checked (ADDR_CHECK32 traps when its high
 * half is not zero) and then read as the i32 it equals, by the same
 * instruction, cached forms and fusions a 32-bit memory gets.  The checks
 * are exact: a 64-bit effective address that overflows traps like any
 * other.  A static offset of 2^32 or more always traps (TRAP_CODE).
 * memory.grow / table.grow clamp their i64 delta (a delta of 2^32 pages or
 * elements fails like any too large one) and sign-extend the result (-1).
 * Modules without 64-bit memories and tables never come here
 * (wh_module.any64), so 32-bit code is unchanged. */
#include "translate.h"

enum { POST_NONE, POST_I64, POST_EXTEND };

static bool mem64(const tr *t, uint32_t mem) { return mem < t->m->nmems && t->m->mems[mem].addr64; }
static bool tab64(const tr *t, uint32_t tab) { return tab < t->m->ntables && t->m->tables[tab].limits.addr64; }

/* The operand `depth` below the top must be an address of this width; an
 * i64 one is checked and retyped i32.  clamp: saturate instead of trap
 * (grow's delta), into the entry's own slot (a local must not change). */
static int addr_operand(tr *t, uint32_t depth, bool is64, bool clamp, uint32_t trap) {
  int64_t idx;
  TRY(tr_peek(t, depth, is64 ? WH_I64 : WH_I32, &idx));
  if (!is64 || idx < 0) return 0;
  if (clamp) {
    if (t->st[idx].kind != E_TEMP) tr_materialize(t, (uint32_t)idx);
    wi_D_write(tr_emit(t, IR_CLAMP32), (wi_D){ .dst = tr_slot(t, (uint32_t)idx) });
  } else {
    uint32_t slot = tr_operand(t, (uint32_t)idx);
    wi_XC_write(tr_emit(t, IR_ADDR_CHECK32), (wi_XC){ .x = slot, .code = trap });
  }
  tr_no_dst(t);
  t->st[idx].type = WH_I32;
  return 0;
}

/* A load or store whose static offset is 2^32 or more: typed, then a trap. */
static int access_oob(tr *t, const wi_opinfo *oi, wi_reader *after) {
  static const uint8_t v128[1] = { WH_V128 };
  bool simd = WI_K_IS_SIMD(oi->cls);
  bool load = oi->cls == WI_K_LOAD || oi->cls == WI_K_VLOAD || oi->cls == WI_K_VLOADLANE;
  if (oi->cls == WI_K_VLOADLANE || oi->cls == WI_K_VSTORELANE) {
    uint8_t lane;
    TRY(wi_rd_u8(after, &lane));
    if (lane >= oi->width) { t->r = *after; FAILV("invalid lane index"); }
  }
  t->r = *after;
  uint8_t ty[2] = { WH_I64, simd ? WH_V128 : oi->tin };
  uint32_t n = oi->cls == WI_K_LOAD || oi->cls == WI_K_VLOAD ? 1 : 2;
  TRY(tr_need(t, ty, n));
  tr_pop(t, n);
  wi_XC_write(tr_emit(t, IR_TRAP_CODE), (wi_XC){ .x = 0, .code = WH_TRAP_MEM_OOB });
  tr_no_dst(t);
  if (load) TRY(tr_push_temp(t, simd ? v128[0] : oi->tout));
  return 1;
}

static int access(tr *t, const wi_opinfo *oi) {
  wi_reader r = t->r;
  uint32_t align, mem = 0;
  uint64_t off;
  TRY(wi_rd_u32(&r, &align));
  if (align & 0x40) TRY(wi_rd_u32(&r, &mem));
  if (!mem64(t, mem)) return 0;
  TRY(wi_rd_u64(&r, &off));
  uint32_t width = oi->cls == WI_K_VSTORE ? 16 : (oi->cls == WI_K_VLOADLANE || oi->cls == WI_K_VSTORELANE)
                   ? 16u / oi->width : oi->width;
  if ((align & ~0x40u) >= 32 || (1u << (align & ~0x40u)) > width) {
    t->r = r;
    FAILV("alignment must not be larger than natural");
  }
  if (off > UINT32_MAX) return access_oob(t, oi, &r);
  bool one = oi->cls == WI_K_LOAD || oi->cls == WI_K_VLOAD;
  return addr_operand(t, one ? 0 : 1, true, false, WH_TRAP_MEM_OOB);
}

/* A memory index immediate at *r (one byte where 2.0 had a zero byte). */
static uint32_t peek_mem(wi_reader *r) {
  uint32_t x = 0;
  if (wi_rd_u32(r, &x)) return 0;
  return x;
}

int tr_addr64_pre(tr *t, uint32_t op, const wi_opinfo *oi, int *post) {
  wi_reader r = t->r;
  uint32_t a, b;
  *post = POST_NONE;
  switch (oi->cls) {
    case WI_K_LOAD: case WI_K_STORE: case WI_K_VLOAD: case WI_K_VSTORE: case WI_K_VLOADLANE:
    case WI_K_VSTORELANE:
      return access(t, oi);
    default: break;
  }
  switch (op) {
    case OP_MEMORY_SIZE:
      if (mem64(t, peek_mem(&r))) *post = POST_I64;
      return 0;
    case OP_MEMORY_GROW:
      if (!mem64(t, peek_mem(&r))) return 0;
      *post = POST_EXTEND;
      return addr_operand(t, 0, true, true, 0);
    case OP_MEMORY_FILL: {
      bool w = mem64(t, peek_mem(&r));
      TRY(addr_operand(t, 2, w, false, WH_TRAP_MEM_OOB));
      return addr_operand(t, 0, w, false, WH_TRAP_MEM_OOB);
    }
    case OP_MEMORY_COPY: {
      a = peek_mem(&r);
      b = peek_mem(&r);
      bool wd = mem64(t, a), ws = mem64(t, b);
      TRY(addr_operand(t, 2, wd, false, WH_TRAP_MEM_OOB));
      TRY(addr_operand(t, 1, ws, false, WH_TRAP_MEM_OOB));
      return addr_operand(t, 0, wd && ws, false, WH_TRAP_MEM_OOB);
    }
    case OP_MEMORY_INIT:
      if (wi_rd_u32(&r, &a)) return 0;
      return addr_operand(t, 2, mem64(t, peek_mem(&r)), false, WH_TRAP_MEM_OOB);
    case OP_CALL_INDIRECT: case OP_RETURN_CALL_INDIRECT:
      if (wi_rd_u32(&r, &a) || wi_rd_u32(&r, &b)) return 0;
      return addr_operand(t, 0, tab64(t, b), false, WH_TRAP_UNDEFINED_ELEM);
    case OP_TABLE_GET:
      if (wi_rd_u32(&r, &a)) return 0;
      return addr_operand(t, 0, tab64(t, a), false, WH_TRAP_TABLE_OOB);
    case OP_TABLE_SET:
      if (wi_rd_u32(&r, &a)) return 0;
      return addr_operand(t, 1, tab64(t, a), false, WH_TRAP_TABLE_OOB);
    case OP_TABLE_SIZE:
      if (wi_rd_u32(&r, &a)) return 0;
      if (tab64(t, a)) *post = POST_I64;
      return 0;
    case OP_TABLE_GROW:
      if (wi_rd_u32(&r, &a) || !tab64(t, a)) return 0;
      *post = POST_EXTEND;
      return addr_operand(t, 0, true, true, 0);
    case OP_TABLE_FILL: {
      if (wi_rd_u32(&r, &a)) return 0;
      bool w = tab64(t, a);
      TRY(addr_operand(t, 2, w, false, WH_TRAP_TABLE_OOB));
      return addr_operand(t, 0, w, false, WH_TRAP_TABLE_OOB);
    }
    case OP_TABLE_COPY: {
      if (wi_rd_u32(&r, &a) || wi_rd_u32(&r, &b)) return 0;
      bool wd = tab64(t, a), ws = tab64(t, b);
      TRY(addr_operand(t, 2, wd, false, WH_TRAP_TABLE_OOB));
      TRY(addr_operand(t, 1, ws, false, WH_TRAP_TABLE_OOB));
      return addr_operand(t, 0, wd && ws, false, WH_TRAP_TABLE_OOB);
    }
    case OP_TABLE_INIT:
      if (wi_rd_u32(&r, &a) || wi_rd_u32(&r, &b)) return 0;
      return addr_operand(t, 2, tab64(t, b), false, WH_TRAP_TABLE_OOB);
  }
  return 0;
}

/* After the instruction: its i32 result is an i64 one. */
void tr_addr64_post(tr *t, int post) {
  if (post == POST_NONE || t->nst == 0) return;
  tr_vent *e = &t->st[t->nst - 1];
  if (post == POST_EXTEND && !tr_dead(t)) {
    uint32_t s = tr_operand(t, t->nst - 1);
    wi_DX_write(tr_emit(t, IR_I64_EXTEND_I32_S), (wi_DX){ .dst = tr_slot(t, t->nst - 1), .x = s });
    e->kind = E_TEMP;
    tr_no_dst(t);
  }
  e->type = WH_I64;
  e->zx = false;
}
