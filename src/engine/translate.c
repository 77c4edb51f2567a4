/* Function bodies: validation (spec 3.3) and translation to slot code in
 * one pass.
 *
 * Frame layout: slots [0, nlocals) are params and locals; the operand
 * stack entry at height h lives in slot nlocals + h.  The translator keeps a
 * virtual stack whose entries are either in their own slot (TEMP), still
 * in a local (LOCAL: `local.get` emits nothing) or a constant not yet
 * written anywhere (CONST: binary operators take it as an immediate).
 * Before anything could change what a LOCAL entry means (a write to that
 * local, a block boundary, a branch) the entry is materialized into its
 * own slot.  A `local.set` right after the instruction that produced its
 * value rewrites that instruction's destination instead of copying. */
#include "codemap.h"
#include "internal.h"
#include "ir.h"
#include "reader.h"

#include <pthread.h>
#include <stdio.h>

void wh_dump_code(const wh_module *m, const wh_funcdef *f, FILE *out);

enum { K_NONE, K_BIN, K_CMP, K_BINT, K_UN, K_UNT, K_LOAD, K_STORE };

typedef struct {
  uint8_t kind, tin, tout, width;
  uint16_t ir;
} numinfo;

#define NUMIDX(code) ((code) >= 0xFC00 ? 256 + ((code) & 0xFF) : (code))
static const numinfo num_ops[256 + 8] = {
#define WH_BIN(n, code, text, ti, to, e) [NUMIDX(code)] = { K_BIN, WH_##ti, WH_##to, 0, IR_##n },
#define WH_CMP(n, code, text, ti, e) [NUMIDX(code)] = { K_CMP, WH_##ti, WH_I32, 0, IR_##n },
#define WH_BINT(n, code, text, ti, to, f) [NUMIDX(code)] = { K_BINT, WH_##ti, WH_##to, 0, IR_##n },
#define WH_UN(n, code, text, ti, to, e) [NUMIDX(code)] = { K_UN, WH_##ti, WH_##to, 0, IR_##n },
#define WH_UNT(n, code, text, ti, to, f) [NUMIDX(code)] = { K_UNT, WH_##ti, WH_##to, 0, IR_##n },
#define WH_LOAD(n, code, text, to, mt) [NUMIDX(code)] = { K_LOAD, WH_I32, WH_##to, sizeof(mt), IR_##n },
#define WH_STORE(n, code, text, ti, mt) [NUMIDX(code)] = { K_STORE, WH_##ti, 0, sizeof(mt), IR_##n },
#include "opcodes.def"
};

/* 1: a comparison in slot form, 2: in immediate form (fusable) */
static const uint8_t cmp_form[IR_COUNT] = {
#define WH_CMP(n, ...) [IR_##n] = 1, [IR_##n##_I] = 2,
#include "opcodes.def"
};

/* An integer compare-with-immediate and the add of its type that may feed
 * it: the fused add+compare+branch (IR_ABT_n) and the add (slot form). */
static const uint16_t add_branch[IR_COUNT] = {
#define WH_CMP(n, code, text, ti, ...) WH_IF_INT_##ti([IR_##n##_I] = IR_ABT_##n,)
#include "opcodes.def"
};
static const uint16_t add_feeding[IR_COUNT] = {
#define WH_CMP(n, code, text, ti, ...) WH_IF_INT_##ti([IR_##n##_I] = IR_##ti##_ADD,)
#include "opcodes.def"
};

#define T_UNKNOWN 0 /* the bottom type of unreachable code */

/* Where a conditional jump keeps its offset. */
typedef struct {
  int64_t at;     /* the instruction, -1 when nothing was emitted */
  uint32_t cell;
  uint8_t half;
} jumpref;

enum { E_TEMP, E_LOCAL, E_CONST };
typedef struct {
  uint8_t type, kind;
  bool zx;        /* TEMP i32 whose slot's high half is known to be zero */
  uint32_t local;
  uint64_t cval;
} vent;

typedef struct {
  uint8_t op; /* 0x00 function, 0x02 block, 0x03 loop, 0x04 if, 0x05 else */
  bool unreachable;
  uint32_t height; /* stack height below the params */
  uint32_t np, nr;
  const uint8_t *params, *results_; /* results_: use res() */
  uint8_t single;     /* the result type of a one-value blocktype */
  bool is_single;
  uint32_t loop_pc;
  int32_t patches;   /* list of forward branches to the end, -1 = none */
  jumpref else_j;    /* an `if`'s jump to its else arm (at = -1: none) */
} ctl;

typedef struct {
  uint32_t insn, cell;
  uint8_t half; /* offset in .s.a (0) or .s.b (1) */
  int32_t next;
} patch;

typedef struct {
  wh_module *m;
  wh_funcdef *f;
  wh_reader r;
  wh_error *err;
  bool emit;
  const void *const *h;
  wh_cell *code;
  uint32_t ncode, capcode;
  vent *st;
  uint32_t nst, capst, maxh;
  ctl *ctls;
  uint32_t nctl, capctl;
  patch *patches;
  uint32_t npatch, cappatch;
  int64_t last_dst;       /* cell index*2 of the retargetable dst, -1 none */
  uint32_t last_dst_slot;
  struct { uint32_t at, table; } *threads; /* CONST_BR_BACKs to thread at the end */
  uint32_t nthreads, capthreads;
  int last_op;            /* the last instruction emitted, and where */
  int64_t last_at;
  int prev_op;            /* the one before it */
  int64_t prev_at;
  wh_cell dead[8];        /* emission target while unreachable */
  const uint8_t *op_at;   /* the wasm opcode being translated (codemap.h) */
} tr;

#define FAILV(...) do { return fail_invalid(t, __VA_ARGS__); } while (0)
#define TRY(x) do { if ((x) != 0) return -1; } while (0)

