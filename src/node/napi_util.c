/* Error mapping (wh_status -> JS error class) and small value helpers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "node/napi_binding.h"

void wn_ensure_exception(napi_env env) {
  const napi_extended_error_info *info = NULL;
  const char *msg = "wasihost: N-API call failed";
  bool pending = false;
  /* Read the error info first: any later napi call resets it. */
  if (napi_get_last_error_info(env, &info) == napi_ok && info &&
      info->error_message)
    msg = info->error_message;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return;
  napi_throw_error(env, NULL, msg);
}

static void throw_with(napi_env env, napi_value ctor, napi_value arg) {
  napi_value err;
  if (napi_new_instance(env, ctor, 1, &arg, &err) != napi_ok) {
    wn_ensure_exception(env);
    return;
  }
  napi_throw(env, err);
}

void wn_throw_class(wn_env *E, napi_ref ctor_ref, const char *message) {
  napi_env env = E->env;
  napi_value ctor, msg;
  if (!ctor_ref || napi_get_reference_value(env, ctor_ref, &ctor) != napi_ok ||
      !ctor) {
    napi_throw_error(env, NULL, message);
    return;
  }
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg) != napi_ok) {
    wn_ensure_exception(env);
    return;
  }
  throw_with(env, ctor, msg);
}

/* err.wasmBacktrace (napi_backtrace.c) on the pending RuntimeError
 * (re-thrown with the property set). */
static void attach_backtrace(napi_env env, const wh_error *err) {
  napi_value exc;
  if (napi_get_and_clear_last_exception(env, &exc) != napi_ok) return;
  wn_attach_backtrace(env, exc, err);
  napi_throw(env, exc);
}

void wn_throw_status(wn_env *E, int status, const wh_error *err) {
  napi_env env = E->env;
  char buf[320];
  const char *msg = err && err->message[0] ? err->message : NULL;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return; /* a JS exception wins: it is the original cause */
  switch (status) {
  case WH_ERR_MALFORMED:
  case WH_ERR_INVALID:
    if (!msg) msg = status == WH_ERR_MALFORMED ? "malformed module" : "invalid module";
    if (err && !strstr(msg, "offset"))
      snprintf(buf, sizeof buf, "%s (at offset %u)", msg, (unsigned)err->offset);
    else
      snprintf(buf, sizeof buf, "%s", msg);
    wn_throw_class(E, E->err_compile, buf);
    return;
  case WH_ERR_LINK:
    wn_throw_class(E, E->err_link, msg ? msg : "link error");
    return;
  case WH_ERR_TRAP:
    if (!msg && err) msg = wh_trap_message((wh_trap)err->trap);
    wn_throw_class(E, E->err_runtime, msg ? msg : "trap");
    if (err && err->nframes) attach_backtrace(env, err);
    return;
  case WH_ERR_EXIT: {
    napi_value ctor, code;
    if (!E->err_exit || napi_get_reference_value(env, E->err_exit, &ctor) != napi_ok ||
        !ctor || napi_create_int32(env, err ? err->exit_code : 0, &code) != napi_ok) {
      napi_throw_error(env, NULL, "wasi: proc_exit");
      return;
    }
    throw_with(env, ctor, code);
    return;
  }
  case WH_ERR_HOST:
    napi_throw_error(env, NULL, msg ? msg : "host function failed");
    return;
  case WH_ERR_EXCEPTION: /* napi_tag.c */
    if (err && err->exn) {
      wn_throw_exn(E, err->exn);
      return;
    }
    napi_throw_error(env, NULL, msg ? msg : "uncaught wasm exception");
    return;
  case WH_ERR_NOMEM:
    napi_throw_range_error(env, NULL, msg ? msg : "out of memory");
    return;
  case WH_ERR_LIMIT:
    napi_throw_range_error(env, NULL, msg ? msg : "limit exceeded");
    return;
  case WH_ERR_ARG:
    napi_throw_type_error(env, NULL, msg ? msg : "invalid argument");
    return;
  default:
    snprintf(buf, sizeof buf, "wasihost: unexpected status %d%s%s", status,
             msg ? ": " : "", msg ? msg : "");
    napi_throw_error(env, NULL, buf);
  }
}

