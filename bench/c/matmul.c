// Dense loops over linear memory: loads, stores, f64 arithmetic.
#include <stdio.h>
#include <stdlib.h>

#define N 200
static double a[N][N], b[N][N], c[N][N];

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 10;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) { a[i][j] = i + j; b[i][j] = i - j; }
  double s = 0;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        double t = 0;
        for (int k = 0; k < N; k++) t += a[i][k] * b[k][j];
        c[i][j] = t + r;
      }
    s += c[r % N][(r * 7) % N];
  }
  printf("matmul %dx%d reps=%d sum=%.1f\n", N, N, reps, s);
  return 0;
}
