/* Exception handling (WebAssembly 3.0, spec 4.2 "exception instances"):
 * tags, exceptions and their lifetime, and the search of a function's try
 * regions for a handler.
 *
 * Lifetime (the engine has no collector): an exception thrown by wasm or
 * by a host function (wh_call_throw) is "floating", on its thread's list
 * (wi_exec.floating).  A catch that only unpacks the payload (try_table's
 * catch / catch_all, the end of a legacy catch body) frees it on the spot;
 * one still held by a catch body that was left by a branch or a rethrow is
 * freed by wi_exn_collect, and whatever is still floating when the
 * thread's outermost call returns (a trap) is freed then.  An exception
 * that becomes a value wasm may keep (catch_ref, catch_all_ref) is
 * "stored": an object of the store of the instance that caught it, freed
 * with that store, like a global.  One that reaches the host gets a store
 * of its own, freed when the host lets go of it, as do those the host
 * makes (wh_exn_new); those hold a reference on their tag's store. */
#include "internal.h"

static void tag_destroy(wi_object *o) { free(o); }

wh_tag *wi_tag_create(const wi_ftype *type) {
  wh_tag *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->obj.destroy = tag_destroy;
  t->type = type;
  return t;
}

wh_tag *wh_tag_new(const wh_functype *type) {
  if (!type || type->nresults) return NULL;
  for (uint32_t i = 0; i < type->nparams; i++)
    if (!wi_is_valtype(type->params[i])) return NULL;
  const wi_ftype *ft = wi_type_intern(type->params, type->nparams, NULL, 0);
  if (!ft) return NULL;
  wh_tag *t = wi_tag_create(ft);
  if (!t) return NULL;
  if (wi_object_init(&t->obj) != 0) {
    free(t);
    return NULL;
  }
  return t;
}

wh_tag *wh_tag_ref(wh_tag *t) { wi_object_ref(&t->obj); return t; }
void wh_tag_unref(wh_tag *t) { if (t) wi_object_unref(&t->obj); }
const wh_functype *wh_tag_type(const wh_tag *t) { return &t->type->ft; }

static void exn_free(wh_exn *e) {
  if (e->finalize) e->finalize(e->host);
  /* (never inside the destruction of the tag's store: an exception that
   * joins a store gives its tag reference up, see wi_exn_store) */
  if (e->tag_ref) wi_object_unref(&e->tag->obj);
  free(e);
}

static void exn_destroy(wi_object *o) { exn_free((wh_exn *)o); }

static wh_exn *exn_alloc(wh_tag *tag, const wh_val *args) {
  uint32_t n = tag->type->ft.nparams;
  wh_exn *e = malloc(sizeof *e + (size_t)n * sizeof(wh_val));
  if (!e) return NULL;
  memset(e, 0, sizeof *e);
  e->obj.destroy = exn_destroy;
  e->tag = tag;
  e->n = n;
  if (n) memcpy(e->vals, args, (size_t)n * sizeof(wh_val));
  return e;
}

wh_exn *wi_exn_throw_new(wi_exec *ex, wh_tag *tag, const wh_val *args) {
  wh_exn *e = exn_alloc(tag, args);
  if (!e) return NULL;
  e->next = ex->floating;
  if (ex->floating) ex->floating->prev = e;
  ex->floating = e;
  ex->nfloating++;
  return e;
}

static void unlink_floating(wi_exec *ex, wh_exn *e) {
  if (e->prev) e->prev->next = e->next;
  else if (ex && ex->floating == e) ex->floating = e->next;
  if (e->next) e->next->prev = e->prev;
  e->prev = e->next = NULL;
  if (ex && ex->nfloating) ex->nfloating--;
}

void wi_exn_store(wh_exn *e, wh_instance *inst) {
  /* the tag may come from an instance this one is not linked with */
  wi_store_join(&inst->obj, &e->tag->obj);
  if (e->tag_ref) {
    e->tag_ref = false;
    wi_object_unref(&e->tag->obj);
  }
  if (!e->stored) {
    unlink_floating(wi_exec_get(), e);
    e->stored = true;
    wi_store_adopt(&inst->obj, &e->obj);
  } else {
    wi_store_join(&inst->obj, &e->obj);
  }
}

wh_exn *wi_exn_escape(wi_exec *ex, wh_exn *e) {
  if (e->stored) return wh_exn_ref(e);
  unlink_floating(ex, e);
  e->stored = true;
  if (wi_object_init(&e->obj) != 0) {
    exn_free(e);
    return NULL;
  }
  if (!e->tag_ref) {
    e->tag_ref = true;
    wi_object_ref(&e->tag->obj);
  }
  return e;
}

void wi_exn_drop(wi_exec *ex, wh_exn *e) {
  if (!e || e->stored || e->holds) return;
  unlink_floating(ex, e);
  exn_free(e);
}

void wi_exn_release(wi_exec *ex, wh_exn *e) {
  if (!e || e->stored) return;
  if (e->holds) e->holds--;
  wi_exn_drop(ex, e);
}

void wi_exn_sweep(wi_exec *ex) {
  wh_exn *e = ex->floating;
  ex->floating = NULL;
  ex->nfloating = 0;
  while (e) {
    wh_exn *next = e->next;
    exn_free(e);
    e = next;
  }
}

