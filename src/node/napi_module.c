/* WebAssembly.Module: compile, validate and the static reflection functions
 * (JS API 2.0 §"Modules"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "node/napi_binding.h"

static const char *kind_name(int kind) {
  switch (kind) {
  case WH_EXTERN_FUNC: return "function";
  case WH_EXTERN_TABLE: return "table";
  case WH_EXTERN_MEMORY: return "memory";
  case WH_EXTERN_GLOBAL: return "global";
  case WH_EXTERN_TAG: return "tag";
  default: return "unknown";
  }
}

static wh_module *arg_module(napi_env env, napi_callback_info info, size_t *argc,
                             napi_value *argv) {
  if (napi_get_cb_info(env, info, argc, argv, NULL, NULL) != napi_ok) {
    wn_ensure_exception(env);
    return NULL;
  }
  wn_obj *w = *argc ? wn_unwrap(env, argv[0], WN_NK_MODULE) : NULL;
  if (!w) {
    napi_throw_type_error(env, NULL, "Argument 0 must be a WebAssembly.Module");
    return NULL;
  }
  return w->ptr;
}

/* Whether a view's memory may be shared with other threads (a
 * SharedArrayBuffer's, or one we cannot tell): those could change it
 * while wh_module_new validates the bytes it is copying. */
static bool maybe_shared(napi_env env, napi_value v) {
  bool is = false, plain = false;
  napi_value ab = NULL;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is)
    napi_get_typedarray_info(env, v, NULL, NULL, NULL, &ab, NULL);
  else if (napi_is_dataview(env, v, &is) == napi_ok && is)
    napi_get_dataview_info(env, v, NULL, NULL, &ab, NULL);
  else
    return false; /* an ArrayBuffer itself (wn_buffer_source takes no other) */
  /* napi_is_arraybuffer is false for a SharedArrayBuffer */
  return !ab || napi_is_arraybuffer(env, ab, &plain) != napi_ok || !plain;
}

/* moduleNew(target, bytes): compiles and wraps target. */
napi_value wn_module_new(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  const uint8_t *data = NULL;
  size_t len = 0;
  wh_error err;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wn_sweep_dead(E, 0);
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 2 || !wn_is_object(env, argv[0])) {
    napi_throw_type_error(env, NULL, "moduleNew(target, bytes)");
    return NULL;
  }
  if (wn_buffer_source(env, argv[1], &data, &len)) return NULL;
  memset(&err, 0, sizeof err);
  wh_module *m;
  if (len && maybe_shared(env, argv[1])) {
    /* copied before anything reads it, as V8 does */
    uint8_t *copy = malloc(len);
    if (!copy) {
      napi_throw_error(env, NULL, "wasihost: out of memory");
      return NULL;
    }
    memcpy(copy, data, len);
    m = wh_module_new_borrowed(copy, len, free, copy, &err);
    if (!m) free(copy);
  } else {
    m = wh_module_new(data ? data : (const uint8_t *)"", len, &err);
  }
  if (!m) {
    wn_throw_status(E, err.status ? err.status : WH_ERR_MALFORMED, &err);
    return NULL;
  }
  if (wn_module_attach(E, argv[0], m)) return NULL;
  return wn_undefined(env);
}

/* Reads a whole file into memory of our own (synchronous libuv calls);
 * NULL with a JS exception on failure. */
