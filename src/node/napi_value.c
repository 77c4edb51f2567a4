/* Value conversion between JS and wh_val (JS API 2.0 §"ToWebAssemblyValue"
 * and §"ToJSValue"), the raw-bits convention of `internals`, and the one
 * JS -> wasm call path shared by exported functions and internals.callRaw.
 *
 * externref: a JS value is interned in lib/api/externref.js (value -> small
 * integer id, identity preserved, -0 kept apart from +0); the engine only
 * ever sees the id.  0 is ref.null.  Interned values stay alive for the
 * env's lifetime, since the engine cannot tell us when a reference dies. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

static int to_i32(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) == napi_ok) return 0;
  /* ToInt32: ToNumber first (may throw: Symbol, BigInt, valueOf). */
  WI_TRY(napi_coerce_to_number(env, v, &v), -1);
  WI_TRY(napi_get_value_int32(env, v, out), -1);
  return 0;
}

static int to_f64(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) == napi_ok) return 0;
  WI_TRY(napi_coerce_to_number(env, v, &v), -1);
  WI_TRY(napi_get_value_double(env, v, out), -1);
  return 0;
}

/* ToBigInt64: BigInt.asIntN(64, v) runs the spec's ToBigInt, which throws
 * a TypeError for Numbers, undefined and Symbols. */
static int to_i64(wn_env *E, napi_value v, int64_t *out) {
  napi_env env = E->env;
  bool lossless;
  if (napi_get_value_bigint_int64(env, v, out, &lossless) == napi_ok) return 0;
  napi_value fn, argv[2], big;
  WI_TRY(napi_get_reference_value(env, E->bigint_asintn, &fn), -1);
  WI_TRY(napi_create_int32(env, 64, &argv[0]), -1);
  argv[1] = v;
  WI_TRY(napi_call_function(env, wn_undefined(env), fn, 2, argv, &big), -1);
  WI_TRY(napi_get_value_bigint_int64(env, big, out, &lossless), -1);
  return 0;
}

static int is_null(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && t == napi_null;
}

static int to_ref(wn_env *E, napi_value v, uint8_t type, wh_val *out) {
  napi_env env = E->env;
  if (is_null(env, v)) {
    out->raw = 0;
    return 0;
  }
  if (type == WH_FUNCREF) {
    wn_obj *w = wn_unwrap(env, v, WN_NK_FUNC);
    if (!w) {
      napi_throw_type_error(env, NULL,
                            "type incompatibility when transforming from/to JS: "
                            "a funcref must be null or an exported WebAssembly function");
      return -1;
    }
    /* wasm code may call it from a run of another instance */
    wn_rs_touch(w->rs);
    out->raw = 0;
    out->func = w->ptr;
    return 0;
  }
  napi_value fn, id;
  double d;
  WI_TRY(napi_get_reference_value(env, E->extern_intern, &fn), -1);
  WI_TRY(napi_call_function(env, wn_undefined(env), fn, 1, &v, &id), -1);
  WI_TRY(napi_get_value_double(env, id, &d), -1);
  out->raw = 0;
  out->ext = (uintptr_t)d;
  return 0;
}

static int from_ref(wn_env *E, wh_val v, uint8_t type, napi_value owner,
                    napi_value *out) {
  napi_env env = E->env;
  if (type == WH_FUNCREF) {
    if (!v.func) {
      WI_TRY(napi_get_null(env, out), -1);
      return 0;
    }
    return wn_func_value(E, v.func, NULL, owner, out);
  }
  if (!v.ext) {
    WI_TRY(napi_get_null(env, out), -1);
    return 0;
  }
  napi_value values;
  WI_TRY(napi_get_reference_value(env, E->extern_values, &values), -1);
  WI_TRY(napi_get_element(env, values, (uint32_t)v.ext, out), -1);
  return 0;
}

/* The types no JS value converts to or from (the JS API's ToJSValue and
 * ToWebAssemblyValue throw for them). */
static bool type_not_js(uint8_t type) {
  uint8_t f = wh_reftype_family(type);
  return f == WH_V128 || f == WH_EXNREF;
}

/* ft's type at position k: params, then results */
static uint8_t type_at(const wh_functype *ft, size_t k) {
  return k < ft->nparams ? ft->params[k] : ft->results[k - ft->nparams];
}

int wn_functype_not_js(const wh_functype *ft) {
  for (size_t k = 0; k < (size_t)ft->nparams + ft->nresults; k++)
    if (type_not_js(type_at(ft, k))) return (int)k + 1;
  return 0;
}

int wn_throw_not_js(napi_env env, uint8_t type) {
  napi_throw_type_error(env, NULL, wh_reftype_family(type) == WH_EXNREF
                                       ? "type incompatibility when transforming from/to JS: exnref"
                                       : "type incompatibility when transforming from/to JS: v128");
  return -1;
}