static int fail_invalid(tr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_invalid(tr *t, const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (t->err) {
    t->err->offset = wh_rd_off(&t->r);
    wh_err_set(t->err, WH_ERR_INVALID, "%s at offset %u", msg, wh_rd_off(&t->r));
  }
  return -1;
}

static int oom(tr *t) {
  wh_err_set(t->err, WH_ERR_NOMEM, "out of memory");
  return -1;
}

static int grow(tr *t, void **p, uint32_t *cap, uint32_t need, size_t size) {
  if (need <= *cap) return 0;
  uint32_t nc = *cap ? *cap : 16;
  while (nc < need) nc *= 2;
  void *q = realloc(*p, (size_t)nc * size);
  if (!q) return oom(t);
  *p = q;
  *cap = nc;
  return 0;
}

static inline uint32_t nloc(tr *t) { return t->f->nlocals; }
static inline ctl *top_ctl(tr *t) { return &t->ctls[t->nctl - 1]; }
static inline bool is_dead(tr *t) { return !t->emit || top_ctl(t)->unreachable; }

/* ---------------- emission ---------------- */

/* Appends an instruction of `cells` cells; returns its index (or an index
 * into the scratch area when nothing is emitted). */
static int64_t emit(tr *t, int op, uint32_t cells) {
  t->last_dst = -1;
  if (is_dead(t)) return -1; /* writes go to t->dead, never read */
  if (grow(t, (void **)&t->code, &t->capcode, t->ncode + cells, sizeof(wh_cell))) return -2;
  uint32_t at = t->ncode;
  memset(&t->code[at], 0, cells * sizeof(wh_cell));
  t->code[at].h = t->h[op];
  t->ncode += cells;
  if (WH_UNLIKELY(wh_codemap_sink != NULL)) wh_codemap_note(at, (uint32_t)(t->op_at - t->m->bytes));
  t->prev_op = t->last_op;
  t->prev_at = t->last_at;
  t->last_op = op;
  t->last_at = at;
  return at;
}

/* A branch target at the current position: nothing emitted before it may
 * be rewritten or merged with what follows (that would move the target). */
static uint32_t label_here(tr *t) {
  t->last_at = -1;
  t->prev_at = -1;
  t->last_dst = -1;
  return t->ncode;
}

static inline wh_cell *C(tr *t, int64_t at, uint32_t k) {
  return at < 0 ? &t->dead[k] : &t->code[at + k];
}

static void mark_dst(tr *t, int64_t at, uint32_t slot) {
  if (at >= 0) {
    t->last_dst = (at + 1) * 2; /* cell 1, half a */
    t->last_dst_slot = slot;
  }
}

static int emit_copy(tr *t, uint32_t dst, uint32_t src) {
  if (dst == src) return 0;
  if (!is_dead(t) && t->last_op == IR_COPY && t->last_at >= 0 &&
      (uint32_t)t->last_at + 2 == t->ncode) {
    /* two moves in one dispatch (register shuffles are common in Go) */
    int64_t prev = t->last_at;
    if (grow(t, (void **)&t->code, &t->capcode, t->ncode + 1, sizeof(wh_cell))) return -1;
    t->code[prev].h = t->h[IR_COPY2];
    t->code[t->ncode].s.a = dst;
    t->code[t->ncode].s.b = src;
    t->ncode++;
    t->last_op = IR_COPY2;
    t->last_dst = -1;
    return 0;
  }
  int64_t at = emit(t, IR_COPY, 2);
  if (at == -2) return -1;
  C(t, at, 1)->s.a = dst;
  C(t, at, 1)->s.b = src;
  return 0;
}

static int emit_const(tr *t, uint32_t dst, uint64_t v) {
  int64_t at = emit(t, IR_CONST, 3);
  if (at == -2) return -1;
  C(t, at, 1)->s.a = dst;
  C(t, at, 2)->u64 = v;
  return 0;
}

static void set_jump(tr *t, jumpref j, uint32_t target) {
  if (j.at < 0) return;
  uint32_t off = (uint32_t)((int64_t)target - j.at);
  if (j.half) t->code[j.at + j.cell].s.b = off;
  else t->code[j.at + j.cell].s.a = off;
}

/* ---------------- the virtual stack ---------------- */

static inline int push(tr *t, uint8_t type, uint8_t kind, uint32_t local, uint64_t cval) {
  if (WH_UNLIKELY(t->nst + 1 > t->capst) &&
      grow(t, (void **)&t->st, &t->capst, t->nst + 1, sizeof(vent)))
    return -1;
  vent *e = &t->st[t->nst++];
  e->type = type;
  e->kind = kind;
  e->zx = false;
  e->local = local;
  e->cval = cval;
  if (t->nst > t->maxh) t->maxh = t->nst;
  return 0;
}

static inline int push_temp(tr *t, uint8_t type) { return push(t, type, E_TEMP, 0, 0); }
static inline uint32_t slot_at(tr *t, uint32_t h) { return nloc(t) + h; }

static int materialize(tr *t, uint32_t i) {
  vent *e = &t->st[i];
  e->zx = e->kind == E_CONST && (e->cval >> 32) == 0;
  if (e->kind == E_LOCAL) TRY(emit_copy(t, slot_at(t, i), e->local));
  else if (e->kind == E_CONST) TRY(emit_const(t, slot_at(t, i), e->cval));
  e->kind = E_TEMP;
  return 0;
}

static int materialize_all(tr *t) {
  for (uint32_t i = 0; i < t->nst; i++)
    if (t->st[i].kind != E_TEMP) TRY(materialize(t, i));
  return 0;
}

static int materialize_local(tr *t, uint32_t x) {
  for (uint32_t i = 0; i < t->nst; i++)
    if (t->st[i].kind == E_LOCAL && t->st[i].local == x) TRY(materialize(t, i));
  return 0;
}

/* The slot an operand can be read from; constants get written first. */
static int operand(tr *t, uint32_t i, uint32_t *slot) {
  vent *e = &t->st[i];
  if (e->kind == E_CONST) TRY(materialize(t, i));
  *slot = e->kind == E_LOCAL ? e->local : slot_at(t, i);
  return 0;
}

static bool types_match(uint8_t have, uint8_t want) {
  return have == want || have == T_UNKNOWN || want == T_UNKNOWN;
}

/* Checks that an operand of `want` is available; returns its index. */
static int peek_expect(tr *t, uint32_t depth, uint8_t want, int64_t *idx) {
  ctl *c = top_ctl(t);
  if (t->nst < c->height + depth + 1) {
    if (c->unreachable) { *idx = -1; return 0; }
    FAILV("type mismatch: expected %s but nothing on stack", wh_valtype_name(want));
  }
  uint32_t i = t->nst - 1 - depth;
  if (!types_match(t->st[i].type, want))
    FAILV("type mismatch: expected %s, got %s", wh_valtype_name(want), wh_valtype_name(t->st[i].type));
  *idx = i;
  return 0;
}

/* Ensures `n` operands of the given types are on the stack, filling
 * missing ones with unknowns in unreachable code so that indices work. */
static int need_slow(tr *t, const uint8_t *types, uint32_t n);

static inline int need(tr *t, const uint8_t *types, uint32_t n) {
  if (n == 0) return 0; /* and t->st may still be NULL */
  ctl *c = top_ctl(t);
  if (WH_LIKELY(t->nst - c->height >= n)) {
    const vent *e = &t->st[t->nst - n];
    uint32_t k = 0;
    while (k < n && (e[k].type == types[k] || types[k] == T_UNKNOWN)) k++;
    if (k == n) return 0;
  }
  return need_slow(t, types, n);
}

static int need_slow(tr *t, const uint8_t *types, uint32_t n) {
  ctl *c = top_ctl(t);
  uint32_t avail = t->nst - c->height;
  if (avail < n) {
    if (!c->unreachable)
      FAILV("type mismatch: expected %u values, got %u", n, avail);
    /* insert unknowns below the available ones */
    uint32_t missing = n - avail;
    if (grow(t, (void **)&t->st, &t->capst, t->nst + missing, sizeof(vent))) return -1;
    memmove(&t->st[c->height + missing], &t->st[c->height], avail * sizeof(vent));
    for (uint32_t k = 0; k < missing; k++) {
      t->st[c->height + k].type = T_UNKNOWN;
      t->st[c->height + k].kind = E_TEMP;
    }
    t->nst += missing;
    if (t->nst > t->maxh) t->maxh = t->nst;
  }
  for (uint32_t k = 0; k < n; k++) {
    vent *e = &t->st[t->nst - n + k];
    if (!types_match(e->type, types[k]))
      FAILV("type mismatch: expected %s, got %s", wh_valtype_name(types[k]), wh_valtype_name(e->type));
  }
  return 0;
}

static int need1(tr *t, uint8_t type) { return need(t, &type, 1); }

static void popn(tr *t, uint32_t n) { t->nst -= n; }

/* ---------------- control ---------------- */

static int add_patch_half(tr *t, ctl *c, int64_t insn, uint32_t cell, uint8_t half) {
  if (insn < 0) return 0;
  if (grow(t, (void **)&t->patches, &t->cappatch, t->npatch + 1, sizeof(patch))) return -1;
  patch *p = &t->patches[t->npatch];
  p->insn = (uint32_t)insn;
  p->cell = (uint32_t)insn + cell;
  p->half = half;
  p->next = c->patches;
  c->patches = (int32_t)t->npatch++;
  return 0;
}

static int add_patch(tr *t, ctl *c, int64_t insn, uint32_t cell) {
  return add_patch_half(t, c, insn, cell, 0);
}

static int add_patch_jump(tr *t, ctl *c, jumpref j) {
  return add_patch_half(t, c, j.at, j.cell, j.half);
}

static void resolve_patches(tr *t, ctl *c, uint32_t target) {
  for (int32_t k = c->patches; k >= 0; k = t->patches[k].next) {
    patch *p = &t->patches[k];
    if (p->half) t->code[p->cell].s.b = target - p->insn;
    else t->code[p->cell].s.a = target - p->insn;
  }
  c->patches = -1;
}

/* A blocktype's single result lives inside the ctl, which may move when
 * the ctl stack grows: never keep a pointer to it. */
static const uint8_t *res(const ctl *c) { return c->is_single ? &c->single : c->results_; }

static uint32_t label_arity(ctl *c) { return c->op == 0x03 ? c->np : c->nr; }
static const uint8_t *label_types(ctl *c) { return c->op == 0x03 ? c->params : res(c); }

/* Moves the top n values into the label's slots; LOCAL sources that the
 * moves would overwrite before reading are first saved in their own
 * slots (only possible for a function's return, whose slots are the
 * params). */
static int move_to(tr *t, uint32_t dst_base, uint32_t n) {
  uint32_t first = t->nst - n;
  if (n == 1 && t->st[first].kind == E_TEMP && t->last_dst >= 0 &&
      t->last_dst_slot == slot_at(t, first) && !is_dead(t)) {
    /* the value was just computed: compute it into place instead */
    t->code[t->last_dst / 2].s.a = dst_base;
    t->last_dst = -1;
    return 0;
  }
  for (uint32_t k = 0; k < n; k++) {
    vent *e = &t->st[first + k];
    if (e->kind == E_LOCAL && e->local >= dst_base && e->local < dst_base + n &&
        e->local != dst_base + k)
      TRY(materialize(t, first + k));
  }
  for (uint32_t k = 0; k < n; k++) {
    vent *e = &t->st[first + k];
    uint32_t dst = dst_base + k;
    if (e->kind == E_CONST) TRY(emit_const(t, dst, e->cval));
    else TRY(emit_copy(t, dst, e->kind == E_LOCAL ? e->local : slot_at(t, first + k)));
  }
  return 0;
}

static bool needs_moves(tr *t, ctl *c) {
  if (c->op == 0x00) return true; /* branches to the function return */
  uint32_t n = label_arity(c);
  uint32_t first = t->nst - n;
  for (uint32_t k = 0; k < n; k++) {
    vent *e = &t->st[first + k];
    if (e->kind != E_TEMP || first + k != c->height + k) return true;
  }
  return false;
}

/* Emits a jump to label l (after moves); `op` is BR. */
/* RETURN, fused with a constant result written just before it (Go's
 * functions return 0 or 1 to say whether the goroutine unwinds). */
static int emit_return(tr *t) {
  if (!is_dead(t) && t->last_op == IR_CONST && t->last_at >= 0 &&
      (uint32_t)t->last_at + 3 == t->ncode && t->code[t->last_at + 1].s.a == 0) {
    t->code[t->last_at].h = t->h[IR_RETURN_CONST];
    t->last_at = -1;
    t->last_dst = -1;
    return 0;
  }
  return emit(t, IR_RETURN, 1) == -2 ? -1 : 0;
}

static int emit_branch(tr *t, ctl *c) {
  if (c->op == 0x00) {
    /* the function's own label: a return */
    TRY(move_to(t, 0, c->nr));
    return emit_return(t);
  }
  TRY(move_to(t, slot_at(t, c->height), label_arity(c)));
  if (c->op == 0x03 && !is_dead(t) && t->last_op == IR_CONST && t->last_at >= 0 &&
      (uint32_t)t->last_at + 3 == t->ncode) {
    /* `local.set $pc (const N); br $loop` where the loop opens with
     * `br_table $pc` (Go's resumable functions): one instruction sets the
     * local and jumps straight to case N, skipping the table. */
    wh_cell *k = &t->code[t->last_at];
    uint32_t target = c->loop_pc;
    const wh_cell *bt = &t->code[c->loop_pc];
    if (c->loop_pc < (uint32_t)t->last_at && bt->h == t->h[IR_BR_TABLE] && bt[1].s.a == k[1].s.a) {
      uint32_t n = bt[1].s.b;
      uint32_t v = (uint32_t)k[2].u64;
      int32_t off = (int32_t)bt[2 + (v > n ? n : v)].s.a;
      if (off != 0) {
        target = (uint32_t)((int64_t)c->loop_pc + off);
      } else {
        /* a case further down: its block is not closed yet, so thread
         * the jump when the function is complete */
        if (grow(t, (void **)&t->threads, &t->capthreads, t->nthreads + 1, sizeof *t->threads)) return -1;
        t->threads[t->nthreads].at = (uint32_t)t->last_at;
        t->threads[t->nthreads].table = c->loop_pc;
        t->nthreads++;
      }
    }
    k[0].h = t->h[IR_CONST_BR_BACK];
    k[1].s.b = (uint32_t)((int64_t)target - t->last_at);
    t->last_at = -1;
    t->last_dst = -1;
    return 0;
  }
  if (c->op == 0x03) {
    int64_t at = emit(t, IR_BR_BACK, 2);
    if (at == -2) return -1;
    if (at >= 0) C(t, at, 1)->s.a = (uint32_t)((int64_t)c->loop_pc - at);
  } else {
    int64_t at = emit(t, IR_BR, 2);
    if (at == -2) return -1;
    TRY(add_patch(t, c, at, 1));
  }
  return 0;
}

static int read_blocktype(tr *t, ctl *c) {
  int64_t bt;
  const uint8_t *p = t->r.p;
  if (p < t->r.end && (*p == 0x40 || wh_is_valtype(*p) || *p == WH_V128)) {
    t->r.p++;
    c->np = 0;
    c->params = NULL;
    if (*p == 0x40) {
      c->nr = 0;
    } else {
      if (*p == WH_V128) return wh_rd_fail(&t->r, "SIMD (v128) is not supported yet");
      c->single = *p;
      c->nr = 1;
      c->is_single = true;
    }
    return 0;
  }
  TRY(wh_rd_s33(&t->r, &bt));
  if (bt < 0 || (uint64_t)bt >= t->m->ntypes) FAILV("unknown type %lld", (long long)bt);
  const wh_ftype *ft = t->m->types[bt];
  c->np = ft->ft.nparams;
  c->params = ft->ft.params;
  c->nr = ft->ft.nresults;
  c->results_ = ft->ft.results;
  return 0;
}

static int push_ctl(tr *t, ctl *proto) {
  if (grow(t, (void **)&t->ctls, &t->capctl, t->nctl + 1, sizeof(ctl))) return -1;
  proto->patches = -1;
  proto->unreachable = false;
  t->ctls[t->nctl++] = *proto;
  return 0;
}

/* Enters block/loop/if after its operands are checked: everything below
 * is materialized so no path through the block can see a stale entry. */
static int enter_block(tr *t, ctl *c) {
  TRY(need(t, c->params, c->np));
  TRY(materialize_all(t));
  c->height = t->nst - c->np;
  c->loop_pc = label_here(t);
  c->else_j.at = -1;
  TRY(push_ctl(t, c));
  /* params keep their entries, retyped exactly */
  for (uint32_t k = 0; k < c->np; k++) t->st[c->height + k].type = c->params[k];
  t->last_dst = -1;
  return 0;
}

/* Checks the stack at the end of a block arm holds exactly the results,
 * and puts them in the label's slots. */
static int close_arm(tr *t, ctl *c, uint32_t dst_base) {
  TRY(need(t, res(c), c->nr));
  if (t->nst - c->height != c->nr) FAILV("type mismatch: block leaves %u values, expected %u", t->nst - c->height, c->nr);
  TRY(move_to(t, dst_base, c->nr));
  return 0;
}

static void set_unreachable(tr *t) {
  ctl *c = top_ctl(t);
  t->nst = c->height;
  c->unreachable = true;
  t->last_dst = -1;
}

/* ---------------- instructions ---------------- */

/* Pops the i32 condition on top and emits a jump taken when it is
 * non-zero (when_true) or zero.  When the condition was computed by the
 * instruction just emitted, that instruction becomes the jump: a
 * comparison turns into its fused compare-and-branch, i32.eqz into a
 * branch on its operand with the sense flipped. */
/* The i32.and/imm at `at` (the last instruction) computed the condition:
 * it becomes a test-under-mask branch, [dst, x][mask][offset]. */
static bool and_branch(tr *t, int64_t at, bool on_zero, jumpref *j) {
  if (grow(t, (void **)&t->code, &t->capcode, (uint32_t)at + 4, sizeof(wh_cell))) return false;
  t->code[at].h = t->h[on_zero ? IR_BR_ANDZ_I : IR_BR_AND_I];
  t->code[at + 3].u64 = 0;
  t->ncode = (uint32_t)at + 4;
  t->last_at = at;
  t->last_op = on_zero ? IR_BR_ANDZ_I : IR_BR_AND_I;
  t->prev_at = -1;
  *j = (jumpref){ at, 3, 0 };
  return true;
}

static int cond_jump(tr *t, bool when_true, bool back, jumpref *j) {
  uint32_t i = t->nst - 1;
  vent *e = &t->st[i];
  j->at = -1;
  if (!is_dead(t) && e->kind == E_TEMP && t->last_dst >= 0 &&
      t->last_dst_slot == slot_at(t, i) && t->last_at >= 0) {
    wh_cell *c = &t->code[t->last_at];
    int op = t->last_op;
    if (cmp_form[op] == 1) {
      uint32_t x = c[1].s.b, y = c[2].s.a;
      c[0].h = t->h[op + (when_true ? WH_IR_BRT_DELTA : WH_IR_BRF_DELTA)];
      c[1].s.a = x;
      c[1].s.b = y;
      c[2].u64 = 0;
      *j = (jumpref){ t->last_at, 2, 0 };
    } else if (cmp_form[op] == 2 && add_branch[op] && t->prev_at >= 0 &&
               (uint32_t)t->prev_at + 3 == (uint32_t)t->last_at &&
               (t->prev_op == add_feeding[op] || t->prev_op == add_feeding[op] + 1) &&
               t->code[t->prev_at + 1].s.a == c[1].s.b) {
      /* the add just before wrote what is compared: one instruction,
       * [dst, x][y | imm][offset][compare imm] */
      wh_cell *p = &t->code[t->prev_at];
      uint64_t k = c[2].u64;
      int fused = add_branch[op] + (t->prev_op == add_feeding[op] ? 0 : WH_IR_AB_IMM) +
                  (when_true ? 0 : WH_IR_AB_FALSE);
      p[0].h = t->h[fused];
      p[3].u64 = 0;
      p[4].u64 = k;
      t->ncode = (uint32_t)t->prev_at + 5;
      t->last_at = t->prev_at;
      t->last_op = fused;
      t->prev_at = -1;
      *j = (jumpref){ t->last_at, 3, 0 };
    } else if (cmp_form[op] == 2) {
      uint32_t x = c[1].s.b;
      c[0].h = t->h[op + (when_true ? WH_IR_BRT_DELTA : WH_IR_BRF_DELTA)];
      c[1].s.a = x;
      c[1].s.b = 0;
      *j = (jumpref){ t->last_at, 1, 1 };
    } else if (op == IR_I32_AND_I) {
      and_branch(t, t->last_at, !when_true, j);
    } else if ((op == IR_I32_EQZ || op == IR_I32_NEZ) && t->prev_op == IR_I32_AND_I &&
               t->prev_at >= 0 && (uint32_t)t->prev_at + 3 == (uint32_t)t->last_at &&
               t->code[t->prev_at + 1].s.a == c[1].s.b) {
      /* eqz (or its negation) of a mask just computed */
      and_branch(t, t->prev_at, (op == IR_I32_EQZ) == when_true, j);
    } else if (op == IR_I32_EQZ || op == IR_I64_EQZ || op == IR_I32_NEZ || op == IR_I64_NEZ) {
      uint32_t x = c[1].s.b;
      bool on_zero = (op == IR_I32_EQZ || op == IR_I64_EQZ) == when_true;
      bool wide = op == IR_I64_EQZ || op == IR_I64_NEZ;
      int base = wide ? (on_zero ? IR_BR_IFZ64 : IR_BR_IF64) : (on_zero ? IR_BR_IFZ : IR_BR_IF);
      c[0].h = t->h[base + (back ? 1 : 0)];
      c[1].s.a = x;
      c[1].s.b = 0;
      *j = (jumpref){ t->last_at, 1, 1 };
    }
    if (j->at >= 0) {
      popn(t, 1);
      t->last_dst = -1;
      return 0;
    }
  }
  uint32_t cond;
  TRY(operand(t, i, &cond));
  popn(t, 1);
  int64_t at = emit(t, (when_true ? IR_BR_IF : IR_BR_IFZ) + (back ? 1 : 0), 2);
  if (at == -2) return -1;
  C(t, at, 1)->s.a = cond;
  *j = (jumpref){ at, 1, 1 };
  return 0;
}

static int op_end(tr *t) {
  ctl *c = top_ctl(t);
  if (c->op == 0x04 && c->np != c->nr) FAILV("type mismatch: if without else must have matching param and result types");
  if (c->op == 0x04) {
    for (uint32_t k = 0; k < c->np; k++)
      if (c->params[k] != res(c)[k]) FAILV("type mismatch: if without else");
  }
  if (c->op == 0x00) {
    /* function end: results go to slots 0..nr-1 */
    TRY(close_arm(t, c, 0));
    TRY(emit_return(t));
    t->nctl--;
    return 0;
  }
  TRY(close_arm(t, c, slot_at(t, c->height)));
  bool was_dead = c->unreachable;
  (void)was_dead;
  if (t->emit) {
    uint32_t here = label_here(t);
    set_jump(t, c->else_j, here);
    resolve_patches(t, c, here);
  }
  uint32_t h = c->height, nr = c->nr;
  uint8_t single = c->single;
  const uint8_t *rt = c->is_single ? &single : c->results_;
  t->nctl--;
  t->nst = h;
  for (uint32_t k = 0; k < nr; k++) TRY(push_temp(t, rt[k]));
  t->last_dst = -1;
  return 0;
}

static int op_else(tr *t) {
  ctl *c = top_ctl(t);
  if (c->op != 0x04) FAILV("else without if");
  TRY(close_arm(t, c, slot_at(t, c->height)));
  int64_t at = emit(t, IR_BR, 2);
  if (at == -2) return -1;
  TRY(add_patch(t, c, at, 1));
  if (t->emit) set_jump(t, c->else_j, label_here(t));
  c->else_j.at = -1;
  c->op = 0x05;
  c->unreachable = false;
  t->nst = c->height;
  for (uint32_t k = 0; k < c->np; k++) TRY(push_temp(t, c->params[k]));
  t->last_dst = -1;
  return 0;
}

static int op_br_table(tr *t) {
  uint32_t n;
  TRY(wh_rd_u32(&t->r, &n));
  if (n > (size_t)(t->r.end - t->r.p)) return wh_rd_fail(&t->r, "unexpected end");
  uint32_t *labels = malloc(((size_t)n + 1) * sizeof(uint32_t));
  if (!labels) return oom(t);
  int rc = -1;
  for (uint32_t k = 0; k <= n; k++) {
    if (wh_rd_u32(&t->r, &labels[k])) goto out;
    if (labels[k] >= t->nctl) { fail_invalid(t, "unknown label %u", labels[k]); goto out; }
  }
  if (need1(t, WH_I32)) goto out;
  uint32_t idx;
  if (operand(t, t->nst - 1, &idx)) goto out;
  popn(t, 1);
  ctl *def = &t->ctls[t->nctl - 1 - labels[n]];
  uint32_t arity = label_arity(def);
  for (uint32_t k = 0; k <= n; k++) {
    ctl *c = &t->ctls[t->nctl - 1 - labels[k]];
    if (label_arity(c) != arity) { fail_invalid(t, "type mismatch: br_table labels have different arity"); goto out; }
    if (need(t, label_types(c), arity)) goto out;
  }
  if (materialize_all(t)) goto out;
  int64_t at = emit(t, IR_BR_TABLE, 2 + n + 1);
  if (at == -2) goto out;
  C(t, at, 1)->s.a = idx;
  C(t, at, 1)->s.b = n;
  for (uint32_t k = 0; k <= n; k++) {
    ctl *c = &t->ctls[t->nctl - 1 - labels[k]];
    if (at < 0) break;
    if (needs_moves(t, c)) {
      /* a stub after the table: moves, then the branch */
      t->code[at + 2 + k].s.a = label_here(t) - (uint32_t)at;
      if (emit_branch(t, c)) goto out;
    } else if (c->op == 0x03) {
      t->code[at + 2 + k].s.a = (uint32_t)((int64_t)c->loop_pc - at);
    } else {
      if (add_patch(t, c, at, 2 + k)) goto out;
    }
  }
  set_unreachable(t);
  rc = 0;
out:
  free(labels);
  return rc;
}

static int check_memarg(tr *t, uint32_t width, uint64_t *offset) {
  uint32_t align, off;
  TRY(wh_rd_u32(&t->r, &align));
  TRY(wh_rd_u32(&t->r, &off));
  if (t->m->nmems == 0) FAILV("unknown memory 0");
  if (align >= 32 || (1u << align) > width) FAILV("alignment must not be larger than natural");
  *offset = off;
  return 0;
}

/* An address computed by the `i32.add x, K` just emitted is folded into
 * the memory access (which adds K with the same wraparound), removing
 * the add.  Returns 0 with the slot and constant when it applies, 2 with
 * two slots when the add was slot + slot (the _X forms), 1 otherwise. */
static int fold_address(tr *t, uint32_t i, bool allow_x, uint32_t *slot, uint32_t *k) {
  /* The address temp must be what the last instruction wrote (each form
   * below has its destination in cell 1, half a).  A constant or a local
   * pushed since (a store's value) emitted nothing, so the temp is still
   * that result and nothing else reads it. */
  if (is_dead(t) || t->st[i].kind != E_TEMP || t->last_at < 0 ||
      (uint32_t)t->last_at + 2 > t->ncode || t->code[t->last_at + 1].s.a != slot_at(t, i))
    return 1;
  wh_cell *c = &t->code[t->last_at];
  uint32_t end = t->ncode;
  if (t->last_op == IR_I64_EXTEND_I32_U && (uint32_t)t->last_at + 2 == end) {
    /* Go widens an i32 address to i64 and wraps it back: the access only
     * reads the low half, so it reads the i32 directly */
    *slot = c[1].s.b;
    *k = 0;
    end = (uint32_t)t->last_at;
  } else if (allow_x && (t->last_op == IR_I32_ADD || t->last_op == IR_I64_ADD) &&
             (uint32_t)t->last_at + 3 == end) {
    /* slot + slot: the indexed (_X) form of the access, *k = the slot */
    *slot = c[1].s.b;
    *k = c[2].s.a;
    t->ncode = (uint32_t)t->last_at;
    t->last_at = t->prev_at = -1;
    t->last_dst = -1;
    return 2;
  } else if ((t->last_op == IR_I32_ADD_I || t->last_op == IR_I64_ADD_I) &&
             (uint32_t)t->last_at + 3 == end) {
    /* an i64.add reaches here only through i32.wrap_i64 (a retype): the
     * low 32 bits of the sum are the sum of the low 32 bits */
    *slot = c[1].s.b;
    *k = (uint32_t)c[2].u64;
    end = (uint32_t)t->last_at;
    if (t->prev_op == IR_I64_EXTEND_I32_U && t->prev_at >= 0 &&
        (uint32_t)t->prev_at + 2 == (uint32_t)t->last_at) {
      const wh_cell *e = &t->code[t->prev_at];
      if (e[1].s.a == *slot && *slot >= nloc(t)) { /* widened into a temp only the add read */
        *slot = e[1].s.b;
        end = (uint32_t)t->prev_at;
      }
    }
  } else {
    return 1;
  }
  t->ncode = end;
  t->last_at = t->prev_at = -1;
  t->last_dst = -1;
  return 0;
}

/* An i64.load (i64.store) just emitted at `at` right after another one:
 * the pair becomes one I64_LOAD2 (I64_STORE2) whose second half is the
 * second access's operand cells.  Returns true when it fused. */
static bool pair_access(tr *t, int64_t at, int single, int pair) {
  if (at < 0 || t->prev_op != single || t->prev_at < 0 || (uint32_t)t->prev_at + 3 != (uint32_t)at)
    return false;
  t->code[t->prev_at].h = t->h[pair];
  t->code[at] = t->code[at + 1];
  t->code[at + 1] = t->code[at + 2];
  t->ncode = (uint32_t)at + 2;
  t->last_at = t->prev_at;
  t->last_op = pair;
  t->prev_at = -1;
  return true;
}

/* Constant folding: the interpreter's own expressions, evaluated at
 * translation time on constant operands (same code, same results). */
static bool fold_unary(int ir, uint64_t x, uint64_t *out) {
  switch (ir) {
#define WH_UN(n, code, text, ti, to, expr) \
    case IR_##n: { ct_##ti a = CV_##ti(x); (void)a; *out = TOR_##to(expr); return true; }
#include "opcodes.def"
    default: return false;
  }
}

static bool fold_binary(int ir, uint64_t x, uint64_t y, uint64_t *out) {
  switch (ir) {
#define WH_BIN(n, code, text, ti, to, expr) \
    case IR_##n: { ct_##ti a = CV_##ti(x), b = CV_##ti(y); *out = TOR_##to(expr); return true; }
#include "opcodes.def"
    default: return false;
  }
}

/* eqz of a 0/1 value just computed (Go compares, widens the result and
 * tests it again): negate the producer in place instead.  Integer
 * comparisons have exact inverses; floats do not (NaN), so they stay. */
static int inverse_cmp(int op) {
  static const struct { int a, b; } pairs[] = {
    { IR_I32_EQ, IR_I32_NE }, { IR_I32_LT_S, IR_I32_GE_S }, { IR_I32_LT_U, IR_I32_GE_U },
    { IR_I32_GT_S, IR_I32_LE_S }, { IR_I32_GT_U, IR_I32_LE_U },
    { IR_I64_EQ, IR_I64_NE }, { IR_I64_LT_S, IR_I64_GE_S }, { IR_I64_LT_U, IR_I64_GE_U },
    { IR_I64_GT_S, IR_I64_LE_S }, { IR_I64_GT_U, IR_I64_LE_U },
    { IR_I32_EQZ, IR_I32_NEZ }, { IR_I64_EQZ, IR_I64_NEZ },
  };
  for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
    int imm = cmp_form[op] == 2 ? 1 : 0; /* the _I form follows the slot form */
    if (pairs[k].a + imm == op) return pairs[k].b + imm;
    if (pairs[k].b + imm == op) return pairs[k].a + imm;
  }
  return -1;
}

