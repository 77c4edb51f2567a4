/* args_* and environ_*: the strings copied at wh_wasi_new, laid out as
 * argv-style pointer arrays plus one buffer of NUL-terminated strings. */
#include "wasi_internal.h"

static int sizes_get(wasi_req *c, const wh_val *a, uint32_t count,
                     uint64_t bytes) {
  uint32_t count_ptr = (uint32_t)a[0].i32, size_ptr = (uint32_t)a[1].i32;
  if (!wasi_mem_ok(c, count_ptr, 4) || !wasi_mem_ok(c, size_ptr, 4))
    return WASI_EFAULT;
  wasi_st32(c->mem + count_ptr, count);
  wasi_st32(c->mem + size_ptr, (uint32_t)bytes);
  return WASI_ESUCCESS;
}

static int strings_get(wasi_req *c, const wh_val *a, uint32_t count,
                       char **strs, uint64_t bytes) {
  uint32_t ptrs = (uint32_t)a[0].i32, buf = (uint32_t)a[1].i32;
  /* Both regions are checked whole before anything is written. */
  if (!wasi_mem_ok(c, ptrs, (uint64_t)count * 4) || !wasi_mem_ok(c, buf, bytes))
    return WASI_EFAULT;
  uint64_t off = 0;
  for (uint32_t i = 0; i < count; i++) {
    size_t n = strlen(strs[i]) + 1;
    wasi_st32(c->mem + ptrs + (uint64_t)i * 4, (uint32_t)(buf + off));
    memcpy(c->mem + buf + off, strs[i], n);
    off += n;
  }
  return WASI_ESUCCESS;
}

int wasi_call_args_sizes_get(wasi_req *c, const wh_val *a) {
  return sizes_get(c, a, c->w->argc, c->w->argv_bytes);
}
int wasi_call_args_get(wasi_req *c, const wh_val *a) {
  return strings_get(c, a, c->w->argc, c->w->argv, c->w->argv_bytes);
}
int wasi_call_environ_sizes_get(wasi_req *c, const wh_val *a) {
  return sizes_get(c, a, c->w->envc, c->w->env_bytes);
}
int wasi_call_environ_get(wasi_req *c, const wh_val *a) {
  return strings_get(c, a, c->w->envc, c->w->env, c->w->env_bytes);
}
