/* The translator's shared state and the functions its files call across:
 * function bodies are validated (spec 3.3) and translated to slot code in
 * one pass.
 *
 *   translate.c   the entry: one body, every body of a module (eagerly or
 *                 to validate only), lazy translation on first call
 *   tr_scratch.c  per-thread arrays reused from one function to the next
 *   tr_stack.c    the virtual operand stack and its type checks
 *   tr_control.c  control frames, labels, branches and their patching
 *   tr_emit.c     emission through a staged tail where every fusion decides
 *   tr_visit.c    the visitor: one case per opcode name
 *
 * Frame layout: slots [0, nlocals) are params and locals; the operand
 * stack entry at height h lives in slot nlocals + h.  The translator keeps a
 * virtual stack whose entries are either in their own slot (TEMP), still
 * in a local (LOCAL: `local.get` emits nothing) or a constant not yet
 * written anywhere (CONST: binary operators take it as an immediate).
 * Before anything could change what a LOCAL entry means (a write to that
 * local, a block boundary, a branch) the entry is materialized into its
 * own slot.  A `local.set` right after the instruction that produced its
 * value rewrites that instruction's destination instead of copying.
 *
 * Errors: a validation failure returns -1 with the message in t->err and
 * is passed up through TRY.  Running out of memory is sticky instead
 * (t->oom): emission then writes into a scratch instruction, and the
 * driver reports it once the body is done. */
#ifndef WI_TRANSLATE_H
#define WI_TRANSLATE_H

#include "internal.h"
#include "ir.h"
#include "opcodes.h"
#include "reader.h"

/* Translator internals are called only inside the addon: hidden, so the
 * calls are direct instead of through the PLT of a shared object. */
#pragma GCC visibility push(hidden)

#define T_UNKNOWN 0 /* the bottom type of unreachable code */

enum { E_TEMP, E_LOCAL, E_CONST };
typedef struct tr_vent {
  uint8_t type, kind;
  bool zx;        /* TEMP i32 whose slot's high half is known to be zero */
  uint32_t local;
  uint64_t cval;
} tr_vent;

/* Where a jump keeps its offset: instruction position, cell, half. */
typedef struct tr_jump {
  int64_t at;     /* -1 when nothing was emitted */
  uint32_t cell;
  uint8_t half;   /* offset in .s.a (0) or .s.b (1) */
} tr_jump;

/* the function body's own control frame (no opcode opens it) */
#define CTL_FUNC OP_UNREACHABLE

typedef struct tr_ctl {
  uint8_t op;      /* OP_BLOCK, OP_LOOP, OP_IF, OP_ELSE or CTL_FUNC */
  bool unreachable;
  uint32_t height; /* stack height below the params */
  uint32_t np, nr;
  const uint8_t *params, *results_; /* results_: use tr_results() */
  uint8_t single;  /* the result type of a one-value blocktype */
  bool is_single;
  uint32_t loop_pc;
  int32_t patches; /* list of forward branches to the end, -1 = none */
  uint32_t ilog;   /* tr_ref.c: locals initialized before the block */
  uint32_t zlog;   /* tr_ref.c: locals surely set before the block (t->zset) */
  tr_jump else_j;  /* an `if`'s jump to its else arm (at = -1: none) */
  uint32_t eh;     /* tr_eh.c: 1 + the try block's index there, 0 for others */
} tr_ctl;

typedef struct tr_patch {
  uint32_t insn, cell;
  uint8_t half;
  int32_t next;
} tr_patch;

/* An instruction not yet in the code: the staged tail (tr_emit.c). */
#define TR_MAX_CELLS 5
typedef struct tr_insn {
  int op;
  uint8_t dst_cell; /* cell whose half a is a retargetable destination, 0 none */
  uint32_t dst_slot;
  uint32_t wasm_at; /* module offset of the wasm opcode that emitted it (codemap.h) */
  wi_cell c[TR_MAX_CELLS];
} tr_insn;

