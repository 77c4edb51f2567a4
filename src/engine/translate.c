/* The translator's entry points: one function body validated and (when
 * asked) translated and the lazy translation of a function on its first
 * call (every body of a module at compile time: compile_par.c).  How the work is divided
 * among the tr_*.c files: translate.h. */
#include "codemap.h"
#include "translate.h"
#include "jit.h"

#include <pthread.h>
#include <stdio.h>

int tr_fail(tr *t, const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (t->err) {
    t->err->offset = wi_rd_off(&t->r);
    wi_err_set(t->err, WH_ERR_INVALID, "%s at offset %u", msg, wi_rd_off(&t->r));
  }
  return -1;
}

bool tr_grow(tr *t, void **p, uint32_t *cap, uint32_t need, size_t size) {
  if (need <= *cap) return true;
  if (t->oom) return false;
  uint32_t nc = *cap ? *cap : 16;
  while (nc < need) nc *= 2;
  void *q = realloc(*p, (size_t)nc * size);
  if (!q) {
    t->oom = true;
    return false;
  }
  *p = q;
  *cap = nc;
  return true;
}

/* Publishes the code of a finished translation. */
static void publish(tr *t) {
  tr_thread_resume_jumps(t);
  t->f->ncode = t->ncode;
  t->f->frame_slots = tr_nloc(t) + t->maxh + 1;
  /* only the declared locals some path may read before setting them need
   * their zeros (tr_local_read): the smallest range that holds them */
  uint32_t np = t->f->type->ft.nparams;
  t->f->nparams = np;
  if (t->zread_lo < t->zread_hi) {
    t->f->zero_lo = t->zread_lo * (uint32_t)sizeof(wh_val);
    t->f->zero_hi = t->zread_hi * (uint32_t)sizeof(wh_val);
  } else {
    t->f->zero_lo = t->f->zero_hi = np * (uint32_t)sizeof(wh_val);
  }
  /* the buffer grew by doubling: what it has beyond the code goes back
   * to the allocator for the next translations (a running Go program
   * translates hundreds of functions) */
  if (t->capcode > t->ncode && t->ncode) {
    wi_cell *fit = realloc(t->code, (size_t)t->ncode * sizeof(wi_cell));
    if (fit) t->code = fit;
  }
  tr_bce(t);
  /* the native tier (jit.h) patches its entry cells: before publishing.
   * A retranslation (translation is deterministic) reuses what the first
   * compiled, which a run may be executing. */
  if (wi_cfg_jit() && !t->m->exact && t->h == wi_interp_handlers()) {
    if (t->f->jit) wi_jit_patch(t->f->jit, t->code, t->h);
    else t->f->jit = wi_jit_compile(t->m, t->code, t->ncode, t->h);
  }
  /* published last: a reader that sees the code sees its frame size */
  wi_cell *old = atomic_exchange_explicit(&t->f->code, t->code, memory_order_acq_rel);
  free(old);
  t->code = NULL;
  if (wi_cfg_dump_ir()) wi_dump_code(t->m, t->f, stderr);
}

int wi_translate(wh_module *m, uint32_t defidx, bool emit_code, wh_error *err) {
  wi_funcdef *f = &m->funcs[defidx];
  tr t;
  memset(&t, 0, sizeof t);
  tr_scratch_take(&t);
  t.m = m;
  t.f = f;
  t.err = err;
  t.emit = emit_code;
  t.any64 = m->any64;
  t.h = m->exact ? wi_interp_exact_handlers() : wi_interp_handlers();
  t.r.p = f->body;
  t.r.end = f->body_end;
  t.r.base = m->bytes;
  t.r.err = err;
  tr_ctl fc;
  memset(&fc, 0, sizeof fc);
  fc.op = CTL_FUNC;
  fc.nr = f->type->ft.nresults;
  fc.results_ = f->type->ft.results;
  fc.else_j.at = -1;
  int rc = tr_locals_begin(&t);
  if (rc == 0) rc = tr_push_ctl(&t, &fc);
  if (rc == 0) rc = tr_steps(&t);
  if (rc == 0 && !t.oom && t.r.p != t.r.end)
    rc = wi_rd_fail(&t.r, "section size mismatch: operators after the end of the function");
  tr_flush(&t);
  if (t.oom) {
    rc = wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  } else if (rc == 0 && emit_code && wi_codemap_sink) {
    /* a mapping translation (codemap.c): the code is never run */
  } else if (rc == 0 && emit_code) {
    if (tr_eh_publish(&t)) rc = wi_err_set(err, WH_ERR_NOMEM, "out of memory");
    else publish(&t);
  } else if (rc != 0 && err && err->status == 0) {
    wi_err_set(err, WH_ERR_INVALID, "invalid function");
  }
  free(t.code);
  free(t.threads);
  tr_eh_free(&t);
  tr_locals_end(&t);
  tr_scratch_keep(&t);
  return rc == 0 ? 0 : (err ? err->status : WH_ERR_INVALID);
}

/* wi_translate_module, every body at compile time: compile_par.c */

wi_cell *wi_funcdef_code_slow(wh_module *m, wi_funcdef *f) {
  pthread_mutex_lock(&m->translate_lock);
  wi_cell *c = atomic_load_explicit(&f->code, memory_order_acquire);
  if (!c) {
    wh_error err;
    memset(&err, 0, sizeof err);
    if (wi_translate(m, (uint32_t)(f - m->funcs), true, &err) == 0)
      c = atomic_load_explicit(&f->code, memory_order_acquire);
  }
  pthread_mutex_unlock(&m->translate_lock);
  wi_translate_scratch_trim();
  return c;
}
