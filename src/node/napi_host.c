/* Host functions made from JS callables (JS API 2.0 §"create a host
 * function").  A sync run calls them directly on the JS thread; a JS
 * exception is left pending and reported as WH_ERR_HOST, so it reaches the
 * JS caller of the wasm export as the very same object.  An async run
 * (napi_async.c) has the JS thread call them while its guest thread waits;
 * the exception then rejects the run's promise.
 *
 * A callable that returns a Promise (an async function: a fetch, a
 * database query) is awaited by an async run: its guest keeps waiting
 * until the Promise settles (napi_async.c), then gets the converted value.
 * A sync run cannot wait without blocking the event loop the Promise needs,
 * so there it is a TypeError naming the function -- where the JS API
 * would quietly convert the Promise object (to 0, NaN or nothing). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

typedef struct host_fn {
  wn_env *E;
  napi_ref fn;    /* weak: the owner's keep-alive group holds it */
  napi_ref owner; /* weak: the Instance, to group funcrefs it receives */
  uint32_t nparams, nresults;
  int not_js; /* wn_functype_not_js(type): the call is refused before fn runs */
  uint8_t types[]; /* params, then results */
} host_fn;

static void host_finalize(void *data) {
  host_fn *h = data;
  wn_ref_drop(h->E, h->fn);
  wn_ref_drop(h->E, h->owner);
  wn_env_release(h->E);
  free(h);
}

static int host_results(wn_env *E, host_fn *h, napi_value ret, napi_value owner,
                        wh_val *results) {
  napi_env env = E->env;
  const uint8_t *rt = h->types + h->nparams;
  if (h->nresults == 0) return 0;
  if (h->nresults == 1) {
    return wn_to_wasm_held(E, ret, rt[0], owner, &results[0]);
  }
  /* Multi-value: the result must be an iterable of exactly nresults. */
  napi_value to_list, list, v;
  uint32_t n;
  if (!wn_is_object(env, ret)) {
    napi_throw_type_error(env, NULL,
                          "a host function with several results must return an iterable");
    return -1;
  }
  WI_TRY(napi_get_reference_value(env, E->to_list, &to_list), -1);
  WI_TRY(napi_call_function(env, wn_undefined(env), to_list, 1, &ret, &list), -1);
  WI_TRY(napi_get_array_length(env, list, &n), -1);
  if (n != h->nresults) {
    napi_throw_type_error(env, NULL,
                          "a host function returned the wrong number of results");
    return -1;
  }
  /* Convert all before writing any: results may alias args, and a failed
   * conversion must not leave half-written results (they are unused then
   * anyway, but keep it simple and ordered as the spec's loop). */
  for (uint32_t i = 0; i < n; i++) {
    WI_TRY(napi_get_element(env, list, i, &v), -1);
    if (wn_to_wasm_held(E, v, rt[i], owner, &results[i])) return -1;
  }
  return 0;
}

/* Out of line: its message buffers would otherwise sit in host_invoke's
 * frame, which every level of JS -> wasm -> JS recursion pays for. */
static __attribute__((noinline, cold)) void throw_sync_promise(napi_env env, napi_value fn) {
  char name[96] = "";
  char msg[320];
  napi_value v;
  size_t len = 0;
  napi_valuetype t;
  /* The name may be a getter: it runs user JS, and nothing here can be
   * freed by it (the scope and fn are held by the caller). */
  if (napi_get_named_property(env, fn, "name", &v) != napi_ok ||
      napi_typeof(env, v, &t) != napi_ok || t != napi_string ||
      napi_get_value_string_utf8(env, v, name, sizeof name, &len) != napi_ok) {
    bool pending = false;
    napi_value ignored;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
      napi_get_and_clear_last_exception(env, &ignored);
    name[0] = 0;
  }
  snprintf(msg, sizeof msg,
           "WebAssembly import %s%s%sreturned a Promise during a synchronous call: "
           "only an async run (instance.callAsync, wasi.startAsync) can wait for it",
           name[0] ? "'" : "", name, name[0] ? "' " : "");
  napi_throw_type_error(env, "ERR_WASIHOST_ASYNC_IMPORT", msg);
}

