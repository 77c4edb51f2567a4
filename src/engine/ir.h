/* The internal code: its instruction enum and, for every instruction, its
 * operand layout as a struct of named operands, its length and its dump
 * name, all generated from irops.def and irforms.def.  The translator
 * writes it, interp.c runs it, dump.c prints it. */
#ifndef WI_IR_H
#define WI_IR_H

#include "internal.h"

#include <stdio.h>

/* WI_IF_INT_<type>(x): x for the integer value types, nothing for the
 * float ones (the add+compare+branch fusions exist for integers only). */
#define WI_IF_INT_I32(...) __VA_ARGS__
#define WI_IF_INT_I64(...) __VA_ARGS__
#define WI_IF_INT_F32(...)
#define WI_IF_INT_F64(...)
/* WI_IF_I32_<type>(x): x for i32 only (loads fused with a branch). */
#define WI_IF_I32_I32(...) __VA_ARGS__
#define WI_IF_I32_I64(...)
#define WI_IF_I32_F32(...)
#define WI_IF_I32_F64(...)

enum wi_irop {
#define IR(n, form, text) IR_##n,
#include "irops.def"
  IR_COUNT
};

/* From a comparison (slot or immediate form) to its fused branches. */
#define WI_IR_BRT_DELTA 2
#define WI_IR_BRF_DELTA 4
/* From IR_ABT_n: the add-immediate form, then the branch-if-false ones. */
#define WI_IR_AB_IMM 1
#define WI_IR_AB_FALSE 2
/* From a load (store) to its other address forms (irops.def's order). */
#define WI_IR_LD_X 1
#define WI_IR_LD_XS 2
#define WI_IR_LD_BRT 3 /* i32 results only */
#define WI_IR_LD_BRF 4
#define WI_IR_ST_I 1
#define WI_IR_ST_X 2
#define WI_IR_ST_XI 3
#define WI_IR_ST_XS 4
#define WI_IR_ST_XSI 5

/* Operand kinds: their C types, and which part of a cell holds them. */
typedef uint32_t wi_ct_SLOT;
typedef uint32_t wi_ct_U32;
typedef int32_t wi_ct_OFF;
typedef uint64_t wi_ct_I64;
#define WI_PART_A s.a
#define WI_PART_B s.b
#define WI_PART_W u64
#define WI_PUT_A(v) ((uint32_t)(v))
#define WI_PUT_B(v) ((uint32_t)(v))
#define WI_PUT_W(v) ((uint64_t)(v))
/* In the cells a slot operand is its byte offset in the frame (the
 * slot's index times sizeof(wh_val)), so that a handler adds it to fp as
 * it is: x86 scales an index by 8 at most and slots are 16 bytes, and
 * the shift that scaled every operand was 2-3 of a handler's ~10
 * instructions.  The translator's view (wi_<form>_read/_write) converts;
 * the interpreter's (wi_read_<name>) hands the offset over as a
 * wi_slot, a type of its own so that indexing fp with it does not compile. */
#define WI_SLOT_BYTES ((uint32_t)sizeof(wh_val))
#define WI_ENC_SLOT(v) ((v) * WI_SLOT_BYTES)
#define WI_DEC_SLOT(v) ((v) / WI_SLOT_BYTES)
#define WI_ENC_U32(v) (v)
#define WI_DEC_U32(v) (v)
#define WI_ENC_OFF(v) (v)
#define WI_DEC_OFF(v) (v)
#define WI_ENC_I64(v) (v)
#define WI_DEC_I64(v) (v)
typedef struct wi_slot { uint32_t b; } wi_slot;
typedef wi_slot wi_xt_SLOT;
typedef uint32_t wi_xt_U32;
typedef int32_t wi_xt_OFF;
typedef uint64_t wi_xt_I64;
#define WI_XGET_SLOT(v) ((wi_slot){ (uint32_t)(v) })
#define WI_XGET_U32(v) ((wi_xt_U32)(v))
#define WI_XGET_OFF(v) ((wi_xt_OFF)(v))
#define WI_XGET_I64(v) ((wi_xt_I64)(v))

/* Per form: the length in cells (WI_CELLS_<form>), the operand struct
 * (wi_<form>) and wi_<form>_read / wi_<form>_write over an instruction's
 * cells (cell 0 is the handler). */
