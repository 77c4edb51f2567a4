/* WebAssembly opcodes by name, and what the table in opcodes.def says
 * about each: generated, never listed by hand. */
#ifndef WI_OPCODES_H
#define WI_OPCODES_H

#include <stddef.h>
#include <stdint.h>

/* A prefixed opcode: the prefix byte above the 16-bit sub-opcode. */
#define WI_FC(sub) (0xFC0000u | (uint32_t)(sub))
#define WI_FD(sub) (0xFD0000u | (uint32_t)(sub))
#define WI_FE(sub) (0xFE0000u | (uint32_t)(sub))

enum wi_opcode {
#define WI_OP(n, code, ...) OP_##n = code,
#define WI_BIN(n, code, ...) OP_##n = code,
#define WI_CMP(n, code, ...) OP_##n = code,
#define WI_BINT(n, code, ...) OP_##n = code,
#define WI_UN(n, code, ...) OP_##n = code,
#define WI_UNT(n, code, ...) OP_##n = code,
#define WI_LOAD(n, code, ...) OP_##n = code,
#define WI_STORE(n, code, ...) OP_##n = code,
#define WI_V(n, code, ...) OP_##n = code,
#include "opcodes.def"
};

/* Immediate kinds (spec 5.4): what follows the opcode in the binary. */
enum wi_immkind {
  WI_IMM_NONE,
  WI_IMM_BLOCK,       /* blocktype: 0x40, a value type or an s33 type index */
  WI_IMM_LABEL,       /* label index */
  WI_IMM_LABELS,      /* vec(label index) then the default label */
  WI_IMM_FUNC,        /* function index */
  WI_IMM_CALLIND,     /* type index, table index */
  WI_IMM_VALTYPES,    /* vec(value type) (select t*) */
  WI_IMM_LOCAL,
  WI_IMM_GLOBAL,
  WI_IMM_TABLE,
  WI_IMM_MEMARG,      /* alignment, offset */
  WI_IMM_MEM,         /* memory index (a zero byte in 2.0) */
  WI_IMM_MEM2,        /* two memory indices (memory.copy) */
  WI_IMM_I32, WI_IMM_I64, WI_IMM_F32, WI_IMM_F64,
  WI_IMM_REFTYPE,
  WI_IMM_DATA_MEM,    /* data index, memory index */
  WI_IMM_DATA,
  WI_IMM_ELEM_TABLE,  /* element index, table index */
  WI_IMM_ELEM,
  WI_IMM_TABLE_TABLE, /* destination table, source table */
  WI_IMM_V128,        /* 16 bytes (v128.const) */
  WI_IMM_LANES16,     /* 16 lane indices (i8x16.shuffle) */
  WI_IMM_LANE,        /* one lane index byte */
  WI_IMM_MEMARG_LANE, /* memarg, then a lane index byte */
  WI_IMM_TAG,         /* tag index (exception handling) */
  WI_IMM_TRY_TABLE,   /* blocktype, vec(catch clause) */
  WI_IMM_TYPE,        /* a type index (call_ref) */
};

/* How a numeric row is translated (opcodes.def's row macros). */
enum wi_opclass { WI_K_NONE, WI_K_OP, WI_K_BIN, WI_K_CMP, WI_K_BINT, WI_K_UN, WI_K_UNT,
                  WI_K_LOAD, WI_K_STORE,
                  /* SIMD shapes (opcodes.def's WI_V rows): tr_simd.c translates them */
                  WI_K_VUN, WI_K_VBIN, WI_K_VTERN, WI_K_VSHIFT, WI_K_VTEST, WI_K_VSPLAT,
                  WI_K_VEXTRACT, WI_K_VREPLACE, WI_K_VLOAD, WI_K_VSTORE, WI_K_VLOADLANE,
                  WI_K_VSTORELANE, WI_K_VCONST, WI_K_VSHUFFLE };
#define WI_K_IS_SIMD(cls) ((cls) >= WI_K_VUN)

/* Dense indices for per-opcode tables: one byte, then each prefix's
 * range (sized for the sub-opcodes its proposals define). */
enum {
  WI_FC_BASE = 0x100, WI_FC_COUNT = 0x20,
  WI_FD_BASE = WI_FC_BASE + WI_FC_COUNT, WI_FD_COUNT = 0x120,
  WI_FE_BASE = WI_FD_BASE + WI_FD_COUNT, WI_FE_COUNT = 0x80,
  WI_NOPS = WI_FE_BASE + WI_FE_COUNT
};

/* The dense index of a code, or WI_NOPS when no row can have it. */
static inline uint32_t wi_opidx(uint32_t code) {
  uint32_t sub = code & 0xFFFFu;
  switch (code >> 16) {
    case 0: return code < 0x100 ? code : WI_NOPS;
    case 0xFC: return sub < WI_FC_COUNT ? WI_FC_BASE + sub : WI_NOPS;
    case 0xFD: return sub < WI_FD_COUNT ? WI_FD_BASE + sub : WI_NOPS;
    case 0xFE: return sub < WI_FE_COUNT ? WI_FE_BASE + sub : WI_NOPS;
    default: return WI_NOPS;
  }
}

typedef struct wi_opinfo {
  const char *text;     /* NULL: no such instruction */
  const char *in, *out; /* signature: value type bytes, or "*" (context) */
  uint8_t imm;          /* wi_immkind */
  uint8_t cls;          /* wi_opclass */
  uint8_t tin, tout;    /* numeric rows: operand and result types */
  uint8_t width;        /* loads and stores: bytes accessed */
  uint8_t nout;         /* fixed signatures: number of results */
  uint16_t ir;          /* numeric rows: the internal instruction */
} wi_opinfo;

extern const wi_opinfo wi_ops[WI_NOPS] __attribute__((visibility("hidden")));

static inline const wi_opinfo *wi_op(uint32_t code) {
  uint32_t i = wi_opidx(code);
  return i < WI_NOPS && wi_ops[i].text ? &wi_ops[i] : NULL;
}

#endif
