/* Recording and reading guest profiles (see prof.h).  Samples are packed
 * words, appended by the guest thread under the profile's lock; a frame is
 * recorded as its internal-code position and turned into a wasm code
 * offset only when the profile is read (codemap.c), so taking a sample
 * costs a walk of the frame stack and nothing more. */
#include "prof.h"

#include "codemap.h"

#define MAX_FRAMES 1024u
#define KIND_WASM 0u
#define KIND_HOST 1u
#define KIND_OTHER 2u
#define KIND_TRUNCATED 3u
#define FRAME(kind, index) ((kind) << 30 | ((index) & 0x3fffffffu))

static uint32_t func_index(const wi_prof *p, const wi_funcdef *def) {
  const wh_module *m = p->mod;
  if (!def || def < m->funcs || def >= m->funcs + (m->nfuncs - m->nfunc_imports)) return UINT32_MAX;
  return (uint32_t)(def - m->funcs) + m->nfunc_imports;
}

static uint32_t host_index(const wi_prof *p, const wh_instance *caller, const wh_func *f) {
  if (caller->mod != p->mod) return UINT32_MAX;
  for (uint32_t i = 0; i < p->mod->nfunc_imports; i++)
    if (caller->funcs[i] == f) return i;
  return UINT32_MAX;
}

/* A cap on what one profile holds (128 MiB): a long run at a short
 * interval keeps its first samples and says it was truncated. */
#define MAX_WORDS ((size_t)32 << 20)

/* Room for need more words, grown once per sample rather than checked per
 * word: a sample is written straight into it. */
static uint32_t *reserve(wi_prof *p, size_t need) {
  if (p->cap - p->nwords < need) {
    size_t nc = p->cap ? p->cap : 4096;
    while (nc - p->nwords < need) nc *= 2;
    if (nc > MAX_WORDS) { p->nomem = true; return NULL; }
    uint32_t *q = realloc(p->words, nc * sizeof *q);
    if (!q) { p->nomem = true; return NULL; }
    p->words = q;
    p->cap = nc;
  }
  uint32_t *w = p->words + p->nwords;
  p->nwords += need;
  return w;
}

static uint32_t *put_frame(uint32_t *w, const wi_prof *p, const wi_funcdef *def, const wi_cell *at) {
  uint32_t idx = func_index(p, def);
  if (idx == UINT32_MAX) {
    w[0] = FRAME(KIND_OTHER, 0);
    w[1] = UINT32_MAX;
    return w + 2;
  }
  const wi_cell *code = atomic_load_explicit(&((wi_funcdef *)def)->code, memory_order_relaxed);
  w[0] = FRAME(KIND_WASM, idx);
  w[1] = at && code ? (uint32_t)(at - code) : UINT32_MAX;
  return w + 2;
}

/* One sample: the frames of this thread's stack (outermost first), the
 * running function at ip, then the host function if one just returned.
 * now is the clock read that weighed it (one read per sample).  noinline:
 * test/profile/overhead-instr.js counts its instructions under callgrind. */
__attribute__((noinline)) static void record(wi_prof *p, wi_exec *ex, const wi_funcdef *def,
                                             const wi_cell *ip, uint32_t host, uint32_t weight,
                                             uint64_t now) {
  uint32_t nf = wi_nframes(ex);
  uint32_t n = nf + 1 + (host != UINT32_MAX - 1);
  uint32_t first = 0;
  bool truncated = n > MAX_FRAMES;
  if (truncated) {
    first = n - (MAX_FRAMES - 1);
    n = MAX_FRAMES;
  }
  uint64_t t = (now - p->start_ns) / 1000u;
  pthread_mutex_lock(&p->lock);
  uint32_t *w = p->nomem ? NULL : reserve(p, 4 + 2 * (size_t)n);
  if (w) {
    *w++ = n;
    *w++ = weight;
    *w++ = (uint32_t)t;
    *w++ = (uint32_t)(t >> 32);
    if (truncated) { *w++ = FRAME(KIND_TRUNCATED, 0); *w++ = UINT32_MAX; }
    for (uint32_t k = first; k < nf; k++)
      w = put_frame(w, p, ex->frames[k].def, ex->frames[k].ip - 1);
    w = put_frame(w, p, def, ip);
    if (host != UINT32_MAX - 1) { *w++ = FRAME(KIND_HOST, host); *w++ = UINT32_MAX; }
    p->nsamples++;
  }
  pthread_mutex_unlock(&p->lock);
}

/* A sample's weight: the intervals since the last one.  The timer only
 * asks for a sample; on a loaded machine its thread may run late or skip
 * ticks, so the guest thread measures the time the sample stands for. */
