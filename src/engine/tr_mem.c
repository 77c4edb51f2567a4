/* The visitor's multiple memories (3.0, spec 5.4.6: a memarg whose
 * alignment field has bit 6 set is followed by a memory index; the memory
 * instructions' zero bytes are memory indices).  An instruction that names
 * a memory other than 0 is translated here into the _M forms
 * (interp_mem.inc); memory 0 keeps the visitor's own, cached forms. */
#include "translate.h"

/* From each load/store instruction to its _M form. */
static const uint16_t to_m[IR_COUNT] = {
#define WI_LOAD(n, code, ...) [IR_##n] = IR_##n##_M,
#define WI_STORE(n, code, ...) [IR_##n] = IR_##n##_M,
#include "opcodes.def"
};

/* A memory index where 2.0 had a zero byte: one byte (2.0's malformed
 * `zero byte expected` for a longer encoding of 0 stays). */
static int mem_index(tr *t, uint32_t *mem) {
  uint8_t b;
  TRY(wi_rd_u8(&t->r, &b));
  if (b & 0x80) return wi_rd_fail(&t->r, "zero byte expected (a memory index is one byte here)");
  if (b >= t->m->nmems) FAILV("unknown memory %u", b);
  *mem = b;
  return 0;
}

bool tr_memarg_names_memory(tr *t) {
  wi_reader r = t->r;
  uint32_t align;
  return wi_rd_u32(&r, &align) == 0 && (align & 0x40);
}

int tr_access_mem(tr *t, const wi_opinfo *ni) {
  uint32_t align, mem, off;
  TRY(wi_rd_u32(&t->r, &align));
  TRY(wi_rd_u32(&t->r, &mem));
  TRY(wi_rd_u32(&t->r, &off));
  if (mem >= t->m->nmems) FAILV("unknown memory %u", mem);
  align &= ~0x40u;
  if (align >= 32 || (1u << align) > ni->width) FAILV("alignment must not be larger than natural");
  if (ni->cls == WI_K_LOAD) {
    TRY(tr_need1(t, WH_I32));
    uint32_t a = tr_operand(t, t->nst - 1);
    tr_pop(t, 1);
    uint32_t dst = tr_slot(t, t->nst);
    wi_LDM_write(tr_emit(t, to_m[ni->ir]), (wi_LDM){ .dst = dst, .addr = a, .off = off, .mem = mem });
    TRY(tr_push_temp(t, ni->tout));
    tr_mark_dst(t, 1, dst);
    return 0;
  }
  uint8_t ty[2] = { WH_I32, ni->tin };
  TRY(tr_need(t, ty, 2));
  uint32_t a = tr_operand(t, t->nst - 2), v = tr_operand(t, t->nst - 1);
  tr_pop(t, 2);
  wi_STM_write(tr_emit(t, to_m[ni->ir]), (wi_STM){ .addr = a, .val = v, .off = off, .mem = mem });
  tr_no_dst(t);
  return 0;
}

/* memory.size/grow/fill/copy/init naming a memory other than 0 (peeked:
 * the reader is left untouched when they name memory 0 only) */
bool tr_memory_op_names_memory(tr *t, uint32_t op) {
  wi_reader r = t->r;
  uint32_t x;
  uint8_t a, b = 0;
  if (op == OP_MEMORY_INIT && wi_rd_u32(&r, &x)) return false;
  if (wi_rd_u8(&r, &a)) return false;
  if (op == OP_MEMORY_COPY && wi_rd_u8(&r, &b)) return false;
  return (a != 0 && !(a & 0x80)) || (b != 0 && !(b & 0x80));
}

static const uint8_t three_i32[3] = { WH_I32, WH_I32, WH_I32 };

int tr_memory_op(tr *t, uint32_t op) {
  uint32_t mem, mem2, x, base;
  switch (op) {
    case OP_MEMORY_SIZE:
      TRY(mem_index(t, &mem));
      wi_DM_write(tr_emit(t, IR_MEMORY_SIZE_M), (wi_DM){ .dst = tr_slot(t, t->nst), .mem = mem });
      TRY(tr_push_temp(t, WH_I32));
      break;
    case OP_MEMORY_GROW:
      TRY(mem_index(t, &mem));
      TRY(tr_need1(t, WH_I32));
      tr_materialize(t, t->nst - 1);
      wi_DM_write(tr_emit(t, IR_MEMORY_GROW_M), (wi_DM){ .dst = tr_slot(t, t->nst - 1), .mem = mem });
      break;
    case OP_MEMORY_FILL:
      TRY(mem_index(t, &mem));
      TRY(tr_in_slots(t, three_i32, 3, &base));
      wi_BM_write(tr_emit(t, IR_MEMORY_FILL_M), (wi_BM){ .base = base, .mem = mem });
      break;
    case OP_MEMORY_COPY:
      TRY(mem_index(t, &mem));
      TRY(mem_index(t, &mem2));
      TRY(tr_in_slots(t, three_i32, 3, &base));
      wi_BMM_write(tr_emit(t, IR_MEMORY_COPY_M), (wi_BMM){ .base = base, .mem = mem, .mem2 = mem2 });
      break;
    case OP_MEMORY_INIT:
      TRY(wi_rd_u32(&t->r, &x));
      TRY(mem_index(t, &mem));
      if (!t->m->has_datacount) FAILV("data count section required");
      if (x >= t->m->datacount) FAILV("unknown data segment %u", x);
      TRY(tr_in_slots(t, three_i32, 3, &base));
      wi_SBM_write(tr_emit(t, IR_MEMORY_INIT_M), (wi_SBM){ .seg = x, .base = base, .mem = mem });
      break;
  }
  tr_no_dst(t);
  return 0;
}

/* SIMD accesses to a memory other than 0 (one generic path for every
 * SIMD load and store): the SIMD instruction runs between MEM_SWITCH, which
 * points the interpreter's cached memory at that memory, and MEM_RESTORE,
 * which points it back at memory 0 (interp_mem.inc).  Nothing between them
 * can call out or grow a memory. */
int tr_simd_mem_begin(tr *t, uint32_t *align) {
  uint32_t mem;
  TRY(wi_rd_u32(&t->r, &mem));
  if (mem >= t->m->nmems) FAILV("unknown memory %u", mem);
  *align &= ~0x40u;
  if (mem == 0) return 0;
  wi_S_write(tr_emit(t, IR_MEM_SWITCH), (wi_S){ .seg = mem });
  tr_no_dst(t);
  t->mem_switched = true;
  return 0;
}

void tr_simd_mem_end(tr *t) {
  tr_emit(t, IR_MEM_RESTORE);
  tr_no_dst(t);
  t->mem_switched = false;
}
