/* wh_module_new_borrowed (include/wasihost.h): the module reads the
 * caller's bytes in place, calls release exactly once when its last
 * reference goes (from the thread that drops it, here an instance freed on
 * another thread), and never on failure.  argv[1] is a module exporting
 * "answer" () -> i32 returning 42 with an active data segment; argv[2] an
 * invalid module.  Prints "CHECK name got want" lines for the JS driver. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "wasihost.h"
#include "check.h"

static int released;
static void *released_ctx;
static void release(void *ctx) {
  released++;
  released_ctx = ctx;
  free(ctx);
}

static void *drop_instance(void *p) {
  wh_instance_unref(p);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  size_t len = 0, bad_len = 0;
  uint8_t *bytes = slurp(argv[1], &len), *bad = slurp(argv[2], &bad_len);
  if (!bytes || !bad) return 2;
  wh_error err;
  memset(&err, 0, sizeof err);

  wh_module *none = wh_module_new_borrowed(bad, bad_len, release, bad, &err);
  CHECK("invalid_module_refused", none == NULL, 1);
  CHECK("invalid_module_error_is_compile_error", err.status == WH_ERR_INVALID || err.status == WH_ERR_MALFORMED, 1);
  CHECK("no_release_on_failure", released, 0);
  free(bad); /* still ours */

  wh_module *m = wh_module_new_borrowed(bytes, len, release, bytes, &err);
  CHECK("borrowed_module_compiles", m != NULL, 1);
  if (!m) return 1;
  wh_instance *inst = wh_instance_new(m, NULL, 0, NULL, &err);
  CHECK("instance_made", inst != NULL, 1);
  if (!inst) return 1;
  wh_module_unref(m); /* the instance keeps the module */
  CHECK("not_released_while_an_instance_uses_it", released, 0);
  wh_extern e;
  wh_val out;
  int rc = wh_instance_export(inst, "answer", 6, &e);
  CHECK("export_found", rc == 0 && e.kind == WH_EXTERN_FUNC, 1);
  if (rc == 0) {
    rc = wh_func_call(e.u.func, NULL, 0, &out, 1, &err);
    CHECK("call_returns", rc == 0 ? out.i32 : -1, 42);
  }
  pthread_t tid;
  pthread_create(&tid, NULL, drop_instance, inst);
  pthread_join(tid, NULL);
  CHECK("released_once_after_the_last_reference", released, 1);
  CHECK("released_with_its_context", released_ctx == bytes, 1);

  /* wh_module_new copies: the caller's bytes may change afterwards */
  bytes = slurp(argv[1], &len);
  wh_module *c = wh_module_new(bytes, len, &err);
  memset(bytes, 0, len);
  free(bytes);
  inst = c ? wh_instance_new(c, NULL, 0, NULL, &err) : NULL;
  rc = inst ? wh_instance_export(inst, "answer", 6, &e) : -1;
  if (rc == 0) rc = wh_func_call(e.u.func, NULL, 0, &out, 1, &err);
  CHECK("copied_module_unaffected_by_changed_bytes", rc == 0 ? out.i32 : -1, 42);
  if (inst) wh_instance_unref(inst);
  wh_module_unref(c);
  CHECK("copy_path_never_calls_release", released, 1);
  return 0;
}
