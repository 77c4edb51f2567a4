/* Import resolution: JS API 2.0 §"read the imports", plus the import
 * matching rules of the core spec §4.5.4 (external types, limits
 * subtyping), with messages naming `<module>::<name>`. */
#include <stdio.h>
#include <string.h>

#include "node/napi_binding.h"

static size_t fmt_types(char *buf, size_t cap, const uint8_t *t, uint32_t n) {
  size_t k = 0;
  k += (size_t)snprintf(buf + k, k < cap ? cap - k : 0, "[");
  for (uint32_t i = 0; i < n && k < cap; i++)
    k += (size_t)snprintf(buf + k, k < cap ? cap - k : 0, "%s%s", i ? " " : "",
                          wh_valtype_name(t[i]));
  k += (size_t)snprintf(buf + k, k < cap ? cap - k : 0, "]");
  return k;
}

static void fmt_limits(char *buf, size_t cap, uint64_t min, int has_max, uint64_t max) {
  if (has_max)
    snprintf(buf, cap, "{min %llu, max %llu}", (unsigned long long)min,
             (unsigned long long)max);
  else
    snprintf(buf, cap, "{min %llu}", (unsigned long long)min);
}

void wh_napi_format_externtype(const wh_externtype *t, char *buf, size_t cap) {
  char lim[64];
  size_t k;
  switch (t->kind) {
  case WH_EXTERN_FUNC:
    k = (size_t)snprintf(buf, cap, "func ");
    if (k < cap) k += fmt_types(buf + k, cap - k, t->u.func.params, t->u.func.nparams);
    if (k < cap) k += (size_t)snprintf(buf + k, cap - k, " -> ");
    if (k < cap) fmt_types(buf + k, cap - k, t->u.func.results, t->u.func.nresults);
    return;
  case WH_EXTERN_TABLE:
    fmt_limits(lim, sizeof lim, t->u.table.limits.min, t->u.table.limits.has_max,
               t->u.table.limits.max);
    snprintf(buf, cap, "table %s %s", lim, wh_valtype_name(t->u.table.elem));
    return;
  case WH_EXTERN_MEMORY:
    fmt_limits(lim, sizeof lim, t->u.memory.min, t->u.memory.has_max, t->u.memory.max);
    snprintf(buf, cap, "memory %s", lim);
    return;
  case WH_EXTERN_GLOBAL:
    snprintf(buf, cap, "global %s %s", t->u.global.mutable_ ? "mut" : "const",
             wh_valtype_name(t->u.global.type));
    return;
  default:
    snprintf(buf, cap, "?");
  }
}

void wh_napi_extern_unref(const wh_extern *e) {
  switch (e->kind) {
  case WH_EXTERN_FUNC: wh_func_unref(e->u.func); break;
  case WH_EXTERN_TABLE: wh_table_unref(e->u.table); break;
  case WH_EXTERN_MEMORY: wh_memory_unref(e->u.memory); break;
  case WH_EXTERN_GLOBAL: wh_global_unref(e->u.global); break;
  default: break;
  }
}

static void extern_ref(const wh_extern *e) {
  switch (e->kind) {
  case WH_EXTERN_FUNC: wh_func_ref(e->u.func); break;
  case WH_EXTERN_TABLE: wh_table_ref(e->u.table); break;
  case WH_EXTERN_MEMORY: wh_memory_ref(e->u.memory); break;
  case WH_EXTERN_GLOBAL: wh_global_ref(e->u.global); break;
  default: break;
  }
}

typedef struct import_ctx {
  wh_napi_env *E;
  napi_value owner;
  const char *mod, *name;
  uint32_t mod_len, name_len;
  const wh_externtype *want;
} import_ctx;

static void link_error(import_ctx *c, const char *got) {
  char want[160], msg[512];
  wh_napi_format_externtype(c->want, want, sizeof want);
  snprintf(msg, sizeof msg, "incompatible import type for %.*s::%.*s: expected %s, got %s",
           (int)c->mod_len, c->mod, (int)c->name_len, c->name, want, got);
  wh_napi_throw_class(c->E, c->E->err_link, msg);
}