static uint8_t *read_file(napi_env env, const char *path, size_t *len) {
  uv_fs_t req;
  uv_file fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  int rc = fd;
  uint8_t *buf = NULL;
  size_t n = 0;
  if (fd >= 0) {
    rc = uv_fs_fstat(NULL, &req, fd, NULL);
    uint64_t size = req.statbuf.st_size;
    bool dir = (req.statbuf.st_mode & S_IFMT) == S_IFDIR;
    uv_fs_req_cleanup(&req);
    if (rc == 0 && dir) rc = UV_EISDIR;
    else if (rc == 0 && size > SIZE_MAX / 2) rc = UV_EFBIG;
    else if (rc == 0 && !(buf = malloc(size ? size : 1))) rc = UV_ENOMEM;
#ifdef MADV_POPULATE_WRITE
    /* its pages present in one call, not a fault each as the reads fill
     * them (a 25 MB binary: ~5 ms less); where the kernel cannot, faults */
    if (rc == 0 && size >= (1u << 20)) {
      uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a = ((uintptr_t)buf + page - 1) & ~(page - 1);
      uintptr_t e = ((uintptr_t)buf + size) & ~(page - 1);
      if (e > a) (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
    }
#endif
    /* a file that shrinks meanwhile gives what it still has */
    while (rc == 0 && n < size) {
      uv_buf_t b = uv_buf_init((char *)buf + n, (unsigned)(size - n > (1u << 30) ? 1u << 30 : size - n));
      int got = uv_fs_read(NULL, &req, fd, &b, 1, -1, NULL);
      uv_fs_req_cleanup(&req);
      if (got < 0) rc = got;
      else if (got == 0) break;
      else n += (size_t)got;
    }
    uv_fs_close(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
  }
  if (rc < 0) {
    char msg[300];
    snprintf(msg, sizeof msg, "cannot read %.200s: %s", path, uv_strerror(rc));
    free(buf);
    napi_throw_error(env, uv_err_name(rc), msg);
    return NULL;
  }
  *len = n;
  return buf;
}

/* moduleFromFile(target, path): compiles a file read into memory the
 * module then owns.  Nothing else can see those bytes, so the module
 * reads them in place: one copy of the module, not the caller's buffer
 * plus ours (which moduleNew needs, since a caller may change its buffer
 * after compiling). */
napi_value wn_module_from_file(napi_env env, napi_callback_info info) {
  size_t argc = 2, plen = 0;
  napi_value argv[2];
  wh_error err;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wn_sweep_dead(E, 0);
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 2 || !wn_is_object(env, argv[0])) {
    napi_throw_type_error(env, NULL, "moduleFromFile(target, path)");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, argv[1], NULL, 0, &plen) != napi_ok) {
    napi_throw_type_error(env, NULL, "the path must be a string");
    return NULL;
  }
  char *path = malloc(plen + 1);
  if (!path) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, argv[1], path, plen + 1, &plen) != napi_ok) {
    free(path);
    wn_ensure_exception(env);
    return NULL;
  }
  if (strlen(path) != plen) {
    free(path);
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "the path must not contain NUL bytes");
    return NULL;
  }
  size_t len = 0;
  uint8_t *bytes = read_file(env, path, &len);
  free(path);
  if (!bytes) return NULL;
  memset(&err, 0, sizeof err);
  wh_module *m = wh_module_new_borrowed(bytes, len, free, bytes, &err);
  if (!m) {
    free(bytes);
    wn_throw_status(E, err.status ? err.status : WH_ERR_MALFORMED, &err);
    return NULL;
  }
  if (wn_module_attach(E, argv[0], m)) return NULL;
  return wn_undefined(env);
}

/* Wraps m (whose reference the wrapper takes over) in the JS Module js,
 * and tells V8 what it keeps alive in this environment. */
int wn_module_attach(wn_env *E, napi_value js, wh_module *m) {
  wn_obj *w = calloc(1, sizeof *w);
  if (!w) {
    wh_module_unref(m);
    napi_throw_error(E->env, NULL, "wasihost: out of memory");
    return -1;
  }
  w->kind = WN_NK_MODULE;
  w->ptr = m;
  if (wn_attach(E, js, w)) return -1;
  wn_obj_account(w);
  return 0;
}

