/* proc_exit, proc_raise, sched_yield. */
#include "wasi_internal.h"

#include <sched.h>

int wasi_call_proc_exit(wasi_req *c, const wh_val *a) {
  /* Ends the run: the engine unwinds and reports WH_ERR_EXIT with the
   * code; nothing here exits the host process. */
  c->status = wh_call_exit(c->call, a[0].i32);
  return 0;
}

int wasi_call_proc_raise(wasi_req *c, const wh_val *a) {
  (void)c;
  (void)a;
  /* Never signals the host.  Signals were dropped from WASI (WASI#136);
   * wazero answers ENOSYS (wasmtime traps instead), so do we. */
  return WASI_ENOSYS;
}

int wasi_call_sched_yield(wasi_req *c, const wh_val *a) {
  (void)c;
  (void)a;
  sched_yield();
  return WASI_ESUCCESS;
}
