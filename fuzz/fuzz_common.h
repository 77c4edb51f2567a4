/* Shared by the libFuzzer targets (fuzz_engine.c, fuzz_wasi.c): the limits,
 * import stubs synthesized from a module's import types, the run of one
 * input (compile, instantiate, call every export), and the skip list of
 * inputs that hit bugs already reported.  Static functions in a header:
 * each target is one translation unit. */
#ifndef WI_FUZZ_COMMON_H
#define WI_FUZZ_COMMON_H

#include "wasihost.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FUEL 100000u
#define MAX_MEMORY_BYTES (16u << 20)
#define MAX_CALL_DEPTH 500u
#define MAX_STACK_SLOTS (64u << 10)
/* A fresh imported table is filled element by element: keep it small so
 * one input cannot spend the time budget (or RSS) on initialisation. */
#define MAX_IMPORT_TABLE 100000u

static const wh_limits_config fuzz_limits = {
  .fuel = FUEL,
  .max_memory_bytes = MAX_MEMORY_BYTES,
  .max_call_depth = MAX_CALL_DEPTH,
  .max_stack_slots = MAX_STACK_SLOTS,
};

/* Checks are built recoverable (so fuzz/ubsan.supp can mute reported
 * bugs), but every unsuppressed report must stop the run as a crash. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void) {
  return "halt_on_error=1:print_stacktrace=1";
}

/* ------------------------------------------------------------------ */
/* Import stubs */

/* Host stubs alternate between returning zeros and trapping, counted per
 * input so a run is reproducible. */
static unsigned stub_calls;

/* Not every target uses every helper. */
#define FUZZ_HELPER __attribute__((unused)) static

static int stub(wh_call *call, void *data, const wh_val *args, wh_val *results) {
  (void)args;
  const wh_functype *ft = data;
  if (stub_calls++ & 1) return wh_call_trap(call, "fuzz stub trap");
  for (uint32_t i = 0; i < ft->nresults; i++) results[i].raw = 0;
  return 0;
}

/* The stub's data is a copy of its functype (the arrays are interned by the
 * engine and live for the process). */
static void free_type(void *data) { free(data); }

FUZZ_HELPER int make_import(const wh_externtype *t, wh_extern *out) {
  wh_error err;
  wh_val zero;
  zero.raw = 0;
  out->kind = t->kind;
  switch (t->kind) {
    case WH_EXTERN_FUNC: {
      wh_functype *ft = malloc(sizeof *ft);
      if (!ft) return -1;
      *ft = t->u.func;
      out->u.func = wh_func_new_host(&t->u.func, stub, ft, free_type);
      if (!out->u.func) { free(ft); return -1; }
      return 0;
    }
    case WH_EXTERN_TABLE: {
      const wh_tabletype *tt = &t->u.table;
      if (tt->limits.min > MAX_IMPORT_TABLE) return -1;
      out->u.table = wh_table_new(tt->elem, tt->limits.min, tt->limits.max,
                                  tt->limits.has_max, zero, &err);
      return out->u.table ? 0 : -1;
    }
    case WH_EXTERN_MEMORY: {
      const wh_limits *l = &t->u.memory;
      if (l->min > MAX_MEMORY_BYTES / 65536u) return -1;
      out->u.memory = wh_memory_new(l->min, l->max, l->has_max, &err);
      if (!out->u.memory) return -1;
      wh_memory_set_cap(out->u.memory, MAX_MEMORY_BYTES);
      return 0;
    }
    case WH_EXTERN_GLOBAL:
      out->u.global = wh_global_new(t->u.global.type, t->u.global.mutable_, zero);
      return out->u.global ? 0 : -1;
  }
  return -1;
}

FUZZ_HELPER void unref_extern(const wh_extern *e) {
  switch (e->kind) {
    case WH_EXTERN_FUNC: wh_func_unref(e->u.func); break;
    case WH_EXTERN_TABLE: wh_table_unref(e->u.table); break;
    case WH_EXTERN_MEMORY: wh_memory_unref(e->u.memory); break;
    case WH_EXTERN_GLOBAL: wh_global_unref(e->u.global); break;
  }
}

/* ------------------------------------------------------------------ */
/* Exports */

/* The call in progress, for a target that runs a watchdog (fuzz_wasi.c: a
 * guest may legitimately sleep in poll_oneoff). */
static _Atomic(wh_instance *) running_inst;
static _Atomic long long running_since_ms;

FUZZ_HELPER long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Calls a function with zero arguments, or reads a table / memory /
 * global back through the public accessors. */
