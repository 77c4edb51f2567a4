/* libFuzzer target: random function bodies.  The input is the body of one
 * function (locals and code) inside a fixed module that gives it things to
 * use: three function types, a memory, a funcref table, globals of every
 * type, a data and an element segment, and a second function to call.  The
 * fuzzer then spends its time on instructions and their typing instead of
 * on section layout.  Checks: wh_module_validate and wh_module_new agree
 * on every body (one validator, two entry points), and a body that
 * validates runs (translated eagerly by its call) under the fuzz limits
 * without a sanitizer report.  (Issue 13: the validator in unreachable
 * code; a differential check against V8 lives in fuzz/diff-v8.js.) */
#include "fuzz_common.h"

#include <stdio.h>

/* LEB128 of n into p; returns its length. */
static size_t leb(uint8_t *p, uint32_t n) {
  size_t k = 0;
  do {
    uint8_t b = n & 0x7f;
    n >>= 7;
    p[k++] = b | (n ? 0x80 : 0);
  } while (n);
  return k;
}

static const uint8_t head[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  /* types: 0 () -> (), 1 (i32 i64 f32 f64) -> i32, 2 (i32) -> (i32 i64) */
  0x01, 0x12, 0x03,
  0x60, 0x00, 0x00,
  0x60, 0x04, 0x7f, 0x7e, 0x7d, 0x7c, 0x01, 0x7f,
  0x60, 0x01, 0x7f, 0x02, 0x7f, 0x7e,
  /* functions: 0 of type 1 (the fuzzed body), 1 of type 0 */
  0x03, 0x03, 0x02, 0x01, 0x00,
  /* table 4 funcref, externref table 2 */
  0x04, 0x07, 0x02, 0x70, 0x00, 0x04, 0x6f, 0x00, 0x02,
  /* memory 1 max 2 */
  0x05, 0x04, 0x01, 0x01, 0x01, 0x02,
  /* globals: mut i32 0, i64 0, mut f32 0, f64 0 */
  0x06, 0x1f, 0x04,
  0x7f, 0x01, 0x41, 0x00, 0x0b,
  0x7e, 0x00, 0x42, 0x00, 0x0b,
  0x7d, 0x01, 0x43, 0x00, 0x00, 0x00, 0x00, 0x0b,
  0x7c, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
  /* export "f" = func 0 */
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
  /* elem: active table 0 at 0: [0, 1] */
  0x09, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x01,
  /* datacount 1 */
  0x0c, 0x01, 0x01,
};
/* after the fuzzed body: the second function's (no locals, end), then a
 * data section with one empty active segment at 8 */
static const uint8_t body1[] = {0x02, 0x00, 0x0b};
static const uint8_t data_section[] = {0x0b, 0x06, 0x01, 0x00, 0x41, 0x08, 0x0b, 0x00};

/* Bodies that validated so far, for a driver that reports counts. */
long fuzz_body_valid;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return -1;
  uint8_t lens[2][8];
  size_t l0 = leb(lens[0], (uint32_t)size);             /* body 0 size */
  uint32_t code_size = (uint32_t)(1 + l0 + size + sizeof body1); /* count, bodies */
  size_t l1 = leb(lens[1], code_size);
  size_t n = sizeof head + 1 + l1 + code_size + sizeof data_section;
  uint8_t *m = malloc(n);
  if (!m) return -1;
  size_t k = 0;
  memcpy(m + k, head, sizeof head), k += sizeof head;
  m[k++] = 0x0a;
  memcpy(m + k, lens[1], l1), k += l1;
  m[k++] = 0x02;
  memcpy(m + k, lens[0], l0), k += l0;
  memcpy(m + k, data, size), k += size;
  memcpy(m + k, body1, sizeof body1), k += sizeof body1;
  memcpy(m + k, data_section, sizeof data_section), k += sizeof data_section;

  wh_error err;
  int valid = wh_module_validate(m, k, &err) == WH_OK;
  wh_module *mod = wh_module_new(m, k, &err);
  if (valid != (mod != NULL)) {
    fprintf(stderr, "wh_module_validate says %s, wh_module_new %s: %s\n",
            valid ? "valid" : "invalid", mod ? "compiled" : "refused", err.message);
    abort();
  }
  if (mod) {
    fuzz_body_valid++;
    wh_instance *inst = wh_instance_new(mod, NULL, 0, &fuzz_limits, &err);
    if (inst) {
      wh_extern e;
      if (wh_instance_export(inst, "f", 1, &e) == 0) touch_export(inst, &e);
      wh_instance_unref(inst);
    }
    wh_module_unref(mod);
  }
  free(m);
  return 0;
}
