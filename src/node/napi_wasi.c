/* The N-API side of WASI: turns a JS config into a wh_wasi and hands its
 * host functions to JS as ordinary wasihost function wrappers (the same
 * objects an Instance exports), so an importObject built from them links
 * straight to the C implementation: the engine calls src/wasi directly,
 * with the calling instance's memory, and never goes through JS.
 *
 *   wasiCreate({args, env, mounts: [{host, guest, readonly}],
 *               stdio: [{kind, fd, data}] x3, sockets: [fd],
 *               listeners: [{listen, backlog} | {fd}],
 *               deterministic, seed, trace: fn | {fd}, traceMask}) -> handle
 *   wasiImport(handle, name) -> function wrapper, or undefined
 *   wasiCaptured(handle, fd) -> Buffer (a copy of what fd 1/2 captured)
 *   wasiListeners(handle) -> [{fd, address}] (guest fd, bound "HOST:PORT")
 *
 * A trace function is called directly when the guest runs on the JS
 * thread (start()), and through a threadsafe function from a guest thread
 * (startAsync()), in order either way.
 *
 * Kinds in stdio[] are wh_stdio_kind's values.  lib/wasi.js owns the
 * node:wasi-shaped API on top. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

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

/* ------------------------------------------------------------------ */
/* A JS trace function                                                  */

typedef struct trace_sink {
  napi_env env;
  napi_ref fn;
  napi_threadsafe_function tsfn;
  uv_thread_t js_thread;
  int gone; /* SINK_TSFN_GONE | SINK_WASI_GONE: the second to go frees */
} trace_sink;

#define SINK_TSFN_GONE 1
#define SINK_WASI_GONE 2

/* The tsfn can be finalized first (Node tears every tsfn down when the
 * environment exits, before or after our finalizers run), or the wh_wasi
 * freed first (the usual case): whichever is second frees the sink. */
static void sink_drop(trace_sink *t, int which) {
  int other = (SINK_TSFN_GONE | SINK_WASI_GONE) & ~which;
  if (__atomic_fetch_or(&t->gone, which, __ATOMIC_ACQ_REL) & other) free(t);
}

static void trace_call_js(napi_env env, napi_value fn, const char *line, size_t len) {
  napi_value str, undef, ignored;
  if (napi_create_string_utf8(env, line, len, &str) != napi_ok) return;
  napi_get_undefined(env, &undef);
  /* lib/wasi.js wraps the user's function and reports its exceptions. */
  if (napi_call_function(env, undef, fn, 1, &str, &ignored) != napi_ok) {
    napi_value e;
    napi_get_and_clear_last_exception(env, &e);
  }
}

/* tsfn delivery: data is a malloc'd "len bytes + NUL" line. */
static void trace_tsfn_call(napi_env env, napi_value fn, void *context, void *data) {
  (void)context;
  if (env != NULL && fn != NULL) trace_call_js(env, fn, data, strlen(data));
  free(data);
}

static void trace_line(void *data, const char *line, size_t len) {
  trace_sink *t = data;
  uv_thread_t self = uv_thread_self();
  if (__atomic_load_n(&t->gone, __ATOMIC_ACQUIRE) & SINK_TSFN_GONE) return; /* exiting */
  if (uv_thread_equal(&self, &t->js_thread)) {
    napi_handle_scope scope;
    napi_value fn;
    if (napi_open_handle_scope(t->env, &scope) != napi_ok) return;
    if (napi_get_reference_value(t->env, t->fn, &fn) == napi_ok && fn != NULL)
      trace_call_js(t->env, fn, line, len);
    napi_close_handle_scope(t->env, scope);
    return;
  }
  char *copy = malloc(len + 1);
  if (copy == NULL) return;
  memcpy(copy, line, len);
  copy[len] = '\0';
  if (napi_call_threadsafe_function(t->tsfn, copy, napi_tsfn_blocking) != napi_ok) free(copy);
}

/* The tsfn's finalizer runs on the JS thread once it is released: the
 * place to drop the reference. */
static void trace_tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  trace_sink *t = data;
  napi_delete_reference(env, t->fn);
  t->fn = NULL;
  sink_drop(t, SINK_TSFN_GONE);
}

/* wh_wasi's trace_free. */
static void trace_release(void *data) {
  trace_sink *t = data;
  if (!(__atomic_load_n(&t->gone, __ATOMIC_ACQUIRE) & SINK_TSFN_GONE))
    napi_release_threadsafe_function(t->tsfn, napi_tsfn_release);
  sink_drop(t, SINK_WASI_GONE);
}

static trace_sink *trace_sink_new(napi_env env, napi_value fn) {
  trace_sink *t = calloc(1, sizeof *t);
  napi_value name;
  if (t == NULL) return NULL;
  t->env = env;
  t->js_thread = uv_thread_self();
  if (napi_create_reference(env, fn, 1, &t->fn) != napi_ok ||
      napi_create_string_utf8(env, "wasihost.trace", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, fn, NULL, name, 0, 1, t, trace_tsfn_finalize, NULL,
                                      trace_tsfn_call, &t->tsfn) != napi_ok) {
    if (t->fn) napi_delete_reference(env, t->fn);
    free(t);
    return NULL;
  }
  /* A trace never keeps the process alive by itself. */
  napi_unref_threadsafe_function(env, t->tsfn);
  return t;
}

