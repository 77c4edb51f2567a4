/* The N-API side of WASI: turns a JS config into a wh_wasi and hands its
 * host functions to JS as ordinary wasihost function wrappers (the same
 * objects an Instance exports), so an importObject built from them links
 * straight to the C implementation: the engine calls src/wasi directly,
 * with the calling instance's memory, and never goes through JS.
 *
 *   wasiCreate({args, env, mounts: [{host, guest, readonly}],
 *               stdio: [{kind, fd, data}] x3, sockets: [fd]}) -> handle
 *   wasiImport(handle, name) -> function wrapper, or undefined
 *   wasiCaptured(handle, fd) -> Buffer (a copy of what fd 1/2 captured)
 *
 * Kinds in stdio[] are wh_stdio_kind's values.  lib/wasi.js owns the
 * node:wasi-shaped API on top. */
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

#define WASI_TAG_LO 0x7761736968737431ull /* "wasihst1" */
#define WASI_TAG_HI 0x5741534948414e44ull
static const napi_type_tag wasi_tag = {WASI_TAG_LO, WASI_TAG_HI};

/* Strings and buffers that must outlive wh_wasi_new (it copies them). */
typedef struct scratch {
  char **strs;
  size_t n, cap;
} scratch;

static char *keep(scratch *s, char *str) {
  if (!str) return NULL;
  if (s->n == s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 16;
    char **n = realloc(s->strs, ncap * sizeof *n);
    if (!n) {
      free(str);
      return NULL;
    }
    s->strs = n;
    s->cap = ncap;
  }
  s->strs[s->n++] = str;
  return str;
}

static void scratch_free(scratch *s) {
  for (size_t i = 0; i < s->n; i++) free(s->strs[i]);
  free(s->strs);
}

static int get_prop(napi_env env, napi_value obj, const char *name,
                    napi_value *out) {
  napi_valuetype t;
  if (napi_get_named_property(env, obj, name, out) != napi_ok) return -1;
  if (napi_typeof(env, *out, &t) != napi_ok) return -1;
  return (t == napi_undefined || t == napi_null) ? 0 : 1;
}

/* A JS string as a malloc'd C string; TypeError when it is not one or
 * holds a NUL (a C string cannot carry it). */
static char *get_cstr(napi_env env, napi_value v, const char *what) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  char *s = malloc(len + 1);
  if (!s) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  if (strlen(s) != len) {
    free(s);
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return s;
}

static int string_list(napi_env env, napi_value obj, const char *name,
                       scratch *s, uint32_t *count, const char ***out) {
  napi_value arr;
  bool is_arr;
  int r = get_prop(env, obj, name, &arr);
  *count = 0;
  *out = NULL;
  if (r < 0) return -1;
  if (r == 0) return 0;
  if (napi_is_array(env, arr, &is_arr) != napi_ok || !is_arr) {
    napi_throw_type_error(env, NULL, "wasi: args and env must be arrays of strings");
    return -1;
  }
  uint32_t n;
  napi_get_array_length(env, arr, &n);
  const char **list = calloc(n ? n : 1, sizeof *list);
  if (!list || !keep(s, (char *)list)) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return -1;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    if (napi_get_element(env, arr, i, &v) != napi_ok) return -1;
    char *str = keep(s, get_cstr(env, v, "wasi: args and env must be strings without NUL"));
    if (!str) return -1;
    list[i] = str;
  }
  *count = n;
  *out = list;
  return 0;
}

static void wasi_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  wh_wasi_free(data);
}

static wh_wasi *get_wasi(napi_env env, napi_value v) {
  bool ok = false;
  void *w = NULL;
  if (napi_check_object_type_tag(env, v, &wasi_tag, &ok) != napi_ok || !ok ||
      napi_unwrap(env, v, &w) != napi_ok || !w) {
    napi_throw_type_error(env, NULL, "wasi: not a WASI handle");
    return NULL;
  }
  return w;
}