static bool negate_last(tr *t, uint32_t i) {
  vent *e = &t->st[i];
  if (is_dead(t) || e->kind != E_TEMP || !e->zx || t->last_dst < 0 || t->last_at < 0 ||
      t->last_dst_slot != slot_at(t, i))
    return false;
  int inv = inverse_cmp(t->last_op);
  if (inv < 0) return false;
  t->code[t->last_at].h = t->h[inv];
  t->last_op = inv;
  return true;
}

static int op_numeric(tr *t, const numinfo *ni) {
  uint32_t a = 0, b = 0, dst;
  int64_t at;
  switch (ni->kind) {
    case K_BIN:
    case K_CMP:
    case K_BINT: {
      uint8_t ty[2] = { ni->tin, ni->tin };
      TRY(need(t, ty, 2));
      vent *y = &t->st[t->nst - 1];
      uint64_t folded;
      if (ni->kind != K_BINT && y->kind == E_CONST && t->st[t->nst - 2].kind == E_CONST &&
          fold_binary(ni->ir, t->st[t->nst - 2].cval, y->cval, &folded)) {
        popn(t, 2);
        t->last_dst = -1;
        return push(t, ni->tout, E_CONST, 0, folded);
      }
      bool imm = ni->kind != K_BINT && y->kind == E_CONST;
      if (imm && ni->ir == IR_I64_ADD && !is_dead(t) && t->st[t->nst - 2].kind == E_TEMP &&
          t->last_op == IR_I64_EXTEND_I32_U && t->last_dst >= 0 && t->last_at >= 0 &&
          t->last_dst_slot == slot_at(t, t->nst - 2) && (uint32_t)t->last_at + 2 == t->ncode) {
        /* zero-extend and add a constant in one (Go's address arithmetic) */
        uint32_t src = t->code[t->last_at + 1].s.b;
        uint64_t yv = y->cval;
        t->ncode = (uint32_t)t->last_at;
        popn(t, 2);
        dst = slot_at(t, t->nst);
        at = emit(t, IR_I64_ADD_ZX_I, 3);
        if (at == -2) return -1;
        C(t, at, 1)->s.a = dst;
        C(t, at, 1)->s.b = src;
        C(t, at, 2)->u64 = yv;
        TRY(push_temp(t, WH_I64));
        mark_dst(t, at, dst);
        return 0;
      }
      TRY(operand(t, t->nst - 2, &a));
      if (!imm) TRY(operand(t, t->nst - 1, &b));
      uint64_t yv = y->cval;
      popn(t, 2);
      dst = slot_at(t, t->nst);
      at = emit(t, ni->ir + (imm ? 1 : 0), 3);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = dst;
      C(t, at, 1)->s.b = a;
      if (imm) C(t, at, 2)->u64 = yv;
      else C(t, at, 2)->s.a = b;
      TRY(push_temp(t, ni->tout));
      t->st[t->nst - 1].zx = ni->tout == WH_I32; /* handlers zero-extend i32 */
      mark_dst(t, at, dst);
      return 0;
    }
    case K_UN:
    case K_UNT: {
      TRY(need1(t, ni->tin));
      if (ni->ir == IR_I32_REINTERPRET_F32 || ni->ir == IR_I64_REINTERPRET_F64 ||
          ni->ir == IR_F32_REINTERPRET_I32 || ni->ir == IR_F64_REINTERPRET_I64 ||
          ni->ir == IR_I32_WRAP_I64) {
        /* same bits, new static type (an i32 is the low half of its
         * slot); last_dst stays so the producer can still be retargeted */
        vent *e = &t->st[t->nst - 1];
        e->type = ni->tout;
        if (ni->ir == IR_I32_WRAP_I64 && e->kind == E_CONST) e->cval = (uint32_t)e->cval;
        return 0;
      }
      if ((ni->ir == IR_I32_EQZ || ni->ir == IR_I64_EQZ) && negate_last(t, t->nst - 1)) {
        t->st[t->nst - 1].type = WH_I32;
        t->st[t->nst - 1].zx = true;
        return 0;
      }
      {
        vent *e = &t->st[t->nst - 1];
        uint64_t folded;
        if (ni->ir == IR_I64_EXTEND_I32_U && e->kind == E_TEMP && e->zx) {
          e->type = WH_I64; /* already zero-extended in its slot */
          return 0;
        }
        if (ni->kind == K_UN && e->kind == E_CONST && fold_unary(ni->ir, e->cval, &folded)) {
          e->cval = folded;
          e->type = ni->tout;
          t->last_dst = -1;
          return 0;
        }
      }
      TRY(operand(t, t->nst - 1, &a));
      popn(t, 1);
      dst = slot_at(t, t->nst);
      at = emit(t, ni->ir, 2);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = dst;
      C(t, at, 1)->s.b = a;
      TRY(push_temp(t, ni->tout));
      t->st[t->nst - 1].zx = ni->tout == WH_I32; /* handlers zero-extend i32 */
      mark_dst(t, at, dst);
      return 0;
    }
    case K_LOAD: {
      uint64_t off;
      uint32_t k = 0;
      TRY(check_memarg(t, ni->width, &off));
      TRY(need1(t, WH_I32));
      int fa = fold_address(t, t->nst - 1, true, &a, &k);
      if (fa == 1) TRY(operand(t, t->nst - 1, &a));
      popn(t, 1);
      dst = slot_at(t, t->nst);
      at = emit(t, ni->ir + (fa == 2 ? 1 : 0), 3);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = dst;
      C(t, at, 1)->s.b = a;
      C(t, at, 2)->s.a = (uint32_t)off;
      C(t, at, 2)->s.b = k;
      TRY(push_temp(t, ni->tout));
      t->st[t->nst - 1].zx = ni->tout == WH_I32; /* handlers zero-extend i32 */
      /* its destination cell moved back one: a local.set may retarget it */
      if (fa == 1 && ni->ir == IR_I64_LOAD && pair_access(t, at, IR_I64_LOAD, IR_I64_LOAD2)) at--;
      mark_dst(t, at, dst);
      return 0;
    }
    case K_STORE: {
      uint64_t off;
      TRY(check_memarg(t, ni->width, &off));
      uint8_t ty[2] = { WH_I32, ni->tin };
      uint32_t k = 0;
      TRY(need(t, ty, 2));
      /* the folded add must be the last instruction, so only a value that
       * needs no code (a local or a constant) allows folding */
      uint8_t vk = t->st[t->nst - 1].kind;
      int fa = vk == E_TEMP ? 1 : fold_address(t, t->nst - 2, true, &a, &k);
      if (fa == 1) TRY(operand(t, t->nst - 2, &a));
      bool imm = vk == E_CONST;
      uint64_t v = t->st[t->nst - 1].cval;
      if (!imm) TRY(operand(t, t->nst - 1, &b));
      popn(t, 2);
      if (fa == 2 && imm) {
        /* slot+slot address and an immediate value: [a, index][off][value] */
        at = emit(t, ni->ir + 3, 4);
        if (at == -2) return -1;
        C(t, at, 1)->s.a = a;
        C(t, at, 1)->s.b = k;
        C(t, at, 2)->s.a = (uint32_t)off;
        C(t, at, 3)->u64 = v;
        return 0;
      }
      at = emit(t, ni->ir + (fa == 2 ? 2 : imm ? 1 : 0), imm ? 4 : 3);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = a;
      if (imm) C(t, at, 3)->u64 = v;
      else C(t, at, 1)->s.b = b;
      C(t, at, 2)->s.a = (uint32_t)off;
      C(t, at, 2)->s.b = k;
      if (fa == 1 && !imm && ni->ir == IR_I64_STORE) pair_access(t, at, IR_I64_STORE, IR_I64_STORE2);
      return 0;
    }
  }
  return wh_rd_fail(&t->r, "illegal opcode");
}

