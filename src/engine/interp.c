/* The interpreter: direct-threaded dispatch over translated code (each
 * instruction begins with its handler's address; `goto *ip->h`).  Wasm to
 * wasm calls push a wh_frame and stay in this C frame, so guest recursion
 * never grows the native stack; only host calls (which may re-enter) do.
 * Traps are return codes: the loop unwinds its own frames and returns. */
#include "codemap.h"
#include "internal.h"
#include "ir.h"
#include "prof.h"

#define R(i) (fp[(i)].raw)
#define A1 (ip[1].s.a)
#define B1 (ip[1].s.b)
#define A2 (ip[2].s.a)
#define B2 (ip[2].s.b)
#if defined(WH_EXACT_RUN)
/* The counting copy (interp_exact.c): every dispatch adds one to the
 * running function's count; its code comes from modules translated for it. */
#define NEXT() do { (*exact_cnt)++; goto *ip->h; } while (0)
#define EXACT_SWITCH() (exact_cnt = wh_prof_counter(inst, def))
#elif defined(WH_PROFILE)
/* Counting build (scripts/build.js --profile): instruction and pair
 * frequencies, dumped at exit to $WASIHOST_PROFILE, to choose
 * superinstructions from measurements. */
void wh_profile_count(const void *h);
#define NEXT() do { wh_profile_count(ip->h); goto *ip->h; } while (0)
#else
#define NEXT() goto *ip->h
#endif
#ifndef EXACT_SWITCH
#define EXACT_SWITCH() ((void)0)
#endif
#define TRAP(code) do { trap = (code); goto trapped; } while (0)
/* An instance without memory gets an empty stand-in, so the cached
 * memory is never NULL and a size refresh is one load. */
static wh_memory no_memory;
#define RELOAD_MEM()                                                          \
  do {                                                                        \
    memobj = inst->mems ? inst->mems[0] : &no_memory;                         \
    mem = memobj->data;                                                       \
    mem_size = memobj->size;                                                  \
  } while (0)
/* After a call returns to the same instance only the size can differ. */
#define RELOAD_SIZE() (mem_size = memobj->size)
/* Back-edges and calls are where a runaway guest is stopped.  A jump
 * with offset 0 is a back-edge too: an instruction that opens its loop
 * and branches to it (a self-loop).   Fuel
 * approximates executed instructions: a back-edge is charged the loop's
 * length (its backward distance in cells, about two cells per
 * instruction), a call one. */
#define CHECK_STOP() CHECK_STOP_AT(1, 1)
/* Either flag stops the run: the one of the instance this entry runs (a
 * host that interrupts what it called) and the one of the outermost call
 * on this thread (a host that interrupts the run it started, which may
 * have re-entered wasm through a host function into another instance).
 * Both are one load from cache lines nobody else writes. */
#define STOPPED()                                                             \
  (atomic_load_explicit(stop, memory_order_relaxed) |                         \
   atomic_load_explicit(stop_outer, memory_order_relaxed))
/* A profiler's sample request (prof.h) shares the flag word: the same one
 * test covers both.  Every check sits where the next thing to do is to
 * dispatch at ip (a back-edge has jumped, a call has entered its callee),
 * so everything after a failed test is one shared block (stop_slow) that
 * ends by dispatching: the handlers carry only the test and a jump. */
#define CHECK_STOP_COST(cost) CHECK_STOP_AT(cost, 0)
#define CHECK_STOP_AT(cost, is_call)                                          \
  do {                                                                        \
    if (WH_UNLIKELY((ex->fuel -= (cost)) < 0 || STOPPED())) {                \
      slow_cost = (cost);                                                     \
      slow_call = (is_call);                                                  \
      goto stop_slow;                                                         \
    }                                                                         \
  } while (0)

static const void *const *handlers;

