/* WebAssembly.Tag and WebAssembly.Exception (JS API for exception
 * handling, as V8 has them), and exceptions crossing between wasm and JS:
 *
 * - a wasm exception nothing caught reaches JS as a WebAssembly.Exception
 *   (the same object each time the same exception comes out);
 * - a JS import that throws during a synchronous run throws into wasm: a
 *   WebAssembly.Exception as an exception of its tag and payload, any
 *   other value as an exception of the JS tag (WebAssembly.JSTag, V8's:
 *   one externref), which `catch_all` catches.  Either way the engine's
 *   exception remembers the JS value (its host data, a reference), so
 *   left uncaught it reaches the JS caller as the very value thrown.  The
 *   JS tag's payload is null here, not the value: interning every thrown
 *   value as an externref would keep them all for the life of the process
 *   (lib/api/externref.js).  During an async run a JS exception still ends
 *   the run (napi_async.c), uncatchable. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

static wh_tag *the_js_tag;
static pthread_once_t js_tag_once = PTHREAD_ONCE_INIT;

static void make_js_tag(void) {
  static const uint8_t params[1] = { WH_EXTERNREF };
  wh_functype ft = { 1, 0, params, NULL };
  the_js_tag = wh_tag_new(&ft); /* lives for the process */
}

static wh_tag *js_tag(void) {
  pthread_once(&js_tag_once, make_js_tag);
  return the_js_tag;
}

static int valtype_of(napi_env env, napi_value v, uint8_t *out) {
  static const struct { const char *name; uint8_t type; } names[] = {
      {"i32", WH_I32}, {"i64", WH_I64}, {"f32", WH_F32}, {"f64", WH_F64},
      {"anyfunc", WH_FUNCREF}, {"funcref", WH_FUNCREF}, {"externref", WH_EXTERNREF},
  };
  char s[16];
  size_t len = 0;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_string &&
      napi_get_value_string_utf8(env, v, s, sizeof s, &len) == napi_ok) {
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      /* by length too: "i32\0" is not "i32" */
      if (len == strlen(names[i].name) && !memcmp(s, names[i].name, len)) {
        *out = names[i].type;
        return 0;
      }
    }
  }
  napi_throw_type_error(env, NULL, "WebAssembly.Tag(): parameters must be WebAssembly value types");
  return -1;
}

static int wrap_new(wn_env *E, napi_value target, int kind, void *ptr) {
  wn_obj *w = calloc(1, sizeof *w);
  if (!w) {
    if (kind == WN_NK_TAG) wh_tag_unref(ptr);
    else wh_exn_unref(ptr);
    napi_throw_error(E->env, NULL, "wasihost: out of memory");
    return -1;
  }
  w->kind = kind;
  w->ptr = ptr;
  return wn_attach(E, target, w);
}

/* The JS object of an engine object (made with the prototype the JS side
 * gave, when it has none yet); ptr gains a reference held by it. */
static int value_of(wn_env *E, int kind, void *ptr, napi_value *out) {
  napi_env env = E->env;
  if (wn_lookup(E, ptr, out)) return 0;
  napi_value create, proto, obj;
  WI_TRY(napi_get_reference_value(env, E->object_create, &create), -1);
  WI_TRY(napi_get_reference_value(env, E->proto[kind], &proto), -1);
  WI_TRY(napi_call_function(env, wn_undefined(env), create, 1, &proto, &obj), -1);
  if (kind == WN_NK_TAG) wh_tag_ref(ptr);
  else wh_exn_ref(ptr);
  if (wrap_new(E, obj, kind, ptr)) return -1;
  *out = obj;
  return 0;
}

int wn_tag_value(wn_env *E, wh_tag *t, napi_value owner, napi_value *out) {
  (void)owner; /* a tag holds nothing the owner's group must keep */
  return value_of(E, WN_NK_TAG, t, out);
}

static void *arg_obj(napi_env env, napi_value v, int kind, const char *what) {
  wn_obj *w = wn_unwrap(env, v, kind);
  if (!w) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return w->ptr;
}

