/* The environment variables the core does not read itself: the binding
 * turns them into wh_config and the guest thread cap (once per process,
 * when the addon first loads) and wh_wasi_config fields (napi_wasi.c, per
 * WASI object). */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "node/napi_binding.h"

static uv_once_t once = UV_ONCE_INIT;

static void from_env(void) {
  wh_config c;
  memset(&c, 0, sizeof c);
  /* set at all, whatever the value: what these variables always meant */
  c.eager = getenv("WASIHOST_EAGER") != NULL;
  const char *dump = getenv("WASIHOST_DUMP_IR");
  c.dump_ir = dump == NULL ? 0 : strcmp(dump, "raw") == 0 ? 2 : 1;
  c.profile_path = getenv("WASIHOST_PROFILE");
  const char *ct = getenv("WASIHOST_COMPILE_THREADS");
  unsigned long t = ct && *ct ? strtoul(ct, NULL, 10) : 0;
  c.compile_threads = t > 64 ? 64 : (int)t;
  const char *jit = getenv("WASIHOST_JIT");
  c.no_jit = jit != NULL && strcmp(jit, "0") == 0;
  wh_config_set(&c);
  const char *s = getenv("WASIHOST_MAX_THREADS");
  unsigned long n = s && *s ? strtoul(s, NULL, 10) : 0;
  /* 0 or unparsable: the pool's default */
  if (n > 0) wh_pool_set_max(n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);
}

/* Workers load the addon again: the process's settings are read once. */
void wn_config_from_env(void) { uv_once(&once, from_env); }

int wn_env_flag(const char *name) {
  const char *v = getenv(name);
  return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}