typedef struct tr {
  wh_module *m;
  wi_funcdef *f;
  wi_reader r;
  wh_error *err;
  bool emit;
  bool oom;
  const void *const *h;
  wi_cell *code;
  uint32_t ncode, capcode;
  tr_insn stage[2];      /* the tail: stage[nstage - 1] is the last */
  uint32_t nstage;
  tr_insn dead;          /* emission target while nothing is emitted */
  tr_vent *st;
  uint32_t nst, capst, maxh;
  tr_ctl *ctls;
  uint32_t nctl, capctl;
  tr_patch *patches;
  uint32_t npatch, cappatch;
  struct { uint32_t at, table; } *threads; /* CONST_BR_BACKs to thread at the end */
  uint32_t nthreads, capthreads;
  const uint8_t *op_at;  /* the wasm opcode being translated */
  struct tr_eh *eh;      /* tr_eh.c: try blocks and regions, NULL until one */
  /* tr_ref.c: which locals are set (NULL: every local is defaultable),
   * and the log of those set since, for undoing at a block's end */
  uint8_t *linit;
  uint32_t *ilog;
  uint32_t nilog, capilog;
  /* tr_ref.c: the declared locals surely set on every path to here (NULL:
   * the function declares none), their log, and the range of those read
   * where they may not be: what a call must zero (wi_funcdef's zero_lo,
   * zero_hi) */
  uint8_t *zset;
  uint32_t *zlog;
  uint32_t nzlog, capzlog;
  uint32_t zread_lo, zread_hi;
  bool mem_switched;     /* tr_mem.c: a SIMD access switched memories */
  bool any64;            /* the module has a 64-bit memory or table (tr_addr64.c) */
  /* set whenever the top frame may have become unreachable (set
   * unreachable, or a frame closed onto one): tr_steps then looks */
  bool maybe_unreachable;
} tr;

#define TRY(x) do { if ((x) != 0) return -1; } while (0)
#define FAILV(...) do { return tr_fail(t, __VA_ARGS__); } while (0)

