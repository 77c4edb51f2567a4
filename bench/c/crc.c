// Byte loop with table lookups and shifts (CRC-32), plus FNV-1a: typical
// checksum/hash code.
#include <stdio.h>
#include <stdlib.h>

static unsigned table[256];
static unsigned char buf[1 << 16];

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 100;
  for (unsigned i = 0; i < 256; i++) {
    unsigned c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 31 + 7);
  unsigned crc = 0;
  unsigned long long fnv = 1469598103934665603ull;
  for (int r = 0; r < reps; r++) {
    crc = ~crc;
    for (unsigned i = 0; i < sizeof buf; i++) crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    crc = ~crc;
    for (unsigned i = 0; i < sizeof buf; i++) fnv = (fnv ^ buf[i]) * 1099511628211ull;
    buf[r & 0xffff] ^= (unsigned char)crc;
  }
  printf("crc reps=%d crc32=%08x fnv=%016llx\n", reps, crc, fnv);
  return 0;
}
