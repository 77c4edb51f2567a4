/* Import resolution: JS API 2.0 §"read the imports", with messages naming
 * `<module>::<name>`.  Whether a wasm object fits an import (core spec
 * §4.5.4) and how a type reads in the message are the C API's
 * (wh_externtype_matches, wh_externtype_format): the same test the engine
 * applies when it instantiates. */
#include <stdio.h>
#include <string.h>

#include "node/napi_binding.h"

void wn_extern_unref(const wh_extern *e) {
  switch (e->kind) {
  case WH_EXTERN_FUNC: wh_func_unref(e->u.func); break;
  case WH_EXTERN_TABLE: wh_table_unref(e->u.table); break;
  case WH_EXTERN_MEMORY: wh_memory_unref(e->u.memory); break;
  case WH_EXTERN_GLOBAL: wh_global_unref(e->u.global); break;
  case WH_EXTERN_TAG: wh_tag_unref(e->u.tag); break;
  default: break;
  }
}

static void extern_ref(const wh_extern *e) {
  switch (e->kind) {
  case WH_EXTERN_FUNC: wh_func_ref(e->u.func); break;
  case WH_EXTERN_TABLE: wh_table_ref(e->u.table); break;
  case WH_EXTERN_MEMORY: wh_memory_ref(e->u.memory); break;
  case WH_EXTERN_GLOBAL: wh_global_ref(e->u.global); break;
  case WH_EXTERN_TAG: wh_tag_ref(e->u.tag); break;
  default: break;
  }
}

typedef struct import_ctx {
  wn_env *E;
  napi_value owner;
  const char *mod, *name;
  uint32_t mod_len, name_len;
  const wh_externtype *want;
} import_ctx;

static void link_error(import_ctx *c, const char *got) {
  char want[160], msg[512];
  wh_externtype_format(c->want, want, sizeof want);
  snprintf(msg, sizeof msg, "incompatible import type for %.*s::%.*s: expected %s, got %s",
           (int)c->mod_len, c->mod, (int)c->name_len, c->name, want, got);
  wn_throw_class(c->E, c->E->err_link, msg);
}

/* The wasm object a JS value wraps, or 0 (kind left unset). */
static int unwrap_extern(napi_env env, napi_value v, wh_extern *out) {
  wn_obj *w;
  if ((w = wn_unwrap(env, v, WN_NK_FUNC))) {
    out->kind = WH_EXTERN_FUNC;
    out->u.func = w->ptr;
  } else if ((w = wn_unwrap(env, v, WN_NK_MEMORY))) {
    out->kind = WH_EXTERN_MEMORY;
    out->u.memory = w->ptr;
  } else if ((w = wn_unwrap(env, v, WN_NK_TABLE))) {
    out->kind = WH_EXTERN_TABLE;
    out->u.table = w->ptr;
  } else if ((w = wn_unwrap(env, v, WN_NK_GLOBAL))) {
    out->kind = WH_EXTERN_GLOBAL;
    out->u.global = w->ptr;
  } else if ((w = wn_unwrap(env, v, WN_NK_TAG))) {
    out->kind = WH_EXTERN_TAG;
    out->u.tag = w->ptr;
  } else {
    return 0;
  }
  return 1;
}

