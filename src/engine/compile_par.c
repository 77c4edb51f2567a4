/* Validating (and, eagerly, translating) every function body of a module
 * when it compiles, on several threads.
 *
 * Every body is validated at compile time (the spec rejects an invalid
 * module whole); translation waits for a function's first call, since
 * large Go binaries run a small part of their thousands of functions.
 * wh_config.eager translates everything up front.  Bodies are independent
 * (each reads only the module's decoded, read-only sections), so a large
 * module's bodies are shared out among a few threads sized by the CPU
 * count: a 25 MB Go binary has ~14,000 of them and takes tens of
 * milliseconds on one core.
 *
 * The error reported is the one the single-threaded loop would report:
 * that of the lowest-numbered invalid body.  Threads claim bodies in
 * increasing order, so once a body fails, every body before it has been
 * claimed and will be finished; bodies after it need not be.
 *
 * wh_module_new's copy of the caller's bytes is made here too (m->copy_to),
 * shared out in chunks among the same threads before the bodies: the
 * bodies are read from the caller's bytes meanwhile, and the copy would
 * otherwise be a serial ~10 ms (a 25 MB binary: mostly page faults)
 * before any of them starts. */
#include "internal.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

/* Below this much body code a thread costs more than it saves (creating
 * one is ~50 µs; validation runs at ~5 ms per MB). */
#define PAR_MIN_BYTES (256u * 1024u)
/* bodies claimed at once: small enough to balance uneven sizes */
#define PAR_CHUNK 16u
#define PAR_MAX_THREADS 8u
/* bytes of the module's copy claimed at once */
#define PAR_COPY_CHUNK ((size_t)1 << 20)

typedef struct par_job {
  wh_module *m;
  bool eager;
  uint32_t n;                  /* defined functions */
  atomic_uint next;            /* first body not yet claimed */
  atomic_uint fail_at;         /* lowest failed body so far, n = none */
  pthread_mutex_t lock;        /* guards err and fail_at's updates */
  wh_error *err;
  atomic_size_t copy_next;     /* first byte of m->copy_to not yet claimed */
} par_job;

/* Pages of the copy are made present a chunk at a time where the kernel
 * can (Linux 5.14): one call instead of a fault per page, which is most
 * of a fresh copy's cost (24 MB: 11 ms -> 6 ms).  Elsewhere the faults
 * happen as before. */
static void copy_chunk(uint8_t *dst, const uint8_t *src, size_t n) {
#ifdef MADV_POPULATE_WRITE
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t a = ((uintptr_t)dst + page - 1) & ~(page - 1), e = ((uintptr_t)dst + n) & ~(page - 1);
  if (e > a) (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#endif
  memcpy(dst, src, n);
}

static void par_copy(par_job *j) {
  const wh_module *m = j->m;
  if (!m->copy_to) return;
  for (;;) {
    size_t at = atomic_fetch_add_explicit(&j->copy_next, PAR_COPY_CHUNK, memory_order_relaxed);
    if (at >= m->len) return;
    size_t n = m->len - at < PAR_COPY_CHUNK ? m->len - at : PAR_COPY_CHUNK;
    copy_chunk(m->copy_to + at, m->bytes + at, n);
  }
}

static void note_failure(par_job *j, uint32_t i, const wh_error *e) {
  pthread_mutex_lock(&j->lock);
  if (i < atomic_load_explicit(&j->fail_at, memory_order_relaxed)) {
    *j->err = *e;
    atomic_store_explicit(&j->fail_at, i, memory_order_relaxed);
  }
  pthread_mutex_unlock(&j->lock);
}

static void *par_work(void *p) {
  par_job *j = p;
  wh_error e;
  par_copy(j);
  for (;;) {
    uint32_t at = atomic_fetch_add_explicit(&j->next, PAR_CHUNK, memory_order_relaxed);
    if (at >= j->n) break;
    uint32_t end = at + PAR_CHUNK < j->n ? at + PAR_CHUNK : j->n;
    for (uint32_t i = at; i < end; i++) {
      /* a body after a failure cannot change which error is reported */
      if (i > atomic_load_explicit(&j->fail_at, memory_order_relaxed)) return NULL;
      memset(&e, 0, sizeof e);
      if (wi_translate(j->m, i, j->eager, &e)) note_failure(j, i, &e);
    }
  }
  return NULL;
}

static uint32_t cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > (long)PAR_MAX_THREADS ? PAR_MAX_THREADS : (uint32_t)n;
}

/* How many threads (the caller's included) validate m's bodies. */
static uint32_t par_threads(const wh_module *m, uint32_t n, bool eager) {
  int want = wi_cfg_compile_threads();
  /* dumped IR stays in function order */
  if (n < 2 || want == 1 || (eager && wi_cfg_dump_ir())) return 1;
  uint32_t t = want > 0 ? (uint32_t)want : cpu_count();
  if (t > PAR_MAX_THREADS) t = PAR_MAX_THREADS;
  if (want <= 0) {
    size_t bytes = 0;
    for (uint32_t i = 0; i < n && bytes < PAR_MIN_BYTES; i++)
      bytes += (size_t)(m->funcs[i].body_end - m->funcs[i].body);
    if (bytes < PAR_MIN_BYTES) return 1;
  }
  if (t > (n + PAR_CHUNK - 1) / PAR_CHUNK) t = (n + PAR_CHUNK - 1) / PAR_CHUNK;
  return t ? t : 1;
}

int wi_translate_module(wh_module *m, wh_error *err) {
  bool eager = wi_cfg_eager();
  uint32_t n = m->nfuncs - m->nfunc_imports;
  uint32_t nt = par_threads(m, n, eager);
  if (nt == 1) {
    for (size_t at = 0; m->copy_to && at < m->len; at += PAR_COPY_CHUNK)
      copy_chunk(m->copy_to + at, m->bytes + at, m->len - at < PAR_COPY_CHUNK ? m->len - at : PAR_COPY_CHUNK);
    int rc = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) rc = wi_translate(m, i, eager, err);
    wi_translate_scratch_trim();
    return rc;
  }
  /* set up before the threads read it (it is filled on first use) */
  (void)(m->exact ? wi_interp_exact_handlers() : wi_interp_handlers());
  par_job j = { .m = m, .eager = eager, .n = n, .err = err };
  atomic_init(&j.next, 0);
  atomic_init(&j.fail_at, n);
  atomic_init(&j.copy_next, 0);
  pthread_mutex_init(&j.lock, NULL);
  pthread_t tid[PAR_MAX_THREADS];
  pthread_attr_t attr;
  bool attr_ok = pthread_attr_init(&attr) == 0;
  /* the translator keeps its stacks on the heap and does not recurse */
  if (attr_ok) pthread_attr_setstacksize(&attr, 1024u * 1024u);
  uint32_t started = 0;
  /* a thread that cannot be created leaves its share to the others */
  while (started + 1 < nt &&
         pthread_create(&tid[started], attr_ok ? &attr : NULL, par_work, &j) == 0)
    started++;
  if (attr_ok) pthread_attr_destroy(&attr);
  par_work(&j);
  for (uint32_t i = 0; i < started; i++) pthread_join(tid[i], NULL);
  wi_translate_scratch_trim();
  pthread_mutex_destroy(&j.lock);
  uint32_t failed = atomic_load_explicit(&j.fail_at, memory_order_relaxed);
  return failed < n ? (err->status ? err->status : WH_ERR_INVALID) : 0;
}
