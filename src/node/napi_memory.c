/* WebAssembly.Memory: an external ArrayBuffer over the engine's memory.
 * A grow may move the memory (src/engine/memory.c); the old range stays
 * mapped, emptied, until the memory is freed, which the buffer's reference
 * on the memory outlasts, so a stale buffer never faults.
 * JS API 2.0 §"Memory objects": a grow (from JS or wasm) detaches the old
 * buffer and `.buffer` then returns a new one of the new size. */
#include <stdlib.h>

#include "node/napi_binding.h"

static void live_link(wn_env *E, wn_memory *m) {
  m->live_prev = NULL;
  m->live_next = E->live_memories;
  if (m->live_next) m->live_next->live_prev = m;
  E->live_memories = m;
}

static void live_unlink(wn_env *E, wn_memory *m) {
  if (m->live_prev) m->live_prev->live_next = m->live_next;
  else if (E->live_memories == m) E->live_memories = m->live_next;
  if (m->live_next) m->live_next->live_prev = m->live_prev;
  m->live_prev = m->live_next = NULL;
}

static void drop_buffer(wn_env *E, wn_memory *m, int detach) {
  if (!m->buffer) return;
  if (E->alive) {
    napi_value ab = NULL;
    if (detach && napi_get_reference_value(E->env, m->buffer, &ab) == napi_ok && ab)
      napi_detach_arraybuffer(E->env, ab);
    wn_ref_drop(E, m->buffer);
  }
  m->buffer = NULL;
  /* V8 stops counting it: the owner's next report counts the memory */
  if (m->h.rs) m->h.rs->buffered -= m->buffer_size;
  live_unlink(E, m);
}

void wn_memory_release(wn_env *E, wn_memory *m) {
  drop_buffer(E, m, 0);
}

void wn_memory_release_detach(wn_env *E, wn_memory *m) {
  drop_buffer(E, m, 1);
}

/* Runs before and after every call into wasm: with thousands of live
 * buffers it walks them only when some memory grew since the last walk. */
void wn_sweep_memories(wn_env *E) {
  uint64_t grows = wh_memory_grow_count();
  if (grows == E->memories_swept_at) return;
  int skipped = 0;
  wn_memory *m = E->live_memories;
  while (m) {
    /* A guest thread may be growing a busy memory: its buffer is checked
     * when that run ends (and JS cannot reach it meanwhile). */
    if (wn_obj_busy(&m->h)) {
      skipped = 1;
      m = m->live_next;
      continue;
    }
    if (wh_memory_size(m->h.ptr) == m->buffer_size) {
      m = m->live_next;
      continue;
    }
    drop_buffer(E, m, 1);
    /* grown by wasm that imported it; and V8 no longer counts it for us */
    if (m->h.rs) wn_rs_account(m->h.rs);
    else wn_obj_account(&m->h);
    /* From the start again: finalizers run during garbage collection
     * (napi_binding.h) and may have unlinked any other entry meanwhile. */
    m = E->live_memories;
  }
  if (!skipped) E->memories_swept_at = grows;
}

/* The buffer keeps its memory alive.  V8 counts the buffer's length as
 * external memory and takes it back on detach: taking that count back
 * ourselves (V8 does not count its own wasm memories) made a detach drive
 * V8's total below zero, which Node 24's V8 checks and aborts on. */
static void buffer_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  wh_memory_unref(hint);
}

static napi_value current_buffer(wn_env *E, wn_memory *m) {
  napi_env env = E->env;
  napi_value ab = NULL;
  wh_memory *mem = m->h.ptr;
  uint64_t size = wh_memory_size(mem);
  if (m->buffer && m->buffer_size == size) {
    WI_TRY(napi_get_reference_value(env, m->buffer, &ab), NULL);
    if (ab) return ab;
  }
  drop_buffer(E, m, 1);
  uint8_t *data = wh_memory_data(mem);
  if (size == 0 || !data) {
    void *unused;
    WI_TRY(napi_create_arraybuffer(env, 0, &unused, &ab), NULL);
  } else {
    wh_memory_ref(mem); /* dropped by buffer_finalize */
    if (napi_create_external_arraybuffer(env, data, (size_t)size, buffer_finalize,
                                         mem, &ab) != napi_ok) {
      wh_memory_unref(mem);
      wn_ensure_exception(env);
      return NULL;
    }
  }
  WI_TRY(napi_create_reference(env, ab, 1, &m->buffer), NULL);
  m->buffer_size = size;
  live_link(E, m);
  /* V8 counts the buffer's length from now on, not we; and the host may
   * write into the memory: no longer only what instantiation wrote */
  if (m->h.rs) {
    m->h.rs->buffered += size;
    wn_rs_account(m->h.rs);
  } else {
    wn_obj_account(&m->h);
  }
  return ab;
}

