// Branchy integer loops over a byte array.
static unsigned char flags[1 << 20];
__attribute__((export_name("run"))) int run(int reps) {
  int count = 0;
  for (int r = 0; r < reps; r++) {
    count = 0;
    for (int i = 0; i < (1 << 20); i++) flags[i] = 1;
    for (int i = 2; i < (1 << 20); i++)
      if (flags[i]) { count++; for (int k = i + i; k < (1 << 20); k += i) flags[k] = 0; }
  }
  return count;
}
