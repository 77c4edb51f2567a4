/* A reader's view of translated code, for tuning the translator:
 * wh_config.dump_ir (WASIHOST_DUMP_IR=1 under Node) prints every function
 * as it is translated.  The per-instruction tables here are generated from
 * irops.def. */
#include "internal.h"
#include "ir.h"
#include "jit.h"

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

int wi_ir_op_of(const void *h) {
  const void *const *hs = wi_interp_handlers();
  for (int k = 0; k < IR_COUNT; k++)
    if (hs[k] == h) return k;
  hs = wi_interp_exact_handlers(); /* code of an exact profile's module */
  for (int k = 0; k < IR_COUNT; k++)
    if (hs[k] == h) return k;
  return -1;
}

const char *wi_ir_name(int op) { return op >= 0 && op < IR_COUNT ? wi_ir_text[op] : "?"; }

/* Each form's operands by name, for the dump. */
enum { K_SLOT, K_U32, K_OFF, K_I64 };
enum { P_A, P_B, P_W };
typedef struct { const char *name; uint8_t cell, part, kind; } field;
#define MAX_FIELDS 8
static const field form_fields[WI_FORM_COUNT][MAX_FIELDS] = {
#define F(n, kind, cell, part) { #n, cell, P_##part, K_##kind },
#define WI_FORM0(f, cells) [WI_FORM_##f] = { { NULL, 0, 0, 0 } },
#define WI_FORM(f, cells, fields) [WI_FORM_##f] = { fields },
#include "irforms.def"
#undef F
};

/* Where each form keeps its branch offsets (its OFF fields). */
typedef struct { uint8_t cell, part; } offloc; /* cell 0: none */
#define OFFLOC_SLOT(cell, part)
#define OFFLOC_U32(cell, part)
#define OFFLOC_I64(cell, part)
#define OFFLOC_OFF(cell, part) { cell, P_##part },
#define F(n, kind, cell, part) OFFLOC_##kind(cell, part)
static const offloc form_offs[WI_FORM_COUNT][3] = {
#define WI_FORM0(f, cells) [WI_FORM_##f] = { { 0, 0 } },
#define WI_FORM(f, cells, fields) [WI_FORM_##f] = { fields },
#include "irforms.def"
};
#undef F

static bool is_table(int op) { return op == IR_BR_TABLE || op == IR_BR_TABLE_K; }

uint32_t wi_ir_ntargets(int op, const wi_cell *c) {
  if (is_table(op)) return c[1].s.b + 1;
  uint32_t n = 0;
  while (n < 3 && form_offs[wi_ir_form[op]][n].cell) n++;
  return n;
}

int32_t wi_ir_target(int op, const wi_cell *c, uint32_t k) {
  if (is_table(op)) return (int32_t)c[wi_ir_len[op] + k].s.a;
  const offloc *l = &form_offs[wi_ir_form[op]][k];
  return (int32_t)(l->part == P_B ? c[l->cell].s.b : c[l->cell].s.a);
}

static void dump_operands(const wi_cell *c, int op, uint32_t pc, FILE *out) {
  for (const field *fl = form_fields[wi_ir_form[op]]; fl < form_fields[wi_ir_form[op]] + MAX_FIELDS && fl->name; fl++) {
    const wi_cell *x = &c[fl->cell];
    uint64_t v = fl->part == P_A ? x->s.a : fl->part == P_B ? x->s.b : x->u64;
    switch (fl->kind) {
      case K_SLOT: fprintf(out, " %s=s%u", fl->name, (uint32_t)WI_DEC_SLOT(v)); break;
      case K_U32: fprintf(out, " %s=%u", fl->name, (uint32_t)v); break;
      case K_OFF: fprintf(out, " ->%lld", (long long)pc + (int32_t)(uint32_t)v); break;
      default: fprintf(out, " %s=%lld", fl->name, (long long)v); break;
    }
  }
  if (is_table(op))
    for (uint32_t k = 0, n = wi_ir_ntargets(op, c); k < n; k++)
      fprintf(out, " ->%lld", (long long)pc + wi_ir_target(op, c, k));
}

/* One line per instruction: position, name, operands by name (slots as
 * sN, branch targets as ->position).  wh_config.dump_ir == 2 prints the
 * cells instead. */
void wi_dump_code(const wh_module *m, const wi_funcdef *f, FILE *out) {
  uint32_t idx = (uint32_t)(f - m->funcs) + m->nfunc_imports;
  const char *name = wh_module_func_name(m, idx);
  bool raw = wi_cfg_dump_ir() == 2;
  fprintf(out, "func %u %s: locals %u, frame %u slots, %u cells%s\n", idx, name ? name : "",
          f->nlocals, f->frame_slots, f->ncode, f->jit ? ", native code" : "");
  for (uint32_t pc = 0; pc < f->ncode;) {
    const wi_cell *c = &f->code[pc];
    int op = wi_ir_op_of(c->h);
    if (op == IR_JIT_ENTER) op = wi_jit_op_at(f->jit, pc, op);
    uint32_t n = op < 0 ? 1 : wi_ir_cells(op, c);
    fprintf(out, "  %5u  %-22s", pc, wi_ir_name(op));
    if (raw || op < 0 || pc + n > f->ncode) {
      for (uint32_t k = 1; k < n && pc + k < f->ncode; k++)
        fprintf(out, " [%d,%d]", (int32_t)c[k].s.a, (int32_t)c[k].s.b);
    } else {
      dump_operands(c, op, pc, out);
    }
    fputc('\n', out);
    pc += n;
  }
}
