/* Internal code back to wasm offsets (codemap.c).  The map is not kept:
 * translation is deterministic, so a function is translated again, into a
 * buffer that is never run, with every emitted instruction noted.  Only
 * traps and profiles ask, so translation on the run path pays one
 * predictable test per instruction emitted. */
#ifndef WH_CODEMAP_H
#define WH_CODEMAP_H

#include "internal.h"

typedef struct wh_codemap {
  uint32_t *cell;   /* start of each emitted instruction, ascending */
  uint32_t *wasm;   /* offset in the module of the wasm opcode that emitted it */
  uint32_t n, cap;
  bool failed;
} wh_codemap;

/* Set only on the thread doing a mapping translation (translate.c). */
extern _Thread_local wh_codemap *wh_codemap_sink;
void wh_codemap_note(uint32_t cell, uint32_t module_offset);

/* Offset of the code section's contents in the module: the origin of
 * DWARF addresses in wasm.  0 when the module has no code section. */
uint32_t wh_code_section_start(const wh_module *m);

/* A one-function cache for resolving many cells. */
typedef struct {
  const wh_module *m;
  const wh_funcdef *def;
  wh_codemap map;
} wh_codemap_cache;

/* The code-section offset of the wasm instruction that produced the
 * internal instruction containing `cell` of def's code; UINT32_MAX when
 * unknown. */
uint32_t wh_codemap_offset(wh_codemap_cache *c, wh_module *m, wh_funcdef *def, uint32_t cell);
void wh_codemap_cache_free(wh_codemap_cache *c);

#endif
