/* Module sharing between threads (Workers): a compiled wh_module is
 * immutable and reference-counted, so any thread may instantiate it; what
 * cannot cross threads is the JS wrapper.  module.share() registers the
 * module in a process-wide table under a numeric id (a string in the
 * handle, which structured cloning copies); Module.fromShared(handle) in
 * any thread wraps the same wh_module again, with its own reference.
 * An entry lives while some thread's Module that shared it does (lib/api/
 * module.js counts them and unshares on dispose or collection). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "node/napi_binding.h"

typedef struct share_entry {
  uint64_t id;
  wh_module *module; /* one reference while the entry lives */
  uint32_t sharers;
} share_entry;

static uv_once_t once = UV_ONCE_INIT;
static uv_mutex_t mu;
static share_entry *entries;
static size_t nentries, cap;
static uint64_t next_id = 1;

static void init_mutex(void) { uv_mutex_init(&mu); }

static napi_value id_string(napi_env env, uint64_t id) {
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)id);
  return wn_string_n(env, buf, (size_t)n);
}

/* The id argument as a number; 0 when it is not one of ours. */
static uint64_t arg_id(napi_env env, napi_value v) {
  char buf[24];
  size_t len = 0;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_string) return 0;
  if (napi_get_value_string_utf8(env, v, buf, sizeof buf, &len) != napi_ok || !len ||
      len >= sizeof buf - 1)
    return 0;
  char *end;
  unsigned long long id = strtoull(buf, &end, 10);
  return *end ? 0 : (uint64_t)id;
}

/* moduleShare(module) -> id: the same id for the same compiled module, one
 * more sharer. */
napi_value wn_module_share(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  wn_obj *w = argc ? wn_unwrap_or_throw(env, argv[0], WN_NK_MODULE, "WebAssembly.Module") : NULL;
  if (!w) return NULL;
  uv_once(&once, init_mutex);
  uv_mutex_lock(&mu);
  uint64_t id = 0;
  for (size_t i = 0; i < nentries; i++) {
    if (entries[i].module == w->ptr) {
      entries[i].sharers++;
      id = entries[i].id;
      break;
    }
  }
  if (!id && nentries == cap) {
    size_t ncap = cap ? cap * 2 : 8;
    share_entry *grown = realloc(entries, ncap * sizeof *grown);
    if (grown) {
      entries = grown;
      cap = ncap;
    }
  }
  if (!id && nentries < cap) {
    id = next_id++;
    entries[nentries++] = (share_entry){id, wh_module_ref(w->ptr), 1};
  }
  uv_mutex_unlock(&mu);
  if (!id) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  return id_string(env, id);
}

/* moduleUnshare(id): one sharer fewer; the last one drops the entry. */
napi_value wn_module_unshare(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  wh_module *drop = NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  uint64_t id = argc ? arg_id(env, argv[0]) : 0;
  uv_once(&once, init_mutex);
  uv_mutex_lock(&mu);
  for (size_t i = 0; i < nentries; i++) {
    if (entries[i].id == id) {
      if (--entries[i].sharers == 0) {
        drop = entries[i].module;
        entries[i] = entries[--nentries];
      }
      break;
    }
  }
  uv_mutex_unlock(&mu);
  wh_module_unref(drop);
  return wn_undefined(env);
}

/* moduleFromShared(target, id) -> this thread's live Module of the shared
 * module when there is one (one wrapper per module per thread), else true
 * once target wraps it; false when no Module shares that id any more. */
napi_value wn_module_from_shared(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  wh_module *m = NULL;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 2 || !wn_is_object(env, argv[0])) {
    napi_throw_type_error(env, NULL, "moduleFromShared(target, id)");
    return NULL;
  }
  uint64_t id = arg_id(env, argv[1]);
  uv_once(&once, init_mutex);
  uv_mutex_lock(&mu);
  for (size_t i = 0; i < nentries; i++) {
    if (entries[i].id == id) {
      m = wh_module_ref(entries[i].module);
      break;
    }
  }
  uv_mutex_unlock(&mu);
  if (!m) return wn_bool(env, false);
  napi_value existing;
  if (wn_lookup(E, m, &existing)) {
    wh_module_unref(m);
    return existing;
  }
  if (wn_module_attach(E, argv[0], m)) return NULL;
  return wn_bool(env, true);
}
