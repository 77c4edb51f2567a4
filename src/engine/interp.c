/* The interpreter: direct-threaded dispatch over translated code (each
 * instruction begins with its handler's address; `goto *ip->h`).  Wasm to
 * wasm calls push a wi_frame and stay in this C frame, so guest recursion
 * never grows the native stack; only host calls (which may re-enter) do.
 * Traps are return codes: the loop unwinds its own frames and returns. */
#include "codemap.h"
#include "internal.h"
#include "ir.h"
#include "jit.h"
#include "prof.h"
#include "simd_ops.h"

/* Slot operands are byte offsets (ir.h's wi_slot): the slot, its raw
 * bits, the k-th slot after it, and its address. */
#define SLOT(s) (*(wh_val *)((char *)fp + (s).b))
#define R(s) (SLOT(s).raw)
#define SLOT_N(s, k) (*(wh_val *)((char *)fp + (s).b + (k) * sizeof(wh_val)))
#define FRAME_AT(s) ((wh_val *)((char *)fp + (s).b))
/* A handler's operands, named by its form (irforms.def), and its step
 * over its own length. */
#define OPS(n) const wi_op_##n o = wi_read_##n(ip)
#define STEP(n) ip += WI_LEN_##n
#if defined(WI_EXACT_RUN)
/* The counting copy (interp_exact.c): every dispatch adds one to the
 * running function's count; its code comes from modules translated for it. */
#define NEXT() do { (*exact_cnt)++; goto *ip->h; } while (0)
#define EXACT_SWITCH() (exact_cnt = wi_prof_counter(inst, def))
#elif defined(WI_PROFILE)
/* Counting build (scripts/build.js --profile): instruction and pair
 * frequencies, dumped at exit to $WASIHOST_PROFILE, to choose
 * superinstructions from measurements. */
#define NEXT() do { wi_profile_count(ip->h); goto *ip->h; } while (0)
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
/* After memory.grow or a call that returns to the same instance the size
 * can differ, and the base too: a grow past the reservation moves the
 * memory (memory.c). */
#define RELOAD_SIZE() (mem = memobj->data, mem_size = memobj->size)
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
  (atomic_load_explicit(stops[0], memory_order_relaxed) |                     \
   atomic_load_explicit(stops[1], memory_order_relaxed))
/* A profiler's sample request (prof.h) shares the flag word: the same one
 * test covers both.  Every check sits where the next thing to do is to
 * dispatch at ip (a back-edge has jumped, a call has entered its callee),
 * so everything after a failed test is one shared block (stop_slow) that
 * ends by dispatching: the handlers carry only the test and a jump (a
 * call in each check cost c-matmul 13%).
 * The flags are read only when ex->fuel, which counts down to the next
 * full check (at most WI_FUEL_CHUNK units away, internal.h), goes
 * negative: a check is one subtract and branch (the two flag loads in
 * every check were 4.7% of CoreMark's instructions).  The counting copy
 * (interp_exact.c) still reads them in every check: its profile counts
 * calls in stop_slow, so the flag stays raised and every call lands there. */
#ifdef WI_EXACT_RUN
#define STOP_DUE(cost) ((ex->fuel -= (cost)) < 0 || STOPPED())
#define STOP_DUE_ADD(d) ((ex->fuel += (d)) < 0 || STOPPED())
#else
#define STOP_DUE(cost) ((ex->fuel -= (cost)) < 0)
#define STOP_DUE_ADD(d) ((ex->fuel += (d)) < 0)
#endif
/* A back-edge of offset off <= 0 is charged its loop's length in
 * instructions, about half its distance in cells: 1 + (-off >> 1), which
 * is -((off - 1) >> 1).  Added as the latter, the charge is a decrement,
 * a shift and an add (the negation and the +1 cost two more). */
#define CHECK_STOP_BACK(off)                                                  \
  do {                                                                        \
    int64_t d_ = ((int64_t)(off) - 1) >> 1;                                   \
    if (WI_UNLIKELY(STOP_DUE_ADD(d_))) {                                      \
      slow_cost = -d_;                                                        \
      slow_call = 0;                                                          \
      goto stop_slow;                                                         \
    }                                                                         \
  } while (0)
#define CHECK_STOP_AT(cost, is_call)                                          \
  do {                                                                        \
    if (WI_UNLIKELY(STOP_DUE(cost))) {                                        \
      slow_cost = (cost);                                                     \
      slow_call = (is_call);                                                  \
      goto stop_slow;                                                         \
    }                                                                         \
  } while (0)

static const void *const *handlers;

/* Entering a wasm callee (callee, its frame nfp, the return address ret;
 * cinst its instance when `cross`, else this one): the frame push, the
 * locals' zeroing, the stop check.  Written out twice, so that direct
 * calls (the most common, always in the same instance) carry no instance
 * test.  A callee not yet translated goes through call_translate_*.
 * The locals start at zero, all 16 bytes (a v128 local reads them).  The
 * empty asm keeps GCC from turning the loop into a call of memset: a
 * frame has a few locals, and the call cost more than zeroing them, with
 * every live register spilled around it. */
