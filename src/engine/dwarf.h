/* DWARF tables read from a module's custom sections (dwarf.c): the line
 * rows and the function / inlined-function address ranges, enough to turn
 * a code offset into file:line frames. */
#ifndef WH_DWARF_H
#define WH_DWARF_H

#include "wasihost.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { const uint8_t *data; size_t len; } wh_dwsec;

typedef struct {
  wh_dwsec info, abbrev, line, str, line_str, str_offsets, addr, ranges, rnglists;
} wh_dwsecs;

typedef struct {
  uint32_t addr;
  uint32_t file;   /* index into files; UINT32_MAX ends a sequence */
  uint32_t line, column;
  uint32_t seq;    /* emission order, to sort stably */
} wh_dwrow;

typedef struct { uint32_t lo, hi, die; } wh_dwrange;

typedef struct {
  uint64_t offset;          /* in .debug_info */
  uint64_t origin;          /* abstract_origin / specification, or UINT64_MAX */
  const char *name, *linkage;
  uint32_t parent;          /* enclosing subprogram or inlined entry, index */
  uint32_t cu;
  uint32_t call_file, call_line, call_col;
  uint8_t tag;              /* 1 subprogram, 2 inlined subroutine */
} wh_dwdie;

typedef struct { uint64_t stmt_list; const char *comp_dir; uint64_t offset; } wh_dwcu;
typedef struct { uint64_t offset; uint32_t base, nfiles, first_index; } wh_dwprog;

typedef struct wh_dwarf {
  wh_dwsec info, abbrev, line, str, line_str, str_offsets, addr, ranges_v4, rnglists;
  wh_dwrow *rows;
  uint32_t nrows, cap_rows;
  const char **files;
  uint32_t nfiles, cap_files;
  wh_dwprog *programs;
  uint32_t nprograms, cap_programs;
  wh_dwrange *ranges;
  uint32_t nranges, cap_ranges;
  wh_dwdie *dies;
  uint32_t ndies, cap_dies;
  wh_dwcu *cus;
  uint32_t ncus, cap_cus;
  char **owned;
  uint32_t nowned, nowned_cap;
  bool skip_zero;
  bool usable;
  char problem[160];
} wh_dwarf;

/* Never NULL unless memory runs out; reads what it can. */
wh_dwarf *wh_dwarf_parse(const wh_dwsecs *s);
void wh_dwarf_free(wh_dwarf *d);
/* Innermost (inlined) frame first; 0 when nothing covers addr. */
int wh_dwarf_lookup(const wh_dwarf *d, uint32_t addr, wh_source_loc *out, int max);
/* What could not be read, or NULL. */
const char *wh_dwarf_problem(const wh_dwarf *d);

#endif