static int op_local_set(tr *t, uint32_t x, bool tee) {
  if (x >= nloc(t)) FAILV("unknown local %u", x);
  TRY(need1(t, t->f->local_types[x]));
  if (is_dead(t)) {
    if (!tee) popn(t, 1);
    return 0;
  }
  uint32_t i = t->nst - 1;
  vent e = t->st[i];
  bool aliased = false;
  for (uint32_t k = 0; k < i; k++)
    if (t->st[k].kind == E_LOCAL && t->st[k].local == x) aliased = true;
  if (e.kind == E_TEMP && t->last_dst >= 0 && t->last_dst_slot == slot_at(t, i) && !aliased) {
    /* retarget the producer: it writes the local directly */
    wh_cell *cell = &t->code[t->last_dst / 2];
    cell->s.a = x;
    t->last_dst = -1;
    if (tee) {
      t->st[i].kind = E_LOCAL;
      t->st[i].zx = false;
      t->st[i].local = x;
    } else {
      popn(t, 1);
    }
    return 0;
  }
  TRY(materialize_local(t, x));
  e = t->st[i];
  if (e.kind == E_CONST) TRY(emit_const(t, x, e.cval));
  else if (e.kind == E_LOCAL) TRY(emit_copy(t, x, e.local));
  else TRY(emit_copy(t, x, slot_at(t, i)));
  if (!tee) popn(t, 1);
  t->last_dst = -1;
  return 0;
}