/* Fetches up to *argc arguments; argv[0] must be a Memory wrapper. */
static wn_memory *this_memory(napi_env env, napi_callback_info info,
                                   size_t *argc, napi_value *argv) {
  if (napi_get_cb_info(env, info, argc, argv, NULL, NULL) != napi_ok) {
    wn_ensure_exception(env);
    return NULL;
  }
  if (*argc < 1) {
    napi_throw_type_error(env, NULL, "Receiver is not a WebAssembly.Memory");
    return NULL;
  }
  return (wn_memory *)wn_unwrap_or_throw(env, argv[0], WN_NK_MEMORY,
                                                   "WebAssembly.Memory");
}

/* memoryNew(target, initial, maximum | undefined, addr64?) */
napi_value wn_memory_new(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  bool addr64 = false;
  uint64_t initial, maximum = 0;
  napi_valuetype t;
  wh_error err;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wn_sweep_dead(E, 0);
  WI_TRY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 3 || !wn_is_object(env, argv[0])) {
    napi_throw_type_error(env, NULL, "memoryNew(target, initial, maximum)");
    return NULL;
  }
  if (wn_get_u64(env, argv[1], &initial)) return NULL;
  WI_TRY(napi_typeof(env, argv[2], &t), NULL);
  int has_max = t != napi_undefined;
  if (has_max && wn_get_u64(env, argv[2], &maximum)) return NULL;
  if (argc > 3) WI_TRY(napi_get_value_bool(env, argv[3], &addr64), NULL);
  wh_memory *mem = addr64 ? wh_memory_new64(initial, maximum, has_max, &err)
                          : wh_memory_new(initial, maximum, has_max, &err);
  if (!mem) {
    wn_throw_status(E, err.status ? err.status : WH_ERR_NOMEM, &err);
    return NULL;
  }
  wn_memory *m = calloc(1, sizeof *m);
  if (!m) {
    wh_memory_unref(mem);
    napi_throw_error(env, NULL, "wasihost: out of memory");
    return NULL;
  }
  m->h.kind = WN_NK_MEMORY;
  m->h.ptr = mem;
  if (wn_attach(E, argv[0], &m->h)) return NULL;
  wn_obj_account(&m->h);
  return wn_undefined(env);
}

/* memoryBuffer(memory) */
napi_value wn_memory_buffer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wn_memory *m = this_memory(env, info, &argc, argv);
  if (!m) return NULL;
  return current_buffer(E, m);
}

/* memoryGrow(memory, deltaPages) -> old size in pages */
napi_value wn_memory_grow(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  uint64_t delta;
  wn_env *E = wn_env_ready(env);
  if (!E) return NULL;
  wn_sweep_dead(E, 0);
  wn_memory *m = this_memory(env, info, &argc, argv);
  if (!m) return NULL;
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "memoryGrow(memory, delta)");
    return NULL;
  }
  if (wn_get_u64(env, argv[1], &delta)) return NULL;
  int64_t old = wh_memory_grow(m->h.ptr, delta);
  if (old < 0) {
    napi_throw_range_error(env, NULL,
                           "WebAssembly.Memory.grow(): Maximum memory size exceeded");
    return NULL;
  }
  /* Even a grow by 0 refreshes the buffer (JS API: "refresh the memory
   * buffer"), and wasm code sharing this memory sees the same. */
  drop_buffer(E, m, 1);
  wn_sweep_memories(E);
  if (m->h.rs) wn_rs_account(m->h.rs);
  else wn_obj_account(&m->h);
  WI_TRY(napi_create_double(env, (double)old, &out), NULL);
  return out;
}

/* memoryType(memory) -> {minimum, maximum?} (minimum = current size) */
napi_value wn_memory_type(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v;
  wh_limits lim;
  if (!wn_env_ready(env)) return NULL;
  wn_memory *m = this_memory(env, info, &argc, argv);
  if (!m) return NULL;
  wh_memory_type(m->h.ptr, &lim);
  WI_TRY(napi_create_object(env, &out), NULL);
  WI_TRY(napi_create_double(env, (double)(wh_memory_size(m->h.ptr) / 65536), &v), NULL);
  WI_TRY(napi_set_named_property(env, out, "minimum", v), NULL);
  if (lim.has_max) {
    WI_TRY(napi_create_double(env, (double)lim.max, &v), NULL);
    WI_TRY(napi_set_named_property(env, out, "maximum", v), NULL);
  }
  if (lim.addr64) { /* memory64 / table64; an i32 one keeps the 2.0 shape */
    WI_TRY(napi_create_string_utf8(env, "i64", NAPI_AUTO_LENGTH, &v), NULL);
    WI_TRY(napi_set_named_property(env, out, "address", v), NULL);
  }
  return out;
}
