/* The native tier for x86-64 (jit.h says how it shares a function with
 * the interpreter).  Each internal instruction becomes a fixed template:
 * its operands are loaded from their slots (rbx holds the frame), the
 * operation runs in rax/rcx/rdx, the result is stored back.  What the
 * interpreter spends per instruction (loading the next handler, the
 * indirect jump, decoding operand cells) is gone, and compare-and-branch
 * becomes a compare and a conditional jump.  No register allocation:
 * values live in the frame between instructions, as in the interpreter,
 * so the interpreter can take over at any instruction.
 *
 * Registers for the life of a native run: rbx frame, r12 memory base,
 * r13 memory size, r14 the wi_exec (fuel), r15 the instance (globals),
 * rbp the function's code (to name a cell when handing back). */
#include "jit.h"

#include "ir.h"
#include "ops.h"

#if WI_JIT_AVAILABLE

#include <cpuid.h>
#include <sys/mman.h>
#include <unistd.h>

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
/* condition codes (the low nibble of jcc/setcc) */
enum { CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7, CC_S = 8,
       CC_L = 12, CC_GE = 13, CC_LE = 14, CC_G = 15 };

typedef struct jbuf {
  uint8_t *p;
  size_t n, cap;
  bool oom;
  /* The register the code just emitted stored to a slot (creg, -1 none)
   * and that slot: a load of it next reads the register instead (no
   * store-to-load wait between two instructions).  Anything emitted in
   * between forgets it, and so does every cell control flow can reach
   * from elsewhere (an entry or a branch target). */
  int creg;
  uint32_t cslot;
} jbuf;

static void put(jbuf *b, const void *src, size_t n) {
  b->creg = -1;
  if (b->oom) return;
  if (b->n + n > b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 4096;
    while (nc < b->n + n) nc *= 2;
    uint8_t *q = realloc(b->p, nc);
    if (!q) {
      b->oom = true;
      return;
    }
    b->p = q;
    b->cap = nc;
  }
  memcpy(b->p + b->n, src, n);
  b->n += n;
}
static void b1(jbuf *b, uint8_t v) { put(b, &v, 1); }
static void b4(jbuf *b, uint32_t v) { put(b, &v, 4); }
static void b8(jbuf *b, uint64_t v) { put(b, &v, 8); }
static void patch4(jbuf *b, size_t at, uint32_t v) {
  if (!b->oom) memcpy(b->p + at, &v, 4);
}

/* REX prefix: w 64-bit operand, r/x/b the high bits of reg, index, base.
 * `force` emits it even when empty (byte registers sil/dil). */
static void rex(jbuf *b, int w, int r, int x, int base, bool force) {
  uint8_t v = (uint8_t)(0x40 | (w ? 8 : 0) | ((r & 8) ? 4 : 0) | ((x & 8) ? 2 : 0) | ((base & 8) ? 1 : 0));
  if (v != 0x40 || force) b1(b, v);
}
/* rbx points this far into the frame, so that the first 16 slots are
 * reached with a one-byte displacement */