static napi_value wasi_create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value cfgv, v, result = NULL;
  if (napi_get_cb_info(env, info, &argc, &cfgv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || !wh_napi_is_object(env, cfgv)) {
    napi_throw_type_error(env, NULL, "wasi: config must be an object");
    return NULL;
  }
  scratch s = {0};
  wh_wasi_config cfg;
  wh_wasi_mount *mounts = NULL;
  int *socks = NULL;
  memset(&cfg, 0, sizeof cfg);
  if (string_list(env, cfgv, "args", &s, &cfg.argc, (const char ***)&cfg.argv) ||
      string_list(env, cfgv, "env", &s, &cfg.envc, (const char ***)&cfg.env))
    goto done;

  int r = get_prop(env, cfgv, "mounts", &v);
  if (r < 0) goto done;
  if (r > 0) {
    if (napi_get_array_length(env, v, &cfg.nmounts) != napi_ok) goto done;
    mounts = calloc(cfg.nmounts ? cfg.nmounts : 1, sizeof *mounts);
    if (!mounts) goto nomem;
    for (uint32_t i = 0; i < cfg.nmounts; i++) {
      napi_value m, f;
      bool ro = false;
      if (napi_get_element(env, v, i, &m) != napi_ok) goto done;
      if (get_prop(env, m, "host", &f) <= 0 ||
          !(mounts[i].host = keep(&s, get_cstr(env, f, "wasi: mount host must be a string"))))
        goto badmount;
      if (get_prop(env, m, "guest", &f) <= 0 ||
          !(mounts[i].guest = keep(&s, get_cstr(env, f, "wasi: mount guest must be a string"))))
        goto badmount;
      if (get_prop(env, m, "readonly", &f) > 0) napi_get_value_bool(env, f, &ro);
      mounts[i].readonly = ro;
    }
    cfg.mounts = mounts;
  }

  r = get_prop(env, cfgv, "stdio", &v);
  if (r < 0) goto done;
  for (uint32_t i = 0; r > 0 && i < 3; i++) {
    napi_value e, f;
    int32_t n = 0;
    if (napi_get_element(env, v, i, &e) != napi_ok) goto done;
    if (!wh_napi_is_object(env, e)) continue;
    if (get_prop(env, e, "kind", &f) > 0) napi_get_value_int32(env, f, &n);
    cfg.stdio[i].kind = n;
    if (get_prop(env, e, "fd", &f) > 0) napi_get_value_int32(env, f, &cfg.stdio[i].fd);
    if (get_prop(env, e, "data", &f) > 0) {
      const uint8_t *d;
      size_t len;
      if (wh_napi_buffer_source(env, f, &d, &len)) goto done;
      cfg.stdio[i].data = d; /* copied by wh_wasi_new */
      cfg.stdio[i].len = len;
    }
  }

  r = get_prop(env, cfgv, "sockets", &v);
  if (r < 0) goto done;
  if (r > 0) {
    if (napi_get_array_length(env, v, &cfg.nsockets) != napi_ok) goto done;
    socks = calloc(cfg.nsockets ? cfg.nsockets : 1, sizeof *socks);
    if (!socks) goto nomem;
    for (uint32_t i = 0; i < cfg.nsockets; i++) {
      napi_value f;
      if (napi_get_element(env, v, i, &f) != napi_ok ||
          napi_get_value_int32(env, f, &socks[i]) != napi_ok) {
        napi_throw_type_error(env, NULL, "wasi: sockets must be fd numbers");
        goto done;
      }
    }
    cfg.sockets = socks;
  }

  wh_error err;
  memset(&err, 0, sizeof err);
  wh_wasi *w = wh_wasi_new(&cfg, &err);
  if (!w) {
    napi_throw_error(env, NULL, err.message[0] ? err.message : "wasi: cannot create");
    goto done;
  }
  if (napi_create_object(env, &result) != napi_ok ||
      napi_type_tag_object(env, result, &wasi_tag) != napi_ok ||
      napi_wrap(env, result, w, wasi_finalize, NULL, NULL) != napi_ok) {
    wh_wasi_free(w);
    wh_napi_ensure_exception(env);
    result = NULL;
  }
  goto done;
badmount:
  {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_type_error(env, NULL, "wasi: each mount needs host and guest");
  }
  goto done;
nomem:
  napi_throw_error(env, NULL, "wasihost: out of memory");
done:
  free(mounts);
  free(socks);
  scratch_free(&s);
  return result;
}

static napi_value wasi_import(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  wh_napi_env *E = wh_napi_env_ready(env);
  if (!E) return NULL;
  wh_wasi *w = get_wasi(env, argv[0]);
  if (!w) return NULL;
  char name[64];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "wasi: import name must be a string");
    return NULL;
  }
  wh_func *f = wh_wasi_import(w, name, (uint32_t)len);
  if (!f) return wh_napi_undefined(env);
  int r = wh_napi_func_value(E, f, name, NULL, &out);
  wh_func_unref(f); /* the wrapper holds its own reference */
  return r ? NULL : out;
}

static napi_value wasi_captured(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  int32_t fd = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  wh_wasi *w = get_wasi(env, argv[0]);
  if (!w) return NULL;
  napi_get_value_int32(env, argv[1], &fd);
  size_t len = 0;
  const uint8_t *d = wh_wasi_captured(w, fd, &len);
  void *copy;
  if (napi_create_buffer_copy(env, len, d ? (const void *)d : "", &copy, &out) != napi_ok) {
    wh_napi_ensure_exception(env);
    return NULL;
  }
  return out;
}

napi_value wh_napi_wasi_init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {
    {"wasiCreate", wasi_create},
    {"wasiImport", wasi_import},
    {"wasiCaptured", wasi_captured},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    WH_TRY(napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &fn),
           NULL);
    WH_TRY(napi_set_named_property(env, exports, fns[i].name, fn), NULL);
  }
  return exports;
}
