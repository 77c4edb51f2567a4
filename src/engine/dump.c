/* A reader's view of translated code, for tuning the translator:
 * WASIHOST_DUMP_IR=1 prints every function as it is translated.  The
 * per-instruction tables here are generated from irops.def. */
#include "internal.h"
#include "ir.h"

#include <stdio.h>

const uint8_t wi_ir_form[IR_COUNT] = {
#define IR(n, form, text) [IR_##n] = WI_FORM_##form,
#include "irops.def"
};

const uint8_t wi_ir_len[IR_COUNT] = {
#define IR(n, form, text) [IR_##n] = WI_CELLS_##form,
#include "irops.def"
};

const char *const wi_ir_text[IR_COUNT] = {
#define IR(n, form, text) [IR_##n] = text,
#include "irops.def"
};

int wh_ir_op_of(const void *h) {
  const void *const *hs = wh_interp_handlers();
  for (int k = 0; k < IR_COUNT; k++)
    if (hs[k] == h) return k;
  return -1;
}

const char *wh_ir_name(int op) { return op >= 0 && op < IR_COUNT ? wi_ir_text[op] : "?"; }

void wh_dump_code(const wh_module *m, const wh_funcdef *f, FILE *out) {
  uint32_t idx = (uint32_t)(f - m->funcs) + m->nfunc_imports;
  const char *name = wh_module_func_name(m, idx);
  fprintf(out, "func %u %s: locals %u, frame %u slots, %u cells\n", idx, name ? name : "",
          f->nlocals, f->frame_slots, f->ncode);
  for (uint32_t pc = 0; pc < f->ncode;) {
    const wh_cell *c = &f->code[pc];
    int op = wh_ir_op_of(c->h);
    uint32_t n = op < 0 ? 1 : wi_ir_cells(op, c);
    fprintf(out, "  %5u  %-22s", pc, wh_ir_name(op));
    for (uint32_t k = 1; k < n && pc + k < f->ncode; k++)
      fprintf(out, " [%d,%d]", (int32_t)c[k].s.a, (int32_t)c[k].s.b);
    fputc('\n', out);
    pc += n;
  }
}