#define FP_BIAS 128
/* ModRM for [base + disp] (disp8 when it fits; rbp/r13 always take one) */
static void mem_disp(jbuf *b, int reg, int base, int32_t disp) {
  if (base == RBX) disp -= FP_BIAS;
  bool d8 = disp >= -128 && disp <= 127;
  b1(b, (uint8_t)((d8 ? 0x40 : 0x80) | ((reg & 7) << 3) | (base & 7)));
  if ((base & 7) == RSP) b1(b, 0x24);
  if (d8) b1(b, (uint8_t)(int8_t)disp);
  else b4(b, (uint32_t)disp);
}
/* op reg, [base + disp32] (or the reverse direction, by opcode) */
static void op_rm(jbuf *b, int w, const uint8_t *opc, int nopc, int reg, int base, int32_t disp) {
  rex(b, w, reg, 0, base, false);
  put(b, opc, (size_t)nopc);
  mem_disp(b, reg, base, disp);
}
/* op reg, reg2 (ModRM register direct: reg in the reg field, rm in r/m) */
static void op_rr(jbuf *b, int w, const uint8_t *opc, int nopc, int reg, int rm) {
  rex(b, w, reg, 0, rm, false);
  put(b, opc, (size_t)nopc);
  b1(b, (uint8_t)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
}
/* op reg, [r12 + index] (the linear memory) */
static void op_mem(jbuf *b, int w, const uint8_t *opc, int nopc, int reg, int index, bool byte_reg) {
  rex(b, w, reg, index, R12, byte_reg);
  put(b, opc, (size_t)nopc);
  b1(b, (uint8_t)(0x04 | ((reg & 7) << 3)));
  b1(b, (uint8_t)(((index & 7) << 3) | (R12 & 7)));
}

/* op reg, [base + index*8 + disp32] */
static void op_sib8(jbuf *b, int w, const uint8_t *opc, int nopc, int reg, int base, int index,
                    int32_t disp) {
  rex(b, w, reg, index, base, false);
  put(b, opc, (size_t)nopc);
  b1(b, (uint8_t)(0x84 | ((reg & 7) << 3)));
  b1(b, (uint8_t)(0xC0 | ((index & 7) << 3) | (base & 7)));
  b4(b, (uint32_t)disp);
}

#define OPC(...) (const uint8_t[]){ __VA_ARGS__ }, (int)sizeof((const uint8_t[]){ __VA_ARGS__ })

/* slot loads and stores (fp = rbx) */
static void ld32(jbuf *b, int r, uint32_t slot) {
  if (b->creg >= 0 && b->cslot == slot) { /* mov r32, creg32: zero-extends as the load */
    int cr = b->creg;
    op_rr(b, 0, OPC(0x8B), r, cr);
    /* creg still holds the whole slot unless it was the one truncated */
    if (cr != r) {
      b->creg = cr;
      b->cslot = slot;
    }
    return;
  }
  op_rm(b, 0, OPC(0x8B), r, RBX, (int32_t)slot);
}
static void ld64(jbuf *b, int r, uint32_t slot) {
  if (b->creg >= 0 && b->cslot == slot) {
    int cr = b->creg;
    if (cr != r) op_rr(b, 1, OPC(0x8B), r, cr);
    b->creg = cr;
    b->cslot = slot;
    return;
  }
  op_rm(b, 1, OPC(0x8B), r, RBX, (int32_t)slot);
}
static void st64(jbuf *b, int r, uint32_t slot) {
  op_rm(b, 1, OPC(0x89), r, RBX, (int32_t)slot);
  b->creg = r;
  b->cslot = slot;
}
/* an i64 operand (w) or an i32 one, whose upper half is not read */
static void ldw(jbuf *b, int w, int r, uint32_t slot) {
  if (w) ld64(b, r, slot);
  else ld32(b, r, slot);
}
static void mov_ri(jbuf *b, int r, uint64_t v) {
  if (v <= UINT32_MAX) { /* mov r32, imm32 zero-extends */
    rex(b, 0, 0, 0, r, false);
    b1(b, (uint8_t)(0xB8 | (r & 7)));
    b4(b, (uint32_t)v);
  } else if ((int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX) {
    rex(b, 1, 0, 0, r, false);
    b1(b, 0xC7);
    b1(b, (uint8_t)(0xC0 | (r & 7)));
    b4(b, (uint32_t)v);
  } else {
    rex(b, 1, 0, 0, r, false);
    b1(b, (uint8_t)(0xB8 | (r & 7)));
    b8(b, v);
  }
}
static void mov_rr(jbuf *b, int w, int dst, int src) { op_rr(b, w, OPC(0x8B), dst, src); }
static bool fits32(uint64_t v) { return (int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX; }

/* ALU ops, in x86's /digit order for the 0x81 group */
enum { A_ADD = 0, A_OR = 1, A_AND = 4, A_SUB = 5, A_XOR = 6, A_CMP = 7,
       A_MUL = 8, A_SHL, A_SHR_S, A_SHR_U, A_ROTL, A_ROTR };
static const uint8_t alu_rr[8] = { 0x01, 0x09, 0, 0, 0x21, 0x29, 0x31, 0x39 };
/* shifts: the D3/C1 group's /digit */
static int shift_digit(int a) {
  return a == A_SHL ? 4 : a == A_SHR_S ? 7 : a == A_SHR_U ? 5 : a == A_ROTL ? 0 : 1;
}
/* rax = rax op rcx */
static void alu_reg(jbuf *b, int a, int w) {
  if (a == A_MUL) {
    op_rr(b, w, OPC(0x0F, 0xAF), RAX, RCX);
  } else if (a >= A_SHL) {
    rex(b, w, 0, 0, RAX, false);
    b1(b, 0xD3);
    b1(b, (uint8_t)(0xC0 | (shift_digit(a) << 3) | RAX));
  } else {
    op_rr(b, w, &alu_rr[a], 1, RCX, RAX); /* op r/m(rax), reg(rcx) */
  }
}
/* rax = rax op k */
static void alu_imm(jbuf *b, int a, int w, uint64_t k) {
  if (a >= A_SHL) {
    rex(b, w, 0, 0, RAX, false);
    b1(b, 0xC1);
    b1(b, (uint8_t)(0xC0 | (shift_digit(a) << 3) | RAX));
    b1(b, (uint8_t)(k & (w ? 63 : 31)));
  } else if (w && !fits32(k)) {
    mov_ri(b, RCX, k);
    alu_reg(b, a, w);
  } else if (a == A_MUL) {
    op_rr(b, w, OPC(0x69), RAX, RAX);
    b4(b, (uint32_t)k);
  } else {
    rex(b, w, 0, 0, RAX, false);
    b1(b, 0x81);
    b1(b, (uint8_t)(0xC0 | (a << 3) | RAX));
    b4(b, (uint32_t)k);
  }
}
/* cmp r, k (k sign-extended from 32 bits when wide, else via rcx) */
static void cmp_imm(jbuf *b, int r, int w, uint64_t k) {
  if (w && !fits32(k)) {
    mov_ri(b, RCX, k);
    op_rr(b, w, OPC(0x39), RCX, r);
    return;
  }
  rex(b, w, 0, 0, r, false);
  b1(b, 0x81);
  b1(b, (uint8_t)(0xC0 | (7 << 3) | (r & 7)));
  b4(b, (uint32_t)k);
}
static void setcc_rax(jbuf *b, int cc) {
  b1(b, 0x0F); b1(b, (uint8_t)(0x90 | cc)); b1(b, 0xC0);  /* setcc al */
  b1(b, 0x0F); b1(b, 0xB6); b1(b, 0xC0);                  /* movzx eax, al */
}

/* The cells a branch of the instruction at `at` may go to, marked. */
static void mark_targets(bool *entry, uint32_t ncode, int op, const wi_cell *ip, uint32_t at) {
  for (uint32_t k = 0, n = wi_ir_ntargets(op, ip); k < n; k++) {
    uint32_t to = (uint32_t)((int32_t)at + wi_ir_target(op, ip, k));
    if (to < ncode) entry[to] = true;
  }
}

/* ------------------------------------------------------------------ */
/* The compilation of one function */

typedef struct fixup { size_t at; uint32_t cell; uint8_t kind; } fixup;
enum { FX_LABEL, FX_EXIT };

typedef struct jc {
  jbuf b;
  const wi_cell *code;
  uint32_t ncode;
  const uint8_t *ops;     /* per cell: its op at an instruction's start, 0xFF.. else */
  int16_t *opn;
  uint32_t *label;        /* per cell: native offset of its code */
  uint32_t *exit_at;      /* per cell: native offset of its hand-back stub, 0 none */
  bool *entry;
  fixup *fx;
  size_t nfx, capfx;
  const void *const *h;
  size_t epilogue;
} jc;

static void add_fix(jc *c, size_t at, uint32_t cell, uint8_t kind) {
  if (c->nfx == c->capfx) {
    size_t nc = c->capfx ? c->capfx * 2 : 256;
    fixup *q = realloc(c->fx, nc * sizeof *q);
    if (!q) {
      c->b.oom = true;
      return;
    }
    c->fx = q;
    c->capfx = nc;
  }
  c->fx[c->nfx++] = (fixup){ at, cell, kind };
}
/* jmp / jcc to the native code of cell `to` */
static void jmp_cell(jc *c, uint32_t to) {
  b1(&c->b, 0xE9);
  add_fix(c, c->b.n, to, FX_LABEL);
  b4(&c->b, 0);
}
static void jcc_cell(jc *c, int cc, uint32_t to) {
  b1(&c->b, 0x0F);
  b1(&c->b, (uint8_t)(0x80 | cc));
  add_fix(c, c->b.n, to, FX_LABEL);
  b4(&c->b, 0);
}
/* jcc to the stub that hands cell `at` back to the interpreter */
static void jcc_exit(jc *c, int cc, uint32_t at) {
  b1(&c->b, 0x0F);
  b1(&c->b, (uint8_t)(0x80 | cc));
  add_fix(c, c->b.n, at, FX_EXIT);
  b4(&c->b, 0);
}
static void jmp_exit(jc *c, uint32_t at) {
  b1(&c->b, 0xE9);
  add_fix(c, c->b.n, at, FX_EXIT);
  b4(&c->b, 0);
}

/* A taken branch from the instruction at `at` to cell `to`: backward
 * (and zero) offsets, or every offset when `force` (the _BACK forms),
 * pass the interpreter's fuel charge (interp.c's CHECK_STOP_BACK),
 * handing the branch back when the count would go negative so that the
 * interpreter charges it and stops or refills. */
/* the stop check of a taken back-edge, then (reg >= 0) the write the
 * instruction makes, then the jump; no flags are read after it */
static void charge_and_jump(jc *c, uint32_t at, uint32_t to, int reg, uint32_t slot) {
  int64_t d = ((int64_t)((int32_t)to - (int32_t)at) - 1) >> 1;
  op_rm(&c->b, 1, OPC(0x8B), RSI, R14, (int32_t)offsetof(wi_exec, fuel));
  rex(&c->b, 1, 0, 0, RSI, false); /* add rsi, d */
  b1(&c->b, 0x81);
  b1(&c->b, (uint8_t)(0xC0 | (RSI & 7)));
  b4(&c->b, (uint32_t)(int32_t)d);
  jcc_exit(c, CC_S, at);
  op_rm(&c->b, 1, OPC(0x89), RSI, R14, (int32_t)offsetof(wi_exec, fuel));
  if (reg >= 0) st64(&c->b, reg, slot);
  jmp_cell(c, to);
}
static void branch(jc *c, uint32_t at, uint32_t to, bool force) {
  if ((int32_t)to - (int32_t)at > 0 && !force) jmp_cell(c, to);
  else charge_and_jump(c, at, to, -1, 0);
}

/* jcc to `to` (with branch()'s checks) when cc holds, for an instruction
 * that also writes `reg` (>= 0) to `slot`: on a back-edge after the stop
 * check, so that a branch handed back is redone from the state before
 * the instruction (its write may feed its own inputs).  mov keeps the
 * flags of the compare. */
static void branch_if_st(jc *c, int cc, uint32_t at, uint32_t to, bool force, int reg,
                         uint32_t slot) {
  if ((int32_t)to - (int32_t)at > 0 && !force) {
    if (reg >= 0) st64(&c->b, reg, slot);
    jcc_cell(c, cc, to);
    return;
  }
  b1(&c->b, 0x0F); /* not taken: over the back-edge */
  b1(&c->b, (uint8_t)(0x80 | (cc ^ 1)));
  size_t skip = c->b.n;
  b4(&c->b, 0);
  charge_and_jump(c, at, to, reg, slot);
  patch4(&c->b, skip, (uint32_t)(c->b.n - (skip + 4)));
  if (reg >= 0) st64(&c->b, reg, slot);
}
static void branch_if(jc *c, int cc, uint32_t at, uint32_t to, bool force) {
  branch_if_st(c, cc, at, to, force, -1, 0);
}

/* ------------------------------------------------------------------ */
/* Memory accesses: rax = the effective address (33 bits at most, as
 * interp.c's EA), checked against r13 (the size) for `width` bytes. */

/* ea_addr_k's address already in rax (not a slot) */
#define ADDR_IN_RAX UINT32_MAX
static void ea_addr_k(jc *c, uint32_t addr_slot, bool has_addr, uint32_t k, bool k_is_slot,
                      uint32_t idx_slot, int scale, uint32_t off, uint32_t at, uint32_t width) {
  jbuf *b = &c->b;
  if (has_addr && addr_slot == ADDR_IN_RAX) mov_rr(b, 0, RAX, RAX); /* its low half */
  else if (has_addr) ld32(b, RAX, addr_slot);
  else mov_ri(b, RAX, 0);
  if (k_is_slot) {
    ld32(b, RCX, idx_slot);
    if (scale) {
      rex(b, 0, 0, 0, RCX, false); /* shl ecx, scale */
      b1(b, 0xC1);
      b1(b, (uint8_t)(0xC0 | (4 << 3) | RCX));
      b1(b, (uint8_t)scale);
    }
    op_rr(b, 0, OPC(0x01), RCX, RAX); /* add eax, ecx (wraps, zero-extends) */
  } else if (k) {
    rex(b, 0, 0, 0, RAX, false); /* add eax, k */
    b1(b, 0x81);
    b1(b, (uint8_t)(0xC0 | RAX));
    b4(b, k);
  } else if (!has_addr) {
    /* rax already 0 */
  } else {
    /* the 32-bit load zero-extended it */
  }
  if (off) {
    if (off <= INT32_MAX) {
      rex(b, 1, 0, 0, RAX, false); /* add rax, off */
      b1(b, 0x81);
      b1(b, (uint8_t)(0xC0 | RAX));
      b4(b, off);
    } else {
      mov_ri(b, RCX, off);
      op_rr(b, 1, OPC(0x01), RCX, RAX);
    }
  }
  /* lea rcx, [rax + width]; cmp rcx, r13; ja exit */
  b1(b, 0x48); b1(b, 0x8D); b1(b, 0x48); b1(b, (uint8_t)width);
  op_rr(b, 1, OPC(0x39), R13, RCX);
  jcc_exit(c, CC_A, at);
}

/* load kinds */
enum { MT_U8, MT_S8, MT_U16, MT_S16, MT_U32, MT_S32, MT_64 };
static uint32_t mt_width(int mt) {
  return mt <= MT_S8 ? 1 : mt <= MT_S16 ? 2 : mt <= MT_S32 ? 4 : 8;
}
/* rdx = [r12 + rax] extended as the load says (to64: an i64 result) */
static void load_mem(jc *c, int mt, bool to64) {
  jbuf *b = &c->b;
  switch (mt) {
  case MT_U8: op_mem(b, 0, OPC(0x0F, 0xB6), RDX, RAX, false); break;
  case MT_S8: op_mem(b, to64, OPC(0x0F, 0xBE), RDX, RAX, false); break;
  case MT_U16: op_mem(b, 0, OPC(0x0F, 0xB7), RDX, RAX, false); break;
  case MT_S16: op_mem(b, to64, OPC(0x0F, 0xBF), RDX, RAX, false); break;
  case MT_U32: op_mem(b, 0, OPC(0x8B), RDX, RAX, false); break;
  case MT_S32: op_mem(b, 1, OPC(0x63), RDX, RAX, false); break;
  default: op_mem(b, 1, OPC(0x8B), RDX, RAX, false); break;
  }
}
/* [r12 + rax] = rdx's low `width` bytes */
static void store_mem(jc *c, uint32_t width) {
  jbuf *b = &c->b;
  switch (width) {
  case 1: op_mem(b, 0, OPC(0x88), RDX, RAX, false); break;
  case 2: b1(b, 0x66); op_mem(b, 0, OPC(0x89), RDX, RAX, false); break;
  case 4: op_mem(b, 0, OPC(0x89), RDX, RAX, false); break;
  default: op_mem(b, 1, OPC(0x89), RDX, RAX, false); break;
  }
}

/* ------------------------------------------------------------------ */
/* What each internal instruction is, for the templates: filled once from
 * the enum (jit_init). */

enum {
  K_NONE = 0, /* no template: the function stays interpreted */
  K_EXIT,     /* handed back, and the instruction after it is an entry */
  K_BIN, K_BIN_I, K_BIN_I_AND, K_CMP, K_CMP_I, K_BRC, K_BRC_I, K_ABR, K_ABR_I,
  K_UN, K_DIVREM,
  K_LD, K_LD_X, K_LD_XS, K_LD_A, K_LD_BR,
  K_ST, K_ST_I, K_ST_X, K_ST_XI, K_ST_XS, K_ST_XSI, K_ST_A, K_ST_AI,
  K_LD2, K_ST2,
  K_COPY, K_CONST, K_BR, K_CONST_BR, K_BR_IF, K_BR_AND_I, K_BR_TABLE, K_BR_TABLE_K,
  K_SELECT, K_GGET, K_GSET, K_GSET32, K_COPY2, K_CONST_COPY, K_COPY_CONST, K_CONST2,
  K_NEZ, K_ADD_ZX_I, K_ADD_GSET32, K_FUSED, K_AI,
  K_HBIN, K_HBIN_I, K_HBRC, K_HBRC_I, K_HUN, K_HUNT,
  K_CALL, K_RET, /* native when the callee (caller) is; the next cell is an entry */
};
/* unary ops */
enum { U_EQZ, U_CLZ, U_CTZ, U_POPCNT, U_WRAP, U_EXT_S, U_EXT_U, U_EXT8, U_EXT16, U_EXT32 };


/* ------------------------------------------------------------------ */
/* Every numeric row of opcodes.def without a template of its own runs
 * its interpreter expression in a C function of raw slot bits (the same
 * macros, so the same results: NaN payloads, rounding, min/max), called
 * from the native code.  The trapping conversions return the trap code
 * beside the value, and a trap hands the instruction back. */
typedef struct hpair { uint64_t v, trap; } hpair;
#define WI_BIN(n, code, text, ti, to, expr)                                   \
  static uint64_t hb_##n(uint64_t ra, uint64_t rb) {                          \
    ct_##ti a = CV_##ti(ra), b = CV_##ti(rb);                                 \
    return TOR_##to(expr);                                                    \
  }
#define WI_CMP(n, code, text, ti, expr) WI_BIN(n, code, text, ti, I32, expr)
#define WI_UN(n, code, text, ti, to, expr)                                    \
  static uint64_t hu_##n(uint64_t ra) {                                       \
    ct_##ti a = CV_##ti(ra);                                                  \
    (void)a;                                                                  \
    return TOR_##to(expr);                                                    \
  }
#define WI_UNT(n, code, text, ti, to, fn)                                     \
  static hpair ht_##n(uint64_t ra) {                                          \
    ct_##to r;                                                                \
    int t = fn(CV_##ti(ra), &r);                                              \
    return (hpair){ t ? 0 : TOR_##to(r), (uint64_t)t };                       \
  }
#include "opcodes.def"

static const void *helper[IR_COUNT];

typedef struct opinfo {
  uint8_t kind, a, w64, cc, mt, sense, to64;
} opinfo;
static opinfo info[IR_COUNT];
static bool have_lzcnt, have_bmi1, have_popcnt;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* handler address -> op, for reading a function's code */
#define HMAP_BITS 12
static struct { const void *h; int16_t op; } hmap[1 << HMAP_BITS];
static const void *const *hmap_of;
static pthread_mutex_t hmap_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t hhash(const void *h) {
  uint64_t v = (uint64_t)(uintptr_t)h * 0x9E3779B97F4A7C15ull;
  return (uint32_t)(v >> (64 - HMAP_BITS));
}
static void hmap_fill(const void *const *h) {
  memset(hmap, 0, sizeof hmap);
  for (int op = 0; op < IR_COUNT; op++) {
    uint32_t i = hhash(h[op]);
    while (hmap[i].h && hmap[i].h != h[op]) i = (i + 1) & ((1 << HMAP_BITS) - 1);
    if (!hmap[i].h) {
      hmap[i].h = h[op];
      hmap[i].op = (int16_t)op;
    }
  }
  hmap_of = h;
}
static int hmap_op(const void *hp) {
  uint32_t i = hhash(hp);
  while (hmap[i].h) {
    if (hmap[i].h == hp) return hmap[i].op;
    i = (i + 1) & ((1 << HMAP_BITS) - 1);
  }
  return -1;
}

static void set(int op, uint8_t kind, uint8_t a, uint8_t w64) {
  info[op].kind = kind;
  info[op].a = a;
  info[op].w64 = w64;
}

static void jit_init(void) {
  unsigned a, b, c2, d;
  if (__get_cpuid(1, &a, &b, &c2, &d)) have_popcnt = (c2 >> 23) & 1;
  if (__get_cpuid_count(7, 0, &a, &b, &c2, &d)) have_bmi1 = (b >> 3) & 1;
  if (__get_cpuid(0x80000001, &a, &b, &c2, &d)) have_lzcnt = (c2 >> 5) & 1;

#define BIN32(n, al)                                                          \
  set(IR_##n, K_BIN, al, 0); set(IR_##n##_I, K_BIN_I, al, 0);                 \
  set(IR_##n##_I_AND, K_BIN_I_AND, al, 0);
#define BIN64(n, al) set(IR_##n, K_BIN, al, 1); set(IR_##n##_I, K_BIN_I, al, 1);
  BIN32(I32_ADD, A_ADD) BIN32(I32_SUB, A_SUB) BIN32(I32_MUL, A_MUL) BIN32(I32_AND, A_AND)
  BIN32(I32_OR, A_OR) BIN32(I32_XOR, A_XOR) BIN32(I32_SHL, A_SHL) BIN32(I32_SHR_S, A_SHR_S)
  BIN32(I32_SHR_U, A_SHR_U) BIN32(I32_ROTL, A_ROTL) BIN32(I32_ROTR, A_ROTR)
  BIN64(I64_ADD, A_ADD) BIN64(I64_SUB, A_SUB) BIN64(I64_MUL, A_MUL) BIN64(I64_AND, A_AND)
  BIN64(I64_OR, A_OR) BIN64(I64_XOR, A_XOR) BIN64(I64_SHL, A_SHL) BIN64(I64_SHR_S, A_SHR_S)
  BIN64(I64_SHR_U, A_SHR_U) BIN64(I64_ROTL, A_ROTL) BIN64(I64_ROTR, A_ROTR)
#define CMP(n, w, ccv)                                                        \
  set(IR_##n, K_CMP, 0, w); set(IR_##n##_I, K_CMP_I, 0, w);                   \
  set(IR_BRT_##n, K_BRC, 0, w); set(IR_BRT_##n##_I, K_BRC_I, 0, w);           \
  set(IR_BRF_##n, K_BRC, 0, w); set(IR_BRF_##n##_I, K_BRC_I, 0, w);           \
  set(IR_ABT_##n, K_ABR, 0, w); set(IR_ABT_##n##_I, K_ABR_I, 0, w);           \
  set(IR_ABF_##n, K_ABR, 0, w); set(IR_ABF_##n##_I, K_ABR_I, 0, w);           \
  info[IR_##n].cc = info[IR_##n##_I].cc = info[IR_BRT_##n].cc =              \
    info[IR_BRT_##n##_I].cc = info[IR_ABT_##n].cc = info[IR_ABT_##n##_I].cc = \
    info[IR_BRF_##n].cc = info[IR_BRF_##n##_I].cc = info[IR_ABF_##n].cc =     \
    info[IR_ABF_##n##_I].cc = ccv;                                            \
  info[IR_BRF_##n].sense = info[IR_BRF_##n##_I].sense = info[IR_ABF_##n].sense = \
    info[IR_ABF_##n##_I].sense = 1;
  CMP(I32_EQ, 0, CC_E) CMP(I32_NE, 0, CC_NE) CMP(I32_LT_S, 0, CC_L) CMP(I32_LT_U, 0, CC_B)
  CMP(I32_GT_S, 0, CC_G) CMP(I32_GT_U, 0, CC_A) CMP(I32_LE_S, 0, CC_LE) CMP(I32_LE_U, 0, CC_BE)
  CMP(I32_GE_S, 0, CC_GE) CMP(I32_GE_U, 0, CC_AE)
  CMP(I64_EQ, 1, CC_E) CMP(I64_NE, 1, CC_NE) CMP(I64_LT_S, 1, CC_L) CMP(I64_LT_U, 1, CC_B)
  CMP(I64_GT_S, 1, CC_G) CMP(I64_GT_U, 1, CC_A) CMP(I64_LE_S, 1, CC_LE) CMP(I64_LE_U, 1, CC_BE)
  CMP(I64_GE_S, 1, CC_GE) CMP(I64_GE_U, 1, CC_AE)
#define AI(n, ccv) set(IR_AIT_##n, K_AI, 0, 0); set(IR_AIF_##n, K_AI, 0, 0); \
  info[IR_AIT_##n].cc = info[IR_AIF_##n].cc = ccv; info[IR_AIF_##n].sense = 1;
  AI(I32_EQ, CC_E) AI(I32_NE, CC_NE) AI(I32_LT_S, CC_L) AI(I32_LT_U, CC_B) AI(I32_GT_S, CC_G)
  AI(I32_GT_U, CC_A) AI(I32_LE_S, CC_LE) AI(I32_LE_U, CC_BE) AI(I32_GE_S, CC_GE)
  AI(I32_GE_U, CC_AE)
  set(IR_I32_EQZ, K_UN, U_EQZ, 0); set(IR_I64_EQZ, K_UN, U_EQZ, 1);
  if (have_lzcnt) { set(IR_I32_CLZ, K_UN, U_CLZ, 0); set(IR_I64_CLZ, K_UN, U_CLZ, 1); }
  if (have_bmi1) { set(IR_I32_CTZ, K_UN, U_CTZ, 0); set(IR_I64_CTZ, K_UN, U_CTZ, 1); }
  if (have_popcnt) { set(IR_I32_POPCNT, K_UN, U_POPCNT, 0); set(IR_I64_POPCNT, K_UN, U_POPCNT, 1); }
  set(IR_I32_WRAP_I64, K_UN, U_WRAP, 0);
  set(IR_I64_EXTEND_I32_S, K_UN, U_EXT_S, 1);
  set(IR_I64_EXTEND_I32_U, K_UN, U_EXT_U, 1);
  set(IR_I32_EXTEND8_S, K_UN, U_EXT8, 0); set(IR_I32_EXTEND16_S, K_UN, U_EXT16, 0);
  set(IR_I64_EXTEND8_S, K_UN, U_EXT8, 1); set(IR_I64_EXTEND16_S, K_UN, U_EXT16, 1);
  set(IR_I64_EXTEND32_S, K_UN, U_EXT32, 1);
  /* div/rem: a = 0 div_s, 1 div_u, 2 rem_s, 3 rem_u */
  set(IR_I32_DIV_S, K_DIVREM, 0, 0); set(IR_I32_DIV_U, K_DIVREM, 1, 0);
  set(IR_I32_REM_S, K_DIVREM, 2, 0); set(IR_I32_REM_U, K_DIVREM, 3, 0);
  set(IR_I64_DIV_S, K_DIVREM, 0, 1); set(IR_I64_DIV_U, K_DIVREM, 1, 1);
  set(IR_I64_REM_S, K_DIVREM, 2, 1); set(IR_I64_REM_U, K_DIVREM, 3, 1);

#define LDI(n, m, t64)                                                        \
  set(IR_##n, K_LD, 0, 0); set(IR_##n##_X, K_LD_X, 0, 0);                     \
  set(IR_##n##_XS, K_LD_XS, 0, 0); set(IR_##n##_A, K_LD_A, 0, 0);             \
  info[IR_##n].mt = info[IR_##n##_X].mt = info[IR_##n##_XS].mt = info[IR_##n##_A].mt = m; \
  info[IR_##n].to64 = info[IR_##n##_X].to64 = info[IR_##n##_XS].to64 = info[IR_##n##_A].to64 = t64;
  LDI(I32_LOAD, MT_U32, 0) LDI(I64_LOAD, MT_64, 1) LDI(F32_LOAD, MT_U32, 0) LDI(F64_LOAD, MT_64, 1)
  LDI(I32_LOAD8_S, MT_S8, 0) LDI(I32_LOAD8_U, MT_U8, 0) LDI(I32_LOAD16_S, MT_S16, 0)
  LDI(I32_LOAD16_U, MT_U16, 0) LDI(I64_LOAD8_S, MT_S8, 1) LDI(I64_LOAD8_U, MT_U8, 1)
  LDI(I64_LOAD16_S, MT_S16, 1) LDI(I64_LOAD16_U, MT_U16, 1) LDI(I64_LOAD32_S, MT_S32, 1)
  LDI(I64_LOAD32_U, MT_U32, 1)
#define LDBR(n, m) set(IR_BRT_##n, K_LD_BR, 0, 0); set(IR_BRF_##n, K_LD_BR, 0, 0); \
  info[IR_BRT_##n].mt = info[IR_BRF_##n].mt = m; info[IR_BRF_##n].sense = 1;
  LDBR(I32_LOAD, MT_U32) LDBR(I32_LOAD8_S, MT_S8) LDBR(I32_LOAD8_U, MT_U8)
  LDBR(I32_LOAD16_S, MT_S16) LDBR(I32_LOAD16_U, MT_U16)
  set(IR_BRT_I64_LOAD, K_LD_BR, 0, 1); set(IR_BRF_I64_LOAD, K_LD_BR, 0, 1);
  info[IR_BRT_I64_LOAD].mt = info[IR_BRF_I64_LOAD].mt = MT_64;
  info[IR_BRT_I64_LOAD].to64 = info[IR_BRF_I64_LOAD].to64 = 1;
  info[IR_BRF_I64_LOAD].sense = 1;
#define STI(n, wd)                                                            \
  set(IR_##n, K_ST, 0, 0); set(IR_##n##_I, K_ST_I, 0, 0);                     \
  set(IR_##n##_X, K_ST_X, 0, 0); set(IR_##n##_XI, K_ST_XI, 0, 0);             \
  set(IR_##n##_XS, K_ST_XS, 0, 0); set(IR_##n##_XSI, K_ST_XSI, 0, 0);         \
  set(IR_##n##_A, K_ST_A, 0, 0); set(IR_##n##_AI, K_ST_AI, 0, 0);             \
  info[IR_##n].mt = info[IR_##n##_I].mt = info[IR_##n##_X].mt = info[IR_##n##_XI].mt = \
    info[IR_##n##_XS].mt = info[IR_##n##_XSI].mt = info[IR_##n##_A].mt =     \
    info[IR_##n##_AI].mt = wd;
  STI(I32_STORE, 4) STI(I64_STORE, 8) STI(F32_STORE, 4) STI(F64_STORE, 8) STI(I32_STORE8, 1)
  STI(I32_STORE16, 2) STI(I64_STORE8, 1) STI(I64_STORE16, 2) STI(I64_STORE32, 4)
  /* proved in bounds (tr_bce.c): the same templates, checks kept */
#define NCL(n, m, t64) set(IR_##n, K_LD, 0, 0); info[IR_##n].mt = m; info[IR_##n].to64 = t64;
  NCL(I32_LOAD_NC, MT_U32, 0) NCL(I64_LOAD_NC, MT_64, 1) NCL(F64_LOAD_NC, MT_64, 1)
  NCL(I32_LOAD8_U_NC, MT_U8, 0) NCL(I64_LOAD8_U_NC, MT_U8, 1) NCL(I64_LOAD32_U_NC, MT_U32, 1)
  set(IR_I32_LOAD_A_NC, K_LD_A, 0, 0); info[IR_I32_LOAD_A_NC].mt = MT_U32;
  set(IR_BRT_I32_LOAD_NC, K_LD_BR, 0, 0); set(IR_BRF_I32_LOAD_NC, K_LD_BR, 0, 0);
  info[IR_BRT_I32_LOAD_NC].mt = info[IR_BRF_I32_LOAD_NC].mt = MT_U32;
  info[IR_BRF_I32_LOAD_NC].sense = 1;
#define NCS(n, k, wd) set(IR_##n, k, 0, 0); info[IR_##n].mt = wd;
  NCS(I32_STORE_NC, K_ST, 4) NCS(I64_STORE_NC, K_ST, 8) NCS(F64_STORE_NC, K_ST, 8)
  NCS(I32_STORE8_NC, K_ST, 1) NCS(I32_STORE16_NC, K_ST, 2) NCS(I64_STORE8_NC, K_ST, 1)
  NCS(I64_STORE32_NC, K_ST, 4) NCS(I32_STORE_A_NC, K_ST_A, 4) NCS(I32_STORE_I_NC, K_ST_I, 4)
  NCS(I64_STORE_I_NC, K_ST_I, 8) NCS(I64_STORE8_I_NC, K_ST_I, 1)
  NCS(I64_LOAD2, K_LD2, 8) NCS(I32_LOAD2, K_LD2, 4) NCS(I64_STORE2, K_ST2, 8) NCS(I32_STORE2, K_ST2, 4)
  NCS(I32_LOAD2_NC, K_LD2, 4) NCS(I64_LOAD2_NC, K_LD2, 8) NCS(I32_STORE2_NC, K_ST2, 4)
  NCS(I64_STORE2_NC, K_ST2, 8) NCS(I32_LOAD2_NC1, K_LD2, 4) NCS(I32_LOAD2_NC2, K_LD2, 4)
  NCS(I64_LOAD2_NC1, K_LD2, 8) NCS(I64_LOAD2_NC2, K_LD2, 8) NCS(I32_STORE2_NC1, K_ST2, 4)
  NCS(I32_STORE2_NC2, K_ST2, 4) NCS(I64_STORE2_NC1, K_ST2, 8) NCS(I64_STORE2_NC2, K_ST2, 8)

  set(IR_COPY, K_COPY, 0, 0);
  set(IR_CONST, K_CONST, 0, 0);
  set(IR_BR, K_BR, 0, 0);
  set(IR_BR_BACK, K_BR, 0, 0);
  set(IR_CONST_BR_BACK, K_CONST_BR, 0, 0);
  /* BR_IF family: w64, sense 1 = taken on zero */
  set(IR_BR_IF, K_BR_IF, 0, 0); set(IR_BR_IF_BACK, K_BR_IF, 0, 0);
  set(IR_BR_IFZ, K_BR_IF, 0, 0); set(IR_BR_IFZ_BACK, K_BR_IF, 0, 0);
  set(IR_BR_IF64, K_BR_IF, 0, 1); set(IR_BR_IF64_BACK, K_BR_IF, 0, 1);
  set(IR_BR_IFZ64, K_BR_IF, 0, 1); set(IR_BR_IFZ64_BACK, K_BR_IF, 0, 1);
  info[IR_BR_IFZ].sense = info[IR_BR_IFZ_BACK].sense = 1;
  info[IR_BR_IFZ64].sense = info[IR_BR_IFZ64_BACK].sense = 1;
  set(IR_BR_AND_I, K_BR_AND_I, 0, 0); set(IR_BR_ANDZ_I, K_BR_AND_I, 0, 0);
  info[IR_BR_ANDZ_I].sense = 1;
  set(IR_BR_TABLE, K_BR_TABLE, 0, 0);
  set(IR_BR_TABLE_K, K_BR_TABLE_K, 0, 0);
  set(IR_SELECT, K_SELECT, 0, 0);
  set(IR_GLOBAL_GET, K_GGET, 0, 0);
  set(IR_GLOBAL_SET, K_GSET, 0, 0);
  set(IR_GLOBAL_SET32, K_GSET32, 0, 0);
  set(IR_COPY2, K_COPY2, 0, 0);
  set(IR_CONST_COPY, K_CONST_COPY, 0, 0);
  set(IR_COPY_CONST, K_COPY_CONST, 0, 0);
  set(IR_CONST2, K_CONST2, 0, 0);
  set(IR_I32_NEZ, K_NEZ, 0, 0);
  set(IR_I64_NEZ, K_NEZ, 0, 1);
  set(IR_I64_ADD_ZX_I, K_ADD_ZX_I, 0, 0);
  set(IR_ADD_GLOBAL_SET32, K_ADD_GSET32, 0, 0);

  static const int fusions[] = {
    IR_COPY_BR_IF, IR_COPY_BR_IF_BACK, IR_COPY_BR_IFZ, IR_COPY_BR_IFZ_BACK, IR_ADDI_BR_IF,
    IR_ADDI_BR_IF_BACK, IR_ADDI_BR_IFZ, IR_ADDI_BR_IFZ_BACK, IR_GLOBAL_GET_BR_IF,
    IR_GLOBAL_GET_BR_IF_BACK, IR_GLOBAL_GET_BR_IFZ, IR_GLOBAL_GET_BR_IFZ_BACK, IR_BR_IF_GLOBAL,
    IR_BR_IFZ_GLOBAL, IR_ADDI2, IR_ADD_ADDI, IR_SELECT_KX, IR_SELECT_XK, IR_SELECT_KK,
    IR_SHL_ADD, IR_COPY3, IR_ADDI_COPY, IR_ADDI_CONST, IR_LDOP_I32_LOAD_ADD,
    IR_LDOP_I32_LOAD_AND, IR_LDOP_I32_LOAD_XOR, IR_LDOP_I32_LOAD_MUL, IR_LDOP_I32_LOAD8_U_XOR,
    IR_LDOP_I32_LOAD_ADD_I, IR_LDOP_I32_LOAD_AND_I, IR_LDOP_I32_LOAD_SHR_U_I,
    IR_LDOP_I32_LOAD_SHL_I, IR_ADDI_I32_LOAD, IR_ADDI_I64_LOAD, IR_ADDI_I32_LOAD_X,
    IR_ADDI_I32_LOAD8_U_X, IR_ADDI_I64_LOAD_X, IR_ADDI_I32_STORE, IR_ADDI_I64_STORE,
    IR_I64_LOAD_STORE, IR_COPY_I32_LOAD, IR_COPY_I32_LOAD8_U, IR_XOR_ROTL32, IR_XOR_ROTL64,
    IR_SHR_U_XOR32, IR_SHL_XOR32, IR_ROTL_XOR64, IR_ADD_ADD32, IR_XOR_XOR64, IR_AND_XOR64,
    IR_ADD_ADD64, IR_SHL_ADD_I32_LOAD, IR_ADD_GLOBAL_SET32_I64_STORE_I,
  };
  for (size_t i = 0; i < sizeof fusions / sizeof fusions[0]; i++) info[fusions[i]].kind = K_FUSED;
  /* helpers where no template is (float rows; bit counts without the
   * CPU's instructions) */
#define HSET(op, k, fn) if (info[op].kind == K_NONE) { info[op].kind = k; helper[op] = (const void *)fn; }
#define WI_BIN(n, code, text, ti, to, expr) HSET(IR_##n, K_HBIN, hb_##n) HSET(IR_##n##_I, K_HBIN_I, hb_##n)
#define WI_CMP(n, code, text, ti, expr)                                       \
  HSET(IR_##n, K_HBIN, hb_##n) HSET(IR_##n##_I, K_HBIN_I, hb_##n)             \
  HSET(IR_BRT_##n, K_HBRC, hb_##n) HSET(IR_BRT_##n##_I, K_HBRC_I, hb_##n)     \
  HSET(IR_BRF_##n, K_HBRC, hb_##n) HSET(IR_BRF_##n##_I, K_HBRC_I, hb_##n)     \
  info[IR_BRF_##n].sense = info[IR_BRF_##n##_I].sense = 1;
#define WI_UN(n, code, text, ti, to, expr) HSET(IR_##n, K_HUN, hu_##n)
#define WI_UNT(n, code, text, ti, to, fn) HSET(IR_##n, K_HUNT, ht_##n)
#include "opcodes.def"
#undef HSET
  /* handed back: calls and returns (the instruction after a call is an
   * entry, where the callee returns to), and what is rare or leaves */
  static const int exits[] = {
    IR_UNREACHABLE, IR_CALL_IMPORT,
    IR_CALL_INDIRECT, IR_RETURN_CALL, IR_RETURN_CALL_IMPORT, IR_RETURN_CALL_INDIRECT,
    IR_MEMORY_SIZE, IR_MEMORY_GROW, IR_MEMORY_INIT,
    IR_DATA_DROP, IR_MEMORY_COPY, IR_MEMORY_FILL, IR_TABLE_GET, IR_TABLE_SET, IR_TABLE_INIT,
    IR_ELEM_DROP, IR_TABLE_COPY, IR_TABLE_GROW, IR_TABLE_SIZE, IR_TABLE_FILL, IR_REF_FUNC,
    IR_TRAP_CODE, IR_CALL_REF, IR_RETURN_CALL_REF, IR_THROW, IR_THROW_REF, IR_RETHROW,
    IR_ADD_GLOBAL_SET32_RETURN_CONST,
  };
  for (size_t i = 0; i < sizeof exits / sizeof exits[0]; i++) info[exits[i]].kind = K_EXIT;
  info[IR_CALL].kind = info[IR_CALL_K].kind = info[IR_COPY_CALL].kind = K_CALL;
  info[IR_RETURN].kind = info[IR_RETURN_CONST].kind = info[IR_COPY_RETURN].kind = K_RET;
}

/* ------------------------------------------------------------------ */

static int unary(jc *c, const opinfo *in, const wi_cell *ip) {
  jbuf *b = &c->b;
  wi_DX o = wi_DX_read(ip);
  uint32_t d = WI_ENC_SLOT(o.dst), x = WI_ENC_SLOT(o.x);
  int w = in->w64;
  switch (in->a) {
  case U_EQZ:
    ldw(b, w, RAX, x);
    op_rr(b, w, OPC(0x85), RAX, RAX); /* test */
    setcc_rax(b, CC_E);
    break;
  case U_CLZ:
  case U_CTZ:
  case U_POPCNT:
    /* F3 [REX.W] 0F BD/BC/B8 /r: lzcnt/tzcnt/popcnt rax, rcx (the prefix
     * goes before REX) */
    ld64(b, RCX, x);
    b1(b, 0xF3);
    if (w) b1(b, 0x48);
    b1(b, 0x0F);
    b1(b, in->a == U_CLZ ? 0xBD : in->a == U_CTZ ? 0xBC : 0xB8);
    b1(b, 0xC1);
    break;
  case U_WRAP: ld32(b, RAX, x); break;
  case U_EXT_S: op_rm(b, 1, OPC(0x63), RAX, RBX, (int32_t)x); break;
  case U_EXT_U: ld32(b, RAX, x); break;
  case U_EXT8: op_rm(b, w, OPC(0x0F, 0xBE), RAX, RBX, (int32_t)x); break;
  case U_EXT16: op_rm(b, w, OPC(0x0F, 0xBF), RAX, RBX, (int32_t)x); break;
  case U_EXT32: op_rm(b, 1, OPC(0x63), RAX, RBX, (int32_t)x); break;
  default: return -1;
  }
  st64(b, RAX, d);
  return 0;
}

/* div/rem: handed back when the interpreter would trap (zero divisor,
 * signed overflow of div) and for rem_s by -1 (the one case idiv faults
 * on and wasm does not) */
static int divrem(jc *c, const opinfo *in, const wi_cell *ip, uint32_t at) {
  jbuf *b = &c->b;
  wi_DXY o = wi_DXY_read(ip);
  int w = in->w64;
  bool sgn = in->a == 0 || in->a == 2, rem = in->a >= 2;
  ldw(b, w, RAX, WI_ENC_SLOT(o.x));
    ldw(b, w, RCX, WI_ENC_SLOT(o.y));
  op_rr(b, w, OPC(0x85), RCX, RCX);
  jcc_exit(c, CC_E, at);
  if (sgn) {
    cmp_imm(b, RCX, w, (uint64_t)-1);
    jcc_exit(c, CC_E, at);
    if (w) b1(b, 0x48);
    b1(b, 0x99); /* cdq / cqo */
    rex(b, w, 0, 0, RCX, false);
    b1(b, 0xF7);
    b1(b, (uint8_t)(0xC0 | (7 << 3) | RCX)); /* idiv rcx */
  } else {
    op_rr(b, 0, OPC(0x31), RDX, RDX); /* xor edx, edx */
    rex(b, w, 0, 0, RCX, false);
    b1(b, 0xF7);
    b1(b, (uint8_t)(0xC0 | (6 << 3) | RCX)); /* div rcx */
  }
  if (rem) mov_rr(b, w, RAX, RDX);
  if (!w) mov_rr(b, 0, RAX, RAX); /* zero-extend */
  st64(b, RAX, WI_ENC_SLOT(o.dst));
  return 0;
}

static uint32_t target(uint32_t at, int32_t off) { return (uint32_t)((int32_t)at + off); }

/* ------------------------------------------------------------------ */
/* Calls of native functions in the same instance and returns to them,
 * without leaving native code: interp.c's ENTER_WASM and L_RETURN done
 * here, every check before the first write (a failed one hands the
 * instruction back and the interpreter does it all, or traps). */
#define EXF(f) ((int32_t)offsetof(wi_exec, f))
#define FDF(f) ((int32_t)offsetof(wi_funcdef, f))
#define FRF(f) ((int32_t)offsetof(wi_frame, f))

static int call_native(jc *c, uint32_t at, uint32_t func, uint32_t base, uint32_t ret,
                       bool has_k, uint64_t k) {
  jbuf *b = &c->b;
  uint64_t fo = (uint64_t)func * sizeof(wi_funcdef);
  if (fo > INT32_MAX || (uint64_t)ret * sizeof(wi_cell) > INT32_MAX) return -1;
  op_rm(b, 1, OPC(0x8B), RDI, R15, (int32_t)offsetof(wh_instance, defs));
  if (fo) op_rm(b, 1, OPC(0x8D), RDI, RDI, (int32_t)fo);      /* rdi = callee */
  op_rm(b, 1, OPC(0x8B), RSI, RDI, FDF(jit));                 /* its native code */
  op_rr(b, 1, OPC(0x85), RSI, RSI);
  jcc_exit(c, CC_E, at);
  op_rm(b, 1, OPC(0x8B), R8, RDI, FDF(code));
  op_rr(b, 1, OPC(0x85), R8, R8);
  jcc_exit(c, CC_E, at);
  op_rm(b, 1, OPC(0x8B), RAX, R14, EXF(fuel));                /* the call's charge */
  alu_imm(b, A_SUB, 1, 1);
  jcc_exit(c, CC_S, at);
  op_rm(b, 1, OPC(0x8B), RCX, R14, EXF(top));                 /* a frame left? */
  op_rm(b, 1, OPC(0x3B), RCX, R14, EXF(frames_end));
  jcc_exit(c, CC_AE, at);
  op_rm(b, 1, OPC(0x8D), RDX, RBX, (int32_t)base);            /* rdx = the callee's frame */
  op_rm(b, 0, OPC(0x8B), R9, RDI, FDF(frame_slots));
  rex(b, 1, 0, 0, R9, false); b1(b, 0xC1); b1(b, (uint8_t)(0xC0 | (4 << 3) | (R9 & 7))); b1(b, 4);
  op_rr(b, 1, OPC(0x01), RDX, R9);
  op_rm(b, 1, OPC(0x3B), R9, R14, EXF(stack_end));            /* and room for it */
  jcc_exit(c, CC_A, at);
  /* checked: charge, push the frame, zero the callee's locals, switch */
  op_rm(b, 1, OPC(0x89), RAX, R14, EXF(fuel));
  op_rm(b, 1, OPC(0x8D), R9, RBP, (int32_t)(ret * sizeof(wi_cell)));
  op_rm(b, 1, OPC(0x89), R9, RCX, FRF(ip));
  op_rm(b, 1, OPC(0x8D), R9, RBX, 0);
  op_rm(b, 1, OPC(0x89), R9, RCX, FRF(fp));
  op_rm(b, 1, OPC(0x89), R15, RCX, FRF(inst));
  op_rm(b, 1, OPC(0x8B), R9, R14, EXF(jit_def));
  op_rm(b, 1, OPC(0x89), R9, RCX, FRF(def));
  op_rm(b, 1, OPC(0x8D), RCX, RCX, (int32_t)sizeof(wi_frame));
  op_rm(b, 1, OPC(0x89), RCX, R14, EXF(top));
  if (has_k) {
    mov_ri(b, R9, k);
    op_rm(b, 1, OPC(0x89), R9, RDX, 0);
  }
  op_rm(b, 0, OPC(0x8B), R9, RDI, FDF(zero_lo));
  op_rr(b, 1, OPC(0x01), RDX, R9);
  op_rm(b, 0, OPC(0x8B), R10, RDI, FDF(zero_hi));
  op_rr(b, 1, OPC(0x01), RDX, R10);
  op_rr(b, 0, OPC(0x31), RAX, RAX);
  size_t loop = b->n;
  op_rr(b, 1, OPC(0x39), R10, R9);                            /* cmp r9, r10 */
  b1(b, 0x73); size_t done = b->n; b1(b, 0);                  /* jae done */
  op_rm(b, 1, OPC(0x89), RAX, R9, 0);
  op_rm(b, 1, OPC(0x89), RAX, R9, 8);
  op_rm(b, 1, OPC(0x8D), R9, R9, 16);
  b1(b, 0xEB); b1(b, (uint8_t)(int8_t)((int64_t)loop - (int64_t)(b->n + 1)));
  if (!b->oom) b->p[done] = (uint8_t)(b->n - (done + 1));
  op_rm(b, 1, OPC(0x8D), RBX, RDX, FP_BIAS);                   /* fp = the callee's frame */
  mov_rr(b, 1, RBP, R8);
  op_rm(b, 1, OPC(0x89), RDI, R14, EXF(jit_def));
  rex(b, 0, 0, 0, RSI, false);                                /* jmp [rsi + start] */
  b1(b, 0xFF);
  mem_disp(b, 4, RSI, (int32_t)offsetof(wi_jit, start));
  return 0;
}

/* A return to a native caller in the same instance, not past the frame
 * the run started from: its return cell's entry found in the caller's
 * table as wi_jit_entry does. */
static void return_native(jc *c, uint32_t at) {
  jbuf *b = &c->b;
  op_rm(b, 1, OPC(0x8B), RAX, R14, EXF(top));
  op_rm(b, 1, OPC(0x3B), RAX, R14, EXF(jit_base));
  jcc_exit(c, CC_E, at);
  op_rm(b, 1, OPC(0x8D), RCX, RAX, -(int32_t)sizeof(wi_frame)); /* rcx = the caller's frame */
  op_rm(b, 1, OPC(0x3B), R15, RCX, FRF(inst));
  jcc_exit(c, CC_NE, at);
  op_rm(b, 1, OPC(0x8B), RDI, RCX, FRF(def));
  op_rm(b, 1, OPC(0x8B), RSI, RDI, FDF(jit));
  op_rr(b, 1, OPC(0x85), RSI, RSI);
  jcc_exit(c, CC_E, at);
  op_rm(b, 1, OPC(0x8B), R8, RDI, FDF(code));
  op_rm(b, 1, OPC(0x8B), RDX, RCX, FRF(ip));
  op_rr(b, 1, OPC(0x29), R8, RDX);                            /* rdx = ip - code */
  rex(b, 1, 0, 0, RDX, false); b1(b, 0xC1); b1(b, (uint8_t)(0xC0 | (5 << 3) | RDX)); b1(b, 3);
  op_rr(b, 0, OPC(0x69), R9, RDX);                            /* r9d = at * 2654435761 */
  b4(b, 2654435761u);
  op_rm(b, 0, OPC(0x23), R9, RSI, (int32_t)offsetof(wi_jit, mask));
  int32_t ent = (int32_t)offsetof(wi_jit, ent);
  size_t loop = b->n;
  op_sib8(b, 0, OPC(0x3B), RDX, RSI, R9, ent);                 /* cmp edx, ent[r9].cell */
  b1(b, 0x74); size_t found = b->n; b1(b, 0);                 /* je found */
  op_sib8(b, 0, OPC(0x8B), R10, RSI, R9, ent + 4);
  op_rr(b, 0, OPC(0x85), R10, R10);                           /* a free slot: not an entry */
  jcc_exit(c, CC_E, at);
  op_rm(b, 0, OPC(0x8D), R9, R9, 1);
  op_rm(b, 0, OPC(0x23), R9, RSI, (int32_t)offsetof(wi_jit, mask));
  b1(b, 0xEB); b1(b, (uint8_t)(int8_t)((int64_t)loop - (int64_t)(b->n + 1)));
  if (!b->oom) b->p[found] = (uint8_t)(b->n - (found + 1));
  op_sib8(b, 0, OPC(0x8B), R10, RSI, R9, ent + 4);            /* r10 = its offset */
  op_rm(b, 1, OPC(0x03), R10, RSI, (int32_t)offsetof(wi_jit, base));
  /* found: pop the frame and go on in the caller */
  op_rm(b, 1, OPC(0x89), RCX, R14, EXF(top));
  op_rm(b, 1, OPC(0x8B), R11, RCX, FRF(fp));
  op_rm(b, 1, OPC(0x8D), RBX, R11, FP_BIAS);
  op_rm(b, 1, OPC(0x8B), RBP, RDI, FDF(code));
  op_rm(b, 1, OPC(0x89), RDI, R14, EXF(jit_def));
  rex(b, 0, 0, 0, R10, false);                                /* jmp r10 */
  b1(b, 0xFF);
  b1(b, (uint8_t)(0xC0 | (4 << 3) | (R10 & 7)));
}

/* ------------------------------------------------------------------ */
/* The interpreter's fusions (interp_fused.inc), each its parts in order.
 * A part that writes a slot before an access that may trap is harmless
 * (a trap ends the frame); memory and global writes wait until every
 * check of the instruction has passed. */

static void addi32(jc *c, uint32_t dst, uint32_t x, uint32_t k) {
  ld32(&c->b, RAX, x);
  if (k) alu_imm(&c->b, A_ADD, 0, k);
  st64(&c->b, RAX, dst);
}
static void copy(jc *c, uint32_t dst, uint32_t x) {
  ld64(&c->b, RAX, x);
  st64(&c->b, RAX, dst);
}
static void set_const(jc *c, uint32_t dst, uint64_t k) {
  mov_ri(&c->b, RAX, k);
  st64(&c->b, RAX, dst);
}
static void load_to(jc *c, uint32_t at, int mt, bool to64, uint32_t dst, uint32_t addr,
                    uint32_t k, uint32_t off) {
  ea_addr_k(c, addr, true, k, false, 0, 0, off, at, mt_width(mt));
  load_mem(c, mt, to64);
  st64(&c->b, RDX, dst);
}
static void shl_add(jc *c, uint32_t dst, uint32_t x, uint32_t k, uint32_t y) {
  ld32(&c->b, RAX, x);
  alu_imm(&c->b, A_SHL, 0, k);
  ld32(&c->b, RCX, y);
  alu_reg(&c->b, A_ADD, 0);
  st64(&c->b, RAX, dst);
}
static void cmp_slot0(jc *c, uint32_t slot) { /* cmp dword [rbx + slot], 0 */
  rex(&c->b, 0, 0, 0, RBX, false);
  b1(&c->b, 0x83);
  mem_disp(&c->b, 7, RBX, (int32_t)slot);
  b1(&c->b, 0);
}
/* dst = the i32 at cond ? rax : rcx */
static void select_rax_rcx(jc *c, uint32_t cond, uint32_t dst) {
  cmp_slot0(c, cond);
  op_rr(&c->b, 1, OPC(0x0F, 0x44), RAX, RCX); /* cmove rax, rcx */
  st64(&c->b, RAX, dst);
}
#define S_(v) WI_ENC_SLOT(v)

static int fused(jc *c, int op, const wi_cell *ip, uint32_t at) {
  jbuf *b = &c->b;
  switch (op) {
  case IR_COPY_BR_IF: case IR_COPY_BR_IF_BACK: case IR_COPY_BR_IFZ: case IR_COPY_BR_IFZ_BACK: {
    wi_DXCO o = wi_DXCO_read(ip);
    copy(c, S_(o.dst), S_(o.x)); /* idempotent: redone as it was */
    cmp_slot0(c, S_(o.cond));
    bool z = op == IR_COPY_BR_IFZ || op == IR_COPY_BR_IFZ_BACK;
    bool back = op == IR_COPY_BR_IF_BACK || op == IR_COPY_BR_IFZ_BACK;
    if (back) branch_if(c, z ? CC_E : CC_NE, at, target(at, o.off), true);
    else jcc_cell(c, z ? CC_E : CC_NE, target(at, o.off));
    return 0;
  }
  case IR_ADDI_BR_IF: case IR_ADDI_BR_IF_BACK: case IR_ADDI_BR_IFZ: case IR_ADDI_BR_IFZ_BACK: {
    wi_DXKCO o = wi_DXKCO_read(ip);
    bool z = op == IR_ADDI_BR_IFZ || op == IR_ADDI_BR_IFZ_BACK;
    bool back = op == IR_ADDI_BR_IF_BACK || op == IR_ADDI_BR_IFZ_BACK;
    int cc = z ? CC_E : CC_NE;
    if (!back) {
      addi32(c, S_(o.dst), S_(o.x), o.k);
      cmp_slot0(c, S_(o.cond));
      jcc_cell(c, cc, target(at, o.off));
      return 0;
    }
    /* the sum waits for the stop check: the condition may be the sum */
    ld32(b, RAX, S_(o.x));
    if (o.k) alu_imm(b, A_ADD, 0, o.k);
    if (o.cond == o.dst) op_rr(b, 0, OPC(0x85), RAX, RAX);
    else cmp_slot0(c, S_(o.cond));
    branch_if_st(c, cc, at, target(at, o.off), true, RAX, S_(o.dst));
    return 0;
  }
  case IR_GLOBAL_GET_BR_IF: case IR_GLOBAL_GET_BR_IF_BACK:
  case IR_GLOBAL_GET_BR_IFZ: case IR_GLOBAL_GET_BR_IFZ_BACK: {
    wi_DGCO o = wi_DGCO_read(ip);
    uint64_t goff = WI_INST_GLOBALS_OFF + (uint64_t)o.global * sizeof(wh_global *);
    if (goff > INT32_MAX) return -1;
    op_rm(b, 1, OPC(0x8B), RCX, R15, (int32_t)goff);
    op_rm(b, 1, OPC(0x8B), RAX, RCX, (int32_t)offsetof(wh_global, val));
    st64(b, RAX, S_(o.dst)); /* idempotent */
    cmp_slot0(c, S_(o.cond));
    bool z = op == IR_GLOBAL_GET_BR_IFZ || op == IR_GLOBAL_GET_BR_IFZ_BACK;
    bool back = op == IR_GLOBAL_GET_BR_IF_BACK || op == IR_GLOBAL_GET_BR_IFZ_BACK;
    if (back) branch_if(c, z ? CC_E : CC_NE, at, target(at, o.off), true);
    else jcc_cell(c, z ? CC_E : CC_NE, target(at, o.off));
    return 0;
  }
  case IR_BR_IF_GLOBAL: case IR_BR_IFZ_GLOBAL: {
    wi_GO o = wi_GO_read(ip);
    uint64_t goff = WI_INST_GLOBALS_OFF + (uint64_t)o.global * sizeof(wh_global *);
    if (goff > INT32_MAX) return -1;
    op_rm(b, 1, OPC(0x8B), RCX, R15, (int32_t)goff);
    op_rm(b, 0, OPC(0x8B), RAX, RCX, (int32_t)offsetof(wh_global, val));
    op_rr(b, 0, OPC(0x85), RAX, RAX);
    branch_if(c, op == IR_BR_IFZ_GLOBAL ? CC_E : CC_NE, at, target(at, o.off), false);
    return 0;
  }
  case IR_ADDI2: {
    wi_DXDXKK o = wi_DXDXKK_read(ip);
    addi32(c, S_(o.dst), S_(o.x), o.k);
    addi32(c, S_(o.dst2), S_(o.x2), o.k2);
    return 0;
  }
  case IR_ADD_ADDI: {
    wi_DXYDXK o = wi_DXYDXK_read(ip);
    ld32(b, RAX, S_(o.x));
    ld32(b, RCX, S_(o.y));
    alu_reg(b, A_ADD, 0);
    st64(b, RAX, S_(o.dst));
    addi32(c, S_(o.dst2), S_(o.x2), o.k2);
    return 0;
  }
  case IR_SELECT_KX: case IR_SELECT_XK: {
    wi_DCXK o = wi_DCXK_read(ip);
    /* rax = the value when cond != 0, rcx the other */
    if (op == IR_SELECT_KX) { mov_ri(b, RAX, o.k); ld64(b, RCX, S_(o.x)); }
    else { ld64(b, RAX, S_(o.x)); mov_ri(b, RCX, o.k); }
    select_rax_rcx(c, S_(o.cond), S_(o.dst));
    return 0;
  }
  case IR_SELECT_KK: {
    wi_DCKK o = wi_DCKK_read(ip);
    mov_ri(b, RAX, o.k);
    mov_ri(b, RCX, o.k2);
    select_rax_rcx(c, S_(o.cond), S_(o.dst));
    return 0;
  }
  case IR_SHL_ADD: {
    wi_DXYK o = wi_DXYK_read(ip);
    shl_add(c, S_(o.dst), S_(o.x), o.k, S_(o.y));
    return 0;
  }
  case IR_COPY3: {
    wi_DX3 o = wi_DX3_read(ip);
    copy(c, S_(o.dst), S_(o.x));
    copy(c, S_(o.dst2), S_(o.x2));
    copy(c, S_(o.dst3), S_(o.x3));
    return 0;
  }
  case IR_ADDI_COPY: {
    wi_DXDXKK o = wi_DXDXKK_read(ip);
    addi32(c, S_(o.dst), S_(o.x), o.k);
    copy(c, S_(o.dst2), S_(o.x2));
    return 0;
  }
  case IR_ADDI_CONST: {
    wi_DXKDK o = wi_DXKDK_read(ip);
    addi32(c, S_(o.dst), S_(o.x), o.k);
    set_const(c, S_(o.dst2), o.k2);
    return 0;
  }
  case IR_LDOP_I32_LOAD_ADD: case IR_LDOP_I32_LOAD_AND: case IR_LDOP_I32_LOAD_XOR:
  case IR_LDOP_I32_LOAD_MUL: case IR_LDOP_I32_LOAD8_U_XOR: {
    wi_LDOP o = wi_LDOP_read(ip);
    load_to(c, at, op == IR_LDOP_I32_LOAD8_U_XOR ? MT_U8 : MT_U32, false, S_(o.dst), S_(o.addr),
            o.k, o.off);
    mov_rr(b, 0, RAX, RDX);
    ld32(b, RCX, S_(o.y)); /* read after dst is written: it may be dst */
    alu_reg(b, op == IR_LDOP_I32_LOAD_ADD ? A_ADD : op == IR_LDOP_I32_LOAD_AND ? A_AND
               : op == IR_LDOP_I32_LOAD_MUL ? A_MUL : A_XOR, 0);
    st64(b, RAX, S_(o.dst2));
    return 0;
  }
  case IR_LDOP_I32_LOAD_ADD_I: case IR_LDOP_I32_LOAD_AND_I: case IR_LDOP_I32_LOAD_SHR_U_I:
  case IR_LDOP_I32_LOAD_SHL_I: {
    wi_LDOPK o = wi_LDOPK_read(ip);
    load_to(c, at, MT_U32, false, S_(o.dst), S_(o.addr), o.k, o.off);
    mov_rr(b, 0, RAX, RDX);
    alu_imm(b, op == IR_LDOP_I32_LOAD_ADD_I ? A_ADD : op == IR_LDOP_I32_LOAD_AND_I ? A_AND
               : op == IR_LDOP_I32_LOAD_SHR_U_I ? A_SHR_U : A_SHL, 0, o.k2);
    st64(b, RAX, S_(o.dst2));
    return 0;
  }
  case IR_ADDI_I32_LOAD: case IR_ADDI_I64_LOAD: {
    wi_AILD o = wi_AILD_read(ip);
    addi32(c, S_(o.dst), S_(o.x), o.k);
    load_to(c, at, op == IR_ADDI_I64_LOAD ? MT_64 : MT_U32, op == IR_ADDI_I64_LOAD, S_(o.dst2),
            S_(o.addr2), o.k2, o.off2);
    return 0;
  }
  case IR_ADDI_I32_LOAD_X: case IR_ADDI_I32_LOAD8_U_X: case IR_ADDI_I64_LOAD_X: {
    wi_AILDX o = wi_AILDX_read(ip);
    addi32(c, S_(o.dst), S_(o.x), o.k);
    int mt = op == IR_ADDI_I64_LOAD_X ? MT_64 : op == IR_ADDI_I32_LOAD8_U_X ? MT_U8 : MT_U32;
    ea_addr_k(c, S_(o.addr2), true, 0, true, S_(o.idx2), 0, o.off2, at, mt_width(mt));
    load_mem(c, mt, mt == MT_64);
    st64(b, RDX, S_(o.dst2));
    return 0;
  }
  case IR_ADDI_I32_STORE: case IR_ADDI_I64_STORE: {
    wi_AIST o = wi_AIST_read(ip);
    uint32_t wd = op == IR_ADDI_I64_STORE ? 8 : 4;
    addi32(c, S_(o.dst), S_(o.x), o.k);
    ea_addr_k(c, S_(o.addr2), true, o.k2, false, 0, 0, o.off2, at, wd);
    ld64(b, RDX, S_(o.val2));
    store_mem(c, wd);
    return 0;
  }
  case IR_I64_LOAD_STORE: {
    wi_LDST o = wi_LDST_read(ip);
    load_to(c, at, MT_64, true, S_(o.dst), S_(o.addr), o.k, o.off);
    ea_addr_k(c, S_(o.addr2), true, o.k2, false, 0, 0, o.off2, at, 8);
    ld64(b, RDX, S_(o.val2));
    store_mem(c, 8);
    return 0;
  }
  case IR_COPY_I32_LOAD: case IR_COPY_I32_LOAD8_U: {
    wi_CPLD o = wi_CPLD_read(ip);
    copy(c, S_(o.dst), S_(o.x));
    load_to(c, at, op == IR_COPY_I32_LOAD8_U ? MT_U8 : MT_U32, false, S_(o.dst2), S_(o.addr2),
            o.k2, o.off2);
    return 0;
  }
  case IR_XOR_ROTL32: case IR_XOR_ROTL64: {
    wi_DXYK o = wi_DXYK_read(ip);
    int w = op == IR_XOR_ROTL64;
    ldw(b, w, RAX, S_(o.x));
    ldw(b, w, RCX, S_(o.y));
    alu_reg(b, A_XOR, w);
    alu_imm(b, A_ROTL, w, o.k);
    st64(b, RAX, S_(o.dst));
    return 0;
  }
  case IR_SHR_U_XOR32: case IR_SHL_XOR32: case IR_ROTL_XOR64: {
    wi_DXYK o = wi_DXYK_read(ip);
    int w = op == IR_ROTL_XOR64;
    ldw(b, w, RAX, S_(o.x));
    ldw(b, w, RCX, S_(o.y));
    alu_imm(b, op == IR_SHR_U_XOR32 ? A_SHR_U : op == IR_SHL_XOR32 ? A_SHL : A_ROTL, w, o.k);
    alu_reg(b, A_XOR, w);
    st64(b, RAX, S_(o.dst));
    return 0;
  }
  case IR_ADD_ADD32: case IR_XOR_XOR64: case IR_AND_XOR64: case IR_ADD_ADD64: {
    wi_DXYZ o = wi_DXYZ_read(ip);
    int w = op != IR_ADD_ADD32;
    ldw(b, w, RAX, S_(o.x));
    ldw(b, w, RCX, S_(o.y));
    int a1 = op == IR_XOR_XOR64 ? A_XOR : op == IR_AND_XOR64 ? A_AND : A_ADD;
    int a2 = op == IR_ADD_ADD32 || op == IR_ADD_ADD64 ? A_ADD : A_XOR;
    alu_reg(b, a1, w);
    ldw(b, w, RCX, S_(o.z));
    alu_reg(b, a2, w);
    st64(b, RAX, S_(o.dst));
    return 0;
  }
  case IR_SHL_ADD_I32_LOAD: {
    wi_OPLD o = wi_OPLD_read(ip);
    shl_add(c, S_(o.dst), S_(o.x), o.k, S_(o.y));
    load_to(c, at, MT_U32, false, S_(o.dst2), S_(o.addr2), o.k2, o.off2);
    return 0;
  }
  case IR_ADD_GLOBAL_SET32_I64_STORE_I: {
    wi_AGSTK o = wi_AGSTK_read(ip);
    uint64_t goff = WI_INST_GLOBALS_OFF + (uint64_t)o.global * sizeof(wh_global *);
    if (goff > INT32_MAX) return -1;
    addi32(c, S_(o.dst), S_(o.x), o.k); /* the slot first: the access may read it */
    ea_addr_k(c, S_(o.addr2), true, o.k2, false, 0, 0, o.off2, at, 8);
    /* checked: now the global, then the store */
    ld32(b, RDX, S_(o.dst));
    op_rm(b, 1, OPC(0x8B), RCX, R15, (int32_t)goff);
    op_rm(b, 1, OPC(0x89), RDX, RCX, (int32_t)offsetof(wh_global, val));
    mov_ri(b, RDX, o.val2);
    store_mem(c, 8);
    return 0;
  }
  default:
    return -1;
  }
}

/* The code of one instruction; -1: no template. */
static int gen(jc *c, int op, const wi_cell *ip, uint32_t at) {
  jbuf *b = &c->b;
  const opinfo *in = &info[op];
  int w = in->w64;
  switch (in->kind) {
  case K_EXIT:
    jmp_exit(c, at);
    return 0;
  case K_BIN: {
    wi_DXY o = wi_DXY_read(ip);
    ldw(b, w, RAX, WI_ENC_SLOT(o.x));
    ldw(b, w, RCX, WI_ENC_SLOT(o.y));
    alu_reg(b, in->a, w);
    st64(b, RAX, WI_ENC_SLOT(o.dst));
    return 0;
  }
  case K_BIN_I: {
    wi_DXK o = wi_DXK_read(ip);
    ldw(b, w, RAX, WI_ENC_SLOT(o.x));
    alu_imm(b, in->a, w, w ? o.k : (uint32_t)o.k);
    st64(b, RAX, WI_ENC_SLOT(o.dst));
    return 0;
  }
  case K_BIN_I_AND: {
    wi_DXKM o = wi_DXKM_read(ip);
    ld32(b, RAX, WI_ENC_SLOT(o.x));
    alu_imm(b, in->a, 0, o.k);
    alu_imm(b, A_AND, 0, o.m);
    st64(b, RAX, WI_ENC_SLOT(o.dst));
    return 0;
  }
  case K_CMP:
  case K_CMP_I: {
    uint32_t x, d;
    if (in->kind == K_CMP) {
      wi_DXY o = wi_DXY_read(ip);
      x = WI_ENC_SLOT(o.x); d = WI_ENC_SLOT(o.dst);
      ldw(b, w, RCX, WI_ENC_SLOT(o.y));
      ldw(b, w, RDX, x);
      op_rr(b, w, OPC(0x39), RCX, RDX); /* cmp rdx, rcx */
    } else {
      wi_DXK o = wi_DXK_read(ip);
      x = WI_ENC_SLOT(o.x); d = WI_ENC_SLOT(o.dst);
      ldw(b, w, RDX, x);
      cmp_imm(b, RDX, w, w ? o.k : (uint32_t)o.k);
    }
    setcc_rax(b, in->cc);
    st64(b, RAX, d);
    return 0;
  }
  case K_BRC:
  case K_BRC_I: {
    int32_t off;
    if (in->kind == K_BRC) {
      wi_XYO o = wi_XYO_read(ip);
      ldw(b, w, RCX, WI_ENC_SLOT(o.y));
      ldw(b, w, RDX, WI_ENC_SLOT(o.x));
      op_rr(b, w, OPC(0x39), RCX, RDX);
      off = o.off;
    } else {
      wi_XOK o = wi_XOK_read(ip);
      ldw(b, w, RDX, WI_ENC_SLOT(o.x));
      cmp_imm(b, RDX, w, w ? o.k : (uint32_t)o.k);
      off = o.off;
    }
    branch_if(c, in->sense ? (in->cc ^ 1) : in->cc, at, target(at, off), false);
    return 0;
  }
  case K_ABR:
  case K_ABR_I: {
    uint32_t d;
    int32_t off;
    uint64_t k;
    if (in->kind == K_ABR) {
      wi_DXYOK o = wi_DXYOK_read(ip);
      ldw(b, w, RAX, WI_ENC_SLOT(o.x));
      ldw(b, w, RCX, WI_ENC_SLOT(o.y));
      alu_reg(b, A_ADD, w);
      d = WI_ENC_SLOT(o.dst); off = o.off; k = o.k;
    } else {
      wi_DXJOK o = wi_DXJOK_read(ip);
      ldw(b, w, RAX, WI_ENC_SLOT(o.x));
      alu_imm(b, A_ADD, w, w ? o.j : (uint32_t)o.j);
      d = WI_ENC_SLOT(o.dst); off = o.off; k = o.k;
    }
    cmp_imm(b, RAX, w, w ? k : (uint32_t)k);
    branch_if_st(c, in->sense ? (in->cc ^ 1) : in->cc, at, target(at, off), false, RAX, d);
    return 0;
  }
  case K_UN:
    return unary(c, in, ip);
  case K_DIVREM:
    return divrem(c, in, ip, at);
  case K_LD:
  case K_LD_A:
  case K_LD_X:
  case K_LD_XS: {
    uint32_t wd = mt_width(in->mt), dst;
    if (in->kind == K_LD_X || in->kind == K_LD_XS) {
      wi_LDX o = wi_LDX_read(ip);
      int sc = in->kind == K_LD_XS ? (wd == 8 ? 3 : wd == 4 ? 2 : wd == 2 ? 1 : 0) : 0;
      ea_addr_k(c, WI_ENC_SLOT(o.addr), true, 0, true, WI_ENC_SLOT(o.idx), sc, o.off, at, wd);
      dst = WI_ENC_SLOT(o.dst);
    } else {
      wi_LD o = wi_LD_read(ip);
      ea_addr_k(c, WI_ENC_SLOT(o.addr), in->kind == K_LD, o.k, false, 0, 0, o.off, at, wd);
      dst = WI_ENC_SLOT(o.dst);
    }
    load_mem(c, in->mt, in->to64);
    st64(b, RDX, dst);
    return 0;
  }
  case K_LD_BR: {
    wi_LDB o = wi_LDB_read(ip);
    uint32_t wd = mt_width(in->mt);
    ea_addr_k(c, WI_ENC_SLOT(o.addr), true, o.k, false, 0, 0, o.off, at, wd);
    load_mem(c, in->mt, in->to64);
    op_rr(b, in->to64, OPC(0x85), RDX, RDX);
    branch_if_st(c, in->sense ? CC_E : CC_NE, at, target(at, o.to), false, RDX,
                 WI_ENC_SLOT(o.dst));
    return 0;
  }
  case K_ST:
  case K_ST_A:
  case K_ST_I:
  case K_ST_AI: {
    uint32_t wd = in->mt;
    bool imm = in->kind == K_ST_I || in->kind == K_ST_AI;
    bool abs = in->kind == K_ST_A || in->kind == K_ST_AI;
    if (imm) {
      wi_STK o = wi_STK_read(ip);
      ea_addr_k(c, WI_ENC_SLOT(o.addr), !abs, o.k, false, 0, 0, o.off, at, wd);
      mov_ri(b, RDX, o.val);
    } else {
      wi_ST o = wi_ST_read(ip);
      ea_addr_k(c, WI_ENC_SLOT(o.addr), !abs, o.k, false, 0, 0, o.off, at, wd);
      ld64(b, RDX, WI_ENC_SLOT(o.val));
    }
    store_mem(c, wd);
    return 0;
  }
  case K_ST_X:
  case K_ST_XS:
  case K_ST_XI:
  case K_ST_XSI: {
    uint32_t wd = in->mt;
    int sc = (in->kind == K_ST_XS || in->kind == K_ST_XSI)
                 ? (wd == 8 ? 3 : wd == 4 ? 2 : wd == 2 ? 1 : 0) : 0;
    if (in->kind == K_ST_XI || in->kind == K_ST_XSI) {
      wi_STXK o = wi_STXK_read(ip);
      ea_addr_k(c, WI_ENC_SLOT(o.addr), true, 0, true, WI_ENC_SLOT(o.idx), sc, o.off, at, wd);
      mov_ri(b, RDX, o.val);
    } else {
      wi_STX o = wi_STX_read(ip);
      ea_addr_k(c, WI_ENC_SLOT(o.addr), true, 0, true, WI_ENC_SLOT(o.idx), sc, o.off, at, wd);
      ld64(b, RDX, WI_ENC_SLOT(o.val));
    }
    store_mem(c, wd);
    return 0;
  }
  case K_LD2: {
    /* as the interpreter: the second address is read after the first
     * load wrote dst (they may be one slot); both checks pass before
     * either slot is written, so a hand-back redoes the pair from the
     * state it started from */
    wi_LD2 o = wi_LD2_read(ip);
    uint32_t wd = in->mt;
    int mt = wd == 8 ? MT_64 : MT_U32;
    ea_addr_k(c, WI_ENC_SLOT(o.addr), true, o.k, false, 0, 0, o.off, at, wd);
    load_mem(c, mt, wd == 8);
    mov_rr(b, 1, RSI, RDX);
    if (o.addr2 == o.dst) {
      mov_rr(b, 1, RAX, RSI);
      ea_addr_k(c, ADDR_IN_RAX, true, o.k2, false, 0, 0, o.off2, at, wd);
    } else {
      ea_addr_k(c, WI_ENC_SLOT(o.addr2), true, o.k2, false, 0, 0, o.off2, at, wd);
    }
    load_mem(c, mt, wd == 8);
    st64(b, RSI, WI_ENC_SLOT(o.dst));
    st64(b, RDX, WI_ENC_SLOT(o.dst2));
    return 0;
  }
  case K_ST2: {
    wi_ST2 o = wi_ST2_read(ip);
    uint32_t wd = in->mt;
    ea_addr_k(c, WI_ENC_SLOT(o.addr), true, o.k, false, 0, 0, o.off, at, wd);
    mov_rr(b, 1, RSI, RAX);
    ea_addr_k(c, WI_ENC_SLOT(o.addr2), true, o.k2, false, 0, 0, o.off2, at, wd);
    mov_rr(b, 1, RDI, RAX);
    mov_rr(b, 1, RAX, RSI);
    ld64(b, RDX, WI_ENC_SLOT(o.val));
    store_mem(c, wd);
    mov_rr(b, 1, RAX, RDI);
    ld64(b, RDX, WI_ENC_SLOT(o.val2));
    store_mem(c, wd);
    return 0;
  }
  case K_COPY: {
    wi_DX o = wi_DX_read(ip);
    copy(c, S_(o.dst), S_(o.x));
    return 0;
  }
  case K_CONST: {
    wi_DK o = wi_DK_read(ip);
    set_const(c, S_(o.dst), o.k);
    return 0;
  }
  case K_BR: {
    wi_O o = wi_O_read(ip);
    if (op == IR_BR) {
      /* a plain BR is never charged (interp.c) */
      jmp_cell(c, target(at, o.off));
      return 0;
    }
    branch(c, at, target(at, o.off), true);
    return 0;
  }
  case K_CONST_BR: {
    wi_DOK o = wi_DOK_read(ip);
    /* the const is idempotent: written before a hand-back is harmless */
    set_const(c, S_(o.dst), o.k);
    branch(c, at, target(at, o.off), false);
    return 0;
  }
  case K_BR_IF: {
    wi_CO o = wi_CO_read(ip);
    rex(b, w, 0, 0, RBX, false); /* cmp [rbx + cond], 0 */
    b1(b, 0x83);
    mem_disp(b, 7, RBX, (int32_t)WI_ENC_SLOT(o.cond));
    b1(b, 0);
    uint32_t to = target(at, o.off);
    int cc = in->sense ? CC_E : CC_NE;
    bool back = op == IR_BR_IF_BACK || op == IR_BR_IFZ_BACK || op == IR_BR_IF64_BACK ||
                op == IR_BR_IFZ64_BACK;
    if (!back) jcc_cell(c, cc, to); /* never charged (COND_BRANCH) */
    else branch_if(c, cc, at, to, true);
    return 0;
  }
  case K_BR_AND_I: {
    wi_DXKO o = wi_DXKO_read(ip);
    ld32(b, RAX, WI_ENC_SLOT(o.x));
    alu_imm(b, A_AND, 0, (uint32_t)o.k); /* sets ZF */
    branch_if_st(c, in->sense ? CC_E : CC_NE, at, target(at, o.off), false, RAX,
                 WI_ENC_SLOT(o.dst));
    return 0;
  }
  case K_BR_TABLE:
  case K_BR_TABLE_K: {
    uint32_t n, idx, k = 0, hdr;
    if (in->kind == K_BR_TABLE) {
      wi_TBL o = wi_TBL_read(ip);
      n = o.n; idx = WI_ENC_SLOT(o.idx); hdr = WI_CELLS_TBL;
    } else {
      wi_TBLK o = wi_TBLK_read(ip);
      n = o.n; idx = WI_ENC_SLOT(o.idx); k = o.k; hdr = WI_CELLS_TBLK;
    }
    ld32(b, RAX, idx);
    if (k) alu_imm(b, A_ADD, 0, k);
    /* i = min(i, n): cmp eax, n; mov ecx, n; cmova eax, ecx */
    cmp_imm(b, RAX, 0, n);
    mov_ri(b, RCX, n);
    op_rr(b, 0, OPC(0x0F, 0x47), RAX, RCX);
    /* lea rcx, [rip + table]; movsxd rax, [rcx + rax*4]; add rax, rcx; jmp rax */
    b1(b, 0x48); b1(b, 0x8D); b1(b, 0x0D);
    size_t lea_at = b->n;
    b4(b, 0);
    b1(b, 0x48); b1(b, 0x63); b1(b, 0x04); b1(b, 0x81);
    b1(b, 0x48); b1(b, 0x01); b1(b, 0xC8);
    b1(b, 0xFF); b1(b, 0xE0);
    /* per target: a jmp to it, or for a back-edge a fuel check first */
    size_t *stub = malloc(((size_t)n + 1) * sizeof *stub);
    if (!stub) return -1;
    for (uint32_t i = 0; i <= n; i++) {
      stub[i] = b->n;
      int32_t off = (int32_t)ip[hdr + i].s.a;
      branch(c, at, target(at, off), false);
    }
    /* the table: 4-byte offsets from its start */
    while (b->n & 3) b1(b, 0xCC);
    size_t tab = b->n;
    patch4(b, lea_at, (uint32_t)(tab - (lea_at + 4)));
    for (uint32_t i = 0; i <= n; i++) b4(b, (uint32_t)(int32_t)((int64_t)stub[i] - (int64_t)tab));
    free(stub);
    return 0;
  }
  case K_SELECT: {
    wi_SEL o = wi_SEL_read(ip);
    ld64(b, RAX, WI_ENC_SLOT(o.x));
    ld64(b, RCX, WI_ENC_SLOT(o.y));
    select_rax_rcx(c, S_(o.cond), S_(o.dst));
    return 0;
  }
  case K_GGET:
  case K_GSET:
  case K_GSET32: {
    uint32_t g, s;
    if (in->kind == K_GGET) {
      wi_DG o = wi_DG_read(ip);
      g = o.global; s = WI_ENC_SLOT(o.dst);
    } else {
      wi_GX o = wi_GX_read(ip);
      g = o.global; s = WI_ENC_SLOT(o.x);
    }
    uint64_t goff = WI_INST_GLOBALS_OFF + (uint64_t)g * sizeof(wh_global *);
    if (goff > INT32_MAX) return -1;
    op_rm(b, 1, OPC(0x8B), RCX, R15, (int32_t)goff);
    int32_t voff = (int32_t)offsetof(wh_global, val);
    if (in->kind == K_GGET) {
      op_rm(b, 1, OPC(0x8B), RAX, RCX, voff);
      st64(b, RAX, s);
    } else {
      if (in->kind == K_GSET32) ld32(b, RAX, s); else ld64(b, RAX, s);
      op_rm(b, 1, OPC(0x89), RAX, RCX, voff);
    }
    return 0;
  }
  case K_COPY2: {
    wi_DX2 o = wi_DX2_read(ip);
    copy(c, S_(o.dst), S_(o.x));
    copy(c, S_(o.dst2), S_(o.x2));
    return 0;
  }
  case K_CONST_COPY: {
    wi_DKDX o = wi_DKDX_read(ip);
    set_const(c, S_(o.dst), o.k);
    copy(c, S_(o.dst2), S_(o.x2));
    return 0;
  }
  case K_COPY_CONST: {
    wi_DXDK o = wi_DXDK_read(ip);
    copy(c, S_(o.dst), S_(o.x));
    set_const(c, S_(o.dst2), o.k2);
    return 0;
  }
  case K_CONST2: {
    wi_DDKK o = wi_DDKK_read(ip);
    set_const(c, S_(o.dst), o.k);
    set_const(c, S_(o.dst2), o.k2);
    return 0;
  }
  case K_NEZ: {
    wi_DX o = wi_DX_read(ip);
    ldw(b, w, RAX, WI_ENC_SLOT(o.x));
    op_rr(b, w, OPC(0x85), RAX, RAX);
    setcc_rax(b, CC_NE);
    st64(b, RAX, WI_ENC_SLOT(o.dst));
    return 0;
  }
  case K_ADD_ZX_I: {
    wi_DXK o = wi_DXK_read(ip);
    ld32(b, RAX, WI_ENC_SLOT(o.x));
    alu_imm(b, A_ADD, 1, o.k);
    st64(b, RAX, WI_ENC_SLOT(o.dst));
    return 0;
  }
  case K_ADD_GSET32: {
    wi_DXKG o = wi_DXKG_read(ip);
    uint64_t goff = WI_INST_GLOBALS_OFF + (uint64_t)o.global * sizeof(wh_global *);
    if (goff > INT32_MAX) return -1;
    ld32(b, RAX, WI_ENC_SLOT(o.x));
    alu_imm(b, A_ADD, 0, o.k);
    st64(b, RAX, WI_ENC_SLOT(o.dst));
    op_rm(b, 1, OPC(0x8B), RCX, R15, (int32_t)goff);
    op_rm(b, 1, OPC(0x89), RAX, RCX, (int32_t)offsetof(wh_global, val));
    return 0;
  }
  case K_FUSED:
    return fused(c, op, ip, at);
  case K_CALL: {
    uint32_t len = wi_ir_len[op];
    if (op == IR_CALL) {
      wi_FB o = wi_FB_read(ip);
      return call_native(c, at, o.func, S_(o.base), at + len, false, 0);
    }
    if (op == IR_CALL_K) {
      wi_FBK o = wi_FBK_read(ip);
      return call_native(c, at, o.func, S_(o.base), at + len, true, o.k);
    }
    wi_DXFB o = wi_DXFB_read(ip); /* COPY;CALL: the move is idempotent */
    copy(c, S_(o.dst), S_(o.x));
    return call_native(c, at, o.func, S_(o.base), at + len, false, 0);
  }
  case K_RET: {
    if (op == IR_RETURN_CONST) {
      wi_DK o = wi_DK_read(ip);
      set_const(c, S_(o.dst), o.k);
    } else if (op == IR_COPY_RETURN) {
      wi_DX o = wi_DX_read(ip);
      copy(c, S_(o.dst), S_(o.x));
    }
    return_native(c, at);
    return 0;
  }
  case K_HBIN:
  case K_HBIN_I:
  case K_HBRC:
  case K_HBRC_I:
  case K_HUN:
  case K_HUNT: {
    uint32_t dst = 0;
    int32_t off = 0;
    switch (in->kind) {
    case K_HBIN: { wi_DXY o = wi_DXY_read(ip); ld64(b, RDI, S_(o.x)); ld64(b, RSI, S_(o.y)); dst = S_(o.dst); break; }
    case K_HBIN_I: { wi_DXK o = wi_DXK_read(ip); ld64(b, RDI, S_(o.x)); mov_ri(b, RSI, o.k); dst = S_(o.dst); break; }
    case K_HBRC: { wi_XYO o = wi_XYO_read(ip); ld64(b, RDI, S_(o.x)); ld64(b, RSI, S_(o.y)); off = o.off; break; }
    case K_HBRC_I: { wi_XOK o = wi_XOK_read(ip); ld64(b, RDI, S_(o.x)); mov_ri(b, RSI, o.k); off = o.off; break; }
    default: { wi_DX o = wi_DX_read(ip); ld64(b, RDI, S_(o.x)); dst = S_(o.dst); break; }
    }
    mov_ri(b, RAX, (uint64_t)(uintptr_t)helper[op]);
    b1(b, 0xFF); b1(b, 0xD0); /* call rax */
    if (in->kind == K_HBRC || in->kind == K_HBRC_I) {
      op_rr(b, 0, OPC(0x85), RAX, RAX);
      branch_if(c, in->sense ? CC_E : CC_NE, at, target(at, off), false);
      return 0;
    }
    if (in->kind == K_HUNT) {
      op_rr(b, 1, OPC(0x85), RDX, RDX);
      jcc_exit(c, CC_NE, at);
    }
    st64(b, RAX, dst);
    return 0;
  }
  case K_AI: {
    /* s = x + k written to dst, then compared with y read after it */
    wi_DXKYO o = wi_DXKYO_read(ip);
    ld32(b, RAX, WI_ENC_SLOT(o.x));
    if (o.k) alu_imm(b, A_ADD, 0, o.k);
    if (o.y == o.dst) {
      op_rr(b, 0, OPC(0x39), RAX, RAX);
    } else {
      ld32(b, RCX, WI_ENC_SLOT(o.y));
      op_rr(b, 0, OPC(0x39), RCX, RAX);
    }
    branch_if_st(c, in->sense ? (in->cc ^ 1) : in->cc, at, target(at, o.off), false, RAX,
                 WI_ENC_SLOT(o.dst));
    return 0;
  }
  default:
    return -1;
  }
}

static void prologue(jbuf *b) {
  static const uint8_t code[] = {
    0x53,                   /* push rbx */
    0x55,                   /* push rbp */
    0x41, 0x54,             /* push r12 */
    0x41, 0x55,             /* push r13 */
    0x41, 0x56,             /* push r14 */
    0x41, 0x57,             /* push r15 */
    0x48, 0x83, 0xEC, 0x08, /* sub rsp, 8 */
    0x48, 0x8D, 0x9F, 0x80, 0x00, 0x00, 0x00, /* lea rbx, [rdi + FP_BIAS] */
    0x49, 0x89, 0xF4,       /* mov r12, rsi */
    0x49, 0x89, 0xD5,       /* mov r13, rdx */
    0x49, 0x89, 0xCE,       /* mov r14, rcx */
    0x4D, 0x89, 0xC7,       /* mov r15, r8 */
    0x4C, 0x89, 0xCD,       /* mov rbp, r9 */
    0x48, 0x8B, 0x44, 0x24, 0x40, /* mov rax, [rsp + 64]: the entry */
    0xFF, 0xE0,             /* jmp rax */
  };
  put(b, code, sizeof code);
}
static void epilogue(jbuf *b) {
  /* the frame native code ends in, for the interpreter */
  op_rm(b, 1, OPC(0x8D), RCX, RBX, 0);
  op_rm(b, 1, OPC(0x89), RCX, R14, EXF(jit_fp));
  static const uint8_t code[] = {
    0x48, 0x83, 0xC4, 0x08, /* add rsp, 8 */
    0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, /* pop r15 .. r12 */
    0x5D, 0x5B,             /* pop rbp, rbx */
    0xC3,
  };
  put(b, code, sizeof code);
}

bool wi_jit_available(void) { return true; }


static void patch_cells(const wi_jit *j, wi_cell *code, const void *const *h) {
  for (uint32_t i = 0; i <= j->mask; i++)
    if (j->ent[i].off) code[j->ent[i].cell].h = h[IR_JIT_ENTER];
}

void wi_jit_patch(const wi_jit *j, wi_cell *code, const void *const *h) { patch_cells(j, code, h); }

/* ------------------------------------------------------------------ */
/* Code memory.  A module's functions share chunks mapped twice from one
 * memfd: written through a read-write view, run through a read-execute
 * one, so no page is ever writable and executable and no chunk changes
 * protection while another thread runs code in it (a function per
 * mapping took a 4 KB page for a 200-byte function).  Without memfd, a
 * mapping per function, written and then made executable. */
#define CHUNK (256u << 10)
typedef struct wi_jit_arena {
  struct wi_jit_arena *next;
  uint8_t *rw, *rx;
  size_t size, used;
  size_t dropped; /* the read-write view's pages below this are unmapped */
} wi_jit_arena;
static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;

static wi_jit_arena *chunk_new(size_t size) {
  int fd = memfd_create("wasihost-jit", MFD_CLOEXEC);
  if (fd < 0) return NULL;
  wi_jit_arena *a = NULL;
  void *rw = MAP_FAILED, *rx = MAP_FAILED;
  if (ftruncate(fd, (off_t)size) == 0) {
    rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  }
  close(fd);
  if (rw != MAP_FAILED && rx != MAP_FAILED && (a = calloc(1, sizeof *a))) {
    a->rw = rw;
    a->rx = rx;
    a->size = size;
    return a;
  }
  if (rw != MAP_FAILED) munmap(rw, size);
  if (rx != MAP_FAILED) munmap(rx, size);
  return NULL;
}

/* Copies n bytes of code into the module's arena; returns where they run. */
static uint8_t *arena_put(wh_module *m, const uint8_t *code, size_t n) {
  uint8_t *at = NULL;
  size_t need = (n + 63) & ~(size_t)63; /* functions start on cache lines */
  pthread_mutex_lock(&arena_lock);
  wi_jit_arena *a = m->jit_arena;
  if (!a || a->size - a->used < need) {
    size_t size = need > CHUNK ? (need + 4095) & ~(size_t)4095 : CHUNK;
    wi_jit_arena *fresh = chunk_new(size);
    if (fresh) {
      fresh->next = a;
      m->jit_arena = a = fresh;
    } else {
      a = NULL;
    }
  }
  if (a) {
    memcpy(a->rw + a->used, code, n);
    at = a->rx + a->used;
    a->used += need;
    /* Pages written for good leave the read-write view: a page mapped
     * twice counts twice in the process's RSS (the memfd keeps it, the
     * read-execute view still maps it). */
    size_t full = a->used & ~(size_t)4095;
    if (full > a->dropped && madvise(a->rw + a->dropped, full - a->dropped, MADV_DONTNEED) == 0)
      a->dropped = full;
  }
  pthread_mutex_unlock(&arena_lock);
  return at;
}

void wi_jit_arena_free(wi_jit_arena *a) {
  while (a) {
    wi_jit_arena *next = a->next;
    munmap(a->rw, a->size);
    munmap(a->rx, a->size);
    free(a);
    a = next;
  }
}

wi_jit *wi_jit_compile(wh_module *m, wi_cell *code, uint32_t ncode, const void *const *h) {
  pthread_once(&init_once, jit_init);
  pthread_mutex_lock(&hmap_lock);
  if (hmap_of != h) hmap_fill(h);
  pthread_mutex_unlock(&hmap_lock);
  jc c;
  memset(&c, 0, sizeof c);
  c.b.creg = -1;
  c.code = code;
  c.ncode = ncode;
  c.h = h;
  c.opn = malloc((size_t)ncode * sizeof *c.opn);
  c.label = calloc(ncode + 1, sizeof *c.label);
  c.exit_at = calloc(ncode + 1, sizeof *c.exit_at);
  c.entry = calloc(ncode + 1, sizeof *c.entry);
  wi_jit *j = NULL;
  if (!c.opn || !c.label || !c.exit_at || !c.entry) goto out;
  /* read the instructions; any without a template keeps the function
   * interpreted */
  for (uint32_t i = 0; i < ncode; i++) c.opn[i] = -1;
  for (uint32_t i = 0; i < ncode;) {
    int op = hmap_op(code[i].h);
    if (op < 0 || info[op].kind == K_NONE) {
      goto out;
    }
    c.opn[i] = (int16_t)op;
    uint32_t len = wi_ir_cells(op, &code[i]);
    if ((info[op].kind == K_EXIT || info[op].kind == K_CALL) && i + len < ncode)
      c.entry[i + len] = true;
    mark_targets(c.entry, ncode, op, &code[i], i);
    i += len;
  }
  c.entry[0] = true;
  prologue(&c.b);
  c.epilogue = c.b.n;
  epilogue(&c.b);
  int last = -1;
  for (uint32_t i = 0; i < ncode;) {
    int op = last = c.opn[i];
    c.label[i] = (uint32_t)c.b.n;
    if (c.entry[i]) c.b.creg = -1;
    if (gen(&c, op, &code[i], i) != 0) {
      goto out;
    }
    i += wi_ir_cells(op, &code[i]);
  }
  /* native code must not run off its end: the translator ends every
   * function with a return, or with an instruction that never falls
   * through when the end is unreachable; anything else stays interpreted */
  if (last < 0 || !(info[last].kind == K_RET || info[last].kind == K_EXIT ||
                    info[last].kind == K_BR_TABLE || info[last].kind == K_BR_TABLE_K ||
                    info[last].kind == K_BR || info[last].kind == K_CONST_BR))
    goto out;
  /* every branch target is an entry */
  for (size_t k = 0; k < c.nfx; k++) {
    fixup *f = &c.fx[k];
    if (f->kind != FX_LABEL) continue;
    /* not an instruction, or a target the scan missed (its code may have
     * read a register its other predecessors did not set) */
    if (f->cell >= ncode || c.opn[f->cell] < 0 || !c.entry[f->cell]) goto out;
  }
  /* hand-back stubs: rax = the cell, rdx = its own handler when the cell
   * is patched (an entry), else 0 */
  for (size_t k = 0; k < c.nfx; k++) {
    fixup *f = &c.fx[k];
    if (f->kind != FX_EXIT || c.exit_at[f->cell]) continue;
    c.exit_at[f->cell] = (uint32_t)c.b.n;
    /* lea rax, [rbp + cell*8] */
    if ((uint64_t)f->cell * sizeof(wi_cell) > INT32_MAX) goto out;
    op_rm(&c.b, 1, OPC(0x8D), RAX, RBP, (int32_t)(f->cell * sizeof(wi_cell)));
    if (c.entry[f->cell]) mov_ri(&c.b, RDX, (uint64_t)(uintptr_t)h[c.opn[f->cell]]);
    else op_rr(&c.b, 0, OPC(0x31), RDX, RDX);
    b1(&c.b, 0xE9);
    b4(&c.b, (uint32_t)(int32_t)((int64_t)c.epilogue - (int64_t)(c.b.n + 4)));
  }
  if (c.b.oom) goto out;
  for (size_t k = 0; k < c.nfx; k++) {
    fixup *f = &c.fx[k];
    size_t to;
    if (f->kind == FX_EXIT) {
      to = c.exit_at[f->cell];
    } else {
      to = c.label[f->cell];
    }
    patch4(&c.b, f->at, (uint32_t)(int32_t)((int64_t)to - (int64_t)(f->at + 4)));
  }
  uint32_t nent = 0, cap = 2;
  for (uint32_t i = 0; i < ncode; i++) nent += c.entry[i] && c.opn[i] >= 0;
  while (cap < 2 * nent) cap *= 2;
  bool keep_ops = wi_cfg_dump_ir() != 0;
  j = calloc(1, sizeof *j + (size_t)cap * sizeof(wi_jit_ent) +
                    (keep_ops ? (size_t)ncode * sizeof(int16_t) : 0));
  if (!j || c.b.oom) goto fail;
  uint8_t *map = arena_put(m, c.b.p, c.b.n);
  size_t len = 0;
  if (!map) { /* no memfd: a mapping of its own */
    len = (c.b.n + 4095) & ~(size_t)4095;
    map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) goto fail;
    memcpy(map, c.b.p, c.b.n);
    if (mprotect(map, len, PROT_READ | PROT_EXEC) != 0) {
      munmap(map, len);
      goto fail;
    }
  }
  j->base = map;
  j->map_len = len;
  j->ncode = ncode;
  j->fn = (wi_jit_fn)(uintptr_t)map;
  j->mask = cap - 1;
  j->start = map + c.label[0];
  if (keep_ops) {
    j->op = (int16_t *)&j->ent[cap];
    memcpy(j->op, c.opn, (size_t)ncode * sizeof(int16_t));
  }
  for (uint32_t i = 0; i < ncode; i++) {
    if (!c.entry[i] || c.opn[i] < 0) continue;
    uint32_t k = (i * 2654435761u) & j->mask;
    while (j->ent[k].off) k = (k + 1) & j->mask;
    j->ent[k] = (wi_jit_ent){ i, c.label[i] };
  }
  patch_cells(j, code, h);
  goto out;
fail:
  free(j);
  j = NULL;
out:
  free(c.b.p);
  free(c.fx);
  free(c.opn);
  free(c.label);
  free(c.exit_at);
  free(c.entry);
  return j;
}

void wi_jit_free(wi_jit *j) {
  if (!j) return;
  if (j->map_len) munmap(j->base, j->map_len);
  free(j);
}

#else /* no native tier on this platform */

bool wi_jit_available(void) { return false; }
wi_jit *wi_jit_compile(wh_module *m, wi_cell *code, uint32_t ncode, const void *const *h) {
  (void)m; (void)code; (void)ncode; (void)h;
  return NULL;
}
void wi_jit_arena_free(struct wi_jit_arena *a) { (void)a; }
void wi_jit_patch(const wi_jit *j, wi_cell *code, const void *const *h) {
  (void)j; (void)code; (void)h;
}
void wi_jit_free(wi_jit *j) { (void)j; }

#endif