int wn_to_wasm(wn_env *E, napi_value v, uint8_t type, wh_val *out) {
  napi_env env = E->env;
  double d;
  float f;
  out->raw = 0;
  /* typed references (3.0): a value of the family; null only if nullable */
  if (!wh_reftype_nullable(type) && is_null(env, v)) {
    napi_throw_type_error(env, NULL, "type incompatibility when transforming from/to JS: "
                          "null for a non-nullable reference");
    return -1;
  }
  type = wh_reftype_family(type);
  switch (type) {
  case WH_I32:
    return to_i32(env, v, &out->i32);
  case WH_I64:
    return to_i64(E, v, &out->i64);
  case WH_F32:
    if (to_f64(env, v, &d)) return -1;
    f = (float)d;
    memcpy(&out->f32_bits, &f, 4);
    return 0;
  case WH_F64:
    if (to_f64(env, v, &d)) return -1;
    memcpy(&out->f64_bits, &d, 8);
    return 0;
  case WH_FUNCREF:
  case WH_EXTERNREF:
    return to_ref(E, v, type, out);
  default:
    return wn_throw_not_js(env, type);
  }
}

int wn_to_wasm_held(wn_env *E, napi_value v, uint8_t type, napi_value holder,
                         wh_val *out) {
  if (wn_to_wasm(E, v, type, out)) return -1;
  return wh_reftype_family(type) == WH_FUNCREF && out->func ? wn_group_join(E, holder, v) : 0;
}

int wn_to_js(wn_env *E, wh_val v, uint8_t type, napi_value owner,
                  napi_value *out) {
  napi_env env = E->env;
  double d;
  float f;
  type = wh_reftype_family(type);
  switch (type) {
  case WH_I32:
    WI_TRY(napi_create_int32(env, v.i32, out), -1);
    return 0;
  case WH_I64:
    WI_TRY(napi_create_bigint_int64(env, v.i64, out), -1);
    return 0;
  case WH_F32:
    memcpy(&f, &v.f32_bits, 4);
    WI_TRY(napi_create_double(env, (double)f, out), -1);
    return 0;
  case WH_F64:
    memcpy(&d, &v.f64_bits, 8);
    WI_TRY(napi_create_double(env, d, out), -1);
    return 0;
  case WH_FUNCREF:
  case WH_EXTERNREF:
    return from_ref(E, v, type, owner, out);
  default:
    return wn_throw_not_js(env, type);
  }
}

/* internals: numbers are bit patterns (BigInt, or a Number holding the
 * pattern); see lib/index.js for the full convention. */
static int raw_bits(napi_env env, napi_value v, uint64_t *out) {
  bool lossless;
  double d;
  if (napi_get_value_bigint_uint64(env, v, out, &lossless) == napi_ok) return 0;
  if (napi_get_value_double(env, v, &d) == napi_ok) {
    if (!isfinite(d)) {
      napi_throw_type_error(env, NULL, "raw value must be a finite Number or a BigInt");
      return -1;
    }
    d = trunc(d);
    if (d >= 0 && d < 18446744073709551616.0) *out = (uint64_t)d;
    else if (d < 0 && d >= -9223372036854775808.0) *out = (uint64_t)(int64_t)d;
    else *out = 0;
    return 0;
  }
  napi_throw_type_error(env, NULL, "raw value must be a Number or a BigInt");
  return -1;
}

int wn_raw_to_wasm(wn_env *E, napi_value v, uint8_t type, wh_val *out) {
  uint64_t bits;
  out->raw = 0;
  type = wh_reftype_family(type);
  switch (type) {
  case WH_I32:
  case WH_F32:
    if (raw_bits(E->env, v, &bits)) return -1;
    out->f32_bits = (uint32_t)bits;
    return 0;
  case WH_I64:
  case WH_F64:
    if (raw_bits(E->env, v, &bits)) return -1;
    out->f64_bits = bits;
    return 0;
  case WH_V128: {
    /* internals only (the JS API refuses v128): the 128-bit pattern as a
     * BigInt, its low word lane bytes 0-7 */
    uint64_t w[2] = { 0, 0 };
    size_t n = 2;
    int sign = 0;
    if (napi_get_value_bigint_words(E->env, v, &sign, &n, w) != napi_ok) {
      napi_throw_type_error(E->env, NULL, "raw v128 value must be a BigInt");
      return -1;
    }
    if (sign) { /* two's complement of the magnitude, modulo 2^128 */
      w[0] = ~w[0] + 1;
      w[1] = ~w[1] + (w[0] == 0);
    }
    memcpy(out->v128, w, 16);
    return 0;
  }
  default:
    return wn_to_wasm(E, v, type, out);
  }
}

