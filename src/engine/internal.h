/* Engine internals shared by the files of src/engine (and read by src/wasi
 * only through the public header).  Nothing here is API. */
#ifndef WI_ENGINE_INTERNAL_H
#define WI_ENGINE_INTERNAL_H

#include "wasihost.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WI_PAGE_SIZE 65536u
#define WI_MAX_PAGES 65536u
#define WI_MAX_TABLE 10000000u /* a table larger than this fails to grow */
#define WI_LIKELY(x) __builtin_expect(!!(x), 1)
#define WI_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ------------------------------------------------------------------ */
/* Errors */

int wi_err_set(wh_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int wi_err_trap(wh_error *err, int trap);

/* ------------------------------------------------------------------ */
/* Stores.  Every object belongs to a store; objects linked together
 * (an instance and what it imports, a table and the functions put in it)
 * share one.  Only references from the host are counted, on the store, so
 * cycles inside a store (an instance's table holding its own functions)
 * cannot leak: the whole store goes when the host drops its last
 * reference.  Stores merge union-find style when objects meet. */

typedef struct wi_store wi_store;
typedef struct wi_object wi_object;

/* Frees an object of one kind; o is the first member of that kind's struct. */
typedef void (*wi_destroy_fn)(wi_object *o);

struct wi_object {
  wi_store *store;    /* may point at a merged store: use wi_store_of() */
  wi_object *next;    /* the store's list of objects it frees */
  /* Set by the file that makes the object (func.c, table.c, memory.c,
   * global.c, instance.c), so the store frees every kind the same way and
   * a new kind needs no edit here.  NULL for an object its owner frees. */
  wi_destroy_fn destroy;
};

struct wi_store {
  wi_store *parent;   /* union-find; NULL at the root */
  long refs;          /* host references (root only) */
  wi_object *objects; /* objects this store frees */
  wi_store *merged;   /* stores merged into this one, freed with it */
  wi_store *next_merged;
};

/* Puts o (its destroy already set) in a new store, or in the store of
 * owner with no list entry (the owner frees it; destroy becomes NULL). */
int wi_object_init(wi_object *o);
void wi_object_init_owned(wi_object *o, wi_object *owner);
wi_store *wi_store_of(const wi_object *o);
void wi_store_join(wi_object *a, wi_object *b);
/* Puts o (not yet in any store, its destroy set) in owner's store, freed
 * with it. */
void wi_store_adopt(wi_object *owner, wi_object *o);
void wi_object_ref(wi_object *o);
void wi_object_unref(wi_object *o);

/* ------------------------------------------------------------------ */
/* Types */

typedef struct wi_ftype {
  wh_functype ft;
  uint32_t id;    /* canonical: equal ids <=> equal signatures, across modules */
  /* the interned signature (itself, unless this is a module's own view of
   * a signature with typed references in module-local codes: valtype.c) */
  const struct wi_ftype *canon;
} wi_ftype;

/* Interns a signature; the result lives for the process. */
const wi_ftype *wi_type_intern(const uint8_t *params, uint32_t np,
                               const uint8_t *results, uint32_t nr);
/* the 2.0 value type bytes (a signature, global or table from the host) */
bool wi_is_reftype(uint8_t t);
bool wi_is_valtype(uint8_t t);

/* Typed function references (valtype.c): value type codes beyond the 2.0
 * bytes.  Nullable abstract types are their binary shorthand, a
 * non-nullable one that minus 0x40, a concrete (ref null? $t) is
 * 0x80 + 2t + nullable (module-local, t < WI_VT_MAX_CONCRETE). */
#define WI_VT_REF_FUNC 0x30        /* (ref func) = WH_REF_FUNC */
#define WI_VT_REF_EXTERN 0x2F      /* (ref extern) */
#define WI_VT_NULLFUNCREF 0x73     /* (ref null nofunc) */
#define WI_VT_NULLEXTERNREF 0x72   /* (ref null noextern) */
#define WI_VT_REF_NOFUNC 0x33
#define WI_VT_REF_NOEXTERN 0x32
#define WI_VT_REF_EXN 0x29         /* (ref exn) */
#define WI_VT_NULLEXNREF 0x74      /* (ref null noexn) */
#define WI_VT_REF_NOEXN 0x34
#define WI_VT_MAX_CONCRETE 64
#define WI_XKEY_SELF 0xFFFFFFFFu
struct wi_reader;
struct wh_module;
#pragma GCC visibility push(hidden)
const wi_ftype *wi_type_intern_x(const uint8_t *params, uint32_t np,
                                 const uint8_t *results, uint32_t nr, const uint32_t *xkey);
bool wi_vt_is_ref(uint8_t t);
bool wi_vt_nullable(uint8_t t);
bool wi_vt_defaultable(uint8_t t);
uint8_t wi_vt_non_null(uint8_t t);
uint8_t wi_vt_nullable_of(uint8_t t);
uint8_t wi_vt_public(uint8_t t);
uint32_t wi_vt_concrete_index(uint8_t t);
bool wi_vt_sub(const struct wh_module *m, uint8_t a, uint8_t b);
bool wi_vt_eq(const struct wh_module *m, uint8_t a, uint8_t b);
uint8_t wi_vt_of_func(const struct wh_module *m, uint32_t x);
uint32_t wi_vt_ctype(const struct wh_module *m, uint8_t t);
bool wi_vt_import_ok(const struct wh_module *m, uint8_t want, uint32_t have_ctype, uint8_t have_public);
int wi_rd_heaptype(struct wi_reader *r, uint32_t ntypes, bool nullable, uint8_t *t);
int wi_rd_valtype(struct wi_reader *r, uint32_t ntypes, uint8_t *t);
int wi_rd_reftype(struct wi_reader *r, uint32_t ntypes, uint8_t *t);
#pragma GCC visibility pop

/* ------------------------------------------------------------------ */
/* Constant expressions (WebAssembly 2.0: one instruction then end) */

typedef enum { WI_CE_CONST, WI_CE_GLOBAL, WI_CE_REF_FUNC, WI_CE_REF_NULL,
               WI_CE_EXPR /* 3.0 extended: several instructions (constexpr.c) */ } wi_ce_kind;
/* The value and the expression share their space (24 bytes, not 40):
 * element segments hold one per item. */
typedef struct wi_constexpr {
  union {
    wh_val value;   /* WI_CE_CONST */
    struct {
      const uint8_t *expr; /* WI_CE_EXPR: its instructions (in the module's bytes) */
      uint32_t expr_len;
    };
  };
  uint32_t index; /* global or function index; WI_CE_EXPR: instruction count */
  uint8_t kind;
  uint8_t type;   /* value type produced */
} wi_constexpr;
/* unsupported.c: the feature a refused byte belongs to, as " (...)" or "" */
const char *wi_unsupported_valtype(uint8_t b) __attribute__((visibility("hidden")));
const char *wi_unsupported_type_form(uint8_t b) __attribute__((visibility("hidden")));
const char *wi_unsupported_section(uint8_t id) __attribute__((visibility("hidden")));
const char *wi_unsupported_limits(uint8_t flags) __attribute__((visibility("hidden")));
const char *wi_unsupported_opcode(uint8_t b) __attribute__((visibility("hidden")));
/* constexpr.c */
struct wi_reader;
int wi_rd_constexpr_ext(struct wi_reader *r, wi_constexpr *ce, const uint8_t *start)
    __attribute__((visibility("hidden")));
int wi_constexpr_check(struct wh_module *m, const wi_constexpr *ce, uint32_t visible, uint8_t *type,
                       wh_error *err)
    __attribute__((visibility("hidden")));
wh_val wi_constexpr_eval(wh_instance *inst, const wi_constexpr *ce) __attribute__((visibility("hidden")));

/* ------------------------------------------------------------------ */
/* Modules */

typedef struct wi_name {
  const char *ptr; /* into the module's bytes */
  uint32_t len;
} wi_name;

typedef struct wi_import {
  wi_name module, name;
  uint8_t kind;      /* wh_externkind */
  uint32_t index;    /* index in its space (function, table, memory, global) */
} wi_import;

typedef struct wi_export {
  wi_name name;
  uint8_t kind;
  uint32_t index;
} wi_export;

typedef struct wi_globaldef {
  wh_globaltype type;
  wi_constexpr init; /* defined globals only */
} wi_globaldef;

typedef enum { WI_SEG_ACTIVE, WI_SEG_PASSIVE, WI_SEG_DECLARATIVE } wi_segmode;

typedef struct wi_elemseg {
  uint8_t mode;
  uint8_t type;      /* WH_FUNCREF / WH_EXTERNREF */
  uint32_t table;
  wi_constexpr offset;
  uint32_t count;
  wi_constexpr *items;
} wi_elemseg;

/* Go binaries have ~100,000 data segments, all active at an i32.const
 * offset: that offset is kept inline (24 bytes a segment instead of 64);
 * other offset expressions are in the module's data_offsets.  Read the
 * offset with wi_dataseg_offset. */
typedef struct wi_dataseg {
  const uint8_t *bytes;
  uint32_t len;
  uint32_t memory;
  uint32_t offset;     /* offset_const: the i32 offset; else in data_offsets */
  uint8_t mode;
  bool offset_const;
} wi_dataseg;

typedef union wi_cell {
  const void *h;
  struct { uint32_t a, b; } s;
  int64_t i64;
  uint64_t u64;
} wi_cell;

typedef struct wi_funcdef {
  /* What a call reads, first and together (one cache line): */
  /* translation, done on first call (see wi_funcdef_code) */
  _Atomic(wi_cell *) code;
  uint32_t frame_slots;    /* locals + operand stack + scratch; with code */
  uint32_t nlocals;        /* params + declared locals */
  /* The bytes in the frame a call zeroes, [zero_lo, zero_hi): those of the
   * declared locals that may be read before they are set (translate.c);
   * published with code, as is nparams (a tail call's argument count). */
  uint32_t zero_lo, zero_hi;
  uint32_t ncode;
  uint32_t nparams;
  const wi_ftype *type;
  uint32_t typeidx;
  uint32_t body_offset;    /* of the code entry in the module, for errors */
  const uint8_t *body;     /* the expression after the locals */
  const uint8_t *body_end;
  uint8_t *local_types;    /* nlocals entries, in the module's local_types */
  struct wi_eh_table *eh;  /* its try regions (tr_eh.c), NULL when none;
                              published before code */
  struct wi_jit *jit;      /* its native code (jit.h), NULL when none;
                              published before code */
} wi_funcdef;

struct wh_module {
  atomic_long refs;
  pthread_mutex_t translate_lock;
  const uint8_t *bytes;
  size_t len;
  /* what lets the bytes go when the module is freed (wh_module_new: free
   * of its copy; wh_module_new_borrowed: the caller's); NULL: nothing */
  void (*release)(void *ctx);
  void *release_ctx;
  /* wh_module_new: where the caller's bytes are being copied while they
   * are validated in place (compile_par.c copies, module.c then moves
   * every pointer over); NULL when the bytes are already the module's */
  uint8_t *copy_to;

  uint32_t ntypes;
  const wi_ftype **types;

  uint32_t nimports;
  wi_import *imports;

  uint32_t nfuncs, nfunc_imports;     /* nfuncs includes imports */
  const wi_ftype **func_types;        /* per function index */
  uint32_t *func_typeidx;
  wi_funcdef *funcs;                  /* defined ones: index - nfunc_imports */
  uint8_t *local_types;               /* every defined function's, one block (decode.c) */

  uint32_t ntables, ntable_imports;
  wh_tabletype *tables;
  /* 3.0 table initializers (per table index; NULL without a table
   * section): what a defined table's elements start as */
  struct { bool has; wi_constexpr ce; } *table_init;
  uint32_t nmems, nmem_imports;
  wh_limits *mems;
  uint32_t nglobals, nglobal_imports;
  wi_globaldef *globals;

  uint32_t ntags, ntag_imports;       /* exception handling (tag.c) */
  uint32_t *tag_typeidx;
  const wi_ftype **tag_types;         /* per tag index, set by validation */

  uint32_t nexports;
  wi_export *exports;

  int64_t start;                      /* -1 = none */
  uint32_t nelems;
  wi_elemseg *elems;
  bool has_datacount;
  uint32_t datacount;
  uint32_t ndatas;
  wi_dataseg *datas;                  /* NULL when all are active at an i32 constant (decode.c) */
  uint32_t data_at, data_end;         /* the segments' bytes in the module's */
  uint32_t data_mem_max;              /* the highest memory index of an active segment */
  wi_constexpr *data_offsets;         /* of active segments not at an i32.const */
  uint32_t ndata_offsets;

  uint8_t *declared_funcs;            /* ref.func may name these (C.refs) */
  bool any64;                         /* a memory or table with i64 addresses (tr_addr64.c) */

  uint32_t ncustoms;
  struct { wi_name name; const uint8_t *data; size_t len; } *customs;
  /* from the name section on first use (wh_module_func_name): NULL until
   * then, wi_no_names when it has none */
  _Atomic(char **) func_names;
  _Atomic(struct wi_dwarf *) dwarf;   /* dwarf_module.c, read on first use */
  bool exact;                         /* translated for the counting loop
                                         (interp_exact.c, prof.c) */
  struct wi_jit_arena *jit_arena;     /* its functions' native code (jit.h) */
};

/* decode.c: parse everything; validate.c runs afterwards on the result. */
int wi_decode(wh_module *m, wh_error *err);
/* decode.c: a module whose data segments are all active at an i32
 * constant has no m->datas; validation and instantiation read them one at
 * a time from the section (*at: from m->data_at on) */
void wi_dataseg_next(const wh_module *m, uint32_t *at, wi_dataseg *d);
/* decode.c: the name section's function names, one block (NULL: none) */
char **wi_module_read_names(const wh_module *m);
extern char **const wi_no_names; /* module.c: func_names when there are none */
int wi_validate_module(wh_module *m, wh_error *err);
/* translate.c: validates one body and (when emit) produces its code;
 * validates every body of a module (translating them when
 * wh_config.eager is set). */
int wi_translate(wh_module *m, uint32_t defidx, bool emit, wh_error *err);
int wi_translate_module(wh_module *m, wh_error *err);
/* tr_scratch.c: gives back this thread's translator scratch if it grew large */
void wi_translate_scratch_trim(void);
/* The function's code, translating it first if this is its first call.
 * NULL only when memory runs out. */
/* An active data segment's offset expression. */
static inline wi_constexpr wi_dataseg_offset(const wh_module *m, const wi_dataseg *d) {
  if (!d->offset_const) return m->data_offsets[d->offset];
  wi_constexpr ce;
  memset(&ce, 0, sizeof ce);
  ce.kind = WI_CE_CONST;
  ce.type = WH_I32;
  ce.value.i32 = (int32_t)d->offset;
  return ce;
}
wi_cell *wi_funcdef_code_slow(wh_module *m, wi_funcdef *f);
static inline wi_cell *wi_funcdef_code(wh_module *m, wi_funcdef *f) {
  wi_cell *c = atomic_load_explicit(&f->code, memory_order_acquire);
  return WI_LIKELY(c != NULL) ? c : wi_funcdef_code_slow(m, f);
}
void wi_module_free(wh_module *m);
void wi_module_free_dwarf(wh_module *m); /* dwarf_module.c */

/* ------------------------------------------------------------------ */
/* Runtime objects */

/* What each object file frees when its store lets go (store.c). */

struct wh_func {
  wi_object obj;
  const wi_ftype *type;
  wh_instance *inst;    /* wasm functions: their instance */
  wi_funcdef *def;      /* wasm functions: their code */
  uint32_t index;       /* wasm functions: index in the module */
  wh_host_fn host;
  void *data;
  wh_finalizer finalize;
};

struct wh_table {
  wi_object obj;
  wh_tabletype type;
  /* a reference to a concrete function type (3.0): its canonical id,
   * which type.elem (the family) does not show; 0 otherwise */
  uint32_t ctype;
  uint32_t size;
  uint32_t cap;
  wh_val *elems;
};

struct wh_memory {
  wi_object obj;
  uint8_t *data;        /* moves when a grow outgrows the reservation */
  uint64_t size;        /* bytes accessible */
  uint64_t reserved;    /* bytes of address space mapped at data */
  uint64_t max_pages;   /* declared maximum (or 65536) */
  uint64_t cap_bytes;   /* host-imposed cap */
  struct wi_memory_old *old; /* earlier ranges, kept for stale pointers */
  uint32_t nold;
  bool has_max;
  bool exposed;         /* data was handed to the host since the last move */
  bool addr64;          /* memory64 (3.0): i64 addresses */
  uint64_t decl_max;    /* memory64: the declared maximum (max_pages stays <= 65536) */
};

struct wh_global {
  wi_object obj;
  wh_globaltype type;
  wh_val val;
  uint32_t ctype; /* as wh_table's */
};

struct wh_instance {
  wi_object obj;
  wh_module *mod;
  wi_funcdef *defs;      /* mod->funcs: a direct call's callee without mod's load */
  wh_func **funcs;       /* per function index */
  wh_func *own_funcs;    /* defined functions, storage */
  wh_table **tables;
  wh_memory **mems;
  wh_global **globals;
  wh_val **elem_items;   /* per element segment, resolved; NULL when dropped */
  uint32_t *elem_len;
  uint32_t *data_len;    /* per data segment; 0 when dropped */
  wh_tag **tags;         /* per tag index */
  wh_limits_config limits;
  int64_t fuel;          /* meaningful when limits.fuel != 0 */
  atomic_int interrupt;  /* WH_STOP_* bits, below */
  struct wi_prof *prof;  /* prof.c, NULL unless profiled */
  bool started;          /* wh_instance_start ran (or is running) */
  /* Bytes of its own memories that instantiation wrote (the pages its
   * active data segments span): all a memory holds until code runs on it
   * or the host reads or writes it (wh_instance_footprint_unrun). */
  uint64_t init_touched;
};

/* The per-index global pointers come first after the instance in its
 * block (instance.c's layout), at an offset that is the same for every
 * instance: the interpreter reads a global as WI_GLOBAL(inst, g)->val, two
 * dependent loads where inst->globals[g]->val was three (Go's code reads
 * and writes its stack pointer, global 0, in nearly every function). */
#define WI_INST_GLOBALS_OFF ((sizeof(wh_instance) + 15) & ~(size_t)15)
#define WI_GLOBAL(inst, g) (((wh_global *const *)((const char *)(inst) + WI_INST_GLOBALS_OFF))[g])

/* memory.c / table.c: used by instantiation and the interpreter */
wh_memory *wi_memory_create(uint64_t min, uint64_t max, bool has_max,
                            uint64_t cap_bytes, wh_error *err);
wh_table *wi_table_create(uint8_t elem, uint64_t min, uint64_t max,
                          bool has_max, wh_val init, wh_error *err);
wh_global *wi_global_create(uint8_t type, bool mut, wh_val v);
/* table.c: grows without the public API's checks (table.grow); the old
 * size, or -1 when it cannot grow */
int64_t wi_table_grow_raw(wh_table *t, uint32_t delta, wh_val init);
wh_func *wi_func_twin(const wh_func *f, const wi_ftype *type) __attribute__((visibility("hidden")));
wh_memory *wi_memory_create64(uint64_t min, uint64_t max, bool has_max, uint64_t cap_bytes, wh_error *err)
    __attribute__((visibility("hidden")));

/* ------------------------------------------------------------------ */
/* Execution */

/* config.c: the settings of wh_config_set, read where they apply. */
bool wi_cfg_eager(void);
int wi_cfg_dump_ir(void);
bool wi_cfg_jit(void); /* the native tier is on (wh_config.jit) */
int wi_cfg_compile_threads(void);
/* The counting build's output (wh_config.profile_path, else stderr). */
FILE *wi_cfg_open_profile(void);

#include <pthread.h>

typedef struct wi_frame {
  const wi_cell *ip;      /* where to continue in the caller */
  wh_val *fp;
  wh_instance *inst;
  wi_funcdef *def;
} wi_frame;

/* Per thread: one value stack and one frame stack shared by nested
 * (re-entrant) calls, so the depth limits hold across host calls. */
typedef struct wi_exec {
  wh_val *stack, *stack_end;
  size_t stack_bytes;
  /* The frame stack: frames[0 .. top - frames) are in use.  A pointer,
   * not a count, so a call's push and a return's pop need no scaling and
   * no load of the array's address; frames_end, the depth limit, is one
   * compare. */
  wi_frame *frames, *top, *frames_end;
  wh_val *sp;             /* first free slot for a nested entry */
  int depth;              /* nested entries */
  wh_error *err;
  const char *host_trap;  /* message from wh_call_trap */
  int exit_code;
  /* Fuel counts down to the next full stop check (wi_fuel_refill): the
   * interpreter's back-edges and calls only subtract and test its sign.
   * The outermost call's budget left is fuel + fuel_rest. */
  int64_t fuel;
  int64_t fuel_rest;
  /* native code (jit.h) between an entry and its hand-back: where the run
   * that entered it started (a return there leaves the run), and the
   * frame and function it is in, which calls and returns change */
  wi_frame *jit_base;
  wh_val *jit_fp;
  struct wi_funcdef *jit_def;
  bool fuel_on;
  wh_instance *fuel_inst;
  wh_instance *entry_inst; /* the outermost call's instance (interrupts) */
  const wi_funcdef *host_def; /* the caller of the host function being called */
  const wi_cell *host_ip;     /* (profiles attribute host time to its stack) */
  struct wh_exn *exn;         /* the exception being thrown (tag.c) */
  struct wh_exn *floating;    /* exceptions owned by this thread's run (tag.c) */
  uint32_t nfloating, floating_limit; /* how many; when to collect them */
  int runs;                   /* interpreter loops active (nested entries) */
} wi_exec;

static inline uint32_t wi_nframes(const wi_exec *ex) { return (uint32_t)(ex->top - ex->frames); }
static inline void wi_set_max_frames(wi_exec *ex, uint32_t n) { ex->frames_end = ex->frames + n; }

struct wh_call {
  wi_exec *ex;
  wh_instance *inst;
};

wi_exec *wi_exec_get(void);
/* The most fuel units between two reads of the interrupt flags: at about
 * a nanosecond a unit, an interrupt, a timeout or a profiler's sample
 * request waits at most ~16 us for a running guest to notice it. */
#define WI_FUEL_CHUNK ((int64_t)1 << 14)
/* Sets ex->fuel to the next chunk of the budget left; 0 when that budget
 * is spent (a metered run has run out), 1 otherwise. */
static inline int wi_fuel_refill(wi_exec *ex) {
  int64_t left = ex->fuel + ex->fuel_rest;
  if (!ex->fuel_on) left = INT64_MAX / 2; /* unmetered: never runs out */
  if (left < 0) {
    ex->fuel = 0;
    ex->fuel_rest = 0;
    return 0;
  }
  ex->fuel = left < WI_FUEL_CHUNK ? left : WI_FUEL_CHUNK;
  ex->fuel_rest = left - ex->fuel;
  return 1;
}
/* The bits of wh_instance.interrupt (probe.c). */
#define WI_STOP_INTERRUPT 1
#define WI_STOP_POKE 2
#define WI_STOP_SAMPLE 4 /* prof.h */
/* Called when one of two interrupt words (b may be NULL) is set: 1 when
 * the run must stop, 0 after a poke whose probe let it go on. */
int wi_stop_check(const atomic_int *a, const atomic_int *b);
/* Runs def of inst with arguments already at fp[0..]; results land at
 * fp[0..]. */
int wi_interp_call(wi_exec *ex, wh_instance *inst, wi_funcdef *def,
                   wh_val *fp);
const void *const *wi_interp_handlers(void);
/* The counting copy of the loop (interp_exact.c), for exact profiles. */
int wi_interp_exact_call(wi_exec *ex, wh_instance *inst, wi_funcdef *def, wh_val *fp);
const void *const *wi_interp_exact_handlers(void);
int wi_call_host(wi_exec *ex, wh_instance *caller, wh_func *f, wh_val *args);

/* ------------------------------------------------------------------ */
/* Exception handling (tag.c).  A tag is an object like a global; an
 * exception is born "floating", owned by the thread's run that threw it
 * (wi_exec.floating): a `catch` that unpacks it frees it, and the run's
 * outermost return frees what is left.  Once it becomes a value someone
 * may keep (catch_ref / catch_all_ref, a global or table, the host), it
 * is "stored": an object of the catching instance's store, freed with
 * it. */

struct wh_tag {
  wi_object obj;
  const wi_ftype *type;
};

struct wh_exn {
  wi_object obj;          /* stored: in a store; floating: store NULL */
  wh_tag *tag;
  struct wh_exn *prev, *next; /* floating: the thread's list */
  uint32_t holds;         /* legacy catch bodies holding it (rethrow) */
  bool stored;
  bool marked;            /* wi_exn_collect */
  bool tag_ref;           /* holds a reference on its tag's store (tag.c) */
  void *host;             /* the embedder's (wh_exn_new) */
  wh_finalizer finalize;
  uint32_t n;
  wh_val vals[];
};

/* One `catch` clause of a try region (tr_eh.c writes, the unwinder reads). */
enum { WI_EH_CATCH, WI_EH_CATCH_REF, WI_EH_CATCH_ALL, WI_EH_CATCH_ALL_REF,
       WI_EH_LEGACY, WI_EH_LEGACY_ALL };
typedef struct wi_eh_clause {
  uint8_t kind;
  uint32_t tag;           /* tag index (not for the _ALL kinds) */
  uint32_t pad;           /* code offset the handler continues at */
  uint32_t base;          /* slot of the payload's first value (then the exnref) */
  uint32_t hold;          /* legacy: the slot that keeps the exception */
} wi_eh_clause;
typedef struct wi_eh_region {
  uint32_t start, end;    /* code offsets: a position p is inside when start < p <= end */
  int32_t parent;         /* the enclosing region, -1 none */
  int32_t delegate;       /* legacy delegate: region to continue in, -1 the
                             caller, -2 not a delegate */
  uint32_t first, n;      /* its clauses */
} wi_eh_region;
/* A legacy catch body: while it runs, slot hold keeps what it caught. */
typedef struct wi_eh_arm {
  uint32_t start, end;    /* as regions */
  uint32_t hold;
} wi_eh_arm;
typedef struct wi_eh_table {
  uint32_t nregions, narms;
  wi_eh_region *regions;
  wi_eh_clause *clauses;
  wi_eh_arm *arms;
} wi_eh_table;

wh_exn *wi_exn_throw_new(wi_exec *ex, wh_tag *tag, const wh_val *args)
    __attribute__((visibility("hidden")));
void wi_exn_store(wh_exn *e, wh_instance *inst) __attribute__((visibility("hidden")));
/* An exception leaving the outermost wasm frame for the host: a reference
 * for it (a floating one gets a store of its own). */
wh_exn *wi_exn_escape(wi_exec *ex, wh_exn *e) __attribute__((visibility("hidden")));
/* A catch that unpacked e: freed unless stored or held (legacy rethrow). */
void wi_exn_drop(wi_exec *ex, wh_exn *e) __attribute__((visibility("hidden")));
/* The end of a legacy catch body holding e. */
void wi_exn_release(wi_exec *ex, wh_exn *e) __attribute__((visibility("hidden")));
void wi_exn_sweep(wi_exec *ex) __attribute__((visibility("hidden")));
/* Frees the floating exceptions no running catch body holds (frames of
 * this thread's only run: the running function def at fp and position
 * pos, and ex->frames), but keep. */
void wi_exn_collect(wi_exec *ex, const wi_funcdef *def, wh_val *fp, uint32_t pos, wh_exn *keep)
    __attribute__((visibility("hidden")));
/* The handler of the try regions of def covering position pos (as above)
 * that catches e, or NULL; *region set to -1 when it escapes the function. */
const wi_eh_clause *wi_eh_find(wh_instance *inst, const wi_funcdef *def, uint32_t pos,
                               const wh_exn *e) __attribute__((visibility("hidden")));
void wi_eh_table_free(struct wi_eh_table *t) __attribute__((visibility("hidden")));
wh_tag *wi_tag_create(const wi_ftype *type) __attribute__((visibility("hidden")));

/* Helper ops (ops.h), named by opcodes.def */
#include "ops.h"

#endif
