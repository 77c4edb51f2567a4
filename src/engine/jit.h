/* The native tier (jit_x64.c): a function's translated code compiled to
 * x86-64 machine code, one template per internal instruction, operands
 * kept in the frame's slots as the interpreter keeps them.  The
 * interpreter stays in charge: it enters native code at the cells
 * patched with IR_JIT_ENTER (the function's start, every branch target,
 * every instruction after one the native code leaves to the interpreter)
 * and native code hands back the cell to go on at and that cell's own
 * handler whenever the next step is not native: a call, a return, a
 * trap about to happen, a stop check that failed, an instruction it has
 * no template for.  It never does anything it then hands back, so the
 * interpreter redoes that instruction from the same state, and traps,
 * fuel, interrupts, stack traces and suspension stay the interpreter's.
 * A direct call of a native function in the same instance, and a return
 * to one, stay native: they push and pop the interpreter's frames as it
 * would (so guest recursion still never grows the native stack), and
 * the frame and function native code ends in are handed back with it
 * (wi_exec's jit_fp, jit_def). */
#ifndef WI_JIT_H
#define WI_JIT_H

#include "internal.h"

/* x86-64 Linux; not in the counting build (WI_PROFILE), whose dispatch
 * counts native code would bypass */
#if defined(__x86_64__) && defined(__linux__) && !defined(WI_PROFILE)
#define WI_JIT_AVAILABLE 1
#else
#define WI_JIT_AVAILABLE 0
#endif

typedef struct wi_jit_ret {
  const wi_cell *ip; /* where the interpreter goes on */
  const void *h;     /* that instruction's handler (its cell may be patched) */
} wi_jit_ret;

typedef wi_jit_ret (*wi_jit_fn)(wh_val *fp, uint8_t *mem, uint64_t mem_size, wi_exec *ex,
                                wh_instance *inst, const wi_cell *code, const uint8_t *at);

typedef struct wi_jit_ent { uint32_t cell, off; } wi_jit_ent;
typedef struct wi_jit {
  wi_jit_fn fn;      /* the shared prologue, at base */
  uint8_t *base;
  const uint8_t *start; /* the code of cell 0, where native calls enter */
  size_t map_len;    /* a mapping of its own; 0 when in the module's arena */
  uint32_t ncode;
  uint32_t mask;     /* of ent: its size less one, a power of two */
  int16_t *op;       /* per cell, the op of the instruction starting there
                        (kept for the IR dump only, else NULL) */
  wi_jit_ent ent[];  /* the entries by cell, open addressing (off 0: free) */
} wi_jit;

/* Where native code enters at cell `at` (an entry: its cell is patched). */
static inline const uint8_t *wi_jit_entry(const wi_jit *j, uint32_t at) {
  uint32_t i = (at * 2654435761u) & j->mask;
  while (j->ent[i].cell != at) i = (i + 1) & j->mask;
  return j->base + j->ent[i].off;
}

/* Whether this build has a native tier (x86-64 Linux) at all. */
bool wi_jit_available(void);
/* Compiles a translated function (before its code is published) and
 * patches its entry cells with h[IR_JIT_ENTER]; returns NULL when the
 * function stays interpreted (an instruction without a template that is
 * not one to hand back, or no memory). */
wi_jit *wi_jit_compile(wh_module *m, wi_cell *code, uint32_t ncode, const void *const *h);
/* Patches a retranslation's identical code with an existing compilation's
 * entries. */
void wi_jit_patch(const wi_jit *j, wi_cell *code, const void *const *h);
void wi_jit_free(wi_jit *j);
/* The module's code arena, freed with the module after its functions. */
void wi_jit_arena_free(struct wi_jit_arena *a);
/* The op of the instruction at cell pc of a compiled function whose cell
 * may now hold IR_JIT_ENTER (for the dump). */
static inline int wi_jit_op_at(const wi_jit *j, uint32_t pc, int op) {
  return j && j->op && pc < j->ncode && j->op[pc] >= 0 ? j->op[pc] : op;
}

#endif
