/* What V8-style stack frames need of a module: the <hash> of its
 * wasm://wasm/<hash> URL and module-relative byte offsets.  The hash is
 * computed when a trap is reported, not when compiling, so compiling never
 * pays for it. */
#include "internal.h"
#include "codemap.h"

uint32_t wh_module_hash(const wh_module *m) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < m->len; i++) h = (h ^ m->bytes[i]) * 16777619u;
  return h;
}

uint32_t wh_module_code_offset_base(const wh_module *m) { return wi_code_section_start(m); }
