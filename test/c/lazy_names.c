/* The name section's function names are read on first use
 * (wh_module_func_name, src/engine/module.c), from the module's own copy of
 * the bytes, by whichever thread asks first: here four at once, after the
 * caller's bytes are gone.  Every thread must see the same names (the same
 * block); the blocks of the threads that lost the race are freed (ASan's
 * leak check).  argv[1]: a module of 200 functions named f0..f199;
 * argv[2]: the same without a name section.  Prints "CHECK name got want". */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasihost.h"
#include "check.h"

#define NFUNCS 200u
#define NTHREADS 4

static wh_module *mod;
static pthread_barrier_t go;

typedef struct { int wrong; const char *first; } result;

static void *reader(void *p) {
  result *r = p;
  pthread_barrier_wait(&go);
  char want[16];
  for (uint32_t i = 0; i < NFUNCS; i++) {
    const char *n = wh_module_func_name(mod, i);
    snprintf(want, sizeof want, "f%u", i);
    if (!n || strcmp(n, want) != 0) r->wrong++;
    if (i == 0) r->first = n;
  }
  return NULL;
}

static wh_module *compile_then_drop_bytes(const char *file) {
  size_t len = 0;
  uint8_t *bytes = slurp(file, &len);
  if (!bytes) return NULL;
  wh_error err;
  memset(&err, 0, sizeof err);
  wh_module *m = wh_module_new(bytes, len, &err);
  memset(bytes, 0, len);
  free(bytes);
  return m;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  mod = compile_then_drop_bytes(argv[1]);
  CHECK("named_module_compiles", mod != NULL, 1);
  if (!mod) return 1;
  pthread_barrier_init(&go, NULL, NTHREADS);
  pthread_t tid[NTHREADS];
  result res[NTHREADS];
  memset(res, 0, sizeof res);
  for (int i = 0; i < NTHREADS; i++) pthread_create(&tid[i], NULL, reader, &res[i]);
  for (int i = 0; i < NTHREADS; i++) pthread_join(tid[i], NULL);
  int wrong = 0, same_block = 1;
  for (int i = 0; i < NTHREADS; i++) {
    wrong += res[i].wrong;
    same_block &= res[i].first == res[0].first;
  }
  CHECK("every_thread_reads_every_name", wrong, 0);
  CHECK("one_block_published", same_block, 1);
  CHECK("past_the_last_function", wh_module_func_name(mod, NFUNCS) == NULL, 1);
  CHECK("read_again", strcmp(wh_module_func_name(mod, 7), "f7"), 0);
  wh_module_unref(mod);
  pthread_barrier_destroy(&go);

  wh_module *plain = compile_then_drop_bytes(argv[2]);
  CHECK("plain_module_compiles", plain != NULL, 1);
  if (!plain) return 1;
  CHECK("no_name_section_no_name", wh_module_func_name(plain, 0) == NULL, 1);
  CHECK("no_name_section_still_none", wh_module_func_name(plain, 199) == NULL, 1);
  wh_module_unref(plain);
  return 0;
}