/* Calls: arguments are moved to consecutive slots at the top of the
 * stack, which become the callee's first slots (frames overlap). */
static int op_call_common(tr *t, const wh_ftype *ft, uint32_t extra_on_top, uint32_t *argbase) {
  uint32_t np = ft->ft.nparams;
  TRY(need(t, ft->ft.params, np));
  (void)extra_on_top;
  for (uint32_t k = t->nst - np; k < t->nst; k++)
    if (t->st[k].kind != E_TEMP) TRY(materialize(t, k));
  *argbase = slot_at(t, t->nst - np);
  return 0;
}

static int finish_call(tr *t, const wh_ftype *ft) {
  popn(t, ft->ft.nparams);
  for (uint32_t k = 0; k < ft->ft.nresults; k++) TRY(push_temp(t, ft->ft.results[k]));
  t->last_dst = -1;
  return 0;
}

static int three_operands(tr *t, const uint8_t ty[3], uint32_t *base) {
  TRY(need(t, ty, 3));
  for (uint32_t k = t->nst - 3; k < t->nst; k++)
    if (t->st[k].kind != E_TEMP) TRY(materialize(t, k));
  *base = slot_at(t, t->nst - 3);
  popn(t, 3);
  return 0;
}

static int check_table(tr *t, uint32_t ti) {
  if (ti >= t->m->ntables) FAILV("unknown table %u", ti);
  return 0;
}

