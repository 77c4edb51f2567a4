// Branchy integer loops over a byte array.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char flags[1 << 20];

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 10;
  int count = 0;
  for (int r = 0; r < reps; r++) {
    count = 0;
    memset(flags, 1, sizeof flags);
    for (int i = 2; i < (1 << 20); i++)
      if (flags[i]) { count++; for (int k = i + i; k < (1 << 20); k += i) flags[k] = 0; }
  }
  printf("sieve reps=%d primes<2^20=%d\n", reps, count);
  return 0;
}
