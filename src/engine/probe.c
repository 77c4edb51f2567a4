/* Probes: a "poke" asks a running guest to consult its thread's probe
 * instead of stopping it.  An embedder whose runtime can be told to stop
 * from outside (a Node worker being terminated: V8 marks the isolate, but
 * only code on that thread can see the mark) pokes its runs now and then;
 * the guest calls the probe at its next back-edge or call, where it would
 * notice an interrupt, and goes on unless the probe says stop.
 *
 * The interrupt word of an instance: bit 0 stops (wh_instance_interrupt),
 * bit 1 is a poke.  The interpreter's fast path tests the word for zero,
 * as before; only a set word comes here. */
#include "engine/internal.h"

static _Thread_local wh_probe_fn probe_fn;
static _Thread_local void *probe_data;

void wh_thread_set_probe(wh_probe_fn fn, void *data) {
  probe_fn = fn;
  probe_data = data;
}

void wh_instance_poke(wh_instance *inst) {
  atomic_fetch_or_explicit(&inst->interrupt, WI_STOP_POKE, memory_order_relaxed);
}

/* The words are never really const: the interpreter holds them through
 * const pointers because it only reads them. */
int wi_stop_check(const atomic_int *a, const atomic_int *b) {
  atomic_int *x = (atomic_int *)a, *y = (atomic_int *)b;
  int v = atomic_load_explicit(x, memory_order_relaxed);
  if (y) v |= atomic_load_explicit(y, memory_order_relaxed);
  if (v & WI_STOP_INTERRUPT) return 1;
  if (!(v & WI_STOP_POKE)) return 0;
  atomic_fetch_and_explicit(x, ~WI_STOP_POKE, memory_order_relaxed);
  if (y && y != x) atomic_fetch_and_explicit(y, ~WI_STOP_POKE, memory_order_relaxed);
  return probe_fn && probe_fn(probe_data);
}
