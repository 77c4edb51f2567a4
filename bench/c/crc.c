// Byte loop with table lookups and shifts: typical checksum/hash code.
static unsigned table[256];
static unsigned char buf[1 << 16];
__attribute__((export_name("run"))) unsigned run(int reps) {
  for (unsigned i = 0; i < 256; i++) {
    unsigned c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 31 + 7);
  unsigned crc = 0;
  for (int r = 0; r < reps; r++) {
    crc = ~crc;
    for (unsigned i = 0; i < sizeof buf; i++) crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    crc = ~crc;
  }
  return crc;
}
