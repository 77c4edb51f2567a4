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
#define WH_OP(n, code, text, imm, in, out) \
  [IDX(code)] = { text, in, out, WI_IMM_##imm, WI_K_OP, 0, 0, 0, OUTN(out), 0 },
#define WH_BIN(n, code, text, ti, to, e) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_BIN, WH_##ti, WH_##to, 0, 1, IR_##n },
#define WH_CMP(n, code, text, ti, e) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_CMP, WH_##ti, WH_I32, 0, 1, IR_##n },
#define WH_BINT(n, code, text, ti, to, f) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_BINT, WH_##ti, WH_##to, 0, 1, IR_##n },
#define WH_UN(n, code, text, ti, to, e) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_UN, WH_##ti, WH_##to, 0, 1, IR_##n },
#define WH_UNT(n, code, text, ti, to, f) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_NONE, WI_K_UNT, WH_##ti, WH_##to, 0, 1, IR_##n },
#define WH_LOAD(n, code, text, to, mt) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_MEMARG, WI_K_LOAD, WH_I32, WH_##to, sizeof(mt), 1, IR_##n },
#define WH_STORE(n, code, text, ti, mt) \
  [IDX(code)] = { text, NULL, NULL, WI_IMM_MEMARG, WI_K_STORE, WH_##ti, 0, sizeof(mt), 0, IR_##n },
#include "opcodes.def"
};