/* tagNew(target, [type names]) */
napi_value wn_tag_new(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], v;
  uint32_t n = 0;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "tagNew(target, parameters)");
    return NULL;
  }
  WI_TRY(napi_get_array_length(env, argv[1], &n), NULL);
  uint8_t *types = malloc(n + 1);
  if (!types) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (napi_get_element(env, argv[1], i, &v) != napi_ok || valtype_of(env, v, &types[i])) {
      wn_ensure_exception(env);
      free(types);
      return NULL;
    }
  }
  wh_functype ft = { n, 0, types, NULL };
  wh_tag *t = wh_tag_new(&ft);
  free(types);
  if (!t) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  if (wrap_new(E, argv[0], WN_NK_TAG, t)) return NULL;
  return wn_undefined(env);
}

/* tagType(tag) -> {parameters: [...]} */
napi_value wn_tag_type(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, list, s;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  wh_tag *t = argc ? arg_obj(env, argv[0], WN_NK_TAG, "Receiver is not a WebAssembly.Tag") : NULL;
  if (!t) return NULL;
  const wh_functype *ft = wh_tag_type(t);
  WI_TRY(napi_create_array_with_length(env, ft->nparams, &list), NULL);
  for (uint32_t i = 0; i < ft->nparams; i++) {
    uint8_t ty = ft->params[i];
    WI_TRY(napi_create_string_utf8(env, ty == WH_FUNCREF ? "funcref" : wh_valtype_name(ty),
                                   NAPI_AUTO_LENGTH, &s), NULL);
    WI_TRY(napi_set_element(env, list, i, s), NULL);
  }
  WI_TRY(napi_create_object(env, &out), NULL);
  WI_TRY(napi_set_named_property(env, out, "parameters", list), NULL);
  return out;
}

/* jsTag() -> the WebAssembly.Tag of JS exceptions passing through wasm */
napi_value wn_js_tag(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  if (!js_tag()) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  if (value_of(E, WN_NK_TAG, js_tag(), &out)) return NULL;
  return out;
}

/* exnNew(target, tag, [payload]) */
napi_value wn_exn_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], v;
  uint32_t n = 0;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "exnNew(target, tag, payload)");
    return NULL;
  }
  wh_tag *t = arg_obj(env, argv[1], WN_NK_TAG, "WebAssembly.Exception(): Argument 0 must be a WebAssembly tag");
  if (!t) return NULL;
  const wh_functype *ft = wh_tag_type(t);
  WI_TRY(napi_get_array_length(env, argv[2], &n), NULL);
  if (n != ft->nparams) {
    napi_throw_type_error(env, NULL, "WebAssembly.Exception(): Number of exception values does not match signature length");
    return NULL;
  }
  wh_val *vals = calloc(n + 1, sizeof *vals);
  if (!vals) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (napi_get_element(env, argv[2], i, &v) != napi_ok ||
        wn_to_wasm_held(E, v, ft->params[i], argv[0], &vals[i])) {
      wn_ensure_exception(env);
      free(vals);
      return NULL;
    }
  }
  /* the conversions ran user JS (valueOf): look the tag up again */
  t = arg_obj(env, argv[1], WN_NK_TAG, "WebAssembly.Exception(): Argument 0 must be a WebAssembly tag");
  wh_exn *e = t ? wh_exn_new(t, vals, n, NULL, NULL) : NULL;
  free(vals);
  if (!e) {
    if (t) napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  if (wrap_new(E, argv[0], WN_NK_EXN, e)) return NULL;
  return wn_undefined(env);
}

/* exnIs(exception, tag) -> boolean */
napi_value wn_exn_is(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "exnIs(exception, tag)");
    return NULL;
  }
  wh_exn *e = arg_obj(env, argv[0], WN_NK_EXN, "Receiver is not a WebAssembly.Exception");
  if (!e) return NULL;
  wh_tag *t = arg_obj(env, argv[1], WN_NK_TAG, "WebAssembly.Exception.is(): Argument 0 must be a WebAssembly tag");
  if (!t) return NULL;
  WI_TRY(napi_get_boolean(env, wh_exn_tag(e) == t, &out), NULL);
  return out;
}

