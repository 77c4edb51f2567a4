/* Native memory that JS objects keep alive, reported to V8 with
 * napi_adjust_external_memory so that its garbage collector weighs it
 * (issue 13: dropped instances touching 16 MB each piled up to 4 GB before
 * a collection ran).  Each holder remembers what it reported and reports
 * the difference when the footprint changes (a grow, a run that grew its
 * memory) and all of it back when its engine object goes (dispose or
 * finalizer).  Who holds what, so nothing is counted twice:
 *   Module wrapper           the module (bytes, metadata, translated code)
 *   run state of an Instance its own memories, tables and functions
 *   Memory / Table from JS   that memory / table (no run state)
 * Memories, tables and functions an instance defines count with it.  V8
 * itself counts a memory's live ArrayBuffer (its length): that part is left
 * out (wn_rs->buffered, wn_memory->buffer_size). */
#include <stdlib.h>

#include "node/napi_binding.h"

static void report(wn_env *E, int64_t *held, int64_t now) {
  int64_t delta = now - *held, ignored;
  if (!delta) return;
  *held = now;
  if (delta > 0) E->grown_since_sweep += delta;
  E->ext_total += delta;
  if (E->alive) napi_adjust_external_memory(E->env, delta, &ignored);
}

static int64_t clamp(uint64_t n) { return n > INT64_MAX ? INT64_MAX : (int64_t)n; }

void wn_obj_account(wn_obj *w) {
  int64_t now = 0;
  if (w->ptr && !w->rs) {
    switch (w->kind) {
    case WN_NK_MODULE: now = clamp(wh_module_footprint(w->ptr)); break;
    case WN_NK_MEMORY: {
      /* what its live ArrayBuffer does not count already */
      const wn_memory *m = (const wn_memory *)w;
      now = clamp(wh_memory_size(w->ptr) - (m->buffer ? m->buffer_size : 0));
      break;
    }
    case WN_NK_TABLE: now = clamp(wh_table_footprint(w->ptr)); break;
    default: break;
    }
  }
  report(w->E, &w->ext_bytes, now);
}

void wn_rs_account(wn_rs *rs) {
  uint64_t n = rs->inst ? wh_instance_footprint(rs->inst) : 0;
  rs->unrun = 0;
  /* V8 counts the memories with a live ArrayBuffer itself (the buffer's
   * length): counting them here too started twice the collections */
  report(rs->E, &rs->ext_bytes, clamp(n > rs->buffered ? n - rs->buffered : 0));
}

void wn_rs_account_unrun(wn_rs *rs) {
  rs->unrun = rs->inst != NULL;
  report(rs->E, &rs->ext_bytes, rs->inst ? clamp(wh_instance_footprint_unrun(rs->inst)) : 0);
}

void wn_obj_unaccount(wn_obj *w) { report(w->E, &w->ext_bytes, 0); }

void wn_ref_drop(wn_env *E, napi_ref ref) {
  if (ref && E->alive) napi_delete_reference(E->env, ref);
}

/* externalBytes(obj) -> what obj reports to V8 now (for tests: V8's own
 * statistics do not show napi_adjust_external_memory). */
napi_value wn_external_bytes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v, out;
  WI_TRY(napi_get_cb_info(env, info, &argc, &v, NULL, NULL), NULL);
  wn_obj *w = argc ? wn_unwrap_any(env, v) : NULL;
  if (!w) {
    napi_throw_type_error(env, NULL, "externalBytes: not a wasihost object");
    return NULL;
  }
  int64_t n = w->kind == WN_NK_INSTANCE ? (w->rs ? w->rs->ext_bytes : 0) : w->ext_bytes;
  WI_TRY(napi_create_double(env, (double)n, &out), NULL);
  return out;
}

/* ---- error blocks of nested calls ----
 * One wh_error per JS->wasm call in progress on the JS thread, kept on the
 * heap and reused: the blocks of finished calls stay for the next ones. */
wh_error *wn_err_push(wn_env *E) {
  if (E->nerrs == E->caperrs) {
    size_t cap = E->caperrs ? E->caperrs * 2 : 8;
    wh_error **a = realloc(E->errs, cap * sizeof *a);
    if (!a) return NULL;
    for (size_t i = E->caperrs; i < cap; i++) a[i] = NULL;
    E->errs = a;
    E->caperrs = cap;
  }
  if (!E->errs[E->nerrs] && !(E->errs[E->nerrs] = malloc(sizeof(wh_error)))) return NULL;
  return E->errs[E->nerrs++];
}

void wn_err_pop(wn_env *E) { E->nerrs--; }