/* An instruction whose operands are plain numbers: [1] = {a1, b1},
 * [2] = {a2, b2} when it has a third cell. */
static int emit_with(tr *t, int op, uint32_t cells, uint32_t a1, uint32_t b1,
                     uint32_t a2, uint32_t b2) {
  int64_t at = emit(t, op, cells);
  if (at == -2) return -1;
  C(t, at, 1)->s.a = a1;
  C(t, at, 1)->s.b = b1;
  if (cells > 2) {
    C(t, at, 2)->s.a = a2;
    C(t, at, 2)->s.b = b2;
  }
  return 0;
}

static int op_fc(tr *t) {
  uint32_t sub;
  TRY(wh_rd_u32(&t->r, &sub));
  if (sub <= 7) return op_numeric(t, &num_ops[256 + sub]);
  uint32_t x, y, base;
  switch (sub) {
    case 8: { /* memory.init */
      TRY(wh_rd_u32(&t->r, &x));
      uint8_t zero;
      TRY(wh_rd_u8(&t->r, &zero));
      if (zero != 0) return wh_rd_fail(&t->r, "zero byte expected");
      if (!t->m->has_datacount) FAILV("data count section required");
      if (t->m->nmems == 0) FAILV("unknown memory 0");
      if (x >= t->m->datacount) FAILV("unknown data segment %u", x);
      static const uint8_t ty[3] = { WH_I32, WH_I32, WH_I32 };
      TRY(three_operands(t, ty, &base));
      TRY(emit_with(t, IR_MEMORY_INIT, 3, x, base, 0, 0));
      break;
    }
    case 9: /* data.drop */
      TRY(wh_rd_u32(&t->r, &x));
      if (!t->m->has_datacount) FAILV("data count section required");
      if (x >= t->m->datacount) FAILV("unknown data segment %u", x);
      TRY(emit_with(t, IR_DATA_DROP, 2, x, 0, 0, 0));
      break;
    case 10: case 11: { /* memory.copy, memory.fill */
      uint8_t z1, z2 = 0;
      TRY(wh_rd_u8(&t->r, &z1));
      if (sub == 10) TRY(wh_rd_u8(&t->r, &z2));
      if (z1 != 0 || z2 != 0) return wh_rd_fail(&t->r, "zero byte expected");
      if (t->m->nmems == 0) FAILV("unknown memory 0");
      static const uint8_t ty[3] = { WH_I32, WH_I32, WH_I32 };
      TRY(three_operands(t, ty, &base));
      TRY(emit_with(t, sub == 10 ? IR_MEMORY_COPY : IR_MEMORY_FILL, 2, base, 0, 0, 0));
      break;
    }
    case 12: { /* table.init elem table */
      TRY(wh_rd_u32(&t->r, &x));
      TRY(wh_rd_u32(&t->r, &y));
      TRY(check_table(t, y));
      if (x >= t->m->nelems) FAILV("unknown elem segment %u", x);
      if (t->m->elems[x].type != t->m->tables[y].elem) FAILV("type mismatch: table.init element type");
      static const uint8_t ty[3] = { WH_I32, WH_I32, WH_I32 };
      TRY(three_operands(t, ty, &base));
      TRY(emit_with(t, IR_TABLE_INIT, 3, x, y, base, 0));
      break;
    }
    case 13: /* elem.drop */
      TRY(wh_rd_u32(&t->r, &x));
      if (x >= t->m->nelems) FAILV("unknown elem segment %u", x);
      TRY(emit_with(t, IR_ELEM_DROP, 2, x, 0, 0, 0));
      break;
    case 14: { /* table.copy dst src */
      TRY(wh_rd_u32(&t->r, &x));
      TRY(wh_rd_u32(&t->r, &y));
      TRY(check_table(t, x));
      TRY(check_table(t, y));
      if (t->m->tables[x].elem != t->m->tables[y].elem) FAILV("type mismatch: table.copy element types");
      static const uint8_t ty[3] = { WH_I32, WH_I32, WH_I32 };
      TRY(three_operands(t, ty, &base));
      TRY(emit_with(t, IR_TABLE_COPY, 3, x, y, base, 0));
      break;
    }
    case 15: { /* table.grow */
      TRY(wh_rd_u32(&t->r, &x));
      TRY(check_table(t, x));
      uint8_t ty[2] = { t->m->tables[x].elem, WH_I32 };
      TRY(need(t, ty, 2));
      for (uint32_t k = t->nst - 2; k < t->nst; k++)
        if (t->st[k].kind != E_TEMP) TRY(materialize(t, k));
      base = slot_at(t, t->nst - 2);
      popn(t, 2);
      TRY(emit_with(t, IR_TABLE_GROW, 2, base, x, 0, 0));
      TRY(push_temp(t, WH_I32));
      break;
    }
    case 16: /* table.size */
      TRY(wh_rd_u32(&t->r, &x));
      TRY(check_table(t, x));
      TRY(emit_with(t, IR_TABLE_SIZE, 2, slot_at(t, t->nst), x, 0, 0));
      TRY(push_temp(t, WH_I32));
      break;
    case 17: { /* table.fill */
      TRY(wh_rd_u32(&t->r, &x));
      TRY(check_table(t, x));
      uint8_t ty[3] = { WH_I32, t->m->tables[x].elem, WH_I32 };
      TRY(three_operands(t, ty, &base));
      TRY(emit_with(t, IR_TABLE_FILL, 2, base, x, 0, 0));
      break;
    }
    default:
      return wh_rd_fail(&t->r, "illegal opcode 0xfc %u", sub);
  }
  t->last_dst = -1;
  return 0;
}

