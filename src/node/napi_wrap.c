/* JS wrappers of wh_* objects: type tags, napi_wrap finalizers, and the
 * identity map (wh_* pointer -> the one live JS wrapper in this env). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

/* One tag per kind, so a Memory can never be unwrapped as a Table. */
static const napi_type_tag tags[WN_NK_COUNT] = {
    {0, 0},
    {0x7768617369686f73ULL, 0x74000000000001ULL},
    {0x7768617369686f73ULL, 0x74000000000002ULL},
    {0x7768617369686f73ULL, 0x74000000000003ULL},
    {0x7768617369686f73ULL, 0x74000000000004ULL},
    {0x7768617369686f73ULL, 0x74000000000005ULL},
    {0x7768617369686f73ULL, 0x74000000000006ULL},
    {0x7768617369686f73ULL, 0x74000000000007ULL},
    {0x7768617369686f73ULL, 0x74000000000008ULL},
};

static void unref_ptr(int kind, void *p) {
  if (!p) return; /* disposed */
  switch (kind) {
  case WN_NK_MODULE: wh_module_unref(p); break;
  case WN_NK_INSTANCE: wh_instance_unref(p); break;
  case WN_NK_FUNC: wh_func_unref(p); break;
  case WN_NK_MEMORY: wh_memory_unref(p); break;
  case WN_NK_TABLE: wh_table_unref(p); break;
  case WN_NK_GLOBAL: wh_global_unref(p); break;
  case WN_NK_TAG: wh_tag_unref(p); break;
  case WN_NK_EXN: wh_exn_unref(p); break;
  default: break;
  }
}

static void all_link(wn_env *E, wn_obj *w) {
  w->all_prev = NULL;
  w->all_next = E->all;
  if (E->all) E->all->all_prev = w;
  E->all = w;
  E->nall++;
  E->made_since_sweep++;
}

static void all_unlink(wn_env *E, wn_obj *w) {
  if (!w->all_prev && E->all != w) return; /* not linked */
  if (w->all_prev) w->all_prev->all_next = w->all_next;
  else E->all = w->all_next;
  if (w->all_next) w->all_next->all_prev = w->all_prev;
  w->all_prev = w->all_next = NULL;
  E->nall--;
}

/* Everything a wrapper holds of the engine, let go of; idempotent (a
 * swept wrapper is released again, harmlessly, by its finalizer). */
static void release(wn_obj *w) {
  wn_env *E = w->E;
  all_unlink(E, w);
  wn_ptrmap_remove(&E->objs, &w->map);
  /* Its ArrayBuffer, if alive, holds a memory reference of its own. */
  if (w->kind == WN_NK_MEMORY) wn_memory_release(E, (wn_memory *)w);
  wn_obj_unaccount(w);
  unref_ptr(w->kind, w->ptr);
  w->ptr = NULL;
  wn_rs_detach(w);
}

/* Runs from the event loop after the collection (napi_binding.h). */
static void obj_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  (void)env;
  wn_obj *w = data;
  wn_env *E = w->E;
  release(w);
  wn_ref_drop(E, w->self);
  free(w);
  wn_env_release(E);
}

/* The walk costs one reference lookup per wrapper.  It is done when half
 * as many wrappers as the last one left were made, or a quarter more
 * native memory than it left (at least 8 MiB) was reported, since then:
 * amortised O(1) per wrapper made or byte reported, and what a collection
 * found dead waits at most that long.  (Measured from what the last sweep
 * left, not from what is held now: that counts the dead not yet swept and
 * would space sweeps ever wider.  Whether a collection ran at all cannot
 * be told cheaply: a weak "canary" object made while V8 marks
 * incrementally, which under external-memory pressure is nearly always,
 * is allocated already marked and survives that collection.) */
void wn_sweep_dead(wn_env *E, int force) {
  napi_env env = E->env;
  if (!E->alive) return;
  int64_t want = E->ext_swept / 4 > ((int64_t)8 << 20) ? E->ext_swept / 4 : ((int64_t)8 << 20);
  if (!force && E->made_since_sweep < 64 + E->nall_swept / 2 && E->grown_since_sweep < want)
    return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  E->made_since_sweep = 0;
  E->grown_since_sweep = 0;
  for (wn_obj *w = E->all, *next; w; w = next) {
    next = w->all_next;
    napi_value v = NULL;
    if (!w->self || wn_obj_busy(w)) continue;
    if (napi_get_reference_value(env, w->self, &v) != napi_ok || v) continue;
    /* Releasing may free engine objects whose host-function data hold
     * references, never another wrapper: the list stays intact. */
    release(w);
  }
  napi_close_handle_scope(env, scope);
  E->nall_swept = E->nall;
  E->ext_swept = E->ext_total;
}