/* exnGetArg(exception, tag, index) */
napi_value wn_exn_get_arg(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out;
  uint32_t i;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "exnGetArg(exception, tag, index)");
    return NULL;
  }
  wh_exn *e = arg_obj(env, argv[0], WN_NK_EXN, "Receiver is not a WebAssembly.Exception");
  if (!e) return NULL;
  wh_tag *t = arg_obj(env, argv[1], WN_NK_TAG, "WebAssembly.Exception.getArg(): Argument 0 must be a WebAssembly tag");
  if (!t) return NULL;
  if (wh_exn_tag(e) != t) {
    napi_throw_type_error(env, NULL, "WebAssembly.Exception.getArg(): First argument does not match the exception tag");
    return NULL;
  }
  WI_TRY(napi_get_value_uint32(env, argv[2], &i), NULL);
  if (i >= wh_exn_nargs(e)) {
    napi_throw_range_error(env, NULL, "WebAssembly.Exception.getArg(): Index out of range");
    return NULL;
  }
  if (wn_to_js(E, wh_exn_args(e)[i], wh_tag_type(t)->params[i], argv[0], &out)) return NULL;
  return out;
}

/* The JS value a host-thrown exception is (its host data): a reference
 * to an object holding it as own property "v" (N-API 9 refers to objects
 * only, and a JS import may throw a number; a defined own property runs
 * no setter a script put on a prototype). */
typedef struct js_thrown {
  wn_env *E;
  napi_ref ref;
} js_thrown;

static void js_thrown_free(void *data) {
  js_thrown *j = data;
  wn_ref_drop(j->E, j->ref);
  wn_env_release(j->E);
  free(j);
}

/* An exception that left wasm, thrown to JS; takes the error's reference. */
void wn_throw_exn(wn_env *E, wh_exn *e) {
  napi_env env = E->env;
  napi_value v = NULL;
  const js_thrown *j = wh_exn_host_data(e);
  napi_value box = NULL;
  int rc = 0;
  if (!(j && j->E == E && napi_get_reference_value(env, j->ref, &box) == napi_ok && box &&
        napi_get_named_property(env, box, "v", &v) == napi_ok))
    rc = value_of(E, WN_NK_EXN, e, &v);
  wh_exn_unref(e);
  if (rc == 0) napi_throw(env, v);
  else wn_ensure_exception(env);
}

/* A sync host call's pending JS exception, thrown into the calling wasm
 * code; WH_ERR_HOST (the exception left pending) when there is none to
 * take or nothing could hold it. */
int wn_host_throw(wn_env *E, wh_call *call) {
  napi_env env = E->env;
  napi_value exc;
  bool pending = false;
  if (!wh_call_instance(call) || !js_tag() ||
      napi_is_exception_pending(env, &pending) != napi_ok || !pending ||
      napi_get_and_clear_last_exception(env, &exc) != napi_ok)
    return WH_ERR_HOST;
  wn_obj *w = NULL;
  napi_valuetype t;
  if (napi_typeof(env, exc, &t) == napi_ok && t == napi_object)
    w = wn_unwrap(env, exc, WN_NK_EXN);
  js_thrown *j = calloc(1, sizeof *j);
  napi_value box;
  napi_property_descriptor d = { "v", NULL, NULL, NULL, NULL, exc, napi_default, NULL };
  if (!j || napi_create_object(env, &box) != napi_ok ||
      napi_define_properties(env, box, 1, &d) != napi_ok ||
      napi_create_reference(env, box, 1, &j->ref) != napi_ok) {
    free(j);
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    napi_throw(env, exc);
    return WH_ERR_HOST;
  }
  j->E = E;
  E->refs++; /* (js_thrown_free releases it) */
  static const wh_val null_ref = { .raw = 0 };
  if (w && w->ptr)
    return wh_call_throw(call, wh_exn_tag(w->ptr), wh_exn_args(w->ptr), wh_exn_nargs(w->ptr), j,
                         js_thrown_free);
  return wh_call_throw(call, js_tag(), &null_ref, 1, j, js_thrown_free);
}