/* What a JS value is, for "got ..." in messages. */
static void describe(napi_env env, napi_value v, char *buf, size_t cap) {
  napi_valuetype t = napi_undefined;
  wh_extern e;
  wh_externtype et;
  if (unwrap_extern(env, v, &e) && wh_extern_type(&e, &et) == 0) {
    wh_externtype_format(&et, buf, cap);
    return;
  }
  static const char *names[] = {"undefined", "null",     "boolean", "number",
                                "string",    "symbol",   "object",  "function",
                                "external",  "bigint"};
  napi_typeof(env, v, &t);
  snprintf(buf, cap, "%s", (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "value");
}

/* A wrapped wasm object of the import's kind whose type matches: 1; else 0
 * (the caller reports it). */
static int matches(import_ctx *c, napi_value v, wh_extern *out) {
  wh_externtype have;
  return unwrap_extern(c->E->env, v, out) && out->kind == c->want->kind &&
         wh_extern_type(out, &have) == 0 && wh_externtype_matches(&have, c->want);
}

static int incompatible(import_ctx *c, napi_value v) {
  char got[160];
  describe(c->E->env, v, got, sizeof got);
  link_error(c, got);
  return -1;
}

static int read_func(import_ctx *c, napi_value v, napi_valuetype t, wh_extern *out,
                     int *owned) {
  if (wn_unwrap(c->E->env, v, WN_NK_FUNC)) return matches(c, v, out) ? 0 : incompatible(c, v);
  if (t != napi_function) return incompatible(c, v);
  out->u.func = wn_host_func(c->E, v, &c->want->u.func, c->owner);
  if (!out->u.func) return -1;
  *owned = 1;
  return 0;
}

static int read_global(import_ctx *c, napi_value v, napi_valuetype t, wh_extern *out,
                       int *owned) {
  const wh_globaltype *gt = &c->want->u.global;
  wh_val val;
  if (wn_unwrap(c->E->env, v, WN_NK_GLOBAL)) return matches(c, v, out) ? 0 : incompatible(c, v);
  /* A plain value makes a new immutable global. */
  if ((gt->type == WH_I64 && t != napi_bigint) ||
      ((gt->type == WH_I32 || gt->type == WH_F32 || gt->type == WH_F64) &&
       t != napi_number) ||
      gt->type == WH_V128 || gt->mutable_)
    return incompatible(c, v);
  if (wn_to_wasm(c->E, v, gt->type, &val)) return -1;
  out->u.global = wh_global_new(gt->type, 0, val);
  if (!out->u.global) {
    napi_throw_error(c->E->env, NULL, "wasihost: out of memory");
    return -1;
  }
  *owned = 1;
  return 0;
}

/* A memory or a table must be a wrapped one whose type matches. */
static int read_wrapped(import_ctx *c, napi_value v, wh_extern *out) {
  return matches(c, v, out) ? 0 : incompatible(c, v);
}

int wn_read_imports(wn_env *E, wh_module *m, napi_value import_object,
                         napi_value owner, wh_extern *exts, wh_extern *owned,
                         uint32_t *nowned, napi_value *values) {
  napi_env env = E->env;
  uint32_t n = wh_module_import_count(m);
  char msg[512];
  *nowned = 0;
  if (n == 0) return 0;
  if (!wn_is_object(env, import_object)) {
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
    WI_TRY(napi_create_string_utf8(env, c.mod, c.mod_len, &key), -1);
    WI_TRY(napi_get_property(env, import_object, key, &ns), -1);
    if (!wn_is_object(env, ns)) {
      snprintf(msg, sizeof msg,
               "import module \"%.*s\" is not an object (needed by %.*s::%.*s)",
               (int)c.mod_len, c.mod, (int)c.mod_len, c.mod, (int)c.name_len, c.name);
      napi_throw_type_error(env, NULL, msg);
      return -1;
    }
    WI_TRY(napi_create_string_utf8(env, c.name, c.name_len, &key), -1);
    WI_TRY(napi_get_property(env, ns, key, &v), -1);
    WI_TRY(napi_typeof(env, v, &t), -1);
    if (t == napi_undefined) {
      snprintf(msg, sizeof msg, "unknown import: %.*s::%.*s", (int)c.mod_len, c.mod,
               (int)c.name_len, c.name);
      wn_throw_class(E, E->err_link, msg);
      return -1;
    }
    exts[i].kind = type.kind;
    if (values) values[i] = v;
    switch (type.kind) {
    case WH_EXTERN_FUNC: rc = read_func(&c, v, t, &exts[i], &own); break;
    case WH_EXTERN_GLOBAL: rc = read_global(&c, v, t, &exts[i], &own); break;
    case WH_EXTERN_MEMORY:
    case WH_EXTERN_TABLE:
    case WH_EXTERN_TAG: rc = read_wrapped(&c, v, &exts[i]); break;
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
    if (!own && wn_group_join(E, owner, v)) return -1;
  }
  return 0;
}