static napi_value wasi_create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value cfgv, v, result = NULL;
  if (napi_get_cb_info(env, info, &argc, &cfgv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || !wn_is_object(env, cfgv)) {
    napi_throw_type_error(env, NULL, "wasi: config must be an object");
    return NULL;
  }
  scratch s = {0};
  wh_wasi_config cfg;
  wh_wasi_mount *mounts = NULL;
  wh_wasi_listener *listeners = NULL;
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
    if (!wn_is_object(env, e)) continue;
    if (get_prop(env, e, "kind", &f) > 0) napi_get_value_int32(env, f, &n);
    cfg.stdio[i].kind = n;
    if (get_prop(env, e, "fd", &f) > 0) napi_get_value_int32(env, f, &cfg.stdio[i].fd);
    if (get_prop(env, e, "data", &f) > 0) {
      const uint8_t *d;
      size_t len;
      if (wn_buffer_source(env, f, &d, &len)) goto done;
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

  r = get_prop(env, cfgv, "listeners", &v);
  if (r < 0) goto done;
  if (r > 0) {
    if (napi_get_array_length(env, v, &cfg.nlisteners) != napi_ok) goto done;
    listeners = calloc(cfg.nlisteners ? cfg.nlisteners : 1, sizeof *listeners);
    if (!listeners) goto nomem;
    for (uint32_t i = 0; i < cfg.nlisteners; i++) {
      napi_value l, f;
      if (napi_get_element(env, v, i, &l) != napi_ok) goto done;
      listeners[i].fd = -1;
      if (get_prop(env, l, "listen", &f) > 0) {
        if (!(listeners[i].listen = keep(&s, get_cstr(env, f, "wasi: listen must be a string"))))
          goto done;
      } else if (get_prop(env, l, "fd", &f) <= 0 ||
                 napi_get_value_int32(env, f, &listeners[i].fd) != napi_ok) {
        napi_throw_type_error(env, NULL, "wasi: each listener needs listen or fd");
        goto done;
      }
      if (get_prop(env, l, "backlog", &f) > 0) napi_get_value_int32(env, f, &listeners[i].backlog);
    }
    cfg.listeners = listeners;
  }
  {
    bool b = false;
    if (get_prop(env, cfgv, "deterministic", &v) > 0) napi_get_value_bool(env, v, &b);
    cfg.deterministic = b;
    if (get_prop(env, cfgv, "seed", &v) > 0 && wn_get_u64(env, v, &cfg.seed) != 0) {
      wn_ensure_exception(env);
      goto done;
    }
  }
  cfg.trace_fd = -1;
  r = get_prop(env, cfgv, "trace", &v);
  if (r < 0) goto done;
  if (r > 0) {
    napi_valuetype tt;
    napi_value f;
    napi_typeof(env, v, &tt);
    if (tt == napi_function) {
      trace_sink *t = trace_sink_new(env, v);
      if (!t) goto nomem;
      cfg.trace_fn = trace_line;
      cfg.trace_data = t;
      cfg.trace_free = trace_release;
    } else if (get_prop(env, v, "fd", &f) <= 0 ||
               napi_get_value_int32(env, f, &cfg.trace_fd) != napi_ok || cfg.trace_fd <= 0) {
      napi_throw_type_error(env, NULL, "wasi: trace must be a function or {fd} (fd > 0)");
      goto done;
    }
    uint32_t mask = 0;
    if (get_prop(env, cfgv, "traceMask", &f) > 0) napi_get_value_uint32(env, f, &mask);
    cfg.trace_mask = mask;
  }

  cfg.no_openat2 = wn_env_flag("WASIHOST_NO_OPENAT2");

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
    wn_ensure_exception(env);
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
  free(listeners);
  free(socks);
  scratch_free(&s);
  return result;
}

static napi_value wasi_import(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  wn_env *E = wn_env_ready(env);
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
  if (!f) return wn_undefined(env);
  int r = wn_func_value(E, f, name, NULL, &out);
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
    wn_ensure_exception(env);
    return NULL;
  }
  return out;
}

static napi_value wasi_listeners(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  wh_wasi *w = get_wasi(env, argv[0]);
  if (!w) return NULL;
  if (napi_create_array(env, &out) != napi_ok) return NULL;
  uint32_t fd;
  char addr[80];
  for (uint32_t i = 0; wh_wasi_listener_info(w, i, &fd, addr, sizeof addr) == 0; i++) {
    napi_value o, fv, av;
    if (napi_create_object(env, &o) != napi_ok || napi_create_uint32(env, fd, &fv) != napi_ok ||
        napi_create_string_utf8(env, addr, NAPI_AUTO_LENGTH, &av) != napi_ok ||
        napi_set_named_property(env, o, "fd", fv) != napi_ok ||
        napi_set_named_property(env, o, "address", av) != napi_ok ||
        napi_set_element(env, out, i, o) != napi_ok)
      return NULL;
  }
  return out;
}

static const wn_fn wasi_fns[] = {
  {"wasiCreate", wasi_create},
  {"wasiImport", wasi_import},
  {"wasiCaptured", wasi_captured},
  {"wasiListeners", wasi_listeners},
};

napi_value wn_wasi_init(napi_env env, napi_value exports) {
  if (wn_export_fns(env, exports, wasi_fns, sizeof wasi_fns / sizeof wasi_fns[0])) {
    wn_ensure_exception(env);
    return NULL;
  }
  return exports;
}
