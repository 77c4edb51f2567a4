/* The plugin of examples/plugin-host/host.js: strings in, strings out
 * through the bytes ABI of Instance.callBytes -- the host writes the input
 * into memory it got from our malloc, calls f(ptr, len), and reads back the
 * (ptr << 32 | len) we return, then frees both buffers with our free.
 *
 * Built by build.sh beside it (clang --target=wasm32-wasi, a reactor: no
 * main, malloc and free exported); plugin.wasm is committed so that the
 * example runs without a compiler. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HOST(name) __attribute__((import_module("host"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

/* Copies the value of key into out (at most cap bytes); returns its length
 * or -1.  On the host it is an async function (a database, a fetch): the
 * guest simply waits for it, the host's event loop does not. */
HOST("lookup") int32_t host_lookup(const char *key, int32_t key_len, char *out, int32_t cap);

static uint64_t result(const char *p, size_t n) {
  return ((uint64_t)(uintptr_t)p << 32) | (uint32_t)n;
}

static uint64_t fail(void) { return 0; /* an empty result */ }

EXPORT("upper") uint64_t upper(const char *in, int32_t len) {
  char *out = malloc(len > 0 ? (size_t)len : 1);
  if (!out) return fail();
  for (int32_t i = 0; i < len; i++) out[i] = (char)toupper((unsigned char)in[i]);
  return result(out, (size_t)len);
}

/* "<greeting>, <name>!" with the greeting from the host's async lookup. */
EXPORT("greet") uint64_t greet(const char *name, int32_t len) {
  static const char key[] = "greeting";
  char greeting[64];
  int32_t n = host_lookup(key, sizeof key - 1, greeting, sizeof greeting);
  if (n < 0 || n > (int32_t)sizeof greeting) n = 0;
  size_t total = (size_t)n + 2 + (size_t)len + 1;
  char *out = malloc(total);
  if (!out) return fail();
  memcpy(out, greeting, (size_t)n);
  memcpy(out + n, ", ", 2);
  memcpy(out + n + 2, name, (size_t)len);
  out[total - 1] = '!';
  return result(out, total);
}

/* A plugin with a bug: it never returns.  The host's timeout stops it. */
EXPORT("spin") uint64_t spin(const char *in, int32_t len) {
  volatile uint32_t x = (uint32_t)len;
  (void)in;
  for (;;) x = x * 1664525u + 1013904223u;
}

/* A plugin with another bug: a wild pointer, far beyond its memory. */
EXPORT("crash") uint64_t crash(const char *in, int32_t len) {
  volatile char *wild = (volatile char *)(uintptr_t)0xfffffff0u;
  (void)in;
  *wild = (char)len;
  return fail();
}

/* A greedy plugin: allocates 1 MiB blocks until malloc says no (the host's
 * maxMemory caps it), and reports how many it got. */
EXPORT("hog") uint64_t hog(const char *in, int32_t len) {
  (void)in;
  (void)len;
  uint32_t blocks = 0;
  /* Each block links to the previous one: allocations whose results are
   * never used may be dropped by the compiler. */
  void **last = NULL, **block;
  while ((block = malloc(1 << 20))) {
    *block = last;
    last = block;
    blocks++;
  }
  char *out = malloc(16);
  if (!out) return fail();
  int n = 0;
  char digits[10];
  do digits[n++] = (char)('0' + blocks % 10); while ((blocks /= 10) && n < 10);
  for (int i = 0; i < n; i++) out[i] = digits[n - 1 - i];
  return result(out, (size_t)n);
}
