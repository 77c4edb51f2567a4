/* Per-thread scratch: the translator's stack, control and patch arrays
 * survive from one function to the next on a thread, so validating
 * thousands of functions does not allocate per function.  A pthread key
 * frees them when the thread exits (a Node worker that compiled a module,
 * a guest thread). */
#include "translate.h"

#include <pthread.h>

typedef struct scratch_arrays {
  tr_vent *st;
  uint32_t capst;
  tr_ctl *ctls;
  uint32_t capctl;
  tr_patch *patches;
  uint32_t cappatch;
} scratch_arrays;
static _Thread_local scratch_arrays scratch;
static _Thread_local bool scratch_keyed;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_key_ok;

static void scratch_free(void *p) {
  scratch_arrays *s = p;
  free(s->st);
  free(s->ctls);
  free(s->patches);
  memset(s, 0, sizeof *s);
}

static void scratch_key_init(void) { scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0; }

void tr_scratch_take(tr *t) {
  t->st = scratch.st;
  t->capst = scratch.capst;
  t->ctls = scratch.ctls;
  t->capctl = scratch.capctl;
  t->patches = scratch.patches;
  t->cappatch = scratch.cappatch;
}

/* Keeps t's arrays for the next function, unless they grew unusually large. */
void tr_scratch_keep(tr *t) {
  if (t->capst > 65536 || t->capctl > 65536 || t->cappatch > 65536) {
    free(t->st);
    free(t->ctls);
    free(t->patches);
    memset(&scratch, 0, sizeof scratch);
    return;
  }
  scratch.st = t->st;
  scratch.capst = t->capst;
  scratch.ctls = t->ctls;
  scratch.capctl = t->capctl;
  scratch.patches = t->patches;
  scratch.cappatch = t->cappatch;
  if (!scratch_keyed) {
    pthread_once(&scratch_once, scratch_key_init);
    scratch_keyed = scratch_key_ok && pthread_setspecific(scratch_key, &scratch) == 0;
  }
}

/* Between bursts of translation a thread keeps at most this much: a large
 * function's arrays (a Go function of 50 KB of wasm: ~120 KB) would
 * otherwise stay with the thread for the life of the process.  Called once
 * a module's bodies are validated and after each lazy translation, where
 * growing them again costs little next to translating such a function. */
#define SCRATCH_KEEP_BYTES ((size_t)32 << 10)

void wi_translate_scratch_trim(void) {
  size_t bytes = (size_t)scratch.capst * sizeof(tr_vent) + (size_t)scratch.capctl * sizeof(tr_ctl) +
                 (size_t)scratch.cappatch * sizeof(tr_patch);
  if (bytes <= SCRATCH_KEEP_BYTES) return;
  scratch_free(&scratch);
}