static uint32_t weight(wi_prof *p, uint64_t *now_out) {
  /* a plain load first: host calls pass here every time */
  if (!atomic_load_explicit(&p->ticks, memory_order_relaxed) ||
      !atomic_exchange_explicit(&p->ticks, 0, memory_order_relaxed))
    return 0;
  /* whole intervals, the remainder carried to the next sample: the
   * weights add up to the run time (a sample just after another, as when
   * a host call returns, waits for the next tick instead) */
  uint64_t now = wh_clock_ns(), step = (uint64_t)p->interval_us * 1000u;
  *now_out = now;
  uint64_t w = (now - p->last_ns) / step;
  if (w > UINT32_MAX) w = UINT32_MAX;
  p->last_ns += w * step;
  return (uint32_t)w;
}

static void take(wi_prof *p, wi_exec *ex, const wi_funcdef *def, const wi_cell *ip, uint32_t host) {
  atomic_fetch_and_explicit(&p->inst->interrupt, ~WI_STOP_SAMPLE, memory_order_relaxed);
  uint64_t now;
  uint32_t w = weight(p, &now);
  if (w) record(p, ex, def, ip, host, w, now);
}

void wi_prof_tick(wi_exec *ex, wh_instance *inst, const wi_funcdef *def, const wi_cell *ip,
                  int64_t cost, const wi_funcdef *callee) {
  wi_prof *a = inst->prof, *b = ex->entry_inst && ex->entry_inst != inst ? ex->entry_inst->prof : NULL;
  if (!a && !b) {
    /* a flag left from a profile that is gone */
    atomic_fetch_and_explicit(&inst->interrupt, ~WI_STOP_SAMPLE, memory_order_relaxed);
    return;
  }
  wi_prof *exact = a && a->mode == WH_PROFILE_EXACT ? a : b && b->mode == WH_PROFILE_EXACT ? b : NULL;
  (void)cost;
  if (exact) {
    uint32_t i;
    if (callee && (i = func_index(exact, callee)) != UINT32_MAX) exact->calls[i]++;
  }
  if (a && a->mode == WH_PROFILE_SAMPLE) take(a, ex, def, ip, UINT32_MAX - 1);
  if (b && b->mode == WH_PROFILE_SAMPLE) take(b, ex, def, ip, UINT32_MAX - 1);
}

void wi_prof_host_return(wi_exec *ex, wh_instance *caller, const wh_func *f) {
  wi_prof *p = caller->prof ? caller->prof : ex->entry_inst ? ex->entry_inst->prof : NULL;
  if (!p) return;
  if (p->mode == WH_PROFILE_EXACT) {
    uint32_t h = host_index(p, caller, f);
    if (h != UINT32_MAX) p->calls[h]++;
    return;
  }
  /* every host call passes here: the import's index (a search of the
   * imports) only when a sample is due */
  uint64_t now;
  uint32_t w = weight(p, &now);
  if (w) record(p, ex, ex->host_def, ex->host_ip, host_index(p, caller, f), w, now);
}

void wi_prof_enter(wi_prof *p, const wh_func *f) {
  atomic_fetch_add(&p->running, 1);
  (void)f;
  if (p->mode == WH_PROFILE_EXACT) {
    atomic_fetch_or(&p->inst->interrupt, WI_STOP_SAMPLE);
  } else {
    p->last_ns = wh_clock_ns();
    atomic_store(&p->ticks, 0);
    atomic_fetch_and(&p->inst->interrupt, ~WI_STOP_SAMPLE);
  }
}

static _Thread_local uint64_t counter_sink;

void wi_prof_count_entry(wh_instance *inst, const wi_funcdef *def) {
  wi_prof *p = inst->prof;
  uint32_t i = p && p->calls ? func_index(p, def) : UINT32_MAX;
  if (i != UINT32_MAX) p->calls[i]++;
}

uint64_t *wi_prof_counter(wh_instance *inst, const wi_funcdef *def) {
  wi_prof *p = inst->prof;
  uint32_t i = p && p->units ? func_index(p, def) : UINT32_MAX;
  return i != UINT32_MAX ? &p->units[i] : &counter_sink;
}

/* Code translated so far was for the ordinary loop: dropped, so every
 * function is translated again for the counting one.  Only before the
 * module runs (its instances would be running the old code). */
int wh_module_set_exact(wh_module *m) {
  pthread_mutex_lock(&m->translate_lock);
  if (!m->exact) {
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++)
      free(atomic_exchange(&m->funcs[i].code, NULL));
    m->exact = true;
  }
  pthread_mutex_unlock(&m->translate_lock);
  return 0;
}

void wi_prof_leave(wi_prof *p) { atomic_fetch_sub(&p->running, 1); }

static void prof_free(wi_prof *p) {
  if (p->listed) wi_sampler_remove(p);
  pthread_mutex_destroy(&p->lock);
  free(p->words);
  free(p->calls);
  free(p->units);
  free(p);
}

void wi_prof_destroy(wh_instance *inst) {
  if (inst->prof) prof_free(inst->prof);
  inst->prof = NULL;
}

