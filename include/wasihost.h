/* wasihost: a WebAssembly engine (decoder, validator, interpreter) and a
 * wasi_snapshot_preview1 host.  This is the one public header; everything
 * under src/ is internal.  Style follows libuv: every name is prefixed wh_,
 * functions that can fail return an int (0 = ok, negative wh_status) and fill
 * a caller-owned wh_error with the human-readable text. */
#ifndef WASIHOST_H
#define WASIHOST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Status codes and errors                                             */

typedef enum wh_status {
  WH_OK = 0,
  WH_ERR_MALFORMED = -1, /* binary cannot be decoded (CompileError) */
  WH_ERR_INVALID = -2,   /* decoded but fails validation (CompileError) */
  WH_ERR_LINK = -3,      /* an import is missing or has the wrong type (LinkError) */
  WH_ERR_TRAP = -4,      /* execution trapped (RuntimeError); see wh_error.trap */
  WH_ERR_HOST = -5,      /* a host function failed; the host keeps its own exception */
  WH_ERR_EXIT = -6,      /* the guest called proc_exit; see wh_error.exit_code */
  WH_ERR_NOMEM = -7,     /* the host ran out of memory */
  WH_ERR_ARG = -8,       /* the caller passed bad arguments to the C API */
  WH_ERR_LIMIT = -9,     /* instantiation exceeds a configured limit */
  WH_ERR_EXCEPTION = -10 /* a wasm exception nothing caught; see wh_error.exn */
} wh_status;

typedef enum wh_trap {
  WH_TRAP_NONE = 0,
  WH_TRAP_UNREACHABLE,
  WH_TRAP_MEM_OOB,         /* out of bounds memory access */
  WH_TRAP_TABLE_OOB,       /* out of bounds table access */
  WH_TRAP_UNDEFINED_ELEM,  /* undefined element (call_indirect index >= size) */
  WH_TRAP_UNINIT_ELEM,     /* uninitialized element (null funcref) */
  WH_TRAP_SIG_MISMATCH,    /* indirect call type mismatch */
  WH_TRAP_DIV_ZERO,        /* integer divide by zero */
  WH_TRAP_INT_OVERFLOW,    /* integer overflow */
  WH_TRAP_BAD_CONVERSION,  /* invalid conversion to integer */
  WH_TRAP_STACK_EXHAUSTED, /* call stack exhausted */
  WH_TRAP_NULL_REF,        /* null reference (ref.as_non_null) */
  WH_TRAP_FUEL,            /* fuel exhausted */
  WH_TRAP_INTERRUPTED,     /* interrupted (timeout or abort) */
  WH_TRAP_HOST,            /* a host function asked to trap with its own text */
  WH_TRAP_NULL_FUNC_REF,   /* null function reference (call_ref, return_call_ref) */
  WH_TRAP_COUNT
} wh_trap;

/* The spec's wording for each trap, e.g. "integer divide by zero". */
const char *wh_trap_message(wh_trap trap);

#define WH_BACKTRACE_MAX 32

/* One wasm frame of a trap's backtrace. */
typedef struct wh_frame_info {
  uint32_t func_index; /* in its module's function index space */
  const char *name;    /* from the name section, or NULL; lives as long as
                          the module */
  uint32_t code_offset; /* of the trapping instruction (the call, in callers),
                           from the start of the code section's contents as
                           DWARF counts; UINT32_MAX when unknown */
  struct wh_module *module; /* the function's module (wh_module_source_lines);
                           valid as long as `name` */
} wh_frame_info;

typedef struct wh_error {
  int status;         /* wh_status */
  int trap;           /* wh_trap when status == WH_ERR_TRAP */
  int exit_code;      /* when status == WH_ERR_EXIT */
  uint32_t offset;    /* byte offset in the module for compile errors */
  char message[256];  /* human text, always NUL-terminated */
  uint32_t nframes;   /* WH_ERR_TRAP: the wasm frames, innermost first */
  wh_frame_info frames[WH_BACKTRACE_MAX];
  /* WH_ERR_EXCEPTION: the exception, a reference the error's reader owns
   * (wh_exn_unref it); NULL otherwise.  wh_func_call sets it. */
  struct wh_exn *exn;
} wh_error;

/* ------------------------------------------------------------------ */
/* Types and values                                                    */