void wn_obj_dispose(wn_obj *w) {
  wn_env *E = w->E;
  if (!w->ptr) return;
  wn_ptrmap_remove(&E->objs, &w->map);
  /* A Memory's ArrayBuffer is detached: it holds its own reference to the
   * memory, dropped when V8 frees the detached backing store. */
  if (w->kind == WN_NK_MEMORY) wn_memory_release_detach(E, (wn_memory *)w);
  wn_obj_unaccount(w);
  unref_ptr(w->kind, w->ptr);
  w->ptr = NULL;
  if (w->kind != WN_NK_INSTANCE) wn_rs_detach(w);
}

int wn_attach(wn_env *E, napi_value obj, wn_obj *w) {
  napi_env env = E->env;
  w->E = E;
  if (napi_type_tag_object(env, obj, &tags[w->kind]) != napi_ok) {
    wn_ensure_exception(env);
    goto fail;
  }
  E->refs++;
  /* The wrap's own weak reference is the self reference (the finalizer
   * deletes it, as N-API asks): a second one would cost another weak
   * handle per wrapper for every collection to process. */
  if (napi_wrap(env, obj, w, obj_finalize, NULL, &w->self) != napi_ok) {
    E->refs--;
    w->self = NULL;
    wn_ensure_exception(env);
    goto fail;
  }
  /* From here on the finalizer owns w. */
  all_link(E, w);
  if (w->kind == WN_NK_FUNC || w->kind == WN_NK_MEMORY ||
      w->kind == WN_NK_TABLE || w->kind == WN_NK_GLOBAL || w->kind == WN_NK_TAG ||
      w->kind == WN_NK_EXN) {
    /* An older entry of the same pointer is a wrapper whose JS object has
     * been collected and that only waits for its finalizer: w replaces it. */
    if (wn_ptrmap_put(&E->objs, &w->map, w->ptr, NULL)) {
      napi_throw_error(env, NULL, "wasihost: out of memory");
      return -1;
    }
  }
  return 0;
fail:
  unref_ptr(w->kind, w->ptr);
  wn_rs_detach(w);
  free(w);
  return -1;
}

int wn_lookup(wn_env *E, void *ptr, napi_value *out) {
  wn_ptrmap_entry *e = wn_ptrmap_find(&E->objs, ptr);
  wn_obj *w = e ? WN_CONTAINER(e, wn_obj, map) : NULL;
  *out = NULL;
  if (!w || !w->self) return 0;
  if (napi_get_reference_value(E->env, w->self, out) != napi_ok) *out = NULL;
  return *out != NULL;
}

static wn_obj *unwrap_raw(napi_env env, napi_value v, int kind) {
  napi_valuetype t;
  bool ok = false;
  void *data = NULL;
  if (kind <= 0 || kind >= WN_NK_COUNT) return NULL;
  if (napi_typeof(env, v, &t) != napi_ok) return NULL;
  if (t != napi_object && t != napi_function) return NULL;
  if (napi_check_object_type_tag(env, v, &tags[kind], &ok) != napi_ok || !ok)
    return NULL;
  if (napi_unwrap(env, v, &data) != napi_ok) return NULL;
  return data;
}

static const char *class_name(int kind) {
  switch (kind) {
  case WN_NK_MODULE: return "WebAssembly.Module";
  case WN_NK_INSTANCE: return "WebAssembly.Instance";
  case WN_NK_FUNC: return "an exported function (its WebAssembly.Instance)";
  case WN_NK_MEMORY: return "WebAssembly.Memory";
  case WN_NK_TABLE: return "WebAssembly.Table";
  case WN_NK_TAG: return "WebAssembly.Tag";
  case WN_NK_EXN: return "WebAssembly.Exception";
  default: return "WebAssembly.Global";
  }
}

wn_obj *wn_unwrap(napi_env env, napi_value v, int kind) {
  wn_obj *w = unwrap_raw(env, v, kind);
  if (!w) return NULL;
  if (!w->ptr) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s has been disposed", class_name(kind));
    napi_throw_error(env, "ERR_WASIHOST_DISPOSED", msg);
    return NULL;
  }
  /* Instances and functions decide for themselves (interrupt() must work
   * on a busy instance). */
  if (kind != WN_NK_INSTANCE && kind != WN_NK_FUNC && wn_obj_busy(w)) {
    char msg[96];
    snprintf(msg, sizeof msg, "use this %s", class_name(kind));
    wn_throw_busy(env, msg);
    return NULL;
  }
  return w;
}

wn_obj *wn_unwrap_any(napi_env env, napi_value v) {
  for (int k = 1; k < WN_NK_COUNT; k++) {
    wn_obj *w = unwrap_raw(env, v, k);
    if (w) return w;
  }
  return NULL;
}

wn_obj *wn_unwrap_or_throw(napi_env env, napi_value v, int kind,
                                     const char *what) {
  bool pending = false;
  wn_obj *w = wn_unwrap(env, v, kind);
  if (!w && napi_is_exception_pending(env, &pending) == napi_ok && !pending) {
    char msg[128];
    snprintf(msg, sizeof msg, "Receiver is not a %s", what);
    napi_throw_type_error(env, NULL, msg);
  }
  return w;
}