/* What a JS value is, for "got ..." in messages. */
static void describe(napi_env env, napi_value v, char *buf, size_t cap) {
  napi_valuetype t = napi_undefined;
  wh_napi_obj *w;
  wh_externtype et;
  napi_typeof(env, v, &t);
  memset(&et, 0, sizeof et);
  if ((w = wh_napi_unwrap(env, v, WH_NK_FUNC))) {
    et.kind = WH_EXTERN_FUNC;
    et.u.func = *wh_func_type(w->ptr);
  } else if ((w = wh_napi_unwrap(env, v, WH_NK_MEMORY))) {
    et.kind = WH_EXTERN_MEMORY;
    wh_memory_type(w->ptr, &et.u.memory);
    et.u.memory.min = wh_memory_size(w->ptr) / 65536;
  } else if ((w = wh_napi_unwrap(env, v, WH_NK_TABLE))) {
    et.kind = WH_EXTERN_TABLE;
    wh_table_type(w->ptr, &et.u.table);
    et.u.table.limits.min = wh_table_size(w->ptr);
  } else if ((w = wh_napi_unwrap(env, v, WH_NK_GLOBAL))) {
    et.kind = WH_EXTERN_GLOBAL;
    wh_global_type(w->ptr, &et.u.global);
  } else {
    static const char *names[] = {"undefined", "null",     "boolean", "number",
                                  "string",    "symbol",   "object",  "function",
                                  "external",  "bigint"};
    snprintf(buf, cap, "%s", (unsigned)t < sizeof names / sizeof names[0]
                                 ? names[t] : "value");
    return;
  }
  wh_napi_format_externtype(&et, buf, cap);
}

static int limits_match(uint64_t have_min, int have_has_max, uint64_t have_max,
                        const wh_limits *want) {
  if (have_min < want->min) return 0;
  if (!want->has_max) return 1;
  return have_has_max && have_max <= want->max;
}

static int functype_eq(const wh_functype *a, const wh_functype *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         (!a->nparams || !memcmp(a->params, b->params, a->nparams)) &&
         (!a->nresults || !memcmp(a->results, b->results, a->nresults));
}

static int incompatible(import_ctx *c, napi_value v) {
  char got[160];
  describe(c->E->env, v, got, sizeof got);
  link_error(c, got);
  return -1;
}

static int read_func(import_ctx *c, napi_value v, napi_valuetype t, wh_extern *out,
                     int *owned) {
  wh_napi_obj *w = wh_napi_unwrap(c->E->env, v, WH_NK_FUNC);
  if (w) {
    if (!functype_eq(wh_func_type(w->ptr), &c->want->u.func)) return incompatible(c, v);
    out->u.func = w->ptr;
    return 0;
  }
  if (t != napi_function) return incompatible(c, v);
  out->u.func = wh_napi_host_func(c->E, v, &c->want->u.func, c->owner);
  if (!out->u.func) return -1;
  *owned = 1;
  return 0;
}

static int read_global(import_ctx *c, napi_value v, napi_valuetype t, wh_extern *out,
                       int *owned) {
  const wh_globaltype *gt = &c->want->u.global;
  wh_napi_obj *w = wh_napi_unwrap(c->E->env, v, WH_NK_GLOBAL);
  wh_val val;
  if (w) {
    wh_globaltype have;
    wh_global_type(w->ptr, &have);
    if (have.type != gt->type || !have.mutable_ != !gt->mutable_) return incompatible(c, v);
    out->u.global = w->ptr;
    return 0;
  }
  /* A plain value makes a new immutable global. */
  if ((gt->type == WH_I64 && t != napi_bigint) ||
      ((gt->type == WH_I32 || gt->type == WH_F32 || gt->type == WH_F64) &&
       t != napi_number) ||
      gt->type == WH_V128 || gt->mutable_)
    return incompatible(c, v);
  if (wh_napi_to_wasm(c->E, v, gt->type, &val)) return -1;
  out->u.global = wh_global_new(gt->type, 0, val);
  if (!out->u.global) {
    napi_throw_error(c->E->env, NULL, "wasihost: out of memory");
    return -1;
  }
  *owned = 1;
  return 0;
}