static int step(tr *t, uint8_t op) {
  uint32_t x, a, b;
  int64_t at, idx;
  ctl nc;
  memset(&nc, 0, sizeof nc);
  switch (op) {
    case 0x00: /* unreachable */
      if (emit(t, IR_UNREACHABLE, 1) == -2) return -1;
      set_unreachable(t);
      return 0;
    case 0x01: return 0; /* nop */
    case 0x02: case 0x03:
      nc.op = op;
      TRY(read_blocktype(t, &nc));
      return enter_block(t, &nc);
    case 0x04: {
      nc.op = op;
      TRY(read_blocktype(t, &nc));
      TRY(need1(t, WH_I32));
      /* everything below the condition is made concrete first (an `if`
       * is a block); the condition itself may fuse into the jump */
      {
        vent cv = t->st[--t->nst];
        TRY(need(t, nc.params, nc.np));
        TRY(materialize_all(t)); /* emitting nothing keeps cv's producer fusable */
        t->st[t->nst++] = cv;
      }
      jumpref j;
      TRY(cond_jump(t, false, false, &j));
      TRY(enter_block(t, &nc));
      ctl *c = top_ctl(t);
      c->else_j = j;
      return 0;
    }
    case 0x05: return op_else(t);
    case 0x0B: return op_end(t);
    case 0x0C: { /* br */
      TRY(wh_rd_u32(&t->r, &x));
      if (x >= t->nctl) FAILV("unknown label %u", x);
      ctl *c = &t->ctls[t->nctl - 1 - x];
      TRY(need(t, label_types(c), label_arity(c)));
      TRY(emit_branch(t, c));
      set_unreachable(t);
      return 0;
    }
    case 0x0D: { /* br_if */
      TRY(wh_rd_u32(&t->r, &x));
      if (x >= t->nctl) FAILV("unknown label %u", x);
      TRY(need1(t, WH_I32));
      ctl *c = &t->ctls[t->nctl - 1 - x];
      {
        /* type-check the label operands below the condition first */
        vent cv = t->st[t->nst - 1];
        t->nst--;
        TRY(need(t, label_types(c), label_arity(c)));
        /* br_if passes its operands through with the label's types */
        for (uint32_t k = 0; k < label_arity(c); k++)
          if (t->st[t->nst - label_arity(c) + k].type == T_UNKNOWN)
            t->st[t->nst - label_arity(c) + k].type = label_types(c)[k];
        t->st[t->nst++] = cv;
      }
      if (is_dead(t)) {
        popn(t, 1);
        return 0;
      }
      jumpref j;
      /* entries below the label were materialized when it was entered */
      t->nst--;
      bool moves = needs_moves(t, c);
      t->nst++;
      if (!moves) {
        TRY(cond_jump(t, true, c->op == 0x03, &j));
        if (c->op == 0x03) set_jump(t, j, c->loop_pc);
        else TRY(add_patch_jump(t, c, j));
      } else {
        TRY(cond_jump(t, false, false, &j));
        TRY(emit_branch(t, c));
        set_jump(t, j, label_here(t));
      }
      t->last_dst = -1;
      return 0;
    }
    case 0x0E: return op_br_table(t);
    case 0x0F: { /* return */
      ctl *f = &t->ctls[0];
      TRY(need(t, res(f), f->nr));
      TRY(move_to(t, 0, f->nr));
      TRY(emit_return(t));
      set_unreachable(t);
      return 0;
    }
    case 0x10: { /* call */
      TRY(wh_rd_u32(&t->r, &x));
      if (x >= t->m->nfuncs) FAILV("unknown function %u", x);
      const wh_ftype *ft = t->m->func_types[x];
      uint32_t base;
      TRY(op_call_common(t, ft, 0, &base));
      bool imported = x < t->m->nfunc_imports;
      if (!imported && !is_dead(t) && t->last_op == IR_CONST && t->last_at >= 0 &&
          (uint32_t)t->last_at + 3 == t->ncode && t->code[t->last_at + 1].s.a == base &&
          ft->ft.nparams > 0) {
        /* the constant just written is the first argument: one dispatch */
        wh_cell *c = &t->code[t->last_at];
        c[0].h = t->h[IR_CALL_K];
        c[1].s.a = x - t->m->nfunc_imports;
        c[1].s.b = base;
        t->last_op = IR_CALL_K;
        t->prev_at = -1;
        return finish_call(t, ft);
      }
      at = emit(t, imported ? IR_CALL_IMPORT : IR_CALL, 2);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = imported ? x : x - t->m->nfunc_imports;
      C(t, at, 1)->s.b = base;
      return finish_call(t, ft);
    }
    case 0x11: { /* call_indirect */
      uint32_t ti;
      TRY(wh_rd_u32(&t->r, &x));
      TRY(wh_rd_u32(&t->r, &ti));
      if (ti >= t->m->ntables) FAILV("unknown table %u", ti);
      if (x >= t->m->ntypes) FAILV("unknown type %u", x);
      if (t->m->tables[ti].elem != WH_FUNCREF) FAILV("type mismatch: call_indirect on a table of externref");
      TRY(need1(t, WH_I32));
      uint32_t islot;
      TRY(operand(t, t->nst - 1, &islot));
      vent iv = t->st[t->nst - 1];
      popn(t, 1);
      const wh_ftype *ft = t->m->types[x];
      uint32_t base;
      TRY(op_call_common(t, ft, 1, &base));
      /* the index may have been a TEMP in the slot just above the args:
       * it is read before the call writes anything, so that is fine */
      (void)iv;
      at = emit(t, IR_CALL_INDIRECT, 3);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = ft->id;
      C(t, at, 1)->s.b = base;
      C(t, at, 2)->s.a = ti;
      C(t, at, 2)->s.b = islot;
      return finish_call(t, ft);
    }
    case 0x1A: /* drop */
      TRY(need1(t, T_UNKNOWN));
      popn(t, 1);
      t->last_dst = -1;
      return 0;
    case 0x1B: case 0x1C: { /* select, select t* */
      uint8_t ty = T_UNKNOWN;
      if (op == 0x1C) {
        uint32_t n;
        TRY(wh_rd_u32(&t->r, &n));
        if (n != 1) FAILV("invalid result arity");
        TRY(wh_rd_u8(&t->r, &ty));
        if (!wh_is_valtype(ty)) return wh_rd_fail(&t->r, "malformed value type");
      }
      TRY(need1(t, WH_I32));
      TRY(peek_expect(t, 1, ty, &idx));
      uint8_t t1 = idx >= 0 ? t->st[idx].type : T_UNKNOWN;
      TRY(peek_expect(t, 2, ty == T_UNKNOWN ? t1 : ty, &idx));
      uint8_t t2 = idx >= 0 ? t->st[idx].type : T_UNKNOWN;
      uint8_t rt = ty != T_UNKNOWN ? ty : (t1 != T_UNKNOWN ? t1 : t2);
      if (op == 0x1B && (wh_is_reftype(t1) || wh_is_reftype(t2)))
        FAILV("type mismatch: select without type needs numeric operands");
      if (op == 0x1B && t1 != T_UNKNOWN && t2 != T_UNKNOWN && t1 != t2) FAILV("type mismatch in select");
      uint8_t ty3[3] = { rt, rt, WH_I32 };
      TRY(need(t, ty3, 3));
      uint32_t c, v1, v2;
      TRY(operand(t, t->nst - 1, &c));
      TRY(operand(t, t->nst - 2, &v2));
      TRY(operand(t, t->nst - 3, &v1));
      popn(t, 3);
      uint32_t dst = slot_at(t, t->nst);
      at = emit(t, IR_SELECT, 3);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = dst;
      C(t, at, 1)->s.b = c;
      C(t, at, 2)->s.a = v1;
      C(t, at, 2)->s.b = v2;
      TRY(push_temp(t, rt));
      mark_dst(t, at, dst);
      return 0;
    }
    case 0x20: /* local.get */
      TRY(wh_rd_u32(&t->r, &x));
      if (x >= nloc(t)) FAILV("unknown local %u", x);
      TRY(push(t, t->f->local_types[x], E_LOCAL, x, 0));
      t->last_dst = -1;
      return 0;
    case 0x21: case 0x22:
      TRY(wh_rd_u32(&t->r, &x));
      return op_local_set(t, x, op == 0x22);
    case 0x23: { /* global.get */
      TRY(wh_rd_u32(&t->r, &x));
      if (x >= t->m->nglobals) FAILV("unknown global %u", x);
      uint32_t dst = slot_at(t, t->nst);
      at = emit(t, IR_GLOBAL_GET, 2);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = dst;
      C(t, at, 1)->s.b = x;
      TRY(push_temp(t, t->m->globals[x].type.type));
      /* i32 globals are stored zero-extended (GLOBAL_SET32) */
      t->st[t->nst - 1].zx = t->m->globals[x].type.type == WH_I32;
      mark_dst(t, at, dst);
      return 0;
    }
    case 0x24: /* global.set */
      TRY(wh_rd_u32(&t->r, &x));
      if (x >= t->m->nglobals) FAILV("unknown global %u", x);
      if (!t->m->globals[x].type.mutable_) FAILV("global is immutable");
      TRY(need1(t, t->m->globals[x].type.type));
      {
        /* Go moves its stack pointer with global.get; i32.add/sub K;
         * local.tee; global.set: the add (retargeted to the local by the
         * tee) and the set become one instruction */
        vent *e = &t->st[t->nst - 1];
        if (!is_dead(t) && t->m->globals[x].type.type == WH_I32 && e->kind == E_LOCAL &&
            (t->last_op == IR_I32_ADD_I || t->last_op == IR_I32_SUB_I) && t->last_at >= 0 &&
            (uint32_t)t->last_at + 3 == t->ncode && t->code[t->last_at + 1].s.a == e->local) {
          wh_cell *c = &t->code[t->last_at];
          uint32_t dst = c[1].s.a, src = c[1].s.b;
          uint32_t k = (uint32_t)c[2].u64;
          if (t->last_op == IR_I32_SUB_I) k = 0u - k;
          t->ncode = (uint32_t)t->last_at;
          popn(t, 1);
          return emit_with(t, IR_ADD_GLOBAL_SET32, 3, dst, src, k, x);
        }
      }
      TRY(operand(t, t->nst - 1, &a));
      popn(t, 1);
      at = emit(t, t->m->globals[x].type.type == WH_I32 ? IR_GLOBAL_SET32 : IR_GLOBAL_SET, 2);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = x;
      C(t, at, 1)->s.b = a;
      return 0;
    case 0x25: case 0x26: { /* table.get, table.set */
      TRY(wh_rd_u32(&t->r, &x));
      TRY(check_table(t, x));
      uint8_t et = t->m->tables[x].elem;
      if (op == 0x25) {
        TRY(need1(t, WH_I32));
        TRY(materialize(t, t->nst - 1));
        uint32_t s = slot_at(t, t->nst - 1);
        popn(t, 1);
        at = emit(t, IR_TABLE_GET, 2);
        if (at == -2) return -1;
        C(t, at, 1)->s.a = s;
        C(t, at, 1)->s.b = x;
        TRY(push_temp(t, et));
      } else {
        uint8_t ty[2] = { WH_I32, et };
        TRY(need(t, ty, 2));
        TRY(materialize(t, t->nst - 2));
        TRY(materialize(t, t->nst - 1));
        uint32_t s = slot_at(t, t->nst - 2);
        popn(t, 2);
        at = emit(t, IR_TABLE_SET, 2);
        if (at == -2) return -1;
        C(t, at, 1)->s.a = s;
        C(t, at, 1)->s.b = x;
      }
      t->last_dst = -1;
      return 0;
    }
    case 0x3F: case 0x40: { /* memory.size, memory.grow */
      uint8_t zero;
      TRY(wh_rd_u8(&t->r, &zero));
      if (zero != 0) return wh_rd_fail(&t->r, "zero byte expected");
      if (t->m->nmems == 0) FAILV("unknown memory 0");
      if (op == 0x3F) {
        at = emit(t, IR_MEMORY_SIZE, 2);
        if (at == -2) return -1;
        C(t, at, 1)->s.a = slot_at(t, t->nst);
        TRY(push_temp(t, WH_I32));
      } else {
        TRY(need1(t, WH_I32));
        TRY(materialize(t, t->nst - 1));
        at = emit(t, IR_MEMORY_GROW, 2);
        if (at == -2) return -1;
        C(t, at, 1)->s.a = slot_at(t, t->nst - 1);
      }
      t->last_dst = -1;
      return 0;
    }
    case 0x41: { int32_t v; TRY(wh_rd_s32(&t->r, &v)); t->last_dst = -1; return push(t, WH_I32, E_CONST, 0, (uint32_t)v); }
    case 0x42: { int64_t v; TRY(wh_rd_s64(&t->r, &v)); t->last_dst = -1; return push(t, WH_I64, E_CONST, 0, (uint64_t)v); }
    case 0x43: { uint32_t v; TRY(wh_rd_f32(&t->r, &v)); t->last_dst = -1; return push(t, WH_F32, E_CONST, 0, v); }
    case 0x44: { uint64_t v; TRY(wh_rd_f64(&t->r, &v)); t->last_dst = -1; return push(t, WH_F64, E_CONST, 0, v); }
    case 0xD0: { /* ref.null */
      uint8_t rt;
      TRY(wh_rd_u8(&t->r, &rt));
      if (!wh_is_reftype(rt)) return wh_rd_fail(&t->r, "malformed reference type");
      t->last_dst = -1;
      return push(t, rt, E_CONST, 0, 0);
    }
    case 0xD1: { /* ref.is_null */
      TRY(peek_expect(t, 0, T_UNKNOWN, &idx));
      if (idx >= 0 && t->st[idx].type != T_UNKNOWN && !wh_is_reftype(t->st[idx].type)) FAILV("type mismatch: ref.is_null needs a reference");
      TRY(need1(t, T_UNKNOWN));
      TRY(operand(t, t->nst - 1, &a));
      popn(t, 1);
      uint32_t dst = slot_at(t, t->nst);
      at = emit(t, IR_REF_IS_NULL, 2);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = dst;
      C(t, at, 1)->s.b = a;
      TRY(push_temp(t, WH_I32));
      mark_dst(t, at, dst);
      return 0;
    }
    case 0xD2: { /* ref.func */
      TRY(wh_rd_u32(&t->r, &x));
      if (x >= t->m->nfuncs) FAILV("unknown function %u", x);
      if (!t->m->declared_funcs[x]) FAILV("undeclared function reference %u", x);
      uint32_t dst = slot_at(t, t->nst);
      at = emit(t, IR_REF_FUNC, 2);
      if (at == -2) return -1;
      C(t, at, 1)->s.a = dst;
      C(t, at, 1)->s.b = x;
      TRY(push_temp(t, WH_FUNCREF));
      mark_dst(t, at, dst);
      return 0;
    }
    case 0xFC: return op_fc(t);
    case 0xFD: return wh_rd_fail(&t->r, "SIMD instructions are not supported yet");
    default:
      if (num_ops[op].kind != K_NONE) return op_numeric(t, &num_ops[op]);
      t->r.p--;
      return wh_rd_fail(&t->r, "illegal opcode 0x%02x", op);
  }
  (void)a; (void)b;
}

