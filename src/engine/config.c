/* Process-wide settings (wh_config).  The core reads no environment
 * variables: an embedder decides where settings come from (the Node
 * binding reads WASIHOST_* once and calls wh_config_set).  Fields are
 * atomics because modules compile and functions translate on several
 * threads at once. */
#include "internal.h"
#include "jit.h"

static atomic_int eager, dump_ir, compile_threads;
/* on by default (all-zero wh_config), where there is a native tier */
static atomic_int jit = WI_JIT_AVAILABLE;
static pthread_mutex_t path_lock = PTHREAD_MUTEX_INITIALIZER;
static char *profile_path;

void wh_config_set(const wh_config *c) {
  atomic_store_explicit(&eager, c->eager != 0, memory_order_relaxed);
  atomic_store_explicit(&dump_ir, c->dump_ir, memory_order_relaxed);
  atomic_store_explicit(&jit, !c->no_jit && wi_jit_available(), memory_order_relaxed);
  atomic_store_explicit(&compile_threads, c->compile_threads < 0 ? 0 : c->compile_threads,
                        memory_order_relaxed);
  char *p = NULL;
  if (c->profile_path) {
    size_t n = strlen(c->profile_path) + 1;
    if ((p = malloc(n))) memcpy(p, c->profile_path, n);
  }
  pthread_mutex_lock(&path_lock);
  char *old = profile_path;
  profile_path = p;
  pthread_mutex_unlock(&path_lock);
  free(old);
}

void wh_config_get(wh_config *out) {
  memset(out, 0, sizeof *out);
  out->eager = wi_cfg_eager();
  out->dump_ir = wi_cfg_dump_ir();
  out->no_jit = !wi_cfg_jit();
  out->compile_threads = wi_cfg_compile_threads();
  /* the string stays ours; it lives until the next wh_config_set */
  pthread_mutex_lock(&path_lock);
  out->profile_path = profile_path;
  pthread_mutex_unlock(&path_lock);
}

bool wi_cfg_eager(void) { return atomic_load_explicit(&eager, memory_order_relaxed) != 0; }
bool wi_cfg_jit(void) { return atomic_load_explicit(&jit, memory_order_relaxed) != 0; }
int wi_cfg_dump_ir(void) { return atomic_load_explicit(&dump_ir, memory_order_relaxed); }
int wi_cfg_compile_threads(void) {
  return atomic_load_explicit(&compile_threads, memory_order_relaxed);
}

FILE *wi_cfg_open_profile(void) {
  pthread_mutex_lock(&path_lock);
  FILE *f = profile_path ? fopen(profile_path, "w") : stderr;
  pthread_mutex_unlock(&path_lock);
  return f;
}