static size_t typedarray_elem_size(napi_typedarray_type t) {
  switch (t) {
  case napi_int8_array:
  case napi_uint8_array:
  case napi_uint8_clamped_array:
    return 1;
  case napi_int16_array:
  case napi_uint16_array:
    return 2;
  case napi_int32_array:
  case napi_uint32_array:
  case napi_float32_array:
    return 4;
  default:
    return 8;
  }
}

int wn_buffer_source(napi_env env, napi_value v, const uint8_t **data,
                          size_t *len) {
  bool is = false;
  void *p = NULL;
  size_t n = 0;
  WI_TRY(napi_is_typedarray(env, v, &is), -1);
  if (is) {
    napi_typedarray_type t;
    WI_TRY(napi_get_typedarray_info(env, v, &t, &n, &p, NULL, NULL), -1);
    *data = p;
    *len = n * typedarray_elem_size(t);
    return 0;
  }
  WI_TRY(napi_is_arraybuffer(env, v, &is), -1);
  if (is) {
    WI_TRY(napi_get_arraybuffer_info(env, v, &p, &n), -1);
    *data = p;
    *len = n;
    return 0;
  }
  WI_TRY(napi_is_dataview(env, v, &is), -1);
  if (is) {
    napi_value ab;
    size_t off = 0, ab_len = 0;
    WI_TRY(napi_get_dataview_info(env, v, &n, &p, &ab, &off), -1);
    /* A view past the end of its (resizable, since shrunk) buffer is no
     * buffer source: V8 throws, and reading it would overrun. */
    WI_TRY(napi_get_arraybuffer_info(env, ab, NULL, &ab_len), -1);
    if (off > ab_len || n > ab_len - off) {
      napi_throw_type_error(env, NULL, "Argument 0 must be a buffer source (the DataView is out of bounds)");
      return -1;
    }
    *data = p;
    *len = n;
    return 0;
  }
  napi_throw_type_error(env, NULL,
                        "first argument must be an ArrayBuffer or typed array object");
  return -1;
}

int wn_is_object(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  return t == napi_object || t == napi_function;
}

napi_value wn_undefined(napi_env env) {
  napi_value v = NULL;
  napi_get_undefined(env, &v);
  return v;
}

napi_value wn_bool(napi_env env, int b) {
  napi_value v = NULL;
  napi_get_boolean(env, b != 0, &v);
  return v;
}

napi_value wn_string_n(napi_env env, const char *s, size_t len) {
  napi_value v = NULL;
  if (napi_create_string_utf8(env, s ? s : "", s ? len : 0, &v) != napi_ok) {
    wn_ensure_exception(env);
    return NULL;
  }
  return v;
}

int wn_get_u64(napi_env env, napi_value v, uint64_t *out) {
  napi_valuetype t;
  WI_TRY(napi_typeof(env, v, &t), -1);
  if (t == napi_bigint) {
    bool lossless = false;
    WI_TRY(napi_get_value_bigint_uint64(env, v, out, &lossless), -1);
    if (!lossless) {
      napi_throw_range_error(env, NULL, "value out of range for a 64-bit unsigned integer");
      return -1;
    }
    return 0;
  }
  if (t == napi_number) {
    double d;
    WI_TRY(napi_get_value_double(env, v, &d), -1);
    if (isnan(d) || d < 0) {
      napi_throw_range_error(env, NULL, "expected a non-negative number");
      return -1;
    }
    *out = d >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)d;
    return 0;
  }
  napi_throw_type_error(env, NULL, "expected a Number or BigInt");
  return -1;
}
