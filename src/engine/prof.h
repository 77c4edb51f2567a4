/* The guest profiler (prof.c, sampler.c).  Sampling: a timer thread counts
 * ticks for each running profiled instance and raises WI_STOP_SAMPLE in its
 * interrupt word; the interpreter notices at its next full stop check (at
 * a back-edge or call at most WI_FUEL_CHUNK fuel units later, where it
 * already checks for interrupts, so a run without a profile pays nothing
 * more) and records the wasm stack, weighted by the ticks.  Time a
 * host function spends is recorded when it returns, with the host function
 * as the innermost frame.  Exact mode keeps the flag raised, so every
 * call is counted, and runs a module translated for the counting copy of
 * the interpreter loop, which counts every dispatch. */
#ifndef WI_PROF_H
#define WI_PROF_H

#include "internal.h"

typedef struct wi_prof {
  wh_instance *inst;
  wh_module *mod;
  int mode;                   /* WH_PROFILE_SAMPLE / WH_PROFILE_EXACT */
  uint32_t interval_us;
  atomic_uint ticks;          /* timer ticks not yet recorded */
  atomic_int running;         /* runs of inst in progress */
  uint64_t next_ns;           /* the timer's next tick (sampler.c) */
  uint64_t last_ns;           /* the last sample (or the run's start) */
  struct wi_prof *next;       /* the timer's list */
  bool listed;
  pthread_mutex_t lock;       /* words: the guest thread writes, the host reads */
  uint32_t *words;            /* samples, see wh_profile_data */
  size_t nwords, cap;
  uint32_t nsamples;
  bool nomem;
  uint64_t *calls, *units;    /* exact mode, per function index */
  uint64_t start_ns;
} wi_prof;

/* From the interpreter's stop check (flags had WI_STOP_SAMPLE). */
/* cold: kept out of the interpreter loop's hot code and register plan */
__attribute__((cold)) void wi_prof_tick(wi_exec *ex, wh_instance *inst, const wi_funcdef *def,
                                        const wi_cell *ip, int64_t cost, const wi_funcdef *callee);
/* After a host function returned to the interpreter. */
__attribute__((cold)) void wi_prof_host_return(wi_exec *ex, wh_instance *caller, const wh_func *f);
/* An outermost run of inst begins / ends. */
void wi_prof_enter(wi_prof *p, const wh_func *f);
void wi_prof_leave(wi_prof *p);
/* Where the counting loop (interp_exact.c) adds def's dispatches. */
uint64_t *wi_prof_counter(wh_instance *inst, const wi_funcdef *def);
/* An entry into the counting loop: a call of def. */
void wi_prof_count_entry(wh_instance *inst, const wi_funcdef *def);
/* The instance goes away. */
void wi_prof_destroy(wh_instance *inst);

/* sampler.c: the process's timer thread */
int wi_sampler_add(wi_prof *p);
void wi_sampler_remove(wi_prof *p);

#endif