int wh_instance_profile_start(wh_instance *inst, int mode, uint32_t interval_us, wh_error *err) {
  if (mode != WH_PROFILE_SAMPLE && mode != WH_PROFILE_EXACT)
    return wi_err_set(err, WH_ERR_ARG, "unknown profile mode %d", mode);
  if (inst->prof) return wi_err_set(err, WH_ERR_ARG, "the instance is already being profiled");
  if (interval_us < 10) interval_us = 10;
  wi_prof *p = calloc(1, sizeof *p);
  if (!p) return wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  p->inst = inst;
  p->mod = inst->mod;
  p->mode = mode;
  p->interval_us = interval_us;
  pthread_mutex_init(&p->lock, NULL);
  p->start_ns = wh_clock_ns();
  if (mode == WH_PROFILE_EXACT) {
    p->calls = calloc(p->mod->nfuncs + 1, sizeof *p->calls);
    p->units = calloc(p->mod->nfuncs + 1, sizeof *p->units);
    if (!p->calls || !p->units) { prof_free(p); return wi_err_set(err, WH_ERR_NOMEM, "out of memory"); }
  } else if (wi_sampler_add(p)) {
    prof_free(p);
    return wi_err_set(err, WH_ERR_NOMEM, "cannot start the sampling thread");
  }
  inst->prof = p;
  return 0;
}

void wh_instance_profile_stop(wh_instance *inst) {
  atomic_fetch_and(&inst->interrupt, ~WI_STOP_SAMPLE);
  wi_prof_destroy(inst);
}

typedef struct { uint32_t func, cell; uint32_t *slot; } pending;

static int cmp_pending(const void *a, const void *b) {
  const pending *x = a, *y = b;
  if (x->func != y->func) return x->func < y->func ? -1 : 1;
  return x->cell < y->cell ? -1 : x->cell > y->cell;
}

int wh_instance_profile_read(wh_instance *inst, wh_profile_data *out, int reset) {
  memset(out, 0, sizeof *out);
  wi_prof *p = inst->prof;
  if (!p) return WH_ERR_ARG;
  out->mode = p->mode;
  out->interval_us = p->interval_us;
  out->nfuncs = p->mod->nfuncs;
  out->duration_us = (wh_clock_ns() - p->start_ns) / 1000u;
  pthread_mutex_lock(&p->lock);
  out->words = malloc((p->nwords + 1) * sizeof *out->words);
  if (out->words) {
    if (p->nwords) memcpy(out->words, p->words, p->nwords * sizeof *out->words);
    out->nwords = p->nwords;
    out->nsamples = p->nsamples;
    out->truncated = p->nomem;
  }
  if (reset && out->words) { p->nwords = 0; p->nsamples = 0; p->nomem = false; }
  pthread_mutex_unlock(&p->lock);
  if (!out->words) return WH_ERR_NOMEM;
  if (p->mode == WH_PROFILE_EXACT) {
    size_t bytes = (size_t)(p->mod->nfuncs + 1) * sizeof(uint64_t);
    out->calls = malloc(bytes);
    out->units = malloc(bytes);
    if (!out->calls || !out->units) { wh_profile_data_free(out); return WH_ERR_NOMEM; }
    memcpy(out->calls, p->calls, bytes);
    memcpy(out->units, p->units, bytes);
    if (reset) { memset(p->calls, 0, bytes); memset(p->units, 0, bytes); }
  }
  if (reset) p->start_ns = wh_clock_ns();
  /* internal-code cells to wasm code offsets, one translation per function */
  size_t np = 0;
  pending *pend = malloc((out->nwords / 2 + 1) * sizeof *pend);
  if (!pend) { wh_profile_data_free(out); return WH_ERR_NOMEM; }
  for (size_t i = 0; i + 4 <= out->nwords;) {
    uint32_t n = out->words[i];
    for (uint32_t k = 0; k < n; k++) {
      uint32_t *f = &out->words[i + 4 + 2 * k];
      if (f[0] >> 30 == KIND_WASM && f[1] != UINT32_MAX) pend[np++] = (pending){ f[0], f[1], &f[1] };
    }
    i += 4 + 2 * (size_t)n;
  }
  qsort(pend, np, sizeof *pend, cmp_pending);
  wi_codemap_cache cc;
  memset(&cc, 0, sizeof cc);
  for (size_t k = 0; k < np; k++) {
    uint32_t idx = pend[k].func;
    if (idx < p->mod->nfunc_imports || idx >= p->mod->nfuncs) { *pend[k].slot = UINT32_MAX; continue; }
    *pend[k].slot = wi_codemap_offset(&cc, p->mod, &p->mod->funcs[idx - p->mod->nfunc_imports], pend[k].cell);
  }
  wi_codemap_cache_free(&cc);
  free(pend);
  return 0;
}

void wh_profile_data_free(wh_profile_data *d) {
  free(d->words);
  free(d->calls);
  free(d->units);
  memset(d, 0, sizeof *d);
}
