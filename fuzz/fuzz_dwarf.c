/* libFuzzer target for the DWARF reader (src/engine/dwarf.c): the input is
 * cut into the nine sections it reads (a 2-byte length before each), then
 * parsed and looked up at many addresses.  Any crash, leak or sanitizer
 * report is a bug: malformed DWARF must only be skipped. */
#include <stdint.h>
#include <string.h>

#include "engine/dwarf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wi_dwsec secs[9];
  memset(secs, 0, sizeof secs);
  size_t p = 0;
  for (int i = 0; i < 9 && p + 2 <= size; i++) {
    size_t n = (size_t)data[p] | (size_t)data[p + 1] << 8;
    p += 2;
    if (n > size - p) n = size - p;
    secs[i] = (wi_dwsec){ data + p, n };
    p += n;
  }
  wi_dwsecs s = { secs[0], secs[1], secs[2], secs[3], secs[4], secs[5], secs[6], secs[7], secs[8] };
  wi_dwarf *d = wi_dwarf_parse(&s);
  if (!d) return 0;
  wh_source_loc out[8];
  for (uint32_t a = 0; a < 512; a += 3) wi_dwarf_lookup(d, a, out, 8);
  wi_dwarf_lookup(d, 0xffffffffu, out, 8);
  (void)wi_dwarf_problem(d);
  wi_dwarf_free(d);
  return 0;
}
