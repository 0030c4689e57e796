// Build: OB=java/native/target/openblas/org/bytedeco/openblas/linux-x86_64; gcc -O2 -o /tmp/dgemm_peak
// benchmarks/probes/dgemm_peak.c -I$OB/include $OB/libopenblas.so.0 -Wl,-rpath,$OB -lpthread
// Usage: dgemm_peak M N K [repeats]  (C = -A B^T, A M x K, B N x K; the score product is 900 1617 6570)
// dgemm peak probe: best-of-R GFLOP/s of cblas_dgemm on 1 and 2 OpenBLAS threads, and 2 pthreads each running half
// the rows on a single-threaded OpenBLAS (our library's "tiles" mode).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
extern void openblas_set_num_threads(int);
extern char* openblas_get_corename(void);
extern char* openblas_get_config(void);
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
typedef struct { int m, n, k; const double *a, *b; double *c; } job;
static void* run(void* p) { job* j = p; cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->m, j->n, j->k, -1.0, j->a, j->k, j->b, j->k, 0.0, j->c, j->n); return NULL; }
int main(int argc, char** argv) {
  int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]), reps = argc > 4 ? atoi(argv[4]) : 5;
  double* a = malloc(sizeof(double) * m * k); double* b = malloc(sizeof(double) * n * k); double* c = malloc(sizeof(double) * m * n);
  for (long i = 0; i < (long) m * k; i++) a[i] = (double) rand() / RAND_MAX - 0.5;
  for (long i = 0; i < (long) n * k; i++) b[i] = (double) rand() / RAND_MAX - 0.5;
  double flops = 2.0 * m * n * k;
  printf("core %s | %s\n", openblas_get_corename(), openblas_get_config());
  for (int mode = 0; mode < 3; mode++) {
    double best = 1e300;
    for (int r = 0; r <= reps; r++) {
      double t0 = now();
      if (mode < 2) { openblas_set_num_threads(mode + 1); job j = {m, n, k, a, b, c}; run(&j); }
      else {
        openblas_set_num_threads(1);
        int h = m / 2; job j0 = {h, n, k, a, b, c}, j1 = {m - h, n, k, a + (long) h * k, b, c + (long) h * n};
        pthread_t t; pthread_create(&t, NULL, run, &j1); run(&j0); pthread_join(t, NULL);
      }
      double s = now() - t0; if (r > 0 && s < best) best = s;
    }
    printf("%dx%dx%d %-22s best %.4f s  %.1f GFLOP/s\n", m, n, k, mode == 0 ? "1 thread" : mode == 1 ? "2 OpenBLAS threads" : "2 pthreads x 1 thread", best, flops / best / 1e9);
  }
  return 0;
}
