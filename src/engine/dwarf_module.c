/* A module's DWARF: found among its custom sections, parsed once on first
 * use (whichever thread gets there first publishes its copy), freed with
 * the module. */
#include "dwarf.h"
#include "internal.h"

static wi_dwsec custom(const wh_module *m, const char *name) {
  size_t n = strlen(name);
  for (uint32_t i = 0; i < m->ncustoms; i++)
    if (m->customs[i].name.len == n && memcmp(m->customs[i].name.ptr, name, n) == 0)
      return (wi_dwsec){ m->customs[i].data, m->customs[i].len };
  return (wi_dwsec){ NULL, 0 };
}

static wi_dwarf *dwarf_of(wh_module *m) {
  wi_dwarf *d = atomic_load_explicit(&m->dwarf, memory_order_acquire);
  if (d) return d;
  wi_dwsecs s = {
    custom(m, ".debug_info"), custom(m, ".debug_abbrev"), custom(m, ".debug_line"),
    custom(m, ".debug_str"), custom(m, ".debug_line_str"), custom(m, ".debug_str_offsets"),
    custom(m, ".debug_addr"), custom(m, ".debug_ranges"), custom(m, ".debug_rnglists"),
  };
  d = wi_dwarf_parse(&s);
  if (!d) return NULL;
  wi_dwarf *expected = NULL;
  if (!atomic_compare_exchange_strong_explicit(&m->dwarf, &expected, d, memory_order_acq_rel,
                                               memory_order_acquire)) {
    wi_dwarf_free(d);
    d = expected;
  }
  return d;
}

int wh_module_source_lines(wh_module *m, uint32_t code_offset, wh_source_loc *out, int max) {
  if (!m || !out || code_offset == UINT32_MAX) return 0;
  wi_dwarf *d = dwarf_of(m);
  return d && d->usable ? wi_dwarf_lookup(d, code_offset, out, max) : 0;
}

int wh_module_debug_info(wh_module *m, const char **problem) {
  wi_dwarf *d = m ? dwarf_of(m) : NULL;
  if (problem) *problem = d ? wi_dwarf_problem(d) : NULL;
  return d && d->usable;
}

void wi_module_free_dwarf(wh_module *m) { wi_dwarf_free(atomic_load(&m->dwarf)); }

const uint8_t *wh_module_bytes(const wh_module *m, size_t *len) {
  if (len) *len = m ? m->len : 0;
  return m ? m->bytes : NULL;
}