static int read_memory(import_ctx *c, napi_value v, wh_extern *out) {
  wh_napi_obj *w = wh_napi_unwrap(c->E->env, v, WH_NK_MEMORY);
  wh_limits have;
  if (!w) return incompatible(c, v);
  wh_memory_type(w->ptr, &have);
  if (!limits_match(wh_memory_size(w->ptr) / 65536, have.has_max, have.max,
                    &c->want->u.memory))
    return incompatible(c, v);
  out->u.memory = w->ptr;
  return 0;
}

static int read_table(import_ctx *c, napi_value v, wh_extern *out) {
  wh_napi_obj *w = wh_napi_unwrap(c->E->env, v, WH_NK_TABLE);
  wh_tabletype have;
  if (!w) return incompatible(c, v);
  wh_table_type(w->ptr, &have);
  if (have.elem != c->want->u.table.elem ||
      !limits_match(wh_table_size(w->ptr), have.limits.has_max, have.limits.max,
                    &c->want->u.table.limits))
    return incompatible(c, v);
  out->u.table = w->ptr;
  return 0;
}

int wh_napi_read_imports(wh_napi_env *E, wh_module *m, napi_value import_object,
                         napi_value owner, wh_extern *exts, wh_extern *owned,
                         uint32_t *nowned, napi_value *values) {
  napi_env env = E->env;
  uint32_t n = wh_module_import_count(m);
  char msg[512];
  *nowned = 0;
  if (n == 0) return 0;
  if (!wh_napi_is_object(env, import_object)) {
    napi_throw_type_error(env, NULL, "Imports argument must be present and must be an object");
    return -1;
  }
  for (uint32_t i = 0; i < n; i++) {
    import_ctx c;
    wh_externtype type;
    napi_value key, ns, v;
    napi_valuetype t;
    int own = 0, rc;
    memset(&type, 0, sizeof type);
    c.E = E;
    c.owner = owner;
    c.want = &type;
    if (wh_module_import(m, i, &c.mod, &c.mod_len, &c.name, &c.name_len, &type)) {
      napi_throw_error(env, NULL, "wasihost: cannot read an import of the module");
      return -1;
    }
    WH_TRY(napi_create_string_utf8(env, c.mod, c.mod_len, &key), -1);
    WH_TRY(napi_get_property(env, import_object, key, &ns), -1);
    if (!wh_napi_is_object(env, ns)) {
      snprintf(msg, sizeof msg,
               "import module \"%.*s\" is not an object (needed by %.*s::%.*s)",
               (int)c.mod_len, c.mod, (int)c.mod_len, c.mod, (int)c.name_len, c.name);
      napi_throw_type_error(env, NULL, msg);
      return -1;
    }
    WH_TRY(napi_create_string_utf8(env, c.name, c.name_len, &key), -1);
    WH_TRY(napi_get_property(env, ns, key, &v), -1);
    WH_TRY(napi_typeof(env, v, &t), -1);
    if (t == napi_undefined) {
      snprintf(msg, sizeof msg, "unknown import: %.*s::%.*s", (int)c.mod_len, c.mod,
               (int)c.name_len, c.name);
      wh_napi_throw_class(E, E->err_link, msg);
      return -1;
    }
    exts[i].kind = type.kind;
    if (values) values[i] = v;
    switch (type.kind) {
    case WH_EXTERN_FUNC: rc = read_func(&c, v, t, &exts[i], &own); break;
    case WH_EXTERN_GLOBAL: rc = read_global(&c, v, t, &exts[i], &own); break;
    case WH_EXTERN_MEMORY: rc = read_memory(&c, v, &exts[i]); break;
    case WH_EXTERN_TABLE: rc = read_table(&c, v, &exts[i]); break;
    default:
      napi_throw_error(env, NULL, "wasihost: unknown import kind");
      rc = -1;
    }
    if (rc) return -1;
    /* A wrapper's object is referenced too: the next import's getter may
     * dispose() it before the instance takes its own reference. */
    if (!own) extern_ref(&exts[i]);
    owned[(*nowned)++] = exts[i];
    /* The instance will share the store of an imported wrapper. */
    if (!own && wh_napi_group_join(E, owner, v)) return -1;
  }
  return 0;
}