static int run(wh_exec *ex, wh_instance *inst, wh_funcdef *def, wh_val *fp) {
  static const void *const table[IR_COUNT] = {
#define WH_BIN(n, ...) [IR_##n] = &&L_##n, [IR_##n##_I] = &&L_##n##_I,
#define WH_CMP(n, code, text, ti, ...) [IR_##n] = &&L_##n, [IR_##n##_I] = &&L_##n##_I,          \
    [IR_BRT_##n] = &&L_BRT_##n, [IR_BRT_##n##_I] = &&L_BRT_##n##_I,                              \
    [IR_BRF_##n] = &&L_BRF_##n, [IR_BRF_##n##_I] = &&L_BRF_##n##_I,                              \
    WH_IF_INT_##ti([IR_ABT_##n] = &&L_ABT_##n, [IR_ABT_##n##_I] = &&L_ABT_##n##_I,              \
                   [IR_ABF_##n] = &&L_ABF_##n, [IR_ABF_##n##_I] = &&L_ABF_##n##_I,)
#define WH_BINT(n, ...) [IR_##n] = &&L_##n,
#define WH_UN(n, ...) [IR_##n] = &&L_##n,
#define WH_UNT(n, ...) [IR_##n] = &&L_##n,
#define WH_LOAD(n, ...) [IR_##n] = &&L_##n, [IR_##n##_X] = &&L_##n##_X,
#define WH_STORE(n, ...) [IR_##n] = &&L_##n, [IR_##n##_I] = &&L_##n##_I, [IR_##n##_X] = &&L_##n##_X, [IR_##n##_XI] = &&L_##n##_XI,
#include "opcodes.def"
#define IR(n, c) [IR_##n] = &&L_##n,
#include "irops.def"
#undef IR
  };
  if (!ex) {
    handlers = table;
    return 0;
  }
  const wh_cell *ip = atomic_load_explicit(&def->code, memory_order_relaxed);
  uint32_t base_frames = ex->nframes;
  wh_memory *memobj;
  uint8_t *mem;
  uint64_t mem_size;
  int trap = 0, rc = 0;
  int64_t slow_cost = 0; /* what a failed stop check hands to stop_slow */
  int slow_call = 0;
  const atomic_int *stop = &inst->interrupt;
  const atomic_int *stop_outer = ex->entry_inst ? &ex->entry_inst->interrupt : stop;
#ifdef WH_EXACT_RUN
  uint64_t *exact_cnt;
#endif
  EXACT_SWITCH();
  RELOAD_MEM();
  NEXT();

#define WH_BIN(n, code, text, ti, to, expr)                                   \
  L_##n: {                                                                    \
    ct_##ti a = CV_##ti(R(B1)), b = CV_##ti(R(A2));                           \
    R(A1) = TOR_##to(expr);                                                   \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_I: {                                                                \
    ct_##ti a = CV_##ti(R(B1)), b = CV_##ti(ip[2].u64);                       \
    R(A1) = TOR_##to(expr);                                                   \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }
/* Fused compare-and-branch: [x, y][offset] or [x, offset][imm]. */
#define BACK_COST(o) ((int64_t)1 + ((-(int64_t)(o)) >> 1))
#define BRANCH_TO(off)                                                        \
  do {                                                                        \
    int32_t o_ = (int32_t)(off);                                              \
    ip += o_;                                                                 \
    if (o_ <= 0) CHECK_STOP_COST(BACK_COST(o_));                               \
    NEXT();                                                                   \
  } while (0)
#define WH_CMP(n, code, text, ti, expr)                                       \
  WH_BIN(n, code, text, ti, I32, expr)                                        \
  L_BRT_##n: {                                                                \
    ct_##ti a = CV_##ti(R(A1)), b = CV_##ti(R(B1));                           \
    if (expr) BRANCH_TO(A2);                                                  \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_BRT_##n##_I: {                                                            \
    ct_##ti a = CV_##ti(R(A1)), b = CV_##ti(ip[2].u64);                       \
    if (expr) BRANCH_TO(B1);                                                  \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_BRF_##n: {                                                                \
    ct_##ti a = CV_##ti(R(A1)), b = CV_##ti(R(B1));                           \
    if (!(expr)) BRANCH_TO(A2);                                               \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_BRF_##n##_I: {                                                            \
    ct_##ti a = CV_##ti(R(A1)), b = CV_##ti(ip[2].u64);                       \
    if (!(expr)) BRANCH_TO(B1);                                               \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  WH_IF_INT_##ti(ADD_BRANCH(n, ti, R(A2), , expr)                             \
                 ADD_BRANCH(n, ti, ip[2].u64, _I, expr))
/* An add and a compare-with-immediate branch on its result:
 * [dst, x][y | imm][offset][compare imm]. */
#define ADD_BRANCH(n, ti, y, sfx, expr)                                       \
  L_ABT_##n##sfx: {                                                           \
    uint64_t s_ = ADDW_##ti(R(B1), (y));                                      \
    R(A1) = s_;                                                               \
    ct_##ti a = CV_##ti(s_), b = CV_##ti(ip[4].u64);                          \
    if (expr) BRANCH_TO(ip[3].s.a);                                           \
    ip += 5;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_ABF_##n##sfx: {                                                           \
    uint64_t s_ = ADDW_##ti(R(B1), (y));                                      \
    R(A1) = s_;                                                               \
    ct_##ti a = CV_##ti(s_), b = CV_##ti(ip[4].u64);                          \
    if (!(expr)) BRANCH_TO(ip[3].s.a);                                        \
    ip += 5;                                                                  \
    NEXT();                                                                   \
  }
/* A branch on a slot's value, [cond, offset]; the _BACK form is a
 * loop's back-edge and passes the stop check. */
#define COND_BRANCH(name, test)                                               \
  L_##name:                                                                   \
    if (test) ip += (int32_t)B1;                                              \
    else ip += 2;                                                             \
    NEXT();                                                                   \
  L_##name##_BACK:                                                            \
    if (test) {                                                               \
      int32_t o_ = (int32_t)B1;                                               \
      ip += o_;                                                               \
      CHECK_STOP_COST(BACK_COST(o_));                                         \
    } else {                                                                  \
      ip += 2;                                                                \
    }                                                                         \
    NEXT();
/* Bulk memory and table operations take (dest, src-or-value, count) in
 * three consecutive slots from b. */
#define BULK_ARGS(b)                                                          \
  uint64_t d = (uint32_t)R(b), s = (uint32_t)R((b) + 1), n = (uint32_t)R((b) + 2); \
  (void)s
#define ADDW_I32(x, y) ((uint64_t)(uint32_t)((x) + (y)))
#define ADDW_I64(x, y) ((uint64_t)(x) + (uint64_t)(y))
#define WH_BINT(n, code, text, ti, to, fn)                                    \
  L_##n: {                                                                    \
    ct_##to r;                                                                \
    int t_ = fn(CV_##ti(R(B1)), CV_##ti(R(A2)), &r);                          \
    if (WH_UNLIKELY(t_)) TRAP(t_);                                            \
    R(A1) = TOR_##to(r);                                                      \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }
#define WH_UN(n, code, text, ti, to, expr)                                    \
  L_##n: {                                                                    \
    ct_##ti a = CV_##ti(R(B1));                                               \
    (void)a;                                                                  \
    R(A1) = TOR_##to(expr);                                                   \
    ip += 2;                                                                  \
    NEXT();                                                                   \
  }
#define WH_UNT(n, code, text, ti, to, fn)                                     \
  L_##n: {                                                                    \
    ct_##to r;                                                                \
    int t_ = fn(CV_##ti(R(B1)), &r);                                          \
    if (WH_UNLIKELY(t_)) TRAP(t_);                                            \
    R(A1) = TOR_##to(r);                                                      \
    ip += 2;                                                                  \
    NEXT();                                                                   \
  }
/* Effective address: 33 bits at most, so the 64-bit compare is exact.
 * [2] holds the static offset and a constant the translator folded in
 * from an `i32.add` that computed the address (added with wraparound, as
 * the add did). */
#define EA(slot) ((uint64_t)(uint32_t)((uint32_t)R(slot) + B2) + A2)
/* _X forms: the address was slot + slot (an i32.add folded in); B2 names
 * the second slot instead of holding a constant. */
#define EAX(slot) ((uint64_t)(uint32_t)((uint32_t)R(slot) + (uint32_t)R(B2)) + A2)
/* One bounds-checked access, whatever the address form: every load and
 * store handler (and the fused pairs) is one of these plus its ip step. */
#define LOAD_AT(mt, to, dst, ea_)                                             \
  do {                                                                        \
    uint64_t ea = (ea_);                                                      \
    if (WH_UNLIKELY(ea + sizeof(mt) > mem_size)) TRAP(WH_TRAP_MEM_OOB);       \
    mt v;                                                                     \
    memcpy(&v, mem + ea, sizeof v);                                           \
    R(dst) = LD_##to(v);                                                      \
  } while (0)
#define STORE_AT(mt, ea_, val)                                                \
  do {                                                                        \
    uint64_t ea = (ea_);                                                      \
    if (WH_UNLIKELY(ea + sizeof(mt) > mem_size)) TRAP(WH_TRAP_MEM_OOB);       \
    mt v = (mt)(val);                                                         \
    memcpy(mem + ea, &v, sizeof v);                                           \
  } while (0)
#define WH_LOAD(n, code, text, to, mt)                                        \
  L_##n: {                                                                    \
    LOAD_AT(mt, to, A1, EA(B1));                                              \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_X: {                                                                \
    LOAD_AT(mt, to, A1, EAX(B1));                                             \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }
#define WH_STORE(n, code, text, ti, mt)                                       \
  L_##n: {                                                                    \
    STORE_AT(mt, EA(A1), R(B1));                                              \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_I: {                                                                \
    STORE_AT(mt, EA(A1), ip[3].u64);                                          \
    ip += 4;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_X: {                                                                \
    STORE_AT(mt, EAX(A1), R(B1));                                             \
    ip += 3;                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_XI: { /* [1] a=base b=index  [2] a=offset  [3] value */             \
    STORE_AT(mt, (uint64_t)(uint32_t)((uint32_t)R(A1) + (uint32_t)R(B1)) + A2, ip[3].u64); \
    ip += 4;                                                                  \
    NEXT();                                                                   \
  }
#include "opcodes.def"

/* The second access's operands follow the first's: step over the first
 * two cells and reuse the one-access addressing. */
L_I64_LOAD2:
  LOAD_AT(uint64_t, I64, A1, EA(B1));
  ip += 2;
  LOAD_AT(uint64_t, I64, A1, EA(B1));
  ip += 3;
  NEXT();
L_I64_STORE2:
  STORE_AT(uint64_t, EA(A1), R(B1));
  ip += 2;
  STORE_AT(uint64_t, EA(A1), R(B1));
  ip += 3;
  NEXT();
L_UNREACHABLE:
  TRAP(WH_TRAP_UNREACHABLE);
L_COPY:
  fp[A1] = fp[B1];
  ip += 2;
  NEXT();
L_CONST:
  R(A1) = ip[2].u64;
  ip += 3;
  NEXT();
L_BR:
  ip += (int32_t)A1;
  NEXT();
L_BR_BACK: {
  int32_t o_ = (int32_t)A1;
  ip += o_;
  CHECK_STOP_COST(BACK_COST(o_));
  NEXT();
}
L_CONST_BR_BACK:
  /* threaded to a later case it jumps forward: every cycle still passes
   * a checked backward jump */
  R(A1) = ip[2].u64;
  {
    int32_t o_ = (int32_t)B1;
    ip += o_;
    if (o_ <= 0) CHECK_STOP_COST(BACK_COST(o_));
  }
  NEXT();
COND_BRANCH(BR_IF, (uint32_t)R(A1))
COND_BRANCH(BR_IFZ, !(uint32_t)R(A1))
L_RETURN_CONST:
  R(A1) = ip[2].u64;
  goto L_RETURN;
L_ADD_GLOBAL_SET32: {
  uint32_t v = (uint32_t)R(B1) + A2;
  R(A1) = v;
  inst->globals[B2]->val.raw = v;
  ip += 3;
  NEXT();
}
L_I64_ADD_ZX_I:
  R(A1) = (uint64_t)(uint32_t)R(B1) + ip[2].u64;
  ip += 3;
  NEXT();
L_I32_NEZ:
  R(A1) = (uint32_t)R(B1) != 0;
  ip += 2;
  NEXT();
L_I64_NEZ:
  R(A1) = R(B1) != 0;
  ip += 2;
  NEXT();
L_BR_AND_I: {
  uint32_t v = (uint32_t)R(B1) & (uint32_t)ip[2].u64;
  R(A1) = v;
  if (v) BRANCH_TO(ip[3].s.a);
  ip += 4;
  NEXT();
}
L_BR_ANDZ_I: {
  uint32_t v = (uint32_t)R(B1) & (uint32_t)ip[2].u64;
  R(A1) = v;
  if (!v) BRANCH_TO(ip[3].s.a);
  ip += 4;
  NEXT();
}
COND_BRANCH(BR_IF64, R(A1))
COND_BRANCH(BR_IFZ64, !R(A1))
L_BR_TABLE: {
  uint32_t i = (uint32_t)R(A1), n = B1;
  if (i > n) i = n;
  int32_t off = (int32_t)ip[2 + i].s.a;
  ip += off;
  if (off <= 0) CHECK_STOP_COST(BACK_COST(off));
  NEXT();
}
L_RETURN:
  if (ex->nframes == base_frames) goto done;
  {
    wh_frame *f = &ex->frames[--ex->nframes];
    ip = f->ip;
    fp = f->fp;
    def = f->def;
    if (WH_UNLIKELY(f->inst != inst)) {
      inst = f->inst;
      RELOAD_MEM();
    } else {
      RELOAD_SIZE();
    }
  }
  EXACT_SWITCH();
  NEXT();

  {
    wh_funcdef *callee;
    wh_val *nfp;
    const wh_cell *ret;
    wh_instance *cinst;
    const wh_cell *ret_code_;
    wh_func *nested_f;
L_CALL:
    callee = &inst->mod->funcs[A1];
    nfp = fp + B1;
    ret = ip + 2;
    cinst = inst;
    goto call_wasm;
L_CALL_K:
    callee = &inst->mod->funcs[A1];
    nfp = fp + B1;
    nfp[0].raw = ip[2].u64;
    ret = ip + 3;
    cinst = inst;
    goto call_wasm;
L_CALL_IMPORT: {
    wh_func *f = inst->funcs[A1];
    nfp = fp + B1;
    ret = ip + 2;
    if (f->host) goto call_host_f;
    callee = f->def;
    cinst = f->inst;
    if (WH_UNLIKELY(cinst->mod != inst->mod && cinst->mod->exact != inst->mod->exact)) {
      nested_f = f;
      goto call_nested;
    }
    goto call_wasm;
call_host_f:
    ex->host_def = def;
    ex->host_ip = ip;
    rc = wh_call_host(ex, inst, f, nfp);
    if (rc) goto failed;
    RELOAD_SIZE();
    ip = ret;
    NEXT();
  }
L_CALL_INDIRECT: {
    wh_table *t = inst->tables[A2];
    uint32_t i = (uint32_t)R(B2);
    if (WH_UNLIKELY(i >= t->size)) TRAP(WH_TRAP_UNDEFINED_ELEM);
    wh_func *f = t->elems[i].func;
    if (WH_UNLIKELY(!f)) TRAP(WH_TRAP_UNINIT_ELEM);
    if (WH_UNLIKELY(f->type->id != A1)) TRAP(WH_TRAP_SIG_MISMATCH);
    nfp = fp + B1;
    ret = ip + 3;
    if (f->host) {
      ex->host_def = def;
      ex->host_ip = ip;
      rc = wh_call_host(ex, inst, f, nfp);
      if (rc) goto failed;
      RELOAD_SIZE();
      ip = ret;
      NEXT();
    }
    callee = f->def;
    cinst = f->inst;
    if (WH_UNLIKELY(cinst->mod != inst->mod && cinst->mod->exact != inst->mod->exact)) {
      nested_f = f;
      goto call_nested;
    }
    goto call_wasm;
  }
call_nested:
    /* into code translated for the other copy of this loop (an exact
     * profile's module, interp_exact.c): a nested entry, and to a profile
     * a call of an import like a host function's */
    rc = wh_interp_call(ex, cinst, callee, nfp);
    if (inst->prof || (ex->entry_inst && ex->entry_inst->prof)) {
      ex->host_def = def;
      ex->host_ip = ip;
      wh_prof_host_return(ex, inst, nested_f);
    }
    if (rc) goto failed;
    RELOAD_SIZE();
    ip = ret;
    NEXT();
call_wasm:
    {
      const wh_cell *code = wh_funcdef_code(cinst->mod, callee);
      if (WH_UNLIKELY(!code)) {
        rc = wh_err_set(ex->err, WH_ERR_NOMEM, "out of memory translating a function");
        goto failed;
      }
      ret_code_ = code;
    }
    if (WH_UNLIKELY(ex->nframes >= ex->max_frames ||
                    nfp + callee->frame_slots > ex->stack_end))
      TRAP(WH_TRAP_STACK_EXHAUSTED);
    {
      wh_frame *fr = &ex->frames[ex->nframes++];
      fr->ip = ret;
      fr->fp = fp;
      fr->inst = inst;
      fr->def = def;
    }
    for (uint32_t i = callee->type->ft.nparams, n = callee->nlocals; i < n; i++)
      nfp[i].raw = 0;
    fp = nfp;
    def = callee;
    ip = ret_code_;
    if (cinst != inst) {
      inst = cinst;
      RELOAD_MEM();
    }
    EXACT_SWITCH();
    CHECK_STOP(); /* in the callee, as its first dispatch would be */
    NEXT();
  }

L_SELECT:
  fp[A1] = (uint32_t)R(B1) ? fp[A2] : fp[B2];
  ip += 3;
  NEXT();
L_GLOBAL_GET:
  fp[A1] = inst->globals[B1]->val;
  ip += 2;
  NEXT();
L_GLOBAL_SET:
  inst->globals[A1]->val = fp[B1];
  ip += 2;
  NEXT();
L_GLOBAL_SET32:
  inst->globals[A1]->val.raw = (uint32_t)R(B1);
  ip += 2;
  NEXT();
L_COPY2:
  fp[A1] = fp[B1];
  fp[A2] = fp[B2];
  ip += 3;
  NEXT();
L_MEMORY_SIZE:
  R(A1) = (uint32_t)(mem_size / WH_PAGE_SIZE);
  ip += 2;
  NEXT();
L_MEMORY_GROW: {
  int64_t old = wh_memory_grow(memobj, (uint32_t)R(A1));
  R(A1) = (uint32_t)(old < 0 ? -1 : (int32_t)old);
  RELOAD_SIZE();
  ip += 2;
  NEXT();
}
L_MEMORY_INIT: {
  BULK_ARGS(B1);
  uint32_t len = inst->data_len[A1];
  if (s + n > len || d + n > mem_size) TRAP(WH_TRAP_MEM_OOB);
  if (n) memcpy(mem + d, inst->mod->datas[A1].bytes + s, n);
  ip += 3;
  NEXT();
}
L_DATA_DROP:
  inst->data_len[A1] = 0;
  ip += 2;
  NEXT();
L_MEMORY_COPY: {
  BULK_ARGS(A1);
  if (s + n > mem_size || d + n > mem_size) TRAP(WH_TRAP_MEM_OOB);
  if (n) memmove(mem + d, mem + s, n);
  ip += 2;
  NEXT();
}
L_MEMORY_FILL: {
  BULK_ARGS(A1);
  if (d + n > mem_size) TRAP(WH_TRAP_MEM_OOB);
  if (n) memset(mem + d, (uint8_t)s, n);
  ip += 2;
  NEXT();
}
L_TABLE_GET: {
  wh_table *t = inst->tables[B1];
  uint32_t i = (uint32_t)R(A1);
  if (i >= t->size) TRAP(WH_TRAP_TABLE_OOB);
  fp[A1] = t->elems[i];
  ip += 2;
  NEXT();
}
L_TABLE_SET: {
  wh_table *t = inst->tables[B1];
  uint32_t i = (uint32_t)R(A1);
  if (i >= t->size) TRAP(WH_TRAP_TABLE_OOB);
  t->elems[i] = fp[A1 + 1];
  ip += 2;
  NEXT();
}
L_TABLE_INIT: {
  wh_table *t = inst->tables[B1];
  BULK_ARGS(A2);
  uint32_t len = inst->elem_len[A1];
  if (s + n > len || d + n > t->size) TRAP(WH_TRAP_TABLE_OOB);
  if (n) memcpy(t->elems + d, inst->elem_items[A1] + s, n * sizeof(wh_val));
  ip += 3;
  NEXT();
}
L_ELEM_DROP:
  inst->elem_len[A1] = 0;
  ip += 2;
  NEXT();
L_TABLE_COPY: {
  wh_table *td = inst->tables[A1], *ts = inst->tables[B1];
  BULK_ARGS(A2);
  if (s + n > ts->size || d + n > td->size) TRAP(WH_TRAP_TABLE_OOB);
  if (n) memmove(td->elems + d, ts->elems + s, n * sizeof(wh_val));
  ip += 3;
  NEXT();
}
L_TABLE_GROW: {
  extern int64_t wh_table_grow_raw(wh_table *t, uint32_t delta, wh_val init);
  uint32_t b = A1;
  int64_t old = wh_table_grow_raw(inst->tables[B1], (uint32_t)R(b + 1), fp[b]);
  R(b) = (uint32_t)(old < 0 ? -1 : (int32_t)old);
  ip += 2;
  NEXT();
}
L_TABLE_SIZE:
  R(A1) = inst->tables[B1]->size;
  ip += 2;
  NEXT();
L_TABLE_FILL: {
  wh_table *t = inst->tables[B1];
  uint32_t b = A1;
  uint64_t i = (uint32_t)R(b), n = (uint32_t)R(b + 2);
  if (i + n > t->size) TRAP(WH_TRAP_TABLE_OOB);
  for (uint64_t k = 0; k < n; k++) t->elems[i + k] = fp[b + 1];
  ip += 2;
  NEXT();
}
L_REF_IS_NULL:
  R(A1) = R(B1) == 0;
  ip += 2;
  NEXT();
L_REF_FUNC:
  fp[A1].func = inst->funcs[B1];
  ip += 2;
  NEXT();

stop_slow: {
    int s_ = STOPPED();
    if (s_ & WH_STOP_INTERRUPT) TRAP(WH_TRAP_INTERRUPTED);
    if (s_) wh_prof_tick(ex, inst, def, ip, slow_cost, slow_call ? def : NULL);
    if (ex->fuel < 0) {
      if (ex->fuel_on) { ex->fuel = 0; TRAP(WH_TRAP_FUEL); }
      ex->fuel = INT64_MAX;
    }
    NEXT();
  }

trapped:
  rc = wh_err_trap(ex->err, trap);
failed:
  if (rc == WH_ERR_TRAP && ex->err && ex->err->nframes == 0) {
    /* the backtrace: this frame, then the callers down to our entry */
    wh_error *e = ex->err;
    wh_funcdef *d = def;
    wh_instance *in = inst;
    uint32_t k = ex->nframes;
    const wh_cell *at = ip; /* callers: their return address, inside the call */
    wh_codemap_cache cc;
    memset(&cc, 0, sizeof cc);
    while (e->nframes < WH_BACKTRACE_MAX) {
      wh_module *m = in->mod;
      uint32_t idx = (uint32_t)(d - m->funcs) + m->nfunc_imports;
      e->frames[e->nframes].func_index = idx;
      e->frames[e->nframes].name = wh_module_func_name(m, idx);
      e->frames[e->nframes].module = m;
      e->frames[e->nframes].code_offset = wh_codemap_offset(
          &cc, m, d, (uint32_t)(at - atomic_load_explicit(&d->code, memory_order_relaxed)));
      e->nframes++;
      if (k == base_frames) break;
      k--;
      d = ex->frames[k].def;
      in = ex->frames[k].inst;
      at = ex->frames[k].ip - 1;
    }
    wh_codemap_cache_free(&cc);
  }
  ex->nframes = base_frames;
  return rc;
done:
  return 0;
}

#ifdef WH_EXACT_RUN
#define wh_interp_handlers wh_interp_exact_handlers
#define wh_interp_call wh_interp_exact_call
#endif
const void *const *wh_interp_handlers(void) {
  if (!handlers) run(NULL, NULL, NULL, NULL);
  return handlers;
}

int wh_interp_call(wh_exec *ex, wh_instance *inst, wh_funcdef *def, wh_val *fp) {
#ifndef WH_EXACT_RUN
  if (WH_UNLIKELY(inst->mod->exact)) return wh_interp_exact_call(ex, inst, def, fp);
#else
  wh_prof_count_entry(inst, def); /* calls from the host or ordinary code */
#endif
  uint32_t np = def->type->ft.nparams;
  if (!wh_funcdef_code(inst->mod, def))
    return wh_err_set(ex->err, WH_ERR_NOMEM, "out of memory translating a function");
  if (fp + def->frame_slots > ex->stack_end || ex->nframes >= ex->max_frames)
    return wh_err_trap(ex->err, WH_TRAP_STACK_EXHAUSTED);
  if (def->nlocals > np) memset(fp + np, 0, (def->nlocals - np) * sizeof(wh_val));
  return run(ex, inst, def, fp);
}