#define ENTER_WASM(cross)                                                     \
  do {                                                                        \
    const wi_cell *code_ = atomic_load_explicit(&callee->code, memory_order_acquire); \
    if (WI_UNLIKELY(!code_)) goto call_translate_##cross;                     \
    wi_frame *fr_ = ex->top;                                                  \
    if (WI_UNLIKELY(fr_ >= ex->frames_end ||                                  \
                    nfp + callee->frame_slots > ex->stack_end))               \
      TRAP(WH_TRAP_STACK_EXHAUSTED);                                          \
    ex->top = fr_ + 1;                                                        \
    fr_->ip = ret;                                                            \
    fr_->fp = fp;                                                             \
    fr_->inst = inst;                                                         \
    fr_->def = def;                                                           \
    for (wh_val *p = (wh_val *)((char *)nfp + callee->zero_lo),                 \
                *e = (wh_val *)((char *)nfp + callee->zero_hi); p < e; p++) {          \
      static const wh_val zero;                                               \
      *p = zero;                                                              \
      __asm__("" : "+r"(p));                                                  \
    }                                                                         \
    fp = nfp;                                                                 \
    def = callee;                                                             \
    ip = code_;                                                               \
    if ((cross) && cinst != inst) {                                           \
      inst = cinst;                                                           \
      RELOAD_MEM();                                                           \
    }                                                                         \
    EXACT_SWITCH();                                                           \
    CHECK_STOP(); /* in the callee, as its first dispatch would be */         \
    NEXT();                                                                   \
  } while (0)


/* The dispatch loop wants every register: without a frame pointer GCC
 * keeps the memory's base and size in registers instead of reloading
 * one from the stack in every load and store (perf's frame-pointer
 * unwinding loses this one frame).  Sanitizer builds keep theirs.
 * GCC's global common-subexpression pass is off here, as GCC's manual
 * advises for computed gotos: every handler is reached from every
 * dispatch, and the values it makes "available" across those edges cost
 * more than they save (callgrind, Ir of run(): quicksort -13%, random
 * -13%, richards -9%, matrix -8%, with matrix's mispredicted dispatches
 * -28%). */
/* Every handler starts a 64-byte line (align-labels).  Where handlers
 * fall, not what they do, decided the speed of whole loops: with the
 * code of their handlers identical to the instruction and only moved,
 * c-crc took 1.28x and c-matmul 1.17x the time after handlers they never
 * run were added, and the same aligned-to-32 code placed 608 bytes
 * further took c-matmul 1.34x and shootout/random 1.36x.  One handler to
 * a line measured best of unaligned, 16, 32 and 64 over the public and
 * own sets (README.md, Performance, has the figures); it is not immune (main's
 * handlers before the fourth round of fusions, aligned so, made gimli
 * 1.45x slower).  Padding before labels that code also falls into is
 * executed (so the direct calls enter their callee themselves); run()
 * grows from 69 to 146 KB, of which a loop keeps only its handlers'
 * lines in cache. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define WI_RUN_NO_FP 1
__attribute__((optimize("omit-frame-pointer", "no-gcse", "align-labels=64")))
#elif defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-gcse")))
#endif
static int run(wi_exec *ex, wh_instance *inst_in, wi_funcdef *def, wh_val *fp) {
  static const void *const table[IR_COUNT] = {
#define IR(n, form, text) [IR_##n] = &&L_##n,
#include "irops.def"
  };

  if (!ex) {
    handlers = table;
    return 0;
  }
  const wi_cell *ip = atomic_load_explicit(&def->code, memory_order_relaxed);
  wi_frame *base_frames = ex->top;
  wh_memory *memobj;
  /* Whether GCC keeps these two in registers used to depend on every
   * other handler in this function: the SIMD handlers' arrival put the
   * base on the stack (one more load in every access) until they were
   * marked cold, and leaving them out entirely spilled both.  Pinned to
   * callee-saved registers (GCC's local register variables, x86-64,
   * optimised builds without a frame pointer) they survive host calls and
   * whatever handlers come next; RELOAD_MEM/RELOAD_SIZE still refresh
   * them where the memory can have moved. */
#if defined(WI_RUN_NO_FP) && defined(__x86_64__) && defined(__OPTIMIZE__)
  register uint8_t *mem __asm__("r15");
  register uint64_t mem_size __asm__("rbp");
  /* and the instance: calls, globals and tables start from it, and where
   * GCC put it otherwise moved with unrelated changes (a spilled one costs
   * every global access and call one more load) */
  register wh_instance *inst __asm__("r13") = inst_in;
#else
  uint8_t *mem;
  uint64_t mem_size;
  wh_instance *inst = inst_in;
#endif
  int trap = 0, rc = 0;
  int64_t slow_cost = 0; /* what a failed stop check hands to stop_slow */
  int slow_call = 0;
  const atomic_int *stop = &inst->interrupt;
  const atomic_int *stop_outer = ex->entry_inst ? &ex->entry_inst->interrupt : stop;
  const atomic_int *volatile stops[2] = { stop, stop_outer };
#ifdef WI_EXACT_RUN
  uint64_t *exact_cnt;
#endif
  EXACT_SWITCH();
  RELOAD_MEM();
  NEXT();

#define WI_BIN(n, code, text, ti, to, expr)                                   \
  BIN_HANDLERS(n, ti, to, expr)                                               \
  WI_IF_I32_##ti(                                                             \
  L_##n##_I_AND: {                                                            \
    OPS(n##_I_AND);                                                           \
    ct_I32 a = CV_I32(R(o.x)), b = o.k;                                       \
    R(o.dst) = TOR_I32((uint32_t)(expr) & o.m);                               \
    STEP(n##_I_AND);                                                          \
    NEXT();                                                                   \
  })