FUZZ_HELPER void touch_export(wh_instance *inst, const wh_extern *e) {
  switch (e->kind) {
    case WH_EXTERN_FUNC: {
      const wh_functype *ft = wh_func_type(e->u.func);
      wh_val args[ft->nparams + 1], results[ft->nresults + 1];
      memset(args, 0, sizeof args);
      wh_error err;
      wh_instance_set_fuel(inst, FUEL);
      wh_instance_clear_interrupt(inst);
      (void)wh_func_index(e->u.func);
      atomic_store(&running_since_ms, now_ms());
      atomic_store(&running_inst, inst);
      (void)wh_func_call(e->u.func, args, ft->nparams, results, ft->nresults, &err);
      atomic_store(&running_inst, NULL);
      break;
    }
    case WH_EXTERN_TABLE: {
      wh_tabletype tt;
      wh_table_type(e->u.table, &tt);
      uint32_t n = wh_table_size(e->u.table);
      wh_val v;
      for (uint32_t i = 0; i < n && i < 64; i++) wh_table_get(e->u.table, i, &v);
      break;
    }
    case WH_EXTERN_MEMORY: {
      wh_limits l;
      wh_memory_type(e->u.memory, &l);
      uint64_t size = wh_memory_size(e->u.memory);
      volatile uint8_t *bytes = wh_memory_data(e->u.memory);
      if (size) (void)bytes[size - 1];
      break;
    }
    case WH_EXTERN_GLOBAL: {
      wh_globaltype gt;
      wh_global_type(e->u.global, &gt);
      (void)wh_global_get(e->u.global);
      break;
    }
  }
}

/* ------------------------------------------------------------------ */
/* Inputs that hit a bug already reported (a crash the sanitizers cannot
 * mute) are skipped so a run can find other bugs; each names its
 * reproducer in test/fuzz-regressions/.  Build with -DFUZZ_NO_SKIP to check
 * that the engine is fixed, then delete the check. */

#ifndef FUZZ_NO_SKIP
static int known_bug(const uint8_t *data, size_t size) {
  (void)data;
  (void)size;
  /* None open.  Closed: segv-module-free-elem-count.wasm (an element count
   * larger than its section; fixed in 1082ffc). */
  return 0;
}
#endif

/* ------------------------------------------------------------------ */
/* One input */

/* Supplies an import (a new reference in *out), or returns nonzero for a
 * synthesized stub instead. */
typedef int (*resolve_fn)(void *ctx, const char *module, uint32_t module_len,
                          const char *name, uint32_t name_len,
                          const wh_externtype *type, wh_extern *out);

/* Compile, instantiate, call every export ("_start" first, as a command
 * would run).  Returns -1 for inputs libFuzzer should not keep. */
FUZZ_HELPER int fuzz_one(const uint8_t *data, size_t size, resolve_fn resolve, void *ctx) {
  wh_error err;
  stub_calls = 0;
#ifndef FUZZ_NO_SKIP
  if (known_bug(data, size)) return -1;
#endif
  wh_module *m = wh_module_new(data, size, &err);
  if (!m) return 0;

  /* the accessors run on fuzzed shapes too */
  for (uint32_t i = 0; i < 4096 && wh_module_func_name(m, i); i++) continue;
  for (uint32_t i = 0; i < wh_module_custom_count(m); i++)
    wh_module_custom(m, i, NULL, NULL, NULL, NULL);
  for (uint32_t i = 0; i < wh_module_export_count(m); i++) {
    wh_externtype t;
    wh_module_export(m, i, NULL, NULL, &t);
  }

  uint32_t nimports = wh_module_import_count(m);
  wh_extern *imports = calloc(nimports + 1, sizeof *imports);
  uint32_t made = 0;
  int ok = imports != NULL;
  while (ok && made < nimports) {
    const char *mod, *name;
    uint32_t mod_len, name_len;
    wh_externtype t;
    if (wh_module_import(m, made, &mod, &mod_len, &name, &name_len, &t) != 0)
      ok = 0;
    else if (resolve && resolve(ctx, mod, mod_len, name, name_len, &t, &imports[made]) == 0)
      made++;
    else if (make_import(&t, &imports[made]) == 0)
      made++;
    else
      ok = 0;
  }

  if (ok) {
    wh_instance *inst = wh_instance_new(m, imports, nimports, &fuzz_limits, &err);
    if (inst) {
      wh_extern e;
      if (wh_instance_export(inst, "_start", 6, &e) == 0) touch_export(inst, &e);
      uint32_t nexports = wh_module_export_count(m);
      for (uint32_t i = 0; i < nexports; i++)
        if (wh_instance_export_at(inst, i, &e) == 0) touch_export(inst, &e);
      (void)wh_instance_memory(inst);
      (void)wh_instance_fuel(inst);
      wh_instance_unref(inst);
    }
  }
  for (uint32_t i = 0; i < made; i++) unref_extern(&imports[i]);
  free(imports);
  wh_module_unref(m);
  return 0;
}

#endif
