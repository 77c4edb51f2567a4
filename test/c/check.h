/* What the C test programs here share: CHECK lines for test/c/checks.js
 * and reading a module file. */
#ifndef WI_TEST_CHECK_H
#define WI_TEST_CHECK_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(name, got, want) printf("CHECK %s %lld %lld\n", name, (long long)(got), (long long)(want))

/* The whole file, malloc'd, or NULL. */
static inline uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc(*len);
  if (b && fread(b, 1, *len, f) != *len) { free(b); b = NULL; }
  fclose(f);
  return b;
}
#endif
