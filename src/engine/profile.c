/* Instruction-frequency profiling for the counting build (-DWI_PROFILE):
 * counts each executed instruction and each adjacent pair, and writes the
 * top entries at exit to the file named by wh_config.profile_path. */
#ifdef WI_PROFILE
#include "internal.h"
#include "ir.h"

#include <stdio.h>

static uint64_t singles[IR_COUNT];
static uint64_t pairs[IR_COUNT][IR_COUNT];
static int prev = -1;
static const void *last_h[64];
static int last_op[64];
static int registered;

static void dump(void) {
  FILE *f = wi_cfg_open_profile();
  if (!f) return;
  uint64_t total = 0;
  for (int i = 0; i < IR_COUNT; i++) total += singles[i];
  fprintf(f, "# %llu instructions executed\n# singles\n", (unsigned long long)total);
  for (int n = 0; n < 60; n++) {
    int best = -1;
    for (int i = 0; i < IR_COUNT; i++)
      if (singles[i] && (best < 0 || singles[i] > singles[best])) best = i;
    if (best < 0) break;
    fprintf(f, "%6.2f%%  %s\n", 100.0 * singles[best] / total, wi_ir_name(best));
    singles[best] = 0;
  }
  fprintf(f, "# pairs\n");
  for (int n = 0; n < 80; n++) {
    int bi = -1, bj = -1;
    for (int i = 0; i < IR_COUNT; i++)
      for (int j = 0; j < IR_COUNT; j++)
        if (pairs[i][j] && (bi < 0 || pairs[i][j] > pairs[bi][bj])) { bi = i; bj = j; }
    if (bi < 0) break;
    fprintf(f, "%6.2f%%  %s -> %s\n", 100.0 * pairs[bi][bj] / total, wi_ir_name(bi), wi_ir_name(bj));
    pairs[bi][bj] = 0;
  }
  if (f != stderr) fclose(f);
}

void wi_profile_count(const void *h) {
  if (!registered) {
    registered = 1;
    atexit(dump);
  }
  unsigned slot = (unsigned)(((uintptr_t)h >> 4) & 63);
  int op;
  if (last_h[slot] == h) {
    op = last_op[slot];
  } else {
    op = wi_ir_op_of(h);
    last_h[slot] = h;
    last_op[slot] = op;
  }
  if (op < 0) return;
  singles[op]++;
  if (prev >= 0) pairs[prev][op]++;
  prev = op;
}
#endif
