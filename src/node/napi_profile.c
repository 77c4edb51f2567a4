/* The guest profiler from JS (lib/profile/):
 *   profileStart(instance, mode, intervalUs)   mode 1 sampling, 2 exact
 *   profileRead(instance, reset) -> { mode, intervalUs, durationUs, truncated,
 *       samples: Uint32Array (wh_profile_data.words), names: [per function
 *       index], imports: [[module, name] per imported function],
 *       calls, units: Float64Array (exact mode),
 *       lines: { offset: [{ function, file, line, column }] } (DWARF only) }
 *   profileStop(instance)
 *   moduleBytes(module) -> Buffer, a copy of the module's binary (Go's
 *       function table lives in its data segments: lib/profile/gosym.js)
 * The engine does the recording (src/engine/prof.c); this converts. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

#define MAX_INLINE 16

static wh_instance *arg_inst(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  wn_instance *w = wn_arg_instance(env, info, argc, argv);
  /* the guest thread of an async run writes the profile's counters */
  if (w && wn_rs_busy(w->h.rs)) {
    wn_throw_busy(env, "read or change its profile");
    return NULL;
  }
  return w ? w->h.ptr : NULL;
}

napi_value wn_profile_start(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  wh_instance *inst = arg_inst(env, info, &argc, argv);
  if (!inst) return NULL;
  int32_t mode = 0;
  uint32_t interval = 1000;
  if (argc < 3 || napi_get_value_int32(env, argv[1], &mode) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &interval) != napi_ok) {
    napi_throw_type_error(env, NULL, "profileStart(instance, mode, intervalUs)");
    return NULL;
  }
  wh_error err;
  memset(&err, 0, sizeof err);
  if (wh_instance_profile_start(inst, mode, interval, &err) != 0) {
    napi_throw_error(env, NULL, err.message[0] ? err.message : "cannot start the profile");
    return NULL;
  }
  return wn_undefined(env);
}

napi_value wn_profile_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  wh_instance *inst = arg_inst(env, info, &argc, argv);
  if (!inst) return NULL;
  wh_instance_profile_stop(inst);
  return wn_undefined(env);
}

static napi_value f64_array(napi_env env, const uint64_t *v, uint32_t n) {
  napi_value ab, arr;
  void *data;
  if (napi_create_arraybuffer(env, (size_t)n * 8, &data, &ab) != napi_ok) return NULL;
  for (uint32_t i = 0; i < n; i++) ((double *)data)[i] = (double)v[i];
  if (napi_create_typedarray(env, napi_float64_array, n, ab, 0, &arr) != napi_ok) return NULL;
  return arr;
}