typedef enum wh_valtype {
  WH_I32 = 0x7F,
  WH_I64 = 0x7E,
  WH_F32 = 0x7D,
  WH_F64 = 0x7C,
  WH_V128 = 0x7B,
  WH_FUNCREF = 0x70,
  WH_EXTERNREF = 0x6F,
  WH_EXNREF = 0x69       /* exception handling (3.0): a wh_exn*, NULL is ref.null */
} wh_valtype;

/* The text format's name of a value type ("i32", "funcref", ...), or
 * "unknown" for a byte that names none. */
const char *wh_valtype_name(uint8_t t);

/* Typed function references (WebAssembly 3.0) as signatures, globals and
 * tables show them: non-nullable (ref func) / (ref extern) and the bottom
 * types; a reference to a concrete function type shows as WH_REF_FUNC (or
 * WH_FUNCREF when nullable). */
#define WH_REF_FUNC 0x30
#define WH_REF_EXTERN 0x2F
#define WH_NULLFUNCREF 0x73
#define WH_NULLEXTERNREF 0x72
/* WH_FUNCREF or WH_EXTERNREF for any reference type (what a value of it
 * holds), t itself for the others; whether null is a value of type t. */
uint8_t wh_reftype_family(uint8_t t);
int wh_reftype_nullable(uint8_t t);

typedef enum wh_externkind {
  WH_EXTERN_FUNC = 0,
  WH_EXTERN_TABLE = 1,
  WH_EXTERN_MEMORY = 2,
  WH_EXTERN_GLOBAL = 3,
  WH_EXTERN_TAG = 4 /* exception handling (3.0) */
} wh_externkind;

typedef struct wh_func wh_func;
typedef struct wh_table wh_table;
typedef struct wh_memory wh_memory;
typedef struct wh_global wh_global;
typedef struct wh_module wh_module;
typedef struct wh_instance wh_instance;
typedef struct wh_call wh_call;
typedef struct wh_tag wh_tag;
typedef struct wh_exn wh_exn;

/* One value.  Floats are carried as their bit patterns so NaN payloads
 * survive; a funcref is a wh_func* (NULL is ref.null), an externref is an
 * opaque host word (0 is ref.null; the host decides what it means).  An
 * i32 or f32 lives in the low 32 bits (.i32 / .f32_bits): the other half
 * of a value the engine hands out is unspecified, so read the member of
 * the value's type, never .raw. */
typedef union wh_val {
  int32_t i32;
  int64_t i64;
  uint32_t f32_bits;
  uint64_t f64_bits;
  wh_func *func;
  uintptr_t ext;
  uint64_t raw;
  /* v128 (SIMD): the 16 bytes in lane order, little-endian as in memory.
   * Every value is 16 bytes wide so that a v128 takes one slot like any
   * other value (locals, operands, globals, select and block moves stay
   * one copy each). */
  uint8_t v128[16];
} wh_val;

typedef struct wh_functype {
  uint32_t nparams, nresults;
  const uint8_t *params;  /* wh_valtype each */
  const uint8_t *results;
} wh_functype;

typedef struct wh_limits {
  uint64_t min;
  uint64_t max;
  int has_max;
  int addr64; /* 3.0 memory64 / table64: addressed by i64 */
} wh_limits;

typedef struct wh_tabletype {
  uint8_t elem; /* WH_FUNCREF or WH_EXTERNREF */
  wh_limits limits;
} wh_tabletype;

typedef struct wh_globaltype {
  uint8_t type;    /* wh_valtype */
  uint8_t mutable_;
} wh_globaltype;

typedef struct wh_externtype {
  int kind; /* wh_externkind */
  union {
    wh_functype func;
    wh_tabletype table;
    wh_limits memory; /* in 64 KiB pages */
    wh_globaltype global;
    wh_functype tag; /* the payload's types as params; no results */
  } u;
} wh_externtype;

typedef struct wh_extern {
  int kind; /* wh_externkind */
  union {
    wh_func *func;
    wh_table *table;
    wh_memory *memory;
    wh_global *global;
    wh_tag *tag;
  } u;
} wh_extern;

/* The type an extern has now: a memory's or a table's current size is its
 * min (what import matching compares).  WH_ERR_ARG for a NULL object. */
int wh_extern_type(const wh_extern *e, wh_externtype *out);
/* 1 when an extern of type `have` may be imported where a module declares
 * `want` (core spec 4.5.4: same kind, equal function and global types,
 * limits at least as large with a maximum at least as tight), else 0.
 * wh_instance_new applies exactly this; an embedder checking imports
 * itself (to name the culprit its own way) gets the same answer. */