int wn_raw_to_js(wn_env *E, wh_val v, uint8_t type, napi_value owner,
                      napi_value *out) {
  napi_env env = E->env;
  switch (type) {
  case WH_I32:
  case WH_F32:
    WI_TRY(napi_create_bigint_uint64(env, (uint64_t)v.f32_bits, out), -1);
    return 0;
  case WH_I64:
  case WH_F64:
    WI_TRY(napi_create_bigint_uint64(env, v.f64_bits, out), -1);
    return 0;
  case WH_V128: {
    uint64_t w[2];
    memcpy(w, v.v128, 16);
    WI_TRY(napi_create_bigint_words(env, 0, 2, w, out), -1);
    return 0;
  }
  default:
    return wn_to_js(E, v, type, owner, out);
  }
}

int wn_args_to_wasm(wn_env *E, const wh_functype *ft, int not_js, napi_value fn,
                         size_t argc, napi_value *argv, int raw, wh_val *args) {
  napi_value undef = wn_undefined(E->env);
  /* before any argument is converted: such a result must not be found
   * unconvertible only after the function's side effects */
  if (!raw && not_js) return wn_throw_not_js(E->env, type_at(ft, (size_t)not_js - 1));
  for (size_t i = 0; i < ft->nparams; i++) {
    napi_value v = i < argc ? argv[i] : undef;
    int rc = raw ? wn_raw_to_wasm(E, v, ft->params[i], &args[i])
                 : wn_to_wasm(E, v, ft->params[i], &args[i]);
    if (rc) return -1;
    /* A funcref handed to f may be stored in f's tables: same store. */
    if (wh_reftype_family(ft->params[i]) == WH_FUNCREF && args[i].func && wn_group_join(E, fn, v))
      return -1;
  }
  return 0;
}

napi_value wn_results_to_js(wn_env *E, const wh_functype *ft, napi_value fn,
                                 const wh_val *results, int raw) {
  napi_env env = E->env;
  size_t nr = ft->nresults;
  napi_value ret = NULL, arr, v;
  if (nr == 0 && !raw) return wn_undefined(env);
  if (nr == 1 && !raw) {
    if (wn_to_js(E, results[0], ft->results[0], fn, &ret)) return NULL;
    return ret;
  }
  WI_TRY(napi_create_array_with_length(env, nr, &arr), NULL);
  for (size_t i = 0; i < nr; i++) {
    int c = raw ? wn_raw_to_js(E, results[i], ft->results[i], fn, &v)
                : wn_to_js(E, results[i], ft->results[i], fn, &v);
    if (c) return NULL;
    WI_TRY(napi_set_element(env, arr, (uint32_t)i, v), NULL);
  }
  return arr;
}

static void throw_func_disposed(napi_env env) {
  napi_throw_error(env, "ERR_WASIHOST_DISPOSED",
                   "this function's WebAssembly.Instance has been disposed");
}

napi_value wn_call(wn_env *E, wn_func *w, napi_value fn, size_t argc,
                        napi_value *argv, int raw, uint64_t timeout_ns) {
  napi_env env = E->env;
  wh_val small[8], *args = small, *results;
  napi_value ret = NULL;
  wn_run run;
  if (!w->h.ptr) {
    throw_func_disposed(env);
    return NULL;
  }
  /* Our own reference: the conversions below run user JS (valueOf, BigInt
   * coercion) that may dispose the instance, and ft lives in the wh_func. */
  wh_func *f = wh_func_ref(w->h.ptr);
  const wh_functype *ft = w->type;
  size_t np = ft->nparams, nr = ft->nresults, need = np + nr;
  if (need > 8) {
    args = calloc(need, sizeof *args);
    if (!args) {
      napi_throw_error(env, NULL, "wasihost: out of memory");
      goto out;
    }
  }
  results = args + np;
  if (wn_args_to_wasm(E, ft, w->not_js, fn, argc, argv, raw, args)) goto out;
  /* Conversions ran JS, which may have disposed the instance or started a
   * run of it: decide only now (run_begin checks busy and aborted). */
  if (!w->h.ptr) {
    throw_func_disposed(env);
    goto out;
  }
  /* The error block (800 bytes) lives off the C stack: JS->wasm->JS
   * nesting is bounded by V8's stack limit, which our frames share. */
  wh_error *err = wn_err_push(E);
  if (!err) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    goto out;
  }
  if (wn_run_begin(E, w->h.rs, timeout_ns, &run)) {
    wn_err_pop(E);
    goto out;
  }
  err->status = 0;
  err->message[0] = 0;
  int rc = wh_func_call(f, args, (uint32_t)np, results, (uint32_t)nr, err);
  wn_run_end(&run);
  wn_sweep_memories(E);
  if (rc != WH_OK) wn_throw_status(E, rc, err);
  wn_err_pop(E);
  if (rc != WH_OK) goto out;
  ret = wn_results_to_js(E, ft, fn, results, raw);
out:
  if (args != small && args) free(args);
  wh_func_unref(f);
  return ret;
}
