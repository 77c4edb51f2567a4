/* The interpreter's instruction set: the numeric rows of opcodes.def
 * (binary ones twice: slot,slot and slot,immediate forms) followed by the
 * rows of irops.def.  translate.c emits it, interp.c executes it. */
#ifndef WH_IR_H
#define WH_IR_H

/* WH_IF_INT_<type>(x): x for the integer value types, nothing for the
 * float ones (the add+compare+branch fusions exist for integers only). */
#define WH_IF_INT_I32(...) __VA_ARGS__
#define WH_IF_INT_I64(...) __VA_ARGS__
#define WH_IF_INT_F32(...)
#define WH_IF_INT_F64(...)

enum wh_irop {
#define WH_BIN(n, ...) IR_##n, IR_##n##_I,
/* a comparison, then the fused branch-if-true and branch-if-false forms;
 * integer rows also fuse the add before a compare-with-immediate branch
 * (a loop counter stepped and tested: i += k; if (i < N) continue). */
#define WH_CMP(n, code, text, ti, ...) IR_##n, IR_##n##_I, IR_BRT_##n, IR_BRT_##n##_I, IR_BRF_##n, IR_BRF_##n##_I, \
    WH_IF_INT_##ti(IR_ABT_##n, IR_ABT_##n##_I, IR_ABF_##n, IR_ABF_##n##_I,)
#define WH_BINT(n, ...) IR_##n,
#define WH_UN(n, ...) IR_##n,
#define WH_UNT(n, ...) IR_##n,
#define WH_LOAD(n, ...) IR_##n, IR_##n##_X, /* address slot+const / slot+slot */
#define WH_STORE(n, ...) IR_##n, IR_##n##_I, IR_##n##_X, IR_##n##_XI, /* value slot / immediate, address slot+k / slot+slot */
#include "opcodes.def"
#define IR(n, c) IR_##n,
#include "irops.def"
#undef IR
  IR_COUNT
};

/* From a comparison (slot or immediate form) to its fused branches. */
#define WH_IR_BRT_DELTA 2
#define WH_IR_BRF_DELTA 4
/* From IR_ABT_n: the add-immediate form, then the branch-if-false ones. */
#define WH_IR_AB_IMM 1
#define WH_IR_AB_FALSE 2

#endif