#define BIN_HANDLERS(n, ti, to, expr)                                         \
  L_##n: {                                                                    \
    OPS(n);                                                                   \
    ct_##ti a = CV_##ti(R(o.x)), b = CV_##ti(R(o.y));                         \
    R(o.dst) = TOR_##to(expr);                                                \
    STEP(n);                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_I: {                                                                \
    OPS(n##_I);                                                               \
    ct_##ti a = CV_##ti(R(o.x)), b = CV_##ti(o.k);                            \
    R(o.dst) = TOR_##to(expr);                                                \
    STEP(n##_I);                                                              \
    NEXT();                                                                   \
  }
/* A taken branch; offsets <= 0 are back-edges and pass the stop check. */
#define BRANCH_TO(off)                                                        \
  do {                                                                        \
    int32_t o_ = (int32_t)(off);                                              \
    ip += o_;                                                                 \
    if (o_ <= 0) CHECK_STOP_BACK(o_);                                         \
    NEXT();                                                                   \
  } while (0)
/* Fused compare-and-branch: slots x, y or slot x and immediate k. */
#define CMP_BRANCH(lbl, n, ti, expr, sense)                                   \
  L_##lbl##_##n: {                                                            \
    OPS(lbl##_##n);                                                           \
    ct_##ti a = CV_##ti(R(o.x)), b = CV_##ti(R(o.y));                         \
    if (sense(expr)) BRANCH_TO(o.off);                                        \
    STEP(lbl##_##n);                                                          \
    NEXT();                                                                   \
  }                                                                           \
  L_##lbl##_##n##_I: {                                                        \
    OPS(lbl##_##n##_I);                                                       \
    ct_##ti a = CV_##ti(R(o.x)), b = CV_##ti(o.k);                            \
    if (sense(expr)) BRANCH_TO(o.off);                                        \
    STEP(lbl##_##n##_I);                                                      \
    NEXT();                                                                   \
  }
#define IS_TRUE(x) (x)
#define IS_FALSE(x) (!(x))
#define WI_CMP(n, code, text, ti, expr)                                       \
  BIN_HANDLERS(n, ti, I32, expr)                                              \
  CMP_BRANCH(BRT, n, ti, expr, IS_TRUE)                                       \
  CMP_BRANCH(BRF, n, ti, expr, IS_FALSE)                                      \
  WI_IF_INT_##ti(ADD_BRANCH(ABT, n, ti, R(o.y), , expr, IS_TRUE)              \
                 ADD_BRANCH(ABT, n, ti, o.j, _I, expr, IS_TRUE)               \
                 ADD_BRANCH(ABF, n, ti, R(o.y), , expr, IS_FALSE)             \
                 ADD_BRANCH(ABF, n, ti, o.j, _I, expr, IS_FALSE))
/* An add and a compare-with-immediate branch on its result. */
#define ADD_BRANCH(lbl, n, ti, y, sfx, expr, sense)                           \
  L_##lbl##_##n##sfx: {                                                       \
    OPS(lbl##_##n##sfx);                                                      \
    uint64_t s_ = ADDW_##ti(R(o.x), (y));                                     \
    R(o.dst) = s_;                                                            \
    ct_##ti a = CV_##ti(s_), b = CV_##ti(o.k);                                \
    if (sense(expr)) BRANCH_TO(o.off);                                        \
    STEP(lbl##_##n##sfx);                                                     \
    NEXT();                                                                   \
  }
/* A branch on a slot's value, after `first` (a fused instruction's own
 * part, interp_fused.inc; empty for the plain branches); the _BACK form
 * is a loop's back-edge and passes the stop check. */
#define COND_BRANCH(name, first, test)                                        \
  L_##name: {                                                                 \
    OPS(name);                                                                \
    first;                                                                    \
    if (test) ip += o.off;                                                    \
    else STEP(name);                                                          \
    NEXT();                                                                   \
  }                                                                           \
  L_##name##_BACK: {                                                          \
    OPS(name##_BACK);                                                         \
    first;                                                                    \
    if (test) {                                                               \
      ip += o.off;                                                            \
      CHECK_STOP_BACK(o.off);                                                 \
    } else {                                                                  \
      STEP(name##_BACK);                                                      \
    }                                                                         \
    NEXT();                                                                   \
  }
/* Bulk memory and table operations take (dest, src-or-value, count) in
 * three consecutive slots from b. */
#define BULK_ARGS(b)                                                          \
  uint64_t d = (uint32_t)R(b), s = (uint32_t)SLOT_N(b, 1).raw, n = (uint32_t)SLOT_N(b, 2).raw; \
  (void)s
#define ADDW_I32(x, y) ((uint64_t)(uint32_t)((x) + (y)))
#define ADDW_I64(x, y) ((uint64_t)(x) + (uint64_t)(y))
#define WI_BINT(n, code, text, ti, to, fn)                                    \
  L_##n: {                                                                    \
    OPS(n);                                                                   \
    ct_##to r;                                                                \
    int t_ = fn(CV_##ti(R(o.x)), CV_##ti(R(o.y)), &r);                        \
    if (WI_UNLIKELY(t_)) TRAP(t_);                                            \
    R(o.dst) = TOR_##to(r);                                                   \
    STEP(n);                                                                  \
    NEXT();                                                                   \
  }
#define WI_UN(n, code, text, ti, to, expr)                                    \
  L_##n: {                                                                    \
    OPS(n);                                                                   \
    ct_##ti a = CV_##ti(R(o.x));                                              \
    (void)a;                                                                  \
    R(o.dst) = TOR_##to(expr);                                                \
    STEP(n);                                                                  \
    NEXT();                                                                   \
  }
#define WI_UNT(n, code, text, ti, to, fn)                                     \
  L_##n: {                                                                    \
    OPS(n);                                                                   \
    ct_##to r;                                                                \
    int t_ = fn(CV_##ti(R(o.x)), &r);                                         \
    if (WI_UNLIKELY(t_)) TRAP(t_);                                            \
    R(o.dst) = TOR_##to(r);                                                   \
    STEP(n);                                                                  \
    NEXT();                                                                   \
  }
/* Effective address: 33 bits at most, so the 64-bit compare is exact.
 * The static offset is added to the address plus a constant the
 * translator folded in from an `i32.add` that computed it (added with
 * wraparound, as the add did) or, in the _X forms, plus a second slot. */
#define EA(base, k, off) ((uint64_t)(uint32_t)((uint32_t)R(base) + (uint32_t)(k)) + (off))
/* The _XS forms: the index slot scaled by the access's width, as the
 * i32.shl the translator folded did (32-bit wraparound). */
#define WIDTH_LOG2(mt)                                                        \
  (sizeof(mt) == 16 ? 4 : sizeof(mt) == 8 ? 3 : sizeof(mt) == 4 ? 2 : sizeof(mt) == 2 ? 1 : 0)
#define EAS(base, idx, off, mt) EA(base, (uint32_t)R(idx) << WIDTH_LOG2(mt), off)
/* One bounds-checked access, whatever the address form: every load and
 * store handler (and the fused pairs) is one of these plus its ip step. */
#define LOAD_AT(mt, to, dst, ea_)                                             \
  do {                                                                        \
    uint64_t ea = (ea_);                                                      \
    if (WI_UNLIKELY(ea + sizeof(mt) > mem_size)) goto out_of_bounds;           \
    mt v;                                                                     \
    memcpy(&v, mem + ea, sizeof v);                                           \
    R(dst) = LD_##to(v);                                                      \
  } while (0)
#define STORE_AT(mt, ea_, val)                                                \
  do {                                                                        \
    uint64_t ea = (ea_);                                                      \
    if (WI_UNLIKELY(ea + sizeof(mt) > mem_size)) goto out_of_bounds;           \
    mt v = (mt)(val);                                                         \
    memcpy(mem + ea, &v, sizeof v);                                           \
  } while (0)
#define WI_LOAD(n, code, text, to, mt)                                        \
  L_##n: {                                                                    \
    OPS(n);                                                                   \
    LOAD_AT(mt, to, o.dst, EA(o.addr, o.k, o.off));                           \
    STEP(n);                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_X: {                                                                \
    OPS(n##_X);                                                               \
    LOAD_AT(mt, to, o.dst, EA(o.addr, R(o.idx), o.off));                      \
    STEP(n##_X);                                                              \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_XS: {                                                               \
    OPS(n##_XS);                                                              \
    LOAD_AT(mt, to, o.dst, EAS(o.addr, o.idx, o.off, mt));                    \
    STEP(n##_XS);                                                             \
    NEXT();                                                                   \
  }                                                                           \
  WI_IF_I32_##to(LOAD_BRANCH(BRT, n, mt, IS_TRUE) LOAD_BRANCH(BRF, n, mt, IS_FALSE))
/* An i32 load, then a branch on the value it wrote. */
#define LOAD_BRANCH(lbl, n, mt, sense)                                        \
  L_##lbl##_##n: {                                                            \
    OPS(lbl##_##n);                                                           \
    LOAD_AT(mt, I32, o.dst, EA(o.addr, o.k, o.off));                          \
    if (sense((uint32_t)R(o.dst))) BRANCH_TO(o.to);                           \
    STEP(lbl##_##n);                                                          \
    NEXT();                                                                   \
  }
#define WI_STORE(n, code, text, ti, mt)                                       \
  L_##n: {                                                                    \
    OPS(n);                                                                   \
    STORE_AT(mt, EA(o.addr, o.k, o.off), R(o.val));                           \
    STEP(n);                                                                  \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_I: {                                                                \
    OPS(n##_I);                                                               \
    STORE_AT(mt, EA(o.addr, o.k, o.off), o.val);                              \
    STEP(n##_I);                                                              \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_X: {                                                                \
    OPS(n##_X);                                                               \
    STORE_AT(mt, EA(o.addr, R(o.idx), o.off), R(o.val));                      \
    STEP(n##_X);                                                              \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_XI: {                                                               \
    OPS(n##_XI);                                                              \
    STORE_AT(mt, EA(o.addr, R(o.idx), o.off), o.val);                         \
    STEP(n##_XI);                                                             \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_XS: {                                                               \
    OPS(n##_XS);                                                              \
    STORE_AT(mt, EAS(o.addr, o.idx, o.off, mt), R(o.val));                    \
    STEP(n##_XS);                                                             \
    NEXT();                                                                   \
  }                                                                           \
  L_##n##_XSI: {                                                              \
    OPS(n##_XSI);                                                             \
    STORE_AT(mt, EAS(o.addr, o.idx, o.off, mt), o.val);                       \
    STEP(n##_XSI);                                                            \
    NEXT();                                                                   \
  }
#include "opcodes.def"
#include "interp_simd.inc"
#include "interp_tail.inc"
#include "interp_mem.inc"
#include "interp_eh.inc"

L_I64_LOAD2: {
  OPS(I64_LOAD2);
  LOAD_AT(uint64_t, I64, o.dst, EA(o.addr, o.k, o.off));
  LOAD_AT(uint64_t, I64, o.dst2, EA(o.addr2, o.k2, o.off2));
  STEP(I64_LOAD2);
  NEXT();
}
L_I64_STORE2: {
  OPS(I64_STORE2);
  STORE_AT(uint64_t, EA(o.addr, o.k, o.off), R(o.val));
  STORE_AT(uint64_t, EA(o.addr2, o.k2, o.off2), R(o.val2));
  STEP(I64_STORE2);
  NEXT();
}
L_UNREACHABLE:
  TRAP(WH_TRAP_UNREACHABLE);
/* A number's move copies 8 bytes, not the whole slot: a 16-byte load of
 * a slot an 8-byte store has just written cannot take the stored value
 * from the store buffer and waits for it (fib2: 7% of its time). */
L_COPY: {
  OPS(COPY);
  R(o.dst) = R(o.x);
  STEP(COPY);
  NEXT();
}
L_COPY16: {
  OPS(COPY16);
  SLOT(o.dst) = SLOT(o.x);
  STEP(COPY16);
  NEXT();
}
L_CONST: {
  OPS(CONST);
  R(o.dst) = o.k;
  STEP(CONST);
  NEXT();
}
L_BR: {
  OPS(BR);
  ip += o.off;
  NEXT();
}
L_BR_BACK: {
  OPS(BR_BACK);
  ip += o.off;
  CHECK_STOP_BACK(o.off);
  NEXT();
}
L_CONST_BR_BACK: {
  /* threaded to a later case it jumps forward: every cycle still passes
   * a checked backward jump */
  OPS(CONST_BR_BACK);
  R(o.dst) = o.k;
  ip += o.off;
  if (o.off <= 0) CHECK_STOP_BACK(o.off);
  NEXT();
}
COND_BRANCH(BR_IF, , (uint32_t)R(o.cond))
COND_BRANCH(BR_IFZ, , !(uint32_t)R(o.cond))
L_RETURN_CONST: {
  OPS(RETURN_CONST);
  R(o.dst) = o.k;
  goto L_RETURN;
}
L_ADD_GLOBAL_SET32: {
  OPS(ADD_GLOBAL_SET32);
  uint32_t v = (uint32_t)R(o.x) + o.k;
  R(o.dst) = v;
  WI_GLOBAL(inst, o.global)->val.raw = v;
  STEP(ADD_GLOBAL_SET32);
  NEXT();
}
L_I64_ADD_ZX_I: {
  OPS(I64_ADD_ZX_I);
  R(o.dst) = (uint64_t)(uint32_t)R(o.x) + o.k;
  STEP(I64_ADD_ZX_I);
  NEXT();
}
L_I32_NEZ: {
  OPS(I32_NEZ);
  R(o.dst) = (uint32_t)R(o.x) != 0;
  STEP(I32_NEZ);
  NEXT();
}
L_I64_NEZ: {
  OPS(I64_NEZ);
  R(o.dst) = R(o.x) != 0;
  STEP(I64_NEZ);
  NEXT();
}
L_BR_AND_I: {
  OPS(BR_AND_I);
  uint32_t v = (uint32_t)R(o.x) & (uint32_t)o.k;
  R(o.dst) = v;
  if (v) BRANCH_TO(o.off);
  STEP(BR_AND_I);
  NEXT();
}
L_BR_ANDZ_I: {
  OPS(BR_ANDZ_I);
  uint32_t v = (uint32_t)R(o.x) & (uint32_t)o.k;
  R(o.dst) = v;
  if (!v) BRANCH_TO(o.off);
  STEP(BR_ANDZ_I);
  NEXT();
}
COND_BRANCH(BR_IF64, , R(o.cond))
COND_BRANCH(BR_IFZ64, , !R(o.cond))
L_BR_TABLE: {
  OPS(BR_TABLE);
  uint32_t i = (uint32_t)R(o.idx);
  if (i > o.n) i = o.n;
  int32_t off = (int32_t)ip[WI_LEN_BR_TABLE + i].s.a;
  ip += off;
  if (off <= 0) CHECK_STOP_BACK(off);
  NEXT();
}
L_BR_TABLE_K: {
  OPS(BR_TABLE_K);
  uint32_t i = (uint32_t)R(o.idx) + o.k;
  if (i > o.n) i = o.n;
  int32_t off = (int32_t)ip[WI_LEN_BR_TABLE_K + i].s.a;
  ip += off;
  if (off <= 0) CHECK_STOP_BACK(off);
  NEXT();
}
L_RETURN:
  if (ex->top == base_frames) goto done;
  {
    wi_frame *f = --ex->top;
    ip = f->ip;
    fp = f->fp;
    def = f->def;
    /* Back in the same instance the cached memory is still right: every
     * grow in this loop refreshes it (MEMORY_GROW, MEMORY_GROW_M) and so
     * does every host or nested call, so a return need not reload it. */
    if (WI_UNLIKELY(f->inst != inst)) {
      inst = f->inst;
      RELOAD_MEM();
    }
  }
  EXACT_SWITCH();
  NEXT();

  {
    wi_funcdef *callee;
    wh_val *nfp;
    const wi_cell *ret;
    wh_instance *cinst;
    wh_func *nested_f;
L_CALL: {
    OPS(CALL);
    callee = &inst->defs[o.func];
    nfp = FRAME_AT(o.base);
    ret = ip + WI_LEN_CALL;
    ENTER_WASM(0);
  }
L_CALL_K: {
    OPS(CALL_K);
    callee = &inst->defs[o.func];
    nfp = FRAME_AT(o.base);
    nfp[0].raw = o.k;
    ret = ip + WI_LEN_CALL_K;
    ENTER_WASM(0);
  }
L_CALL_IMPORT: {
    OPS(CALL_IMPORT);
    wh_func *f = inst->funcs[o.func];
    nfp = FRAME_AT(o.base);
    ret = ip + WI_LEN_CALL_IMPORT;
    if (f->host) goto call_host_f;
    callee = f->def;
    cinst = f->inst;
    if (WI_UNLIKELY(cinst->mod != inst->mod && cinst->mod->exact != inst->mod->exact)) {
      nested_f = f;
      goto call_nested;
    }
    goto call_wasm;
call_host_f:
    ex->host_def = def;
    ex->host_ip = ip;
    rc = wi_call_host(ex, inst, f, nfp);
    if (rc) goto failed;
    RELOAD_SIZE();
    ip = ret;
    NEXT();
  }
L_CALL_INDIRECT: {
    OPS(CALL_INDIRECT);
    wh_table *t = inst->tables[o.table];
    uint32_t i = (uint32_t)R(o.idx);
    if (WI_UNLIKELY(i >= t->size)) TRAP(WH_TRAP_UNDEFINED_ELEM);
    wh_func *f = t->elems[i].func;
    if (WI_UNLIKELY(!f)) TRAP(WH_TRAP_UNINIT_ELEM);
    if (WI_UNLIKELY(f->type->id != o.type)) TRAP(WH_TRAP_SIG_MISMATCH);
    nfp = FRAME_AT(o.base);
    ret = ip + WI_LEN_CALL_INDIRECT;
    if (f->host) {
      ex->host_def = def;
      ex->host_ip = ip;
      rc = wi_call_host(ex, inst, f, nfp);
      if (rc) goto failed;
      RELOAD_SIZE();
      ip = ret;
      NEXT();
    }
    callee = f->def;
    cinst = f->inst;
    if (WI_UNLIKELY(cinst->mod != inst->mod && cinst->mod->exact != inst->mod->exact)) {
      nested_f = f;
      goto call_nested;
    }
    goto call_wasm;
  }
#include "interp_ref.inc" /* call_ref shares the call paths above and below */
call_nested:
    /* into code translated for the other copy of this loop (an exact
     * profile's module, interp_exact.c): a nested entry, and to a profile
     * a call of an import like a host function's */
    rc = wi_interp_call(ex, cinst, callee, nfp);
    if (inst->prof || (ex->entry_inst && ex->entry_inst->prof)) {
      ex->host_def = def;
      ex->host_ip = ip;
      wi_prof_host_return(ex, inst, nested_f);
    }
    if (rc) goto failed;
    RELOAD_SIZE();
    ip = ret;
    NEXT();
call_wasm:
    ENTER_WASM(1);
call_translate_0:
    cinst = inst;
call_translate_1:
    if (WI_UNLIKELY(!wi_funcdef_code_slow(cinst->mod, callee))) {
      rc = wi_err_set(ex->err, WH_ERR_NOMEM, "out of memory translating a function");
      goto failed;
    }
    goto call_wasm;
  }

L_SELECT: {
  OPS(SELECT);
  R(o.dst) = (uint32_t)R(o.cond) ? R(o.x) : R(o.y);
  STEP(SELECT);
  NEXT();
}
L_SELECT16: {
  OPS(SELECT16);
  SLOT(o.dst) = (uint32_t)R(o.cond) ? SLOT(o.x) : SLOT(o.y);
  STEP(SELECT16);
  NEXT();
}
L_GLOBAL_GET: {
  OPS(GLOBAL_GET);
  R(o.dst) = WI_GLOBAL(inst, o.global)->val.raw;
  STEP(GLOBAL_GET);
  NEXT();
}
L_GLOBAL_GET16: {
  OPS(GLOBAL_GET16);
  SLOT(o.dst) = WI_GLOBAL(inst, o.global)->val;
  STEP(GLOBAL_GET16);
  NEXT();
}
L_GLOBAL_SET: {
  OPS(GLOBAL_SET);
  WI_GLOBAL(inst, o.global)->val.raw = R(o.x);
  STEP(GLOBAL_SET);
  NEXT();
}
L_GLOBAL_SET16: {
  OPS(GLOBAL_SET16);
  WI_GLOBAL(inst, o.global)->val = SLOT(o.x);
  STEP(GLOBAL_SET16);
  NEXT();
}
L_GLOBAL_SET32: {
  OPS(GLOBAL_SET32);
  WI_GLOBAL(inst, o.global)->val.raw = (uint32_t)R(o.x);
  STEP(GLOBAL_SET32);
  NEXT();
}
L_COPY2: {
  OPS(COPY2);
  R(o.dst) = R(o.x);
  R(o.dst2) = R(o.x2);
  STEP(COPY2);
  NEXT();
}
L_CONST_COPY: {
  OPS(CONST_COPY);
  R(o.dst) = o.k;
  R(o.dst2) = R(o.x2);
  STEP(CONST_COPY);
  NEXT();
}
L_COPY_CONST: {
  OPS(COPY_CONST);
  R(o.dst) = R(o.x);
  R(o.dst2) = o.k2;
  STEP(COPY_CONST);
  NEXT();
}
L_CONST2: {
  OPS(CONST2);
  R(o.dst) = o.k;
  R(o.dst2) = o.k2;
  STEP(CONST2);
  NEXT();
}
L_MEMORY_SIZE: {
  OPS(MEMORY_SIZE);
  R(o.dst) = (uint32_t)(mem_size / WI_PAGE_SIZE);
  STEP(MEMORY_SIZE);
  NEXT();
}
L_MEMORY_GROW: {
  OPS(MEMORY_GROW);
  int64_t old = wh_memory_grow(memobj, (uint32_t)R(o.dst));
  R(o.dst) = (uint32_t)(old < 0 ? -1 : (int32_t)old);
  RELOAD_SIZE();
  STEP(MEMORY_GROW);
  NEXT();
}
L_MEMORY_INIT: {
  OPS(MEMORY_INIT);
  BULK_ARGS(o.base);
  uint32_t len = inst->data_len[o.seg];
  if (s + n > len || d + n > mem_size) TRAP(WH_TRAP_MEM_OOB);
  if (n) memcpy(mem + d, inst->mod->datas[o.seg].bytes + s, n);
  STEP(MEMORY_INIT);
  NEXT();
}
L_DATA_DROP: {
  OPS(DATA_DROP);
  inst->data_len[o.seg] = 0;
  STEP(DATA_DROP);
  NEXT();
}
L_MEMORY_COPY: {
  OPS(MEMORY_COPY);
  BULK_ARGS(o.base);
  if (s + n > mem_size || d + n > mem_size) TRAP(WH_TRAP_MEM_OOB);
  if (n) memmove(mem + d, mem + s, n);
  STEP(MEMORY_COPY);
  NEXT();
}
L_MEMORY_FILL: {
  OPS(MEMORY_FILL);
  BULK_ARGS(o.base);
  if (d + n > mem_size) TRAP(WH_TRAP_MEM_OOB);
  if (n) memset(mem + d, (uint8_t)s, n);
  STEP(MEMORY_FILL);
  NEXT();
}
L_TABLE_GET: {
  OPS(TABLE_GET);
  wh_table *t = inst->tables[o.table];
  uint32_t i = (uint32_t)R(o.base);
  if (i >= t->size) TRAP(WH_TRAP_TABLE_OOB);
  SLOT(o.base) = t->elems[i];
  STEP(TABLE_GET);
  NEXT();
}
L_TABLE_SET: {
  OPS(TABLE_SET);
  wh_table *t = inst->tables[o.table];
  uint32_t i = (uint32_t)R(o.base);
  if (i >= t->size) TRAP(WH_TRAP_TABLE_OOB);
  t->elems[i] = SLOT_N(o.base, 1);
  STEP(TABLE_SET);
  NEXT();
}
L_TABLE_INIT: {
  OPS(TABLE_INIT);
  wh_table *t = inst->tables[o.table];
  BULK_ARGS(o.base);
  uint32_t len = inst->elem_len[o.seg];
  if (s + n > len || d + n > t->size) TRAP(WH_TRAP_TABLE_OOB);
  if (n) memcpy(t->elems + d, inst->elem_items[o.seg] + s, n * sizeof(wh_val));
  STEP(TABLE_INIT);
  NEXT();
}
L_ELEM_DROP: {
  OPS(ELEM_DROP);
  inst->elem_len[o.seg] = 0;
  STEP(ELEM_DROP);
  NEXT();
}
L_TABLE_COPY: {
  OPS(TABLE_COPY);
  wh_table *td = inst->tables[o.dst_table], *ts = inst->tables[o.src_table];
  BULK_ARGS(o.base);
  if (s + n > ts->size || d + n > td->size) TRAP(WH_TRAP_TABLE_OOB);
  if (n) memmove(td->elems + d, ts->elems + s, n * sizeof(wh_val));
  STEP(TABLE_COPY);
  NEXT();
}
L_TABLE_GROW: {
  OPS(TABLE_GROW);
  int64_t old = wi_table_grow_raw(inst->tables[o.table], (uint32_t)SLOT_N(o.base, 1).raw, SLOT(o.base));
  R(o.base) = (uint32_t)(old < 0 ? -1 : (int32_t)old);
  STEP(TABLE_GROW);
  NEXT();
}
L_TABLE_SIZE: {
  OPS(TABLE_SIZE);
  R(o.dst) = inst->tables[o.table]->size;
  STEP(TABLE_SIZE);
  NEXT();
}
L_TABLE_FILL: {
  OPS(TABLE_FILL);
  wh_table *t = inst->tables[o.table];
  uint64_t i = (uint32_t)R(o.base), n = (uint32_t)SLOT_N(o.base, 2).raw;
  if (i + n > t->size) TRAP(WH_TRAP_TABLE_OOB);
  for (uint64_t k = 0; k < n; k++) t->elems[i + k] = SLOT_N(o.base, 1);
  STEP(TABLE_FILL);
  NEXT();
}
L_REF_IS_NULL: {
  OPS(REF_IS_NULL);
  R(o.dst) = R(o.x) == 0;
  STEP(REF_IS_NULL);
  NEXT();
}
L_REF_FUNC: {
  OPS(REF_FUNC);
  SLOT(o.dst).func = inst->funcs[o.func];
  STEP(REF_FUNC);
  NEXT();
}

/* last: placed among the others, the fused handlers moved hot ones and
 * cost blake3-scalar and shootout/matrix 8% (same code, other layout) */
#include "interp_fused.inc"
/* after the fused ones, for the same reason */
#include "interp_bce.inc"
/* Native code runs from here to the next instruction it leaves to us,
 * with that instruction's own handler when its cell is patched too. */
L_JIT_ENTER: {
  const wi_cell *code_ = atomic_load_explicit(&def->code, memory_order_relaxed);
  const wi_jit *j_ = def->jit;
  ex->jit_base = base_frames;
  ex->jit_def = def;
  wi_jit_ret r_ = j_->fn(fp, mem, mem_size, ex, inst, code_, wi_jit_entry(j_, (uint32_t)(ip - code_)));
  ip = r_.ip;
  fp = ex->jit_fp;
  def = ex->jit_def;
  /* no handler: the cell is not patched, its own is in it */
  if (r_.h) goto *r_.h;
  NEXT();
}
stop_slow: {
    int s_ = STOPPED();
    if (s_ & WI_STOP_INTERRUPT) TRAP(WH_TRAP_INTERRUPTED);
    if ((s_ & WI_STOP_POKE) && wi_stop_check(stop, stop_outer)) TRAP(WH_TRAP_INTERRUPTED);
    if (s_ & WI_STOP_SAMPLE) wi_prof_tick(ex, inst, def, ip, slow_cost, slow_call ? def : NULL);
    if (ex->fuel < 0 && !wi_fuel_refill(ex)) TRAP(WH_TRAP_FUEL);
    NEXT();
  }

out_of_bounds:
  /* one jump target for every access, with the trap code set here, not
   * in each access's hot path */
  rc = wi_err_trap(ex->err, WH_TRAP_MEM_OOB);
  goto failed;
trapped:
  rc = wi_err_trap(ex->err, trap);
failed:
  if (rc == WH_ERR_EXCEPTION && ex->exn) goto eh_thrown; /* interp_eh.inc */
  if (rc == WH_ERR_TRAP && ex->err && ex->err->nframes == 0) {
    /* the backtrace: this frame, then the callers down to our entry */
    wh_error *e = ex->err;
    wi_funcdef *d = def;
    wh_instance *in = inst;
    const wi_frame *k = ex->top;
    const wi_cell *at = ip; /* callers: their return address, inside the call */
    wi_codemap_cache cc;
    memset(&cc, 0, sizeof cc);
    while (e->nframes < WH_BACKTRACE_MAX) {
      wh_module *m = in->mod;
      uint32_t idx = (uint32_t)(d - m->funcs) + m->nfunc_imports;
      e->frames[e->nframes].func_index = idx;
      e->frames[e->nframes].name = wh_module_func_name(m, idx);
      e->frames[e->nframes].module = m;
      e->frames[e->nframes].code_offset = wi_codemap_offset(
          &cc, m, d, (uint32_t)(at - atomic_load_explicit(&d->code, memory_order_relaxed)));
      e->nframes++;
      if (k == base_frames) break;
      k--;
      d = k->def;
      in = k->inst;
      at = k->ip - 1;
    }
    wi_codemap_cache_free(&cc);
  }
  ex->top = base_frames;
  return rc;
done:
  return 0;
}

#ifdef WI_EXACT_RUN
#define wi_interp_handlers wi_interp_exact_handlers
#define wi_interp_call wi_interp_exact_call
#endif
const void *const *wi_interp_handlers(void) {
  if (!handlers) run(NULL, NULL, NULL, NULL);
  return handlers;
}

int wi_interp_call(wi_exec *ex, wh_instance *inst, wi_funcdef *def, wh_val *fp) {
#ifndef WI_EXACT_RUN
  if (WI_UNLIKELY(inst->mod->exact)) return wi_interp_exact_call(ex, inst, def, fp);
#else
  wi_prof_count_entry(inst, def); /* calls from the host or ordinary code */
#endif
  uint32_t np = def->type->ft.nparams;
  if (!wi_funcdef_code(inst->mod, def))
    return wi_err_set(ex->err, WH_ERR_NOMEM, "out of memory translating a function");
  if (fp + def->frame_slots > ex->stack_end || ex->top >= ex->frames_end)
    return wi_err_trap(ex->err, WH_TRAP_STACK_EXHAUSTED);
  if (def->nlocals > np) memset(fp + np, 0, (def->nlocals - np) * sizeof(wh_val));
  ex->runs++; /* (interp_eh.inc's collection needs the only run) */
  int rc = run(ex, inst, def, fp);
  ex->runs--;
  return rc;
}
