/* The floor under any WASI fd_write: one write(2) of 1 byte to /dev/null,
 * from C.  Prints the median over REPS of ns per call over CALLS calls. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  long calls = argc > 1 ? atol(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  if (reps < 1 || reps > 100 || calls < 1) return 2;
  int fd = open("/dev/null", O_WRONLY);
  if (fd < 0) return 1;
  double samples[100];
  char c = 'x';
  for (int r = 0; r < reps; r++) {
    double t0 = now_ns();
    for (long i = 0; i < calls; i++)
      if (write(fd, &c, 1) != 1) return 1;
    samples[r] = (now_ns() - t0) / calls;
  }
  qsort(samples, reps, sizeof samples[0], cmp);
  printf("{\"fdWriteDevNull\":%.1f}\n", samples[reps / 2]);
  return 0;
}