static void set(napi_env env, napi_value o, const char *k, napi_value v) {
  if (v) napi_set_named_property(env, o, k, v);
}
static napi_value str(napi_env env, const char *s, size_t n) {
  napi_value v;
  return s && napi_create_string_utf8(env, s, n, &v) == napi_ok ? v : NULL;
}
static napi_value num(napi_env env, double d) {
  napi_value v;
  return napi_create_double(env, d, &v) == napi_ok ? v : NULL;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

napi_value wn_profile_read(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  wh_instance *inst = arg_inst(env, info, &argc, argv);
  if (!inst) return NULL;
  bool reset = false;
  if (argc > 1) napi_get_value_bool(env, argv[1], &reset);
  wh_profile_data d;
  int rc = wh_instance_profile_read(inst, &d, reset);
  if (rc == WH_ERR_ARG) {
    napi_throw_error(env, NULL, "this instance is not being profiled (create it with { profile: true })");
    return NULL;
  }
  if (rc) {
    napi_throw_range_error(env, NULL, "out of memory reading the profile");
    return NULL;
  }
  napi_value out, ab, words;
  void *data;
  if (napi_create_object(env, &out) != napi_ok ||
      napi_create_arraybuffer(env, d.nwords * 4, &data, &ab) != napi_ok) {
    wh_profile_data_free(&d);
    wn_ensure_exception(env);
    return NULL;
  }
  if (d.nwords) memcpy(data, d.words, d.nwords * 4);
  napi_create_typedarray(env, napi_uint32_array, d.nwords, ab, 0, &words);
  set(env, out, "samples", words);
  set(env, out, "mode", num(env, d.mode));
  set(env, out, "intervalUs", num(env, d.interval_us));
  set(env, out, "durationUs", num(env, (double)d.duration_us));
  set(env, out, "count", num(env, d.nsamples));
  napi_value tb;
  if (napi_get_boolean(env, d.truncated != 0, &tb) == napi_ok) set(env, out, "truncated", tb);

  wh_module *m = wh_instance_module(inst);
  napi_value names, imports;
  napi_create_array_with_length(env, d.nfuncs, &names);
  for (uint32_t i = 0; i < d.nfuncs; i++) {
    const char *n = wh_module_func_name(m, i);
    if (n) napi_set_element(env, names, i, str(env, n, NAPI_AUTO_LENGTH));
  }
  set(env, out, "names", names);
  napi_create_array(env, &imports);
  uint32_t fi = 0;
  for (uint32_t i = 0, n = wh_module_import_count(m); i < n; i++) {
    const char *mod, *name;
    uint32_t ml, nl;
    wh_externtype t;
    if (wh_module_import(m, i, &mod, &ml, &name, &nl, &t) || t.kind != WH_EXTERN_FUNC) continue;
    napi_value pair;
    napi_create_array_with_length(env, 2, &pair);
    napi_set_element(env, pair, 0, str(env, mod, ml));
    napi_set_element(env, pair, 1, str(env, name, nl));
    napi_set_element(env, imports, fi++, pair);
  }
  set(env, out, "imports", imports);
  if (d.calls) {
    set(env, out, "calls", f64_array(env, d.calls, d.nfuncs));
    set(env, out, "units", f64_array(env, d.units, d.nfuncs));
  }

  /* source lines of every distinct offset sampled, when there is DWARF */
  if (wh_module_debug_info(m, NULL) && d.nwords) {
    napi_value lines;
    napi_create_object(env, &lines);
    uint32_t *offs = malloc(d.nwords / 2 * sizeof *offs + 4);
    size_t no = 0;
    for (size_t i = 0; offs && i + 4 <= d.nwords;) {
      uint32_t n = d.words[i];
      for (uint32_t k = 0; k < n && i + 5 + 2 * k < d.nwords; k++) {
        uint32_t kind = d.words[i + 4 + 2 * k] >> 30, off = d.words[i + 5 + 2 * k];
        if (kind == 0 && off != UINT32_MAX) offs[no++] = off;
      }
      i += 4 + 2 * (size_t)n;
    }
    if (offs) qsort(offs, no, sizeof *offs, cmp_u32);
    for (size_t k = 0; k < no; k++) {
      if (k && offs[k] == offs[k - 1]) continue;
      wh_source_loc loc[MAX_INLINE];
      int nl = wh_module_source_lines(m, offs[k], loc, MAX_INLINE);
      if (nl <= 0) continue;
      napi_value arr;
      napi_create_array_with_length(env, (size_t)nl, &arr);
      for (int j = 0; j < nl; j++) {
        napi_value o;
        napi_create_object(env, &o);
        set(env, o, "function", str(env, loc[j].function, NAPI_AUTO_LENGTH));
        set(env, o, "file", str(env, loc[j].file, NAPI_AUTO_LENGTH));
        set(env, o, "line", num(env, loc[j].line));
        set(env, o, "column", num(env, loc[j].column));
        napi_set_element(env, arr, (uint32_t)j, o);
      }
      napi_value key;
      napi_create_uint32(env, offs[k], &key);
      napi_set_property(env, lines, key, arr);
    }
    free(offs);
    set(env, out, "lines", lines);
  }
  wh_profile_data_free(&d);
  return out;
}

/* Argument 0 as a Module wrapper (an exception when not). */
static wn_obj *arg_module(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    wn_ensure_exception(env);
    return NULL;
  }
  wn_obj *w = argc ? wn_unwrap_or_throw(env, argv[0], WN_NK_MODULE, "WebAssembly.Module") : NULL;
  if (!w && !argc) napi_throw_type_error(env, NULL, "Argument 0 must be a WebAssembly.Module");
  return w;
}

napi_value wn_module_bytes(napi_env env, napi_callback_info info) {
  napi_value out;
  wn_obj *w = arg_module(env, info);
  if (!w) return NULL;
  size_t len;
  const uint8_t *b = wh_module_bytes(w->ptr, &len);
  if (napi_create_buffer_copy(env, len, b, NULL, &out) != napi_ok) {
    wn_ensure_exception(env);
    return NULL;
  }
  return out;
}

/* moduleSetExact(module): see wh_module_set_exact (lib/api/instance.js
 * calls it on a private copy of the module). */
napi_value wn_module_set_exact(napi_env env, napi_callback_info info) {
  wn_obj *w = arg_module(env, info);
  if (!w) return NULL;
  wh_module_set_exact(w->ptr);
  return wn_undefined(env);
}
