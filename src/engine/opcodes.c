/* The per-opcode table, generated from opcodes.def. */
#include "opcodes.h"
#include "internal.h"
#include "ir.h"

/* wi_opidx as a constant expression, for the initializers */
#define IDX(code)                                                             \
  ((code) < 0x100 ? (code)                                                    \
   : ((code) >> 16) == 0xFC ? WI_FC_BASE + ((code) & 0xFFFF)                  \
   : ((code) >> 16) == 0xFD ? WI_FD_BASE + ((code) & 0xFFFF)                  \
                            : WI_FE_BASE + ((code) & 0xFFFF))
#define OUTN(out) (uint8_t)(out[0] == '*' ? 0 : sizeof(out) - 1)
const wi_opinfo wi_ops[WI_NOPS] = {
#define WI_OP(n, code, text, imm, in, out) \
  [IDX(code)] = { text, in, out, WI_IMM_##imm, WI_K_OP, 0, 0, 0, OUTN(out), 0 },
#define WI_BIN(n, code, text, ti, to, e) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_BIN, WH_##ti, WH_##to, 0, 1, IR_##n },
#define WI_CMP(n, code, text, ti, e) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_CMP, WH_##ti, WH_I32, 0, 1, IR_##n },
#define WI_BINT(n, code, text, ti, to, f) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_BINT, WH_##ti, WH_##to, 0, 1, IR_##n },
#define WI_UN(n, code, text, ti, to, e) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_UN, WH_##ti, WH_##to, 0, 1, IR_##n },
#define WI_UNT(n, code, text, ti, to, f) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_UNT, WH_##ti, WH_##to, 0, 1, IR_##n },
#define WI_LOAD(n, code, text, to, mt) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_MEMARG, WI_K_LOAD, WH_I32, WH_##to, sizeof(mt), 1, IR_##n },
#define WI_STORE(n, code, text, ti, mt) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_MEMARG, WI_K_STORE, WH_##ti, 0, sizeof(mt), 0, IR_##n },
/* SIMD rows: the result type and the immediate follow from the shape */
#define VOUT_VUN(t) WH_V128
#define VOUT_VBIN(t) WH_V128
#define VOUT_VTERN(t) WH_V128
#define VOUT_VSHIFT(t) WH_V128
#define VOUT_VTEST(t) WH_I32
#define VOUT_VSPLAT(t) WH_V128
#define VOUT_VEXTRACT(t) WH_##t
#define VOUT_VREPLACE(t) WH_V128
#define VOUT_VLOAD(t) WH_V128
#define VOUT_VSTORE(t) 0
#define VOUT_VLOADLANE(t) WH_V128
#define VOUT_VSTORELANE(t) 0
#define VOUT_VCONST(t) WH_V128
#define VOUT_VSHUFFLE(t) WH_V128
#define VIMM_VUN WI_IMM_NONE
#define VIMM_VBIN WI_IMM_NONE
#define VIMM_VTERN WI_IMM_NONE
#define VIMM_VSHIFT WI_IMM_NONE
#define VIMM_VTEST WI_IMM_NONE
#define VIMM_VSPLAT WI_IMM_NONE
#define VIMM_VEXTRACT WI_IMM_LANE
#define VIMM_VREPLACE WI_IMM_LANE
#define VIMM_VLOAD WI_IMM_MEMARG
#define VIMM_VSTORE WI_IMM_MEMARG
#define VIMM_VLOADLANE WI_IMM_MEMARG_LANE
#define VIMM_VSTORELANE WI_IMM_MEMARG_LANE
#define VIMM_VCONST WI_IMM_V128
#define VIMM_VSHUFFLE WI_IMM_LANES16
#define WI_V(n, code, text, cls, t, nn, fn) \
  [IDX(code)] = { text, NULL, NULL, VIMM_##cls, WI_K_##cls, WH_##t, VOUT_##cls(t), nn, \
                  (uint8_t)(VOUT_##cls(t) != 0), IR_##n },
#include "opcodes.def"
};