/* The catch bodies of def covering pos hold their exceptions. */
static void mark_frame(const wi_funcdef *def, const wh_val *fp, uint32_t pos) {
  const wi_eh_table *t = def->eh;
  for (uint32_t i = 0; t && i < t->narms; i++) {
    const wi_eh_arm *a = &t->arms[i];
    if (a->start < pos && pos <= a->end) {
      wh_exn *e = (wh_exn *)fp[a->hold].ext;
      if (e) e->marked = true;
    }
  }
}

/* A catch body left by a branch or a rethrow keeps its hold: thrown in a
 * loop, such exceptions would pile up until the run returns.  Every so
 * often a throw looks for the ones still held (a mark over the frames'
 * catch bodies, which is why it needs the only run of the thread: an outer
 * run's frames are not visible from here). */
void wi_exn_collect(wi_exec *ex, const wi_funcdef *def, wh_val *fp, uint32_t pos, wh_exn *keep) {
  mark_frame(def, fp, pos);
  for (uint32_t k = wi_nframes(ex); k-- > 0;) {
    const wi_frame *f = &ex->frames[k];
    mark_frame(f->def, f->fp, (uint32_t)(f->ip - atomic_load_explicit(&f->def->code, memory_order_relaxed)));
  }
  if (keep) keep->marked = true;
  wh_exn *e = ex->floating;
  while (e) {
    wh_exn *next = e->next;
    if (e->marked) {
      e->marked = false;
    } else {
      unlink_floating(ex, e);
      exn_free(e);
    }
    e = next;
  }
  ex->floating_limit = 2 * ex->nfloating;
}

wh_exn *wh_exn_new(wh_tag *tag, const wh_val *args, uint32_t nargs, void *host,
                   wh_finalizer finalize) {
  if (!tag || nargs != tag->type->ft.nparams || (nargs && !args)) return NULL;
  wh_exn *e = exn_alloc(tag, args);
  if (!e) return NULL;
  if (wi_object_init(&e->obj) != 0) {
    free(e);
    return NULL;
  }
  e->stored = true;
  e->host = host;
  e->finalize = finalize;
  e->tag_ref = true;
  wi_object_ref(&tag->obj);
  return e;
}

wh_exn *wh_exn_ref(wh_exn *e) { wi_object_ref(&e->obj); return e; }
void wh_exn_unref(wh_exn *e) { if (e) wi_object_unref(&e->obj); }
wh_tag *wh_exn_tag(const wh_exn *e) { return e->tag; }
uint32_t wh_exn_nargs(const wh_exn *e) { return e->n; }
const wh_val *wh_exn_args(const wh_exn *e) { return e->vals; }
void *wh_exn_host_data(const wh_exn *e) { return e->host; }

int wh_exn_set_host_data(wh_exn *e, void *host, wh_finalizer finalize) {
  if (e->host || e->finalize) return WH_ERR_ARG;
  e->host = host;
  e->finalize = finalize;
  return 0;
}

int wh_call_throw(wh_call *call, wh_tag *tag, const wh_val *args, uint32_t nargs, void *host,
                  wh_finalizer finalize) {
  if (!call || !tag || nargs != tag->type->ft.nparams || (nargs && !args)) {
    if (finalize) finalize(host);
    return WH_ERR_ARG;
  }
  wh_exn *e = wi_exn_throw_new(call->ex, tag, args);
  if (!e) {
    if (finalize) finalize(host);
    return wh_call_trap(call, "out of memory throwing an exception");
  }
  e->host = host;
  e->finalize = finalize;
  /* the host may drop its tag while the exception is still going */
  e->tag_ref = true;
  wi_object_ref(&tag->obj);
  call->ex->exn = e;
  return WH_ERR_EXCEPTION;
}

/* The innermost region covering pos and its parents, in order; a legacy
 * delegate continues in the region it names (or leaves the function).
 * Regions are recorded in the order they open, so the innermost one
 * covering pos is the last such. */
const wi_eh_clause *wi_eh_find(wh_instance *inst, const wi_funcdef *def, uint32_t pos,
                               const wh_exn *e) {
  const wi_eh_table *t = def->eh;
  if (!t) return NULL;
  int32_t r = (int32_t)t->nregions - 1;
  while (r >= 0 && !(t->regions[r].start < pos && pos <= t->regions[r].end)) r--;
  while (r >= 0) {
    const wi_eh_region *g = &t->regions[r];
    if (g->delegate != -2) {
      r = g->delegate;
      continue;
    }
    for (uint32_t k = 0; k < g->n; k++) {
      const wi_eh_clause *c = &t->clauses[g->first + k];
      if (c->kind == WI_EH_CATCH_ALL || c->kind == WI_EH_CATCH_ALL_REF || c->kind == WI_EH_LEGACY_ALL)
        return c;
      if (inst->tags[c->tag] == e->tag) return c;
    }
    r = g->parent;
  }
  return NULL;
}

void wi_eh_table_free(wi_eh_table *t) {
  if (!t) return;
  free(t->arms);
  free(t->regions);
  free(t->clauses);
  free(t);
}
