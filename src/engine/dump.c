/* A reader's view of translated code, for tuning the translator:
 * WASIHOST_DUMP_IR=1 prints every function as it is translated. */
#include "internal.h"
#include "ir.h"

#include <stdio.h>

static const char *const ir_names[IR_COUNT] = {
#define WH_BIN(n, code, text, ...) [IR_##n] = text, [IR_##n##_I] = text "/imm",
#define WH_CMP(n, code, text, ti, ...) [IR_##n] = text, [IR_##n##_I] = text "/imm",              \
    [IR_BRT_##n] = "br_if " text, [IR_BRT_##n##_I] = "br_if " text "/imm",                    \
    [IR_BRF_##n] = "br_unless " text, [IR_BRF_##n##_I] = "br_unless " text "/imm",  \
    WH_IF_INT_##ti([IR_ABT_##n] = "add;br_if " text "/imm",                             \
                   [IR_ABT_##n##_I] = "add/imm;br_if " text "/imm",                     \
                   [IR_ABF_##n] = "add;br_unless " text "/imm",                         \
                   [IR_ABF_##n##_I] = "add/imm;br_unless " text "/imm",)
#define WH_BINT(n, code, text, ...) [IR_##n] = text,
#define WH_UN(n, code, text, ...) [IR_##n] = text,
#define WH_UNT(n, code, text, ...) [IR_##n] = text,
#define WH_LOAD(n, code, text, ...) [IR_##n] = text, [IR_##n##_X] = text "/idx",
#define WH_STORE(n, code, text, ...) [IR_##n] = text, [IR_##n##_I] = text "/imm", [IR_##n##_X] = text "/idx", [IR_##n##_XI] = text "/idx/imm",
#include "opcodes.def"
#define IR(n, c) [IR_##n] = #n,
#include "irops.def"
#undef IR
};

static const uint8_t ir_cells[IR_COUNT] = {
#define WH_BIN(n, ...) [IR_##n] = 3, [IR_##n##_I] = 3,
#define WH_CMP(n, code, text, ti, ...) [IR_##n] = 3, [IR_##n##_I] = 3, [IR_BRT_##n] = 3,      \
    [IR_BRT_##n##_I] = 3, [IR_BRF_##n] = 3, [IR_BRF_##n##_I] = 3,                       \
    WH_IF_INT_##ti([IR_ABT_##n] = 5, [IR_ABT_##n##_I] = 5, [IR_ABF_##n] = 5, [IR_ABF_##n##_I] = 5,)
#define WH_BINT(n, ...) [IR_##n] = 3,
#define WH_UN(n, ...) [IR_##n] = 2,
#define WH_UNT(n, ...) [IR_##n] = 2,
#define WH_LOAD(n, ...) [IR_##n] = 3, [IR_##n##_X] = 3,
#define WH_STORE(n, ...) [IR_##n] = 3, [IR_##n##_I] = 4, [IR_##n##_X] = 3, [IR_##n##_XI] = 4,
#include "opcodes.def"
#define IR(n, c) [IR_##n] = c,
#include "irops.def"
#undef IR
};

int wh_ir_op_of(const void *h) {
  const void *const *hs = wh_interp_handlers();
  for (int k = 0; k < IR_COUNT; k++)
    if (hs[k] == h) return k;
  hs = wh_interp_exact_handlers(); /* code of an exact profile's module */
  for (int k = 0; k < IR_COUNT; k++)
    if (hs[k] == h) return k;
  return -1;
}

uint32_t wh_ir_cells(int op, const wh_cell *at) {
  if (op == IR_BR_TABLE) return 2 + at[1].s.b + 1;
  return ir_cells[op];
}

const char *wh_ir_name(int op) { return op >= 0 && op < IR_COUNT ? ir_names[op] : "?"; }

void wh_dump_code(const wh_module *m, const wh_funcdef *f, FILE *out) {
  uint32_t idx = (uint32_t)(f - m->funcs) + m->nfunc_imports;
  const char *name = wh_module_func_name(m, idx);
  fprintf(out, "func %u %s: locals %u, frame %u slots, %u cells\n", idx, name ? name : "",
          f->nlocals, f->frame_slots, f->ncode);
  for (uint32_t pc = 0; pc < f->ncode;) {
    const wh_cell *c = &f->code[pc];
    int op = wh_ir_op_of(c->h);
    uint32_t n = op < 0 ? 1 : wh_ir_cells(op, c);
    fprintf(out, "  %5u  %-22s", pc, wh_ir_name(op));
    for (uint32_t k = 1; k < n && pc + k < f->ncode; k++)
      fprintf(out, " [%d,%d]", (int32_t)c[k].s.a, (int32_t)c[k].s.b);
    fputc('\n', out);
    pc += n;
  }
}