/* Scratch arrays survive from one function to the next on a thread, so
 * validating thousands of functions does not allocate per function.  A
 * pthread key frees them when the thread exits (a Node worker that
 * compiled a module, a guest thread). */
typedef struct scratch_arrays {
  vent *st;
  uint32_t capst;
  ctl *ctls;
  uint32_t capctl;
  patch *patches;
  uint32_t cappatch;
} scratch_arrays;
static _Thread_local scratch_arrays scratch;
static _Thread_local bool scratch_keyed;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_key_ok;

static void scratch_free(void *p) {
  scratch_arrays *s = p;
  free(s->st);
  free(s->ctls);
  free(s->patches);
  memset(s, 0, sizeof *s);
}

static void scratch_key_init(void) { scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0; }

/* Keeps t's arrays for the next function, unless they grew unusually large. */
static void scratch_keep(tr *t) {
  if (t->capst > 65536 || t->capctl > 65536 || t->cappatch > 65536) {
    free(t->st);
    free(t->ctls);
    free(t->patches);
    memset(&scratch, 0, sizeof scratch);
    return;
  }
  scratch.st = t->st;
  scratch.capst = t->capst;
  scratch.ctls = t->ctls;
  scratch.capctl = t->capctl;
  scratch.patches = t->patches;
  scratch.cappatch = t->cappatch;
  if (!scratch_keyed) {
    pthread_once(&scratch_once, scratch_key_init);
    scratch_keyed = scratch_key_ok && pthread_setspecific(scratch_key, &scratch) == 0;
  }
}

int wh_translate(wh_module *m, uint32_t defidx, bool emit_code, wh_error *err) {
  wh_funcdef *f = &m->funcs[defidx];
  tr t;
  memset(&t, 0, sizeof t);
  t.st = scratch.st;
  t.capst = scratch.capst;
  t.ctls = scratch.ctls;
  t.capctl = scratch.capctl;
  t.patches = scratch.patches;
  t.cappatch = scratch.cappatch;
  t.m = m;
  t.f = f;
  t.err = err;
  t.emit = emit_code;
  t.h = m->exact ? wh_interp_exact_handlers() : wh_interp_handlers();
  t.r.p = f->body;
  t.r.end = f->body_end;
  t.r.base = m->bytes;
  t.r.err = err;
  t.last_dst = -1;
  t.last_at = -1;
  t.prev_at = -1;
  ctl fc;
  memset(&fc, 0, sizeof fc);
  fc.op = 0x00;
  fc.nr = f->type->ft.nresults;
  fc.results_ = f->type->ft.results;
  int rc = push_ctl(&t, &fc);
  t.ctls[0].else_j.at = -1;
  while (rc == 0 && t.nctl > 0) {
    uint8_t op;
    t.op_at = t.r.p;
    if (wh_rd_u8(&t.r, &op)) { rc = -1; break; }
    rc = step(&t, op);
  }
  if (rc == 0 && t.r.p != t.r.end) {
    rc = wh_rd_fail(&t.r, "section size mismatch: operators after the end of the function");
  }
  if (rc == 0 && emit_code && wh_codemap_sink) {
    /* a mapping translation (codemap.c): the code is never run */
  } else if (rc == 0 && emit_code) {
    for (uint32_t k = 0; k < t.nthreads; k++) {
      wh_cell *kc = &t.code[t.threads[k].at];
      const wh_cell *bt = &t.code[t.threads[k].table];
      uint32_t n = bt[1].s.b, v = (uint32_t)kc[2].u64;
      int32_t off = (int32_t)bt[2 + (v > n ? n : v)].s.a;
      if (off != 0)
        kc[1].s.b = (uint32_t)((int64_t)t.threads[k].table + off - t.threads[k].at);
    }
    uint32_t base = nloc(&t) + t.maxh;
    f->ncode = t.ncode;
    f->frame_slots = base + 1;
    /* published last: a reader that sees the code sees its frame size */
    wh_cell *old = atomic_exchange_explicit(&f->code, t.code, memory_order_acq_rel);
    free(old);
    t.code = NULL;
    /* guest threads translate concurrently: the flag is read atomically */
    static atomic_int dump = -1;
    int d = atomic_load_explicit(&dump, memory_order_relaxed);
    if (d < 0) {
      d = getenv("WASIHOST_DUMP_IR") != NULL;
      atomic_store_explicit(&dump, d, memory_order_relaxed);
    }
    if (d) wh_dump_code(m, f, stderr);
  }
  if (rc != 0 && err && err->status == 0) wh_err_set(err, WH_ERR_INVALID, "invalid function");
  free(t.code);
  free(t.threads);
  scratch_keep(&t);
  return rc == 0 ? 0 : (err ? err->status : WH_ERR_INVALID);
}
