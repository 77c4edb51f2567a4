/* libFuzzer target: instantiation with random imports.  A hash of the
 * input (the module) chooses, import by import, what is offered: the stub
 * of the right type, an object of another kind, one of the right kind
 * with a random type (limits, element type, value type, mutability,
 * signature), or the object offered for an earlier import (shared).
 * wh_instance_new must refuse every mismatch with WH_ERR_LINK (or a trap
 * from data/element initialisation) and run what links under the fuzz
 * limits; the sanitizers check the rest. */
#include "fuzz_common.h"

#include <stdio.h>

static const uint8_t valtypes[] = {WH_I32, WH_I64, WH_F32, WH_F64, WH_FUNCREF, WH_EXTERNREF};

/* The choices come from a hash of the input, which is the module itself:
 * seeds are plain .wasm files, and every mutation of the module also
 * varies what is offered to it. */
typedef struct picker {
  uint32_t state;
} picker;

static uint8_t pick(picker *r) {
  r->state ^= r->state << 13;
  r->state ^= r->state >> 17;
  r->state ^= r->state << 5;
  return (uint8_t)(r->state >> 24);
}

/* A random extern type of kind `kind`; arrays point into static storage
 * that lives for the input. */
static void random_type(picker *r, int kind, wh_externtype *t, uint8_t *buf) {
  memset(t, 0, sizeof *t);
  t->kind = kind;
  switch (kind) {
    case WH_EXTERN_FUNC:
      t->u.func.nparams = pick(r) % 4;
      t->u.func.nresults = pick(r) % 3;
      for (uint32_t i = 0; i < t->u.func.nparams + t->u.func.nresults; i++)
        buf[i] = valtypes[pick(r) % 6];
      t->u.func.params = buf;
      t->u.func.results = buf + t->u.func.nparams;
      break;
    case WH_EXTERN_TABLE:
      t->u.table.elem = pick(r) & 1 ? WH_FUNCREF : WH_EXTERNREF;
      t->u.table.limits.min = pick(r) % 8;
      t->u.table.limits.has_max = pick(r) & 1;
      t->u.table.limits.max = t->u.table.limits.min + pick(r) % 8;
      break;
    case WH_EXTERN_MEMORY:
      t->u.memory.min = pick(r) % 4;
      t->u.memory.has_max = pick(r) & 1;
      t->u.memory.max = t->u.memory.min + pick(r) % 4;
      break;
    default:
      t->u.global.type = valtypes[pick(r) % 6];
      t->u.global.mutable_ = pick(r) & 1;
      break;
  }
}

static wh_extern *dup_extern(wh_extern *out, const wh_extern *e) {
  *out = *e;
  switch (e->kind) {
    case WH_EXTERN_FUNC: wh_func_ref(e->u.func); break;
    case WH_EXTERN_TABLE: wh_table_ref(e->u.table); break;
    case WH_EXTERN_MEMORY: wh_memory_ref(e->u.memory); break;
    default: wh_global_ref(e->u.global); break;
  }
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  picker r = {2166136261u};
  for (size_t i = 0; i < size; i++) r.state = (r.state ^ data[i]) * 16777619u;
  if (!r.state) r.state = 1;
  wh_error err;
  wh_module *m = wh_module_new(data, size, &err);
  if (!m) return 0;
  uint32_t n = wh_module_import_count(m);
  wh_extern *imports = calloc(n + 1, sizeof *imports);
  uint8_t (*types)[8] = calloc(n + 1, sizeof *types);
  uint32_t made = 0;
  int ok = imports && types;
  stub_calls = 0;
  for (; ok && made < n; made++) {
    const char *mod, *name;
    uint32_t mod_len, name_len;
    wh_externtype want, t;
    if (wh_module_import(m, made, &mod, &mod_len, &name, &name_len, &want)) break;
    uint8_t how = pick(&r) % 4;
    if (how == 3 && made > 0) {
      dup_extern(&imports[made], &imports[pick(&r) % made]);
      continue;
    }
    if (how == 1) random_type(&r, 1 + pick(&r) % 4, &t, types[made]);
    else if (how == 2) random_type(&r, want.kind, &t, types[made]);
    else t = want;
    if (make_import(&t, &imports[made])) break;
  }
  if (ok && made == n) {
    wh_instance *inst = wh_instance_new(m, imports, n, &fuzz_limits, &err);
    if (inst) {
      wh_extern e;
      for (uint32_t i = 0; i < wh_module_export_count(m); i++)
        if (wh_instance_export_at(inst, i, &e) == 0) touch_export(inst, &e);
      wh_instance_unref(inst);
    } else if (err.status != WH_ERR_LINK && err.status != WH_ERR_TRAP &&
               err.status != WH_ERR_LIMIT && err.status != WH_ERR_NOMEM) {
      fprintf(stderr, "wh_instance_new failed with status %d: %s\n", err.status, err.message);
      abort();
    }
  }
  for (uint32_t i = 0; i < made; i++) unref_extern(&imports[i]);
  free(imports);
  free(types);
  wh_module_unref(m);
  return 0;
}