int wh_externtype_matches(const wh_externtype *have, const wh_externtype *want);
/* Text of t as link errors print it: "func [i32 i64] -> [f32]",
 * "table {min 1, max 2} funcref", "memory {min 1}", "global mut i32".
 * Writes at most cap bytes (NUL-terminated when cap > 0) and returns the
 * length the whole text needs, as snprintf does. */
size_t wh_externtype_format(const wh_externtype *t, char *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* Modules                                                             */

/* Decodes, validates and translates.  The bytes are copied (while they are
 * validated: they must not change during the call).  Returns NULL and
 * fills err (WH_ERR_MALFORMED / WH_ERR_INVALID with offset) on failure. */
wh_module *wh_module_new(const uint8_t *bytes, size_t len, wh_error *err);
/* wh_module_new without the copy: the module reads `bytes` in place for
 * its whole life (function bodies are translated on first call, data
 * segments copied at each instantiation, names and custom sections point
 * into them).  The caller keeps them alive and unchanged until the module
 * calls release(ctx), once, from whichever thread drops its last reference
 * (release may be NULL).  On failure release is not called: the bytes stay
 * the caller's. */
wh_module *wh_module_new_borrowed(const uint8_t *bytes, size_t len,
                                  void (*release)(void *ctx), void *ctx,
                                  wh_error *err);
/* Validation only (the bytes are not copied): 0 or a negative wh_status. */
int wh_module_validate(const uint8_t *bytes, size_t len, wh_error *err);
wh_module *wh_module_ref(wh_module *m);
void wh_module_unref(wh_module *m);
/* For stack traces in V8's form, wasm://wasm/<hash>:wasm-function[N]:0xOFF:
 * a 32-bit FNV-1a hash of the module's bytes (reads them all: call it when
 * reporting, not per instruction), and what to add to a code_offset
 * (wh_frame_info) to get the module-relative offset V8 prints. */
uint32_t wh_module_hash(const wh_module *m);
uint32_t wh_module_code_offset_base(const wh_module *m);

uint32_t wh_module_import_count(const wh_module *m);
/* Strings point into the module and live as long as it does.  Names are
 * UTF-8 with explicit lengths (they may contain NUL). */
int wh_module_import(const wh_module *m, uint32_t i, const char **module,
                     uint32_t *module_len, const char **name,
                     uint32_t *name_len, wh_externtype *type);
uint32_t wh_module_export_count(const wh_module *m);
int wh_module_export(const wh_module *m, uint32_t i, const char **name,
                     uint32_t *name_len, wh_externtype *type);
uint32_t wh_module_custom_count(const wh_module *m);
int wh_module_custom(const wh_module *m, uint32_t i, const char **name,
                     uint32_t *name_len, const uint8_t **data,
                     size_t *data_len);
/* Name of function `index` (imports first) from the name section, or NULL. */
const char *wh_module_func_name(const wh_module *m, uint32_t index);

/* Source locations from the module's DWARF (.debug_line / .debug_info
 * custom sections, versions 2-5), read on first use. */
typedef struct wh_source_loc {
  const char *function; /* DWARF name (linkage name when it has one), or NULL */
  const char *file;     /* NULL when no line row covers the offset */
  uint32_t line, column;
} wh_source_loc;
/* The frames at code_offset (as in wh_frame_info), innermost inlined
 * function first, the enclosing real function last; returns how many were
 * written (0: no DWARF, or none covers the offset).  Strings live as long
 * as the module. */
int wh_module_source_lines(wh_module *m, uint32_t code_offset, wh_source_loc *out, int max);
/* ------------------------------------------------------------------ */
/* Guest profiles (wasihost extension)                                 */

typedef enum wh_profile_mode {
  WH_PROFILE_OFF = 0,
  WH_PROFILE_SAMPLE = 1, /* stacks sampled every interval_us of run time */
  WH_PROFILE_EXACT = 2   /* per-function call counts and loop work, counted */
} wh_profile_mode;

/* Starts profiling runs of inst (one profile per instance). */
int wh_instance_profile_start(wh_instance *inst, int mode, uint32_t interval_us, wh_error *err);
/* Makes m run on the counting copy of the interpreter loop, for exact
 * profiles' instruction counts: call it on a module of its own, before
 * instantiating it (its code is translated again). */
int wh_module_set_exact(wh_module *m);
/* Stops and discards the profile; not while a run of inst is in progress
 * (nor read with reset then). */
void wh_instance_profile_stop(wh_instance *inst);

/* A copy of what was recorded.  words holds nsamples samples, each
 *   nframes, weight (intervals since the last sample), time_us low, time_us high (since start),
 * then nframes pairs (kind << 30 | index, code offset), outermost first.
 * kind 0: a function of the instance's module (index: function index,
 * offset: as wh_frame_info.code_offset); 1: a host function it imports
 * (index: function index of the import; 0x3fffffff when not one of its
 * imports); 2: a function of another module; 3: deeper frames left out.
 * Exact mode: calls[i] and units[i] per function index (nfuncs of them):
 * calls made to i (imports included), and the internal instructions it
 * executed (a fused instruction counts once), counted only when the
 * instance's module was made with wh_module_set_exact. */
typedef struct wh_profile_data {
  int mode;
  uint32_t interval_us;
  uint64_t duration_us;
  uint32_t nsamples;
  int truncated;            /* memory ran out: later samples were dropped */
  uint32_t *words;
  size_t nwords;
  uint32_t nfuncs;
  uint64_t *calls, *units;
} wh_profile_data;
/* reset: start a new profile after this read. */
int wh_instance_profile_read(wh_instance *inst, wh_profile_data *out, int reset);
void wh_profile_data_free(wh_profile_data *d);

/* The module's binary as it was compiled (lives as long as the module). */
const uint8_t *wh_module_bytes(const wh_module *m, size_t *len);
/* 1 when the module has DWARF line or function data that could be read,
 * else 0.  *problem (may be NULL) gets what could not be read, or NULL. */
int wh_module_debug_info(wh_module *m, const char **problem);

/* ------------------------------------------------------------------ */
/* Execution limits                                                    */

typedef struct wh_limits_config {
  uint64_t fuel;             /* instructions (approx.); 0 = unlimited */
  uint64_t max_memory_bytes; /* cap on each linear memory; 0 = 4 GiB */
  uint32_t max_call_depth;   /* 0 = default (10000 frames) */
  uint32_t max_stack_slots;  /* value stack, 8-byte slots; 0 = default (1M) */
} wh_limits_config;

/* ------------------------------------------------------------------ */
/* Process-wide settings (wasihost extension)                          */

/* The core reads no environment variables: an embedder sets these (the
 * Node binding from WASIHOST_EAGER, WASIHOST_DUMP_IR, WASIHOST_PROFILE,
 * WASIHOST_COMPILE_THREADS and WASIHOST_JIT=0 when the addon loads).  All zero is the default. */
typedef struct wh_config {
  int eager;   /* translate every function when its module compiles, not
                  on its first call (to test the translator on all code) */
  int dump_ir; /* print each function's internal code to stderr when it is
                  translated: 1 operands by name, 2 the raw cells */
  const char *profile_path; /* counting builds (-DWH_PROFILE): the file
                  the instruction counts go to at exit; NULL: stderr */
  int compile_threads; /* threads that validate a large module's function
                  bodies when it compiles: 0 = one per CPU (at most 8),
                  1 = the calling thread only */
  int no_jit;  /* run every function in the interpreter: no native code
                  (there is native code on x86-64 Linux only) */
} wh_config;
/* Replaces the settings (copied); modules compiled afterwards follow them.
 * Safe from any thread. */
void wh_config_set(const wh_config *c);
/* The current settings; profile_path lives until the next wh_config_set. */
void wh_config_get(wh_config *out);

/* ------------------------------------------------------------------ */
/* Instances                                                           */

/* imports[i] matches wh_module_import(m, i).  Runs data/element
 * initialisation and the start function.  On a trap during start the
 * instance is not returned and err describes the trap. */
wh_instance *wh_instance_new(wh_module *m, const wh_extern *imports,
                             uint32_t nimports, const wh_limits_config *limits,
                             wh_error *err);
/* wh_instance_new in two steps, so that a timeout or an interrupt can be
 * armed on the instance before its start function runs: the instance is
 * linked and initialised (data, elements) but its start function waits for
 * wh_instance_start, which runs it once (later calls return 0).  On a trap
 * the instance stays allocated (the caller unrefs it); what the start
 * function wrote to shared memories and tables stays, as the spec says. */
wh_instance *wh_instance_new_unstarted(wh_module *m, const wh_extern *imports,
                                       uint32_t nimports, const wh_limits_config *limits,
                                       wh_error *err);
int wh_instance_start(wh_instance *inst, wh_error *err);
/* Nonzero while the module's start function has yet to run. */
int wh_instance_start_pending(const wh_instance *inst);
wh_instance *wh_instance_ref(wh_instance *inst);
void wh_instance_unref(wh_instance *inst);
wh_module *wh_instance_module(const wh_instance *inst);
/* Looks up an export by name; returns 0 and fills out, or WH_ERR_ARG. */
int wh_instance_export(wh_instance *inst, const char *name, uint32_t name_len,
                       wh_extern *out);
/* The i-th export in module order. */
int wh_instance_export_at(wh_instance *inst, uint32_t i, wh_extern *out);
/* Memory 0 of the instance (defined or imported), or NULL. */
wh_memory *wh_instance_memory(wh_instance *inst);

/* Fuel left (when fuel was configured), refillable between calls.
 * The interrupt flag is safe to set from any thread: the guest stops at
 * its next loop back-edge or call with WH_TRAP_INTERRUPTED. */
uint64_t wh_instance_fuel(const wh_instance *inst);
void wh_instance_set_fuel(wh_instance *inst, uint64_t fuel);
void wh_instance_interrupt(wh_instance *inst);
void wh_instance_clear_interrupt(wh_instance *inst);
/* A softer interrupt, safe from any thread: the guest running inst calls
 * its thread's probe (wh_thread_set_probe) at the next loop back-edge or
 * call and stops with WH_TRAP_INTERRUPTED only if the probe returns
 * nonzero.  Without a probe the poke is ignored.  For embedders that can
 * learn only on the guest's own thread whether to stop (a Node worker
 * being terminated). */
typedef int (*wh_probe_fn)(void *data);
/* Native bytes an object holds (estimates, for reporting to a garbage
 * collector): a module's bytes, metadata and the code translated so far;
 * an instance's own memories (accessible size), tables and functions, not
 * what it imported; a table's element storage. */
uint64_t wh_module_footprint(const wh_module *m);
uint64_t wh_instance_footprint(const wh_instance *inst);
/* The footprint of an instance no code has run on yet and whose memories
 * the host has not read or written: its memories count only the pages
 * instantiation wrote. */
uint64_t wh_instance_footprint_unrun(const wh_instance *inst);
uint64_t wh_table_footprint(const wh_table *t);
void wh_instance_poke(wh_instance *inst);
void wh_thread_set_probe(wh_probe_fn fn, void *data);

/* ------------------------------------------------------------------ */
/* Functions                                                           */

/* A host function.  args and results may alias (results are written after
 * all args are read).  Return 0, or WH_ERR_TRAP after wh_call_trap(), or
 * WH_ERR_HOST when the host has its own pending exception, or WH_ERR_EXIT
 * after wh_call_exit(). */
typedef int (*wh_host_fn)(wh_call *call, void *data, const wh_val *args,
                          wh_val *results);
typedef void (*wh_finalizer)(void *data);

wh_func *wh_func_new_host(const wh_functype *type, wh_host_fn fn, void *data,
                          wh_finalizer finalize);
wh_func *wh_func_ref(wh_func *f);
void wh_func_unref(wh_func *f);
const wh_functype *wh_func_type(const wh_func *f);
/* Host data of a host function (NULL for wasm functions). */
void *wh_func_host_data(const wh_func *f);
/* Index of a wasm function in its defining module's function index space
 * (imports first), or UINT32_MAX for a host function.  The JS API names an
 * exported function by it (`f.name === "3"`). */
uint32_t wh_func_index(const wh_func *f);
/* The instance that defines wasm function f (not a new reference), or NULL
 * for a host function.  A call of f is a run of that instance: the binding
 * needs it to interrupt the run and to keep one thread per instance. */
wh_instance *wh_func_instance(const wh_func *f);

/* Each thread that calls wasm gets its own execution stacks, reserved as
 * address space and touched as deep as its guests go; they are freed when
 * the thread exits.  A long-lived thread can give the touched memory back
 * between runs (outside any call) with wh_thread_trim. */
void wh_thread_trim(void);

/* Calls f.  Runs on the calling thread; re-entrant (a host function may
 * call back into wasm). */
int wh_func_call(wh_func *f, const wh_val *args, uint32_t nargs,
                 wh_val *results, uint32_t nresults, wh_error *err);

/* Inside a host function: the calling instance (NULL when called from the
 * host directly), its memory 0, and ways to stop the guest. */
wh_instance *wh_call_instance(wh_call *call);
wh_memory *wh_call_memory(wh_call *call);
int wh_call_trap(wh_call *call, const char *message);
int wh_call_exit(wh_call *call, int code);
/* Nonzero once wh_instance_interrupt() was called on the calling instance
 * or on the instance whose call started this thread's outermost run (the
 * interpreter stops on either): a host function that blocks (a sleep, a read)
 * should wait in slices, poll this, and return WH_ERR_TRAP via
 * wh_call_interrupt_trap() when it is set. */
int wh_call_interrupted(wh_call *call);
int wh_call_interrupt_trap(wh_call *call);

/* ------------------------------------------------------------------ */
/* Exception handling (WebAssembly 3.0, engine/tag.c)                  */

/* A tag: the identity exceptions are matched by, and their payload's
 * types (type->nresults must be 0).  NULL when memory runs out. */
wh_tag *wh_tag_new(const wh_functype *type);
wh_tag *wh_tag_ref(wh_tag *t);
void wh_tag_unref(wh_tag *t);
const wh_functype *wh_tag_type(const wh_tag *t);
/* An exception of tag with its payload (args, one per param of the tag's
 * type; references in it are not kept alive by it).  host/finalize: data
 * of the embedder's (its own representation of the exception, e.g. a JS
 * value), finalized when the exception is freed.  The caller holds one
 * reference; the exception keeps its tag alive. */
wh_exn *wh_exn_new(wh_tag *tag, const wh_val *args, uint32_t nargs, void *host,
                   wh_finalizer finalize);
wh_exn *wh_exn_ref(wh_exn *e);
void wh_exn_unref(wh_exn *e);
wh_tag *wh_exn_tag(const wh_exn *e);
uint32_t wh_exn_nargs(const wh_exn *e);
const wh_val *wh_exn_args(const wh_exn *e);
void *wh_exn_host_data(const wh_exn *e);
/* Sets host data on an exception that has none (the embedder's wrapper
 * made later); 0, or WH_ERR_ARG when it already has some. */
int wh_exn_set_host_data(wh_exn *e, void *host, wh_finalizer finalize);
/* Inside a host function: throws an exception of tag with payload args
 * into the calling wasm code (return what this returns, WH_ERR_EXCEPTION).
 * host/finalize as wh_exn_new's: the embedder's representation of it,
 * which it finds again in the wh_exn that reaches it if nothing catches
 * the exception (finalize runs when the engine frees it, on the thread
 * running the call, or with the store that kept it). */
int wh_call_throw(wh_call *call, wh_tag *tag, const wh_val *args, uint32_t nargs, void *host,
                  wh_finalizer finalize);

/* ------------------------------------------------------------------ */
/* Timeouts (wasihost extension): one watchdog thread per process,
 * started on first use, interrupts runs whose deadline passed through
 * wh_instance_interrupt (the guest traps WH_TRAP_INTERRUPTED at its next
 * loop back-edge or call, or within a millisecond in a blocking WASI
 * call). */

/* The monotonic clock deadlines are measured on, in nanoseconds. */
uint64_t wh_clock_ns(void);

/* wh_func_call with a time limit (0: none): the run traps
 * WH_TRAP_INTERRUPTED when timeout_ns passes first.  The timeout counts
 * for the run of f's instance (everything it calls, host functions
 * included); a host function f (no instance) is called without one.  The
 * instance's interrupt flag is cleared again when the timeout fired, so
 * its next call starts afresh. */
int wh_func_call_timeout(wh_func *f, const wh_val *args, uint32_t nargs, wh_val *results,
                         uint32_t nresults, uint64_t timeout_ns, wh_error *err);

/* One deadline, for embedders that manage runs themselves (nested runs
 * sharing a deadline, an async run's deadline set on its own thread).
 * The storage is the caller's, the fields the watchdog's; it must stay
 * valid until wh_watch_disarm returned. */
typedef struct wh_watch {
  uint64_t deadline, period;
  wh_instance *inst;
  int armed, fired;
  struct wh_watch *next;
} wh_watch;
/* Interrupts inst when the deadline (wh_clock_ns time) or timeout passes
 * before wh_watch_disarm.  -1 when the watchdog thread cannot start. */
int wh_watch_arm_at(wh_watch *w, wh_instance *inst, uint64_t deadline_ns);
int wh_watch_arm(wh_watch *w, wh_instance *inst, uint64_t timeout_ns);
/* Pokes inst (wh_instance_poke) every period_ns until disarmed. */
int wh_watch_poke_every(wh_watch *w, wh_instance *inst, uint64_t period_ns);
/* 1 when the deadline had fired (inst was interrupted), else 0.  After it
 * returns the watchdog no longer touches w or its instance. */
int wh_watch_disarm(wh_watch *w);

/* ------------------------------------------------------------------ */
/* Guest threads (wasihost extension): a pool of dedicated threads for
 * runs that must not block their caller.  Threads start on demand, one
 * per task in flight, up to a cap (default 64); further tasks wait in a
 * FIFO queue.  Idle threads stay for the next task and give back the
 * execution stack a deep guest touched (wh_thread_trim). */
typedef struct wh_task {
  struct wh_task *next; /* the pool's */
  void (*run)(struct wh_task *task); /* on a pool thread; may free task */
} wh_task;
/* Queues task; -1 when no thread exists and none can be started. */
int wh_pool_submit(wh_task *task);
/* Takes task out of the queue before a thread picked it: 1 if it was
 * still queued (it will not run), else 0. */
int wh_pool_cancel(wh_task *task);
typedef struct wh_pool_stats {
  uint32_t max, threads, idle, queued, running;
} wh_pool_stats;
void wh_pool_get_stats(wh_pool_stats *out);
/* Lowers or raises the cap (1..4096); threads above a lowered cap stay. */
void wh_pool_set_max(uint32_t n);

/* ------------------------------------------------------------------ */
/* Memories (64 KiB pages).  The base address may move when the memory
 * grows (a memory reserves address space in proportion to its size, not
 * its 4 GiB maximum): call wh_memory_data again after anything that may
 * grow it (memory.grow, a call into wasm).  A pointer from before a move
 * stays mapped until the memory is freed, so a stale one never faults,
 * but it no longer sees the memory (it reads zeros). */

wh_memory *wh_memory_new(uint64_t min_pages, uint64_t max_pages, int has_max,
                         wh_error *err);
wh_memory *wh_memory_ref(wh_memory *m);
void wh_memory_unref(wh_memory *m);
uint8_t *wh_memory_data(wh_memory *m);
uint64_t wh_memory_size(const wh_memory *m); /* bytes */
void wh_memory_type(const wh_memory *m, wh_limits *out);
/* A memory addressed by i64 (3.0 memory64): limits up to 2^48 pages may be
 * declared; what is reserved stays bounded by the 4 GiB cap. */
wh_memory *wh_memory_new64(uint64_t min_pages, uint64_t max_pages, int has_max, wh_error *err);
/* Returns the old size in pages, or -1. */
int64_t wh_memory_grow(wh_memory *m, uint64_t delta_pages);
/* Lower the cap on growth (bytes); never raises it. */
void wh_memory_set_cap(wh_memory *m, uint64_t max_bytes);
/* Counts successful size changes of every memory in the process (any
 * thread): a host keeping views of memories refreshes them only when this
 * moved. */
uint64_t wh_memory_grow_count(void);

/* ------------------------------------------------------------------ */
/* Tables                                                              */

wh_table *wh_table_new(uint8_t elem, uint64_t min, uint64_t max, int has_max,
                       wh_val init, wh_error *err);
wh_table *wh_table_ref(wh_table *t);
void wh_table_unref(wh_table *t);
void wh_table_type(const wh_table *t, wh_tabletype *out);
/* Marks a new table as indexed by i64 (3.0 table64), before any use. */
void wh_table_set_addr64(wh_table *t);
uint32_t wh_table_size(const wh_table *t);
int wh_table_get(const wh_table *t, uint32_t i, wh_val *out);
int wh_table_set(wh_table *t, uint32_t i, wh_val v);
/* Returns the old size, or -1. */
int64_t wh_table_grow(wh_table *t, uint32_t delta, wh_val init);

/* ------------------------------------------------------------------ */
/* Globals                                                             */

wh_global *wh_global_new(uint8_t type, int mutable_, wh_val init);
wh_global *wh_global_ref(wh_global *g);
void wh_global_unref(wh_global *g);
void wh_global_type(const wh_global *g, wh_globaltype *out);
wh_val wh_global_get(const wh_global *g);
void wh_global_set(wh_global *g, wh_val v);

/* ------------------------------------------------------------------ */
/* WASI preview 1 (wasi_snapshot_preview1)                             */

typedef struct wh_wasi wh_wasi;

typedef enum wh_stdio_kind {
  WH_STDIO_INHERIT = 0, /* the host process's own fd 0/1/2 */
  WH_STDIO_NULL,        /* reads see EOF, writes are discarded */
  WH_STDIO_FD,          /* a host fd (not closed by wasihost) */
  WH_STDIO_BYTES,       /* stdin only: read from a copy of the given bytes */
  WH_STDIO_CAPTURE      /* stdout/stderr only: collected in memory */
} wh_stdio_kind;

typedef struct wh_wasi_stdio {
  int kind; /* wh_stdio_kind */
  int fd;   /* WH_STDIO_FD */
  const uint8_t *data; /* WH_STDIO_BYTES */
  size_t len;
} wh_wasi_stdio;

typedef struct wh_wasi_mount {
  const char *host;  /* host directory */
  const char *guest; /* the path the guest sees, e.g. "/data" or "." */
  int readonly;
} wh_wasi_mount;

/* A listening socket for the guest: an address wasihost binds and listens
 * on, or a host socket handed in (duplicated; the caller keeps its own). */
typedef struct wh_wasi_listener {
  const char *listen; /* "HOST:PORT", "[V6]:PORT" or ":PORT" (all
                         interfaces); port 0 lets the OS pick.  NULL: fd. */
  int fd;             /* a host socket, when listen is NULL */
  int backlog;        /* listen(2) backlog; 0: SOMAXCONN */
} wh_wasi_listener;

/* One line per WASI call (no newline), on the thread that runs the guest. */
typedef void (*wh_wasi_trace_fn)(void *data, const char *line, size_t len);

/* Trace categories (wh_wasi_config.trace_mask). */
enum {
  WH_WASI_TRACE_ARGS = 1,   /* args_*, environ_* */
  WH_WASI_TRACE_CLOCK = 2,  /* clock_* */
  WH_WASI_TRACE_FS = 4,     /* fd_*, path_* */
  WH_WASI_TRACE_POLL = 8,   /* poll_oneoff, sched_yield */
  WH_WASI_TRACE_PROC = 16,  /* proc_* */
  WH_WASI_TRACE_RANDOM = 32,/* random_get */
  WH_WASI_TRACE_SOCK = 64,  /* sock_* */
  WH_WASI_TRACE_ALL = 127
};

typedef struct wh_wasi_config {
  uint32_t argc;
  const char *const *argv;
  uint32_t envc;
  const char *const *env; /* "KEY=VALUE" */
  uint32_t nmounts;       /* preopens: guest fd 3, 4, ... in this order */
  const wh_wasi_mount *mounts;
  wh_wasi_stdio stdio[3];
  uint32_t nsockets;      /* host sockets handed in, guest fds after preopens */
  const int *sockets;
  uint32_t nlisteners;    /* more sockets, guest fds after `sockets` */
  const wh_wasi_listener *listeners;
  /* Deterministic runs: the clocks start at 2022-01-01T00:00:00Z (realtime)
   * and 0 (the others) and move only when the guest reads them (1 us per
   * read) or sleeps (poll_oneoff jumps to the deadline at once);
   * random_get is a PRNG seeded from `seed`.  Not for secrets. */
  int deterministic;
  uint64_t seed;
  /* A trace line per call in trace_mask's categories (0: all) to trace_fn,
   * or written to trace_fd when trace_fn is NULL and trace_fd > 0 (a
   * duplicate is taken; never 0, so a zeroed config traces nothing). */
  wh_wasi_trace_fn trace_fn;
  void *trace_data;
  void (*trace_free)(void *trace_data); /* called once: when the wh_wasi is
                                          freed, or by a failing wh_wasi_new */
  int trace_fd;
  uint32_t trace_mask;
  /* Resolve guest paths with the portable walk (O_NOFOLLOW, one component
   * at a time) even where openat2(RESOLVE_BENEATH) exists: for testing
   * that walk on Linux.  The Node binding sets it from
   * WASIHOST_NO_OPENAT2. */
  int no_openat2;
} wh_wasi_config;

wh_wasi *wh_wasi_new(const wh_wasi_config *config, wh_error *err);
void wh_wasi_free(wh_wasi *w);
/* The host function wasi_snapshot_preview1::name (a new reference), or NULL
 * when wasi_snapshot_preview1 has no such function. */
wh_func *wh_wasi_import(wh_wasi *w, const char *name, uint32_t name_len);
/* Bytes collected so far for fd 1 or 2 under WH_STDIO_CAPTURE. */
const uint8_t *wh_wasi_captured(const wh_wasi *w, int fd, size_t *len);
/* Guest fd and bound address ("127.0.0.1:8080", "[::1]:8080") of
 * config->listeners[i]: 0, or -1 when there is no such listener. */
int wh_wasi_listener_info(const wh_wasi *w, uint32_t i, uint32_t *guest_fd,
                          char *addr, size_t addr_len);

#ifdef __cplusplus
}
#endif
#endif /* WASIHOST_H */
