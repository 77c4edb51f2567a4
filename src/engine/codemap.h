/* Internal code back to wasm offsets (codemap.c).  The map is not kept:
 * translation is deterministic, so a function is translated again, into a
 * buffer that is never run, with every emitted instruction noted.  Only
 * traps and profiles ask, so translation on the run path pays one
 * predictable test per instruction emitted. */
#ifndef WI_CODEMAP_H
#define WI_CODEMAP_H

#include "internal.h"

typedef struct wi_codemap {
  uint32_t *cell;   /* start of each emitted instruction, ascending */
  uint32_t *wasm;   /* offset in the module of the wasm opcode that emitted it */
  uint32_t n, cap;
  bool failed;
} wi_codemap;

/* Set only on the thread doing a mapping translation (translate.c). */
extern _Thread_local wi_codemap *wi_codemap_sink;
void wi_codemap_note(uint32_t cell, uint32_t module_offset);

/* Offset of the code section's contents in the module: the origin of
 * DWARF addresses in wasm.  0 when the module has no code section. */
uint32_t wi_code_section_start(const wh_module *m);

/* A one-function cache for resolving many cells. */
typedef struct {
  const wh_module *m;
  const wi_funcdef *def;
  wi_codemap map;
} wi_codemap_cache;

/* The code-section offset of the wasm instruction that produced the
 * internal instruction containing `cell` of def's code; UINT32_MAX when
 * unknown. */
uint32_t wi_codemap_offset(wi_codemap_cache *c, wh_module *m, wi_funcdef *def, uint32_t cell);
void wi_codemap_cache_free(wi_codemap_cache *c);

#endif
