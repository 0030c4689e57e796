// Build as dgemm_peak.c. Usage: syrk ROWS COLS: alpha X^T X of a tall X by ?syrk, ?gemm, and ?syrk over 8 row chunks.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
extern void openblas_set_num_threads(int);
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
int main(int argc, char** argv) {
  int n = atoi(argv[1]), k = atoi(argv[2]), reps = 50;
  double* x = malloc(8L * n * k); double* f = malloc(8L * k * k);
  for (long i = 0; i < (long) n * k; i++) x[i] = rand() / (double) RAND_MAX;
  openblas_set_num_threads(1);
  for (int mode = 0; mode < 3; mode++) {
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
      double t0 = now();
      if (mode == 0) cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, k, n, 1.0 / n, x, k, 0.0, f, k);
      else if (mode == 1) cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, k, n, 1.0 / n, x, k, x, k, 0.0, f, k);
      else { // 8 chunks of rows, syrk each into f with beta 1
        int c = (n + 7) / 8; for (int i = 0; i < n; i += c) { int m = n - i < c ? n - i : c;
          cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, k, m, 1.0 / n, x + (long) i * k, k, i == 0 ? 0.0 : 1.0, f, k); } }
      double s = now() - t0; if (s < best) best = s;
    }
    printf("%d x %d %s: %.3f ms, %.1f GFLOP/s (n k^2 flops)\n", n, k, mode == 0 ? "syrk" : mode == 1 ? "gemm" : "syrk x8 chunks", best * 1e3, (double) n * k * k / best / 1e9);
  }
}
