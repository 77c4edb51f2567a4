/* A small plugin of the kind a tooling server instantiates per tenant:
 * the host writes text into its 4 KiB buffer and calls `process`, which
 * tokenizes it and returns a digest of word counts.  It exists to be
 * instantiated many times (bench/instances.js), not to be fast. */
#include <stdint.h>

#define BUF 4096
static unsigned char buffer[BUF];
static uint32_t crc_table[256];
static uint32_t counts[64];

__attribute__((export_name("buffer"))) unsigned char *get_buffer(void) { return buffer; }

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc(const unsigned char *p, uint32_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

static int is_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

__attribute__((export_name("process"))) uint32_t process(uint32_t len) {
  if (len > BUF) len = BUF;
  if (!crc_table[1]) crc_init();
  uint32_t words = 0, digest = 0;
  for (uint32_t i = 0; i < len;) {
    while (i < len && !is_word(buffer[i])) i++;
    uint32_t s = i;
    while (i < len && is_word(buffer[i])) i++;
    if (i > s) {
      uint32_t h = crc(buffer + s, i - s);
      counts[h & 63]++;
      digest ^= h + words++;
    }
  }
  return digest ^ words;
}