static int call2(wn_env *E, napi_ref fn_ref, napi_value a, napi_value b) {
  napi_env env = E->env;
  napi_value fn, argv[2] = {a, b}, ignored;
  WI_TRY(napi_get_reference_value(env, fn_ref, &fn), -1);
  WI_TRY(napi_call_function(env, wn_undefined(env), fn, 2, argv, &ignored), -1);
  return 0;
}

int wn_group_join(wn_env *E, napi_value a, napi_value b) {
  if (!a || !b) return 0;
  return call2(E, E->group_join, a, b);
}

int wn_group_join_all(wn_env *E, napi_value a, napi_value *bs, size_t n) {
  napi_env env = E->env;
  napi_value fn, small[9], *argv = small, ignored;
  if (!n) return 0;
  if (n + 1 > sizeof small / sizeof *small && !(argv = malloc((n + 1) * sizeof *argv))) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return -1;
  }
  argv[0] = a;
  memcpy(argv + 1, bs, n * sizeof *bs);
  int rc = napi_get_reference_value(env, E->group_join, &fn) != napi_ok ||
                   napi_call_function(env, wn_undefined(env), fn, n + 1, argv,
                                      &ignored) != napi_ok
               ? -1
               : 0;
  if (argv != small) free(argv);
  if (rc) wn_ensure_exception(env);
  return rc;
}

int wn_group_keep(wn_env *E, napi_value owner, napi_value value) {
  return call2(E, E->group_keep, owner, value);
}

int wn_extern_value(wn_env *E, const wh_extern *ext, napi_value owner,
                         napi_value *out) {
  napi_env env = E->env;
  void *ptr;
  int kind;
  size_t size;
  switch (ext->kind) {
  case WH_EXTERN_FUNC:
    return wn_func_value(E, ext->u.func, NULL, owner, out);
  case WH_EXTERN_MEMORY:
    ptr = ext->u.memory, kind = WN_NK_MEMORY, size = sizeof(wn_memory);
    break;
  case WH_EXTERN_TABLE:
    ptr = ext->u.table, kind = WN_NK_TABLE, size = sizeof(wn_obj);
    break;
  case WH_EXTERN_GLOBAL:
    ptr = ext->u.global, kind = WN_NK_GLOBAL, size = sizeof(wn_obj);
    break;
  case WH_EXTERN_TAG:
    return wn_tag_value(E, ext->u.tag, owner, out);
  default:
    napi_throw_error(env, NULL, "wasihost: unknown extern kind");
    return -1;
  }
  if (wn_lookup(E, ptr, out)) return 0;
  napi_value create, proto, obj;
  WI_TRY(napi_get_reference_value(env, E->object_create, &create), -1);
  WI_TRY(napi_get_reference_value(env, E->proto[kind], &proto), -1);
  WI_TRY(napi_call_function(env, wn_undefined(env), create, 1, &proto, &obj), -1);
  wn_obj *w = calloc(1, size);
  if (!w) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return -1;
  }
  w->kind = kind;
  switch (kind) {
  case WN_NK_MEMORY: w->ptr = wh_memory_ref(ptr); break;
  case WN_NK_TABLE: w->ptr = wh_table_ref(ptr); break;
  default: w->ptr = wh_global_ref(ptr); break;
  }
  if (wn_attach(E, obj, w) || wn_group_join(E, owner, obj)) return -1;
  *out = obj;
  return 0;
}

wh_instance *wn_get_instance(napi_env env, napi_value v) {
  wn_obj *w = wn_unwrap(env, v, WN_NK_INSTANCE);
  return w ? w->ptr : NULL;
}

wh_memory *wn_get_memory(napi_env env, napi_value v) {
  wn_obj *w = wn_unwrap(env, v, WN_NK_MEMORY);
  return w ? w->ptr : NULL;
}

wh_func *wn_get_func(napi_env env, napi_value v) {
  wn_obj *w = wn_unwrap(env, v, WN_NK_FUNC);
  return w ? w->ptr : NULL;
}

/* kindOf(v): "module" | "instance" | "function" | "memory" | "table" |
 * "global" for a wasihost wrapper, else undefined. */
napi_value wn_kind_of(napi_env env, napi_callback_info info) {
  static const char *names[WN_NK_COUNT] = {NULL,     "module", "instance", "function",
                                           "memory", "table",  "global", "tag", "exception"};
  size_t argc = 1;
  napi_value v, s;
  WI_TRY(napi_get_cb_info(env, info, &argc, &v, NULL, NULL), NULL);
  if (argc < 1) return wn_undefined(env);
  for (int k = 1; k < WN_NK_COUNT; k++) {
    if (unwrap_raw(env, v, k)) {
      WI_TRY(napi_create_string_utf8(env, names[k], NAPI_AUTO_LENGTH, &s), NULL);
      return s;
    }
  }
  return wn_undefined(env);
}