int tr_fail(tr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows *p to hold need elements; false (and t->oom) when memory ran out. */
bool tr_grow(tr *t, void **p, uint32_t *cap, uint32_t need, size_t size);

static inline uint32_t tr_nloc(const tr *t) { return t->f->nlocals; }
static inline tr_ctl *tr_top(tr *t) { return &t->ctls[t->nctl - 1]; }
static inline bool tr_dead(tr *t) { return !t->emit || tr_top(t)->unreachable; }
static inline uint32_t tr_slot(const tr *t, uint32_t h) { return tr_nloc(t) + h; }

/* tr_stack.c (the small, hot ones inline: validation runs them for every
 * instruction of every function a module has) */
int tr_push_slow(tr *t, uint8_t type, uint8_t kind, uint32_t local, uint64_t cval);
static inline int tr_push(tr *t, uint8_t type, uint8_t kind, uint32_t local, uint64_t cval) {
  if (WI_UNLIKELY(t->nst + 1 > t->capst)) return tr_push_slow(t, type, kind, local, cval);
  tr_vent *e = &t->st[t->nst++];
  e->type = type;
  e->kind = kind;
  e->zx = false;
  e->local = local;
  e->cval = cval;
  if (t->nst > t->maxh) t->maxh = t->nst;
  return 0;
}
static inline int tr_push_temp(tr *t, uint8_t type) { return tr_push(t, type, E_TEMP, 0, 0); }
void tr_materialize(tr *t, uint32_t i);
void tr_materialize_all(tr *t);
void tr_materialize_local(tr *t, uint32_t x);
/* The slot an operand can be read from; constants get written first. */
static inline uint32_t tr_operand(tr *t, uint32_t i) {
  tr_vent *e = &t->st[i];
  if (e->kind == E_CONST) tr_materialize(t, i);
  return e->kind == E_LOCAL ? e->local : tr_slot(t, i);
}
int tr_peek(tr *t, uint32_t depth, uint8_t want, int64_t *idx);
int tr_need_slow(tr *t, const uint8_t *types, uint32_t n, bool retype);
/* Ensures n operands of these types are on top (T_UNKNOWN: any), filling
 * missing ones in unreachable code; checked unknowns take the type. */
static inline int tr_need(tr *t, const uint8_t *types, uint32_t n) {
  if (n == 0) return 0; /* and t->st may still be NULL */
  tr_ctl *c = tr_top(t);
  if (WI_LIKELY(t->nst - c->height >= n)) {
    const tr_vent *e = &t->st[t->nst - n];
    uint32_t k = 0;
    while (k < n && (e[k].type == types[k] || types[k] == T_UNKNOWN)) k++;
    if (k == n) return 0;
  }
  return tr_need_slow(t, types, n, true);
}
static inline int tr_need1(tr *t, uint8_t type) { return tr_need(t, &type, 1); }
static inline void tr_pop(tr *t, uint32_t n) { t->nst -= n; }

/* tr_emit.c: the code buffer and the staged tail */
static inline bool tr_live(const tr *t) { return t->emit && !t->ctls[t->nctl - 1].unreachable && !t->oom; }
wi_cell *tr_emit_live(tr *t, int op, int64_t *at);
/* Stages an instruction of op's form; returns its cells for the form's
 * write function, and its position in *at (-1 while nothing is emitted:
 * the cells are then scratch, written and never read). */
static inline wi_cell *tr_emit_at(tr *t, int op, int64_t *at) {
  if (WI_UNLIKELY(!tr_live(t))) {
    if (at) *at = -1;
    return t->dead.c;
  }
  return tr_emit_live(t, op, at);
}
static inline wi_cell *tr_emit(tr *t, int op) { return tr_emit_at(t, op, NULL); }
int64_t tr_emit_table(tr *t, int op, uint32_t ntargets);
bool tr_fold_table_bias(tr *t, uint32_t *x, uint32_t *k);
int64_t tr_last_pos(tr *t);
wi_cell *tr_cell(tr *t, int64_t pos);
uint32_t tr_label(tr *t);
void tr_seal(tr *t);
void tr_flush(tr *t);
/* The last instruction's destination (half a of `cell`) is the fresh
 * temp `slot`, which a following local.set or branch may retarget. */
static inline void tr_mark_dst(tr *t, uint8_t cell, uint32_t slot) {
  if (t->nstage && tr_live(t)) {
    t->stage[t->nstage - 1].dst_cell = cell;
    t->stage[t->nstage - 1].dst_slot = slot;
  }
}
static inline void tr_no_dst(tr *t) {
  if (t->nstage) t->stage[t->nstage - 1].dst_cell = 0;
}
bool tr_retarget(tr *t, uint32_t slot, uint32_t dst);
void tr_set_jump(tr *t, tr_jump j, uint32_t target);
/* type: the value's; a number moves 8 bytes, anything else its whole slot */
void tr_emit_copy(tr *t, uint32_t dst, uint32_t src, uint8_t type);
/* Numbers (i32, i64, f32, f64) live in a slot's first 8 bytes: their
 * moves copy those only (interp.c's COPY). */
static inline bool tr_is_num(uint8_t type) {
  return type == WH_I32 || type == WH_I64 || type == WH_F32 || type == WH_F64;
}
void tr_emit_const(tr *t, uint32_t dst, uint64_t v);
void tr_emit_return(tr *t);
bool tr_fuse_const_br_back(tr *t, uint32_t loop_pc);
void tr_cond_jump(tr *t, bool when_true, bool back, tr_jump *j);
/* n operands of the given types in consecutive slots (materialised where
 * they are not temps), popped: their base slot (tr_visit.c). */
int tr_in_slots(tr *t, const uint8_t *ty, uint32_t n, uint32_t *base);
int tr_fold_address(tr *t, uint32_t i, uint32_t width, uint32_t *slot, uint32_t *k);
bool tr_pair_access(tr *t, int single, int pair);
bool tr_negate_last(tr *t, uint32_t i);
bool tr_fuse_add_zx(tr *t, uint32_t slot, uint32_t dst, uint64_t k);
bool tr_fuse_global_set(tr *t, uint32_t local, uint32_t global);
bool tr_fuse_call_k(tr *t, uint32_t func, uint32_t base);
bool tr_fuse_copy_call(tr *t, uint32_t func, uint32_t base);
bool tr_fuse_shl_add(tr *t, uint32_t a, uint32_t b, uint32_t dst);
bool tr_fuse_mask(tr *t, uint32_t slot, uint32_t m);
bool tr_fuse_xor_rotl(tr *t, uint32_t slot, bool wide, uint32_t k);
bool tr_fuse_chain(tr *t, int op2, uint32_t a, uint32_t b, uint32_t dst);
void tr_thread_resume_jumps(tr *t);

/* tr_control.c */
static inline const uint8_t *tr_results(const tr_ctl *c) { return c->is_single ? &c->single : c->results_; }
static inline uint32_t tr_label_arity(const tr_ctl *c) { return c->op == OP_LOOP ? c->np : c->nr; }
static inline const uint8_t *tr_label_types(const tr_ctl *c) { return c->op == OP_LOOP ? c->params : tr_results(c); }
int tr_push_ctl(tr *t, tr_ctl *proto);
int tr_read_blocktype(tr *t, tr_ctl *c);
int tr_enter_block(tr *t, tr_ctl *c);
int tr_end(tr *t);
int tr_else(tr *t);
int tr_move_to(tr *t, uint32_t dst_base, uint32_t n);
bool tr_needs_moves(tr *t, tr_ctl *c);
int tr_branch(tr *t, tr_ctl *c);
int tr_add_patch(tr *t, tr_ctl *c, int64_t insn, uint32_t cell, uint8_t half);
int tr_br_table(tr *t);
void tr_set_unreachable(tr *t);

/* tr_visit.c */
int tr_steps(tr *t);
/* tr_mem.c: instructions naming a memory other than 0 (multiple memories) */
bool tr_memarg_names_memory(tr *t);
int tr_access_mem(tr *t, const wi_opinfo *ni);
bool tr_memory_op_names_memory(tr *t, uint32_t op);
int tr_memory_op(tr *t, uint32_t op);
int tr_simd_mem_begin(tr *t, uint32_t *align);
void tr_simd_mem_end(tr *t);
/* tr_tail.c: return_call, return_call_indirect */
int tr_tail_call(tr *t, uint32_t op);
/* tr_eh.c: exception handling (try_table, throw, throw_ref, the legacy
 * try/catch/catch_all/rethrow/delegate); the end of a try block; the
 * function's region table into its funcdef; freeing its state */
int tr_eh(tr *t, uint32_t op);
int tr_eh_end(tr *t);
int tr_eh_publish(tr *t);
void tr_eh_free(tr *t);
/* tr_ref.c: typed function references, non-defaultable locals */
int tr_ref(tr *t, uint32_t op);
int tr_locals_begin(tr *t);
void tr_locals_end(tr *t);
int tr_local_unset(tr *t, uint32_t x);
int tr_local_first_set(tr *t, uint32_t x);
/* local.get / local.set of a function with non-defaultable locals only
 * (t->linit) leave the inline path */
int tr_zero_first_set(tr *t, uint32_t x);
static inline int tr_local_read(tr *t, uint32_t x) {
  if (t->zset && !t->zset[x]) {
    if (x < t->zread_lo) t->zread_lo = x;
    if (x + 1 > t->zread_hi) t->zread_hi = x + 1;
  }
  return WI_UNLIKELY(t->linit != NULL) && !t->linit[x] ? tr_local_unset(t, x) : 0;
}
static inline int tr_local_written(tr *t, uint32_t x) {
  if (t->zset && !t->zset[x]) TRY(tr_zero_first_set(t, x));
  return WI_UNLIKELY(t->linit != NULL) && !t->linit[x] ? tr_local_first_set(t, x) : 0;
}
/* At a block's end (or else): locals first set inside it are unset again. */
static inline void tr_locals_reset(tr *t, uint32_t mark) {
  while (t->nilog > mark) t->linit[t->ilog[--t->nilog]] = 0;
}
/* The same for the zeroing's record: where control can arrive at a point
 * by another path than the straight line from the block's start (an
 * else, a catch, the end of a block, if or try, which branches reach too),
 * only what was set before the block is surely set.  A loop's end is
 * reached from its last instruction only: what its body set stays set. */
static inline void tr_zero_reset(tr *t, uint32_t mark) {
  while (t->nzlog > mark) t->zset[t->zlog[--t->nzlog]] = 0;
}
/* tr_addr64.c: memory64 / table64 (1: the instruction was translated) */
int tr_addr64_pre(tr *t, uint32_t op, const wi_opinfo *oi, int *post);
void tr_addr64_post(tr *t, int post);
/* tr_simd.c: the SIMD rows (WI_K_IS_SIMD classes) */
int tr_simd(tr *t, const wi_opinfo *oi);

/* tr_bce.c: accesses whose bounds check cannot fail lose it */
void tr_bce(tr *t);

/* tr_scratch.c */
void tr_scratch_take(tr *t);
void tr_scratch_keep(tr *t);

#pragma GCC visibility pop

#endif
