/* Exception handling through the public C API (engine only, under
 * ASan+UBSan with leak checks): a host function throwing into wasm with
 * wh_call_throw, a wasm exception reaching the host in wh_error.exn, tags
 * of both sides, and every exception freed by the time everything is
 * dropped (the leak check at exit).  The module is argv[1]: see
 * test/engine/eh-capi.test.js. */
#include <string.h>

#include "wasihost.h"
#include "../c/check.h"

static wh_tag *host_tag, *other_tag;
/* host-thrown exceptions: made, and freed (their host data finalized) */
static int thrown, freed;
static void count_freed(void *p) { (void)p; freed++; }

/* host(n): n > 0 throws host_tag(n), n < 0 throws other_tag(n), 0 returns */
static int host(wh_call *call, void *data, const wh_val *args, wh_val *results) {
  (void)data;
  (void)results;
  if (args[0].i32 == 0) return 0;
  thrown++;
  return wh_call_throw(call, args[0].i32 > 0 ? host_tag : other_tag, args, 1, &thrown, count_freed);
}

static int finalized;
static void count_final(void *p) { (void)p; finalized++; }

static int32_t call_i32(wh_instance *inst, const char *name, int32_t arg, int *rc_out, wh_error *err) {
  wh_extern ex;
  wh_val a = { .i32 = arg }, r = { .raw = 0 };
  if (wh_instance_export(inst, name, (uint32_t)strlen(name), &ex)) return -999;
  const wh_functype *ft = wh_func_type(ex.u.func);
  *rc_out = wh_func_call(ex.u.func, &a, ft->nparams, &r, ft->nresults, err);
  return r.i32;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  size_t len;
  uint8_t *bytes = slurp(argv[1], &len);
  wh_error err;
  memset(&err, 0, sizeof err);
  wh_module *m = bytes ? wh_module_new(bytes, len, &err) : NULL;
  free(bytes);
  if (!m) {
    printf("# %s\n", err.message);
    return 1;
  }
  static const uint8_t i32[1] = { WH_I32 };
  wh_functype tt = { 1, 0, i32, NULL }, bad = { 0, 1, NULL, i32 };
  host_tag = wh_tag_new(&tt);
  other_tag = wh_tag_new(&tt);
  CHECK("tag_with_results_refused", wh_tag_new(&bad) == NULL, 1);
  wh_functype ht = { 1, 0, i32, NULL };
  wh_func *hf = wh_func_new_host(&ht, host, NULL, NULL);
  wh_extern imports[2] = { { .kind = WH_EXTERN_FUNC, .u.func = hf }, { .kind = WH_EXTERN_TAG, .u.tag = host_tag } };
  wh_instance *inst = wh_instance_new(m, imports, 2, NULL, &err);
  if (!inst) {
    printf("# %s\n", err.message);
    return 1;
  }
  int rc;
  CHECK("host_throw_caught", call_i32(inst, "catch_host", 5, &rc, &err), 5);
  CHECK("host_throw_caught_rc", rc, 0);
  CHECK("host_no_throw", call_i32(inst, "catch_host", 0, &rc, &err), -1);
  /* another tag: not caught by `catch $t`, it reaches the host */
  call_i32(inst, "catch_host", -3, &rc, &err);
  CHECK("other_tag_escapes", rc, WH_ERR_EXCEPTION);
  CHECK("other_tag_exn", err.exn && wh_exn_tag(err.exn) == other_tag, 1);
  CHECK("other_tag_payload", err.exn ? wh_exn_args(err.exn)[0].i32 : 0, -3);
  wh_exn_unref(err.exn);
  /* a wasm exception of the module's own tag */
  call_i32(inst, "throw_own", 77, &rc, &err);
  wh_extern own;
  wh_instance_export(inst, "own", 3, &own);
  CHECK("own_kind", own.kind, WH_EXTERN_TAG);
  CHECK("wasm_exn_escapes", rc, WH_ERR_EXCEPTION);
  CHECK("wasm_exn_tag", err.exn && wh_exn_tag(err.exn) == own.u.tag, 1);
  CHECK("wasm_exn_nargs", err.exn ? wh_exn_nargs(err.exn) : 9, 1);
  CHECK("wasm_exn_payload", err.exn ? wh_exn_args(err.exn)[0].i32 : 0, 77);
  CHECK("host_data_set", err.exn ? wh_exn_set_host_data(err.exn, &finalized, count_final) : -1, 0);
  CHECK("host_data", err.exn ? wh_exn_host_data(err.exn) == &finalized : 0, 1);
  wh_exn_unref(err.exn); /* the host's was the last reference */
  CHECK("finalized", finalized, 1);
  /* exceptions held by catch bodies, stored as exnref, thrown in loops */
  CHECK("loops", call_i32(inst, "loops", 2000, &rc, &err), 2000 * 3);
  CHECK("loops_rc", rc, 0);
  CHECK("stored_rethrown", call_i32(inst, "stored", 4, &rc, &err), 4);
  /* a trap while exceptions are held: still a trap, nothing leaks */
  call_i32(inst, "trap_in_catch", 1, &rc, &err);
  CHECK("trap_not_caught", rc, WH_ERR_TRAP);
  wh_instance_unref(inst);
  CHECK("host_exceptions_freed", freed, thrown);
  /* one the host made, thrown by nobody */
  wh_val seven = { .i32 = 7 };
  wh_exn *mine = wh_exn_new(host_tag, &seven, 1, NULL, NULL);
  CHECK("exn_new_tag", mine && wh_exn_tag(mine) == host_tag, 1);
  CHECK("exn_new_bad_args", wh_exn_new(host_tag, NULL, 0, NULL, NULL) == NULL, 1);
  wh_tag_unref(host_tag); /* the exception keeps its tag */
  CHECK("exn_keeps_tag", wh_tag_type(wh_exn_tag(mine))->nparams, 1);
  wh_exn_unref(mine);
  wh_func_unref(hf);
  wh_tag_unref(other_tag);
  wh_module_unref(m);
  return 0;
}