static int host_invoke(wh_call *call, void *data, const wh_val *args,
                       wh_val *results, napi_value *promise) {
  host_fn *h = data;
  wn_env *E = h->E;
  napi_env env = E->env;
  napi_escapable_handle_scope scope;
  napi_value small[8], *argv = small, fn = NULL, ret, owner = NULL;
  bool is_promise = false;
  int rc = WH_ERR_HOST;
  if (!E->alive) {
    wh_call_trap(call, "host function called after its JS environment ended");
    return WH_ERR_TRAP;
  }
  if (napi_open_escapable_handle_scope(env, &scope) != napi_ok) {
    wh_call_trap(call, "host function: cannot open a handle scope");
    return WH_ERR_TRAP;
  }
  wn_sweep_memories(E);
  if (h->nparams > 8 && !(argv = malloc(h->nparams * sizeof *argv))) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    goto out;
  }
  if (h->not_js) {
    wn_throw_not_js(env, h->types[h->not_js - 1]);
    goto out;
  }
  if (h->owner && napi_get_reference_value(env, h->owner, &owner) != napi_ok) owner = NULL;
  for (uint32_t i = 0; i < h->nparams; i++)
    if (wn_to_js(E, args[i], h->types[i], owner, &argv[i])) goto out;
  if (napi_get_reference_value(env, h->fn, &fn) != napi_ok || !fn) {
    /* Only reachable if a keep-alive group missed a store join. */
    napi_throw_error(env, NULL,
                     "wasihost: an imported JS function was garbage collected while "
                     "wasm could still call it");
    goto out;
  }
  if (napi_call_function(env, wn_undefined(env), fn, h->nparams, argv, &ret) !=
      napi_ok) {
    wn_ensure_exception(env);
    goto out;
  }
  if (napi_is_promise(env, ret, &is_promise) != napi_ok) {
    wn_ensure_exception(env);
    goto out;
  }
  if (is_promise) {
    if (!promise) {
      throw_sync_promise(env, fn);
      goto out;
    }
    if (napi_escape_handle(env, scope, ret, promise) != napi_ok) {
      wn_ensure_exception(env);
      goto out;
    }
    rc = WN_PENDING;
    goto out;
  }
  if (host_results(E, h, ret, owner, results) == 0) rc = WH_OK;
out:
  if (argv != small) free(argv);
  napi_close_escapable_handle_scope(env, scope);
  return rc;
}

int wn_host_settle(void *data, napi_value value, wh_val *results) {
  host_fn *h = data;
  wn_env *E = h->E;
  napi_env env = E->env;
  napi_handle_scope scope;
  napi_value owner = NULL;
  int rc = WH_ERR_HOST;
  if (napi_open_handle_scope(env, &scope) != napi_ok) {
    wn_ensure_exception(env);
    return WH_ERR_HOST;
  }
  if (h->owner && napi_get_reference_value(env, h->owner, &owner) != napi_ok) owner = NULL;
  if (host_results(E, h, value, owner, results) == 0) rc = WH_OK;
  napi_close_handle_scope(env, scope);
  return rc;
}

static int host_call(wh_call *call, void *data, const wh_val *args,
                     wh_val *results) {
  wn_job *job = wn_current_job();
  if (job) return wn_job_host_call(job, host_invoke, call, data, args, results);
  int rc = host_invoke(call, data, args, results, NULL);
  /* the JS exception goes on through wasm, which may catch it (napi_tag.c) */
  if (rc == WH_ERR_HOST) rc = wn_host_throw(((host_fn *)data)->E, call);
  return rc;
}

wh_func *wn_host_func(wn_env *E, napi_value fn, const wh_functype *type,
                           napi_value owner) {
  napi_env env = E->env;
  size_t n = (size_t)type->nparams + type->nresults;
  host_fn *h = calloc(1, sizeof *h + n);
  if (!h) {
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  h->E = E;
  h->nparams = type->nparams;
  h->nresults = type->nresults;
  if (type->nparams) memcpy(h->types, type->params, type->nparams);
  if (type->nresults) memcpy(h->types + type->nparams, type->results, type->nresults);
  h->not_js = wn_functype_not_js(type);
  /* Without an owner nothing else keeps fn: hold it strongly (a root). */
  if (owner && wn_group_keep(E, owner, fn)) {
    free(h);
    return NULL;
  }
  if (napi_create_reference(env, fn, owner ? 0 : 1, &h->fn) != napi_ok ||
      (owner && napi_create_reference(env, owner, 0, &h->owner) != napi_ok)) {
    wn_ensure_exception(env);
    if (h->fn) napi_delete_reference(env, h->fn);
    free(h);
    return NULL;
  }
  E->refs++;
  wh_func *f = wh_func_new_host(type, host_call, h, host_finalize);
  if (!f) {
    host_finalize(h);
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  return f;
}
