/* DWARF tables read from a module's custom sections (dwarf.c): the line
 * rows and the function / inlined-function address ranges, enough to turn
 * a code offset into file:line frames. */
#ifndef WI_DWARF_H
#define WI_DWARF_H

#include "wasihost.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { const uint8_t *data; size_t len; } wi_dwsec;

typedef struct {
  wi_dwsec info, abbrev, line, str, line_str, str_offsets, addr, ranges, rnglists;
} wi_dwsecs;

typedef struct {
  uint32_t addr;
  uint32_t file;   /* index into files; UINT32_MAX ends a sequence */
  uint32_t line, column;
  uint32_t seq;    /* emission order, to sort stably */
} wi_dwrow;

typedef struct { uint32_t lo, hi, die; } wi_dwrange;

typedef struct {
  uint64_t offset;          /* in .debug_info */
  uint64_t origin;          /* abstract_origin / specification, or UINT64_MAX */
  const char *name, *linkage;
  uint32_t parent;          /* enclosing subprogram or inlined entry, index */
  uint32_t cu;
  uint32_t call_file, call_line, call_col;
  uint8_t tag;              /* 1 subprogram, 2 inlined subroutine */
} wi_dwdie;

typedef struct { uint64_t stmt_list; const char *comp_dir; uint64_t offset; } wi_dwcu;
typedef struct { uint64_t offset; uint32_t base, nfiles, first_index; } wi_dwprog;

typedef struct wi_dwarf {
  wi_dwsec info, abbrev, line, str, line_str, str_offsets, addr, ranges_v4, rnglists;
  wi_dwrow *rows;
  uint32_t nrows, cap_rows;
  const char **files;
  uint32_t nfiles, cap_files;
  wi_dwprog *programs;
  uint32_t nprograms, cap_programs;
  wi_dwrange *ranges;
  uint32_t nranges, cap_ranges;
  wi_dwdie *dies;
  uint32_t ndies, cap_dies;
  wi_dwcu *cus;
  uint32_t ncus, cap_cus;
  char **owned;
  uint32_t nowned, nowned_cap;
  bool skip_zero;
  bool usable;
  char problem[160];
} wi_dwarf;

/* Never NULL unless memory runs out; reads what it can. */
wi_dwarf *wi_dwarf_parse(const wi_dwsecs *s);
void wi_dwarf_free(wi_dwarf *d);
/* Innermost (inlined) frame first; 0 when nothing covers addr. */
int wi_dwarf_lookup(const wi_dwarf *d, uint32_t addr, wh_source_loc *out, int max);
/* What could not be read, or NULL. */
const char *wi_dwarf_problem(const wi_dwarf *d);

#endif
