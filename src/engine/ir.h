/* The interpreter's instruction set: the numeric rows of opcodes.def
 * (binary ones twice: slot,slot and slot,immediate forms) followed by the
 * rows of irops.def.  translate.c emits it, interp.c executes it. */
#ifndef WH_IR_H
#define WH_IR_H

enum wh_irop {
#define WH_BIN(n, ...) IR_##n, IR_##n##_I,
#define WH_BINT(n, ...) IR_##n,
#define WH_UN(n, ...) IR_##n,
#define WH_UNT(n, ...) IR_##n,
#define WH_LOAD(n, ...) IR_##n,
#define WH_STORE(n, ...) IR_##n,
#include "opcodes.def"
#define IR(n, c) IR_##n,
#include "irops.def"
#undef IR
  IR_COUNT
};

#endif
