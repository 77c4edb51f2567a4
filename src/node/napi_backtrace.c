/* A trap's wasm frames as JS: err.wasmBacktrace is an Array, innermost
 * first, of { index, name, offset } plus { file, line, column } when the
 * module's DWARF covers the offset.  A function inlined at that point is
 * its own entry before the function it was inlined into ({ inlined: true,
 * name: its DWARF name }), as a debugger lists it.  The same frames are
 * added to err.stack in V8's shape ("    at name (file:line:col)"). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/napi_binding.h"

#define MAX_INLINE 16

static void set_str(napi_env env, napi_value o, const char *key, const char *s) {
  napi_value v;
  if (s && napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v) == napi_ok)
    napi_set_named_property(env, o, key, v);
}
static void set_u32(napi_env env, napi_value o, const char *key, uint32_t n) {
  napi_value v;
  if (napi_create_uint32(env, n, &v) == napi_ok) napi_set_named_property(env, o, key, v);
}

/* Appends "    at NAME (WHERE)" to the stack text: the DWARF location when
 * there is one, else V8's own form for wasm frames,
 * "at name (wasm://wasm/<hash>:wasm-function[N]:0xOFF)" (without a name:
 * "at wasm://wasm/<hash>:wasm-function[N]:0xOFF"), OFF module-relative as
 * V8 prints it, so tools that read V8's wasm frames read ours. */
static void stack_line(char *buf, size_t cap, size_t *len, const char *name, uint32_t index,
                       uint32_t offset, const wh_source_loc *loc, const char *url) {
  if (*len >= cap) return;
  char fallback[48], where[96];
  if (offset != UINT32_MAX)
    snprintf(where, sizeof where, "%s:wasm-function[%u]:0x%x", url, index, offset);
  else
    snprintf(where, sizeof where, "%s:wasm-function[%u]", url, index);
  int n;
  if (loc && loc->file) {
    if (!name) {
      snprintf(fallback, sizeof fallback, "wasm-function[%u]", index);
      name = fallback;
    }
    n = snprintf(buf + *len, cap - *len, "\n    at %s (%s:%u:%u)", name, loc->file, loc->line, loc->column);
  } else if (name) {
    n = snprintf(buf + *len, cap - *len, "\n    at %s (%s)", name, where);
  } else {
    n = snprintf(buf + *len, cap - *len, "\n    at %s", where);
  }
  if (n > 0) *len += (size_t)n < cap - *len ? (size_t)n : cap - *len - 1;
}

void wn_attach_backtrace(napi_env env, napi_value exc, const wh_error *err) {
  napi_valuetype t;
  if (napi_typeof(env, exc, &t) != napi_ok || t != napi_object) return;
  napi_value arr;
  if (napi_create_array(env, &arr) != napi_ok) return;
  static char text[16384];  /* JS thread only */
  size_t len = 0;
  text[0] = 0;
  uint32_t k = 0;
  const wh_module *hashed = NULL;
  char url[32] = "wasm://wasm/00000000";
  for (uint32_t i = 0; i < err->nframes; i++) {
    const wh_frame_info *f = &err->frames[i];
    /* one hash per module: a backtrace rarely leaves its module */
    if (f->module && f->module != hashed) {
      hashed = f->module;
      snprintf(url, sizeof url, "wasm://wasm/%08x", (unsigned)wh_module_hash(hashed));
    }
    uint32_t at = f->code_offset != UINT32_MAX && f->module
        ? f->code_offset + wh_module_code_offset_base(f->module) : UINT32_MAX;
    wh_source_loc loc[MAX_INLINE];
    int nloc = f->module ? wh_module_source_lines(f->module, f->code_offset, loc, MAX_INLINE) : 0;
    /* inlined functions first, then the real frame with the last location */
    for (int j = 0; j < nloc; j++) {
      bool real = j == nloc - 1;
      napi_value fr;
      if (napi_create_object(env, &fr) != napi_ok) return;
      set_u32(env, fr, "index", f->func_index);
      const char *name = real ? (f->name ? f->name : loc[j].function) : loc[j].function;
      set_str(env, fr, "name", name);
      if (f->code_offset != UINT32_MAX) set_u32(env, fr, "offset", f->code_offset);
      if (loc[j].file) {
        set_str(env, fr, "file", loc[j].file);
        set_u32(env, fr, "line", loc[j].line);
        set_u32(env, fr, "column", loc[j].column);
      }
      if (!real) {
        napi_value tru;
        if (napi_get_boolean(env, true, &tru) == napi_ok) napi_set_named_property(env, fr, "inlined", tru);
      }
      napi_set_element(env, arr, k++, fr);
      stack_line(text, sizeof text, &len, name, f->func_index, at, &loc[j], url);
    }
    if (nloc == 0) {
      napi_value fr;
      if (napi_create_object(env, &fr) != napi_ok) return;
      set_u32(env, fr, "index", f->func_index);
      set_str(env, fr, "name", f->name);
      if (f->code_offset != UINT32_MAX) set_u32(env, fr, "offset", f->code_offset);
      napi_set_element(env, arr, k++, fr);
      stack_line(text, sizeof text, &len, f->name, f->func_index, at, NULL, url);
    }
  }
  napi_set_named_property(env, exc, "wasmBacktrace", arr);
  /* the wasm frames go first in the stack, right after the message line
   * (the JS frames that called into wasm follow), as in V8 */
  napi_value stack;
  size_t slen = 0;
  if (napi_get_named_property(env, exc, "stack", &stack) != napi_ok ||
      napi_typeof(env, stack, &t) != napi_ok || t != napi_string ||
      napi_get_value_string_utf8(env, stack, NULL, 0, &slen) != napi_ok)
    return;
  char *s = malloc(slen + 1), *out = s ? malloc(slen + len + 1) : NULL;
  if (!out) { free(s); return; }
  napi_get_value_string_utf8(env, stack, s, slen + 1, &slen);
  const char *nl = memchr(s, '\n', slen);
  size_t head = nl ? (size_t)(nl - s) : slen, skip = head;
  /* The innermost JS frame is the exported function's closure (its source
   * is named by lib/api/exported.js); V8 shows none there: the wasm frames
   * take its place. */
  if (nl) {
    static const char mark[] = "(wasihost:exported-function:";
    const char *eol = memchr(nl + 1, '\n', slen - head - 1);
    size_t l = eol ? (size_t)(eol - nl) : slen - head;
    for (size_t i = 0; i + sizeof mark - 1 <= l; i++)
      if (memcmp(nl + i, mark, sizeof mark - 1) == 0) {
        skip = head + l;
        break;
      }
  }
  memcpy(out, s, head);
  memcpy(out + head, text, len);
  memcpy(out + head + len, s + skip, slen - skip);
  napi_value ns;
  if (napi_create_string_utf8(env, out, head + len + slen - skip, &ns) == napi_ok)
    napi_set_named_property(env, exc, "stack", ns);
  free(s);
  free(out);
}