/* moduleValidate(bytes) -> boolean */
napi_value wn_module_validate(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value bytes;
  const uint8_t *data = NULL;
  size_t len = 0;
  wh_error err;
  WI_TRY(napi_get_cb_info(env, info, &argc, &bytes, NULL, NULL), NULL);
  if (argc < 1) {
    napi_throw_type_error(env, NULL,
                          "first argument must be an ArrayBuffer or typed array object");
    return NULL;
  }
  if (wn_buffer_source(env, bytes, &data, &len)) return NULL;
  memset(&err, 0, sizeof err);
  return wn_bool(env, wh_module_validate(data ? data : (const uint8_t *)"", len,
                                              &err) == WH_OK);
}

static int set_str(napi_env env, napi_value obj, const char *key, const char *s,
                   size_t len) {
  napi_value v = wn_string_n(env, s, len);
  if (!v) return -1;
  WI_TRY(napi_set_named_property(env, obj, key, v), -1);
  return 0;
}

/* moduleImports(module) -> [{module, name, kind}] and
 * moduleExports(module) -> [{name, kind}], in the module's order. */
static napi_value extern_list(napi_env env, napi_callback_info info, int imports) {
  size_t argc = 1;
  napi_value argv[1], arr, o;
  wh_module *m = arg_module(env, info, &argc, argv);
  if (!m) return NULL;
  uint32_t n = imports ? wh_module_import_count(m) : wh_module_export_count(m);
  WI_TRY(napi_create_array_with_length(env, n, &arr), NULL);
  for (uint32_t i = 0; i < n; i++) {
    const char *mod = NULL, *name;
    uint32_t mod_len = 0, name_len;
    wh_externtype t;
    if (imports ? wh_module_import(m, i, &mod, &mod_len, &name, &name_len, &t)
                : wh_module_export(m, i, &name, &name_len, &t)) {
      napi_throw_error(env, NULL, imports ? "wasihost: cannot read an import"
                                          : "wasihost: cannot read an export");
      return NULL;
    }
    WI_TRY(napi_create_object(env, &o), NULL);
    if ((imports && set_str(env, o, "module", mod, mod_len)) ||
        set_str(env, o, "name", name, name_len) ||
        set_str(env, o, "kind", kind_name(t.kind), strlen(kind_name(t.kind))))
      return NULL;
    WI_TRY(napi_set_element(env, arr, i, o), NULL);
  }
  return arr;
}

napi_value wn_module_imports(napi_env env, napi_callback_info info) {
  return extern_list(env, info, 1);
}

napi_value wn_module_exports(napi_env env, napi_callback_info info) {
  return extern_list(env, info, 0);
}

/* moduleCustomSections(module, name) -> [ArrayBuffer] (copies) */
napi_value wn_module_custom_sections(napi_env env, napi_callback_info info) {
  size_t argc = 2, want_len = 0;
  napi_value argv[2], arr, ab;
  char *want = NULL;
  uint32_t count = 0;
  wh_module *m = arg_module(env, info, &argc, argv);
  if (!m) return NULL;
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "Argument 1 is required");
    return NULL;
  }
  WI_TRY(napi_get_value_string_utf8(env, argv[1], NULL, 0, &want_len), NULL);
  if (!(want = malloc(want_len + 1))) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, argv[1], want, want_len + 1, &want_len) != napi_ok ||
      napi_create_array(env, &arr) != napi_ok) {
    free(want);
    wn_ensure_exception(env);
    return NULL;
  }
  uint32_t n = wh_module_custom_count(m);
  for (uint32_t i = 0; i < n; i++) {
    const char *name;
    uint32_t name_len;
    const uint8_t *data;
    size_t len;
    void *copy;
    if (wh_module_custom(m, i, &name, &name_len, &data, &len)) continue;
    if (name_len != want_len || (want_len && memcmp(name, want, want_len))) continue;
    if (napi_create_arraybuffer(env, len, &copy, &ab) != napi_ok ||
        napi_set_element(env, arr, count++, ab) != napi_ok) {
      free(want);
      wn_ensure_exception(env);
      return NULL;
    }
    if (len) memcpy(copy, data, len);
  }
  free(want);
  return arr;
}
