/* See codemap.h.  The map of a function is rebuilt by translating it again
 * with wi_codemap_sink set; the copy is dropped, never published. */
#include "codemap.h"

_Thread_local wi_codemap *wi_codemap_sink;

void wi_codemap_note(uint32_t cell, uint32_t module_offset) {
  wi_codemap *c = wi_codemap_sink;
  if (c->failed) return;
  if (c->n == c->cap) {
    uint32_t nc = c->cap ? c->cap * 2 : 256;
    uint32_t *a = realloc(c->cell, nc * sizeof *a);
    if (a) c->cell = a;
    uint32_t *b = a ? realloc(c->wasm, nc * sizeof *b) : NULL;
    if (b) c->wasm = b;
    if (!a || !b) { c->failed = true; return; }
    c->cap = nc;
  }
  c->cell[c->n] = cell;
  c->wasm[c->n] = module_offset;
  c->n++;
}

static uint64_t leb(const uint8_t **p, const uint8_t *end, bool *bad) {
  uint64_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (*p >= end) { *bad = true; return 0; }
    uint8_t b = *(*p)++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  *bad = true;
  return 0;
}

uint32_t wi_code_section_start(const wh_module *m) {
  const uint8_t *p = m->bytes + 8, *end = m->bytes + m->len;
  if (m->len < 8) return 0;
  bool bad = false;
  while (p < end && !bad) {
    uint8_t id = *p++;
    uint64_t size = leb(&p, end, &bad);
    if (bad || size > (uint64_t)(end - p)) return 0;
    if (id == 10) return (uint32_t)(p - m->bytes);
    p += size;
  }
  return 0;
}

static bool build(wi_codemap_cache *c, wh_module *m, wi_funcdef *def) {
  wi_codemap_cache_free(c);
  c->m = m;
  c->def = def;
  wh_error err;
  memset(&err, 0, sizeof err);
  wi_codemap_sink = &c->map;
  int rc = wi_translate(m, (uint32_t)(def - m->funcs), true, &err);
  wi_codemap_sink = NULL;
  return rc == 0 && !c->map.failed;
}

uint32_t wi_codemap_offset(wi_codemap_cache *c, wh_module *m, wi_funcdef *def, uint32_t cell) {
  if ((c->m != m || c->def != def) && !build(c, m, def)) {
    c->map.n = 0;
    return UINT32_MAX;
  }
  const wi_codemap *map = &c->map;
  uint32_t lo = 0, hi = map->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (map->cell[mid] <= cell) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return UINT32_MAX;
  uint32_t start = wi_code_section_start(m);
  uint32_t off = map->wasm[lo - 1];
  return off >= start ? off - start : UINT32_MAX;
}

void wi_codemap_cache_free(wi_codemap_cache *c) {
  free(c->map.cell);
  free(c->map.wasm);
  memset(c, 0, sizeof *c);
}