enum wi_form {
#define WI_FORM0(f, cells) WI_FORM_##f,
#define WI_FORM(f, cells, fields) WI_FORM_##f,
#include "irforms.def"
  WI_FORM_COUNT
};
enum {
#define WI_FORM0(f, cells) WI_CELLS_##f = cells,
#define WI_FORM(f, cells, fields) WI_CELLS_##f = cells,
#include "irforms.def"
};
#define F(name, kind, cell, part) wi_ct_##kind name;
#define WI_FORM0(f, cells)
#define WI_FORM(f, cells, fields) typedef struct wi_##f { fields } wi_##f;
#include "irforms.def"
#undef F
#define F(name, kind, cell, part) o.name = (wi_ct_##kind)WI_DEC_##kind(c[cell].WI_PART_##part);
#define WI_FORM0(f, cells)
#define WI_FORM(f, cells, fields)                                             \
  static inline wi_##f wi_##f##_read(const wi_cell *c) {                      \
    wi_##f o;                                                                 \
    fields                                                                    \
    return o;                                                                 \
  }
#include "irforms.def"
#undef F
#define F(name, kind, cell, part) c[cell].WI_PART_##part = WI_PUT_##part(WI_ENC_##kind(o.name));
#define WI_FORM0(f, cells)
#define WI_FORM(f, cells, fields)                                             \
  static inline void wi_##f##_write(wi_cell *c, wi_##f o) { fields }
#include "irforms.def"
#undef F

/* The interpreter's view of each form: slots as byte offsets (wi_slot). */
#define F(name, kind, cell, part) wi_xt_##kind name;
#define WI_FORM0(f, cells)
#define WI_FORM(f, cells, fields) typedef struct wi_x_##f { fields } wi_x_##f;
#include "irforms.def"
#undef F
#define F(name, kind, cell, part) o.name = WI_XGET_##kind(c[cell].WI_PART_##part);
#define WI_FORM0(f, cells)
#define WI_FORM(f, cells, fields)                                             \
  static inline wi_x_##f wi_x_##f##_read(const wi_cell *c) {                  \
    wi_x_##f o;                                                               \
    fields                                                                    \
    return o;                                                                 \
  }
#include "irforms.def"
#undef F

/* Per instruction: its form's operand type (wi_op_<name>), reader and
 * length (WI_LEN_<name>), so a handler names only its instruction. */
typedef struct wi_NONE { int none_; } wi_NONE;
static inline wi_NONE wi_NONE_read(const wi_cell *c) { (void)c; return (wi_NONE){ 0 }; }
typedef wi_NONE wi_x_NONE;
static inline wi_x_NONE wi_x_NONE_read(const wi_cell *c) { (void)c; return (wi_x_NONE){ 0 }; }
#define IR(n, form, text)                                                     \
  typedef wi_x_##form wi_op_##n;                                              \
  static inline wi_x_##form wi_read_##n(const wi_cell *c) { return wi_x_##form##_read(c); }
#include "irops.def"
enum {
#define IR(n, form, text) WI_LEN_##n = WI_CELLS_##form,
#include "irops.def"
};

/* dump.c: what a handler address is, an instruction's dump name, and
 * a function's code as text (WASIHOST_DUMP_IR=1). */
int wi_ir_op_of(const void *h);
const char *wi_ir_name(int op);
void wi_dump_code(const wh_module *m, const wi_funcdef *f, FILE *out);
/* profile.c (the counting build): one executed instruction. */
void wi_profile_count(const void *h);

/* Per instruction, from the tables (dump.c). */
extern const uint8_t wi_ir_form[IR_COUNT];
extern const uint8_t wi_ir_len[IR_COUNT];
extern const char *const wi_ir_text[IR_COUNT];
/* The branch targets of the instruction at c (dump.c): how many, and the
 * k-th as an offset in cells from the instruction's start (its OFF
 * fields; br_table's n + 1 targets). */
uint32_t wi_ir_ntargets(int op, const wi_cell *c);
int32_t wi_ir_target(int op, const wi_cell *c, uint32_t k);
/* The length of the instruction at c (br_table's varies: its n + 1
 * targets follow the header). */
static inline uint32_t wi_ir_cells(int op, const wi_cell *c) {
  return op == IR_BR_TABLE ? WI_CELLS_TBL + c[1].s.b + 1
       : op == IR_BR_TABLE_K ? WI_CELLS_TBLK + c[1].s.b + 1 : wi_ir_len[op];
}

#endif
