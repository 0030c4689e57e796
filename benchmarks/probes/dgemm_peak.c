// Build: OB=java/native/target/openblas/org/bytedeco/openblas/linux-x86_64; gcc -O2 -o /tmp/dgemm_peak
// benchmarks/probes/dgemm_peak.c -I$OB/include $OB/libopenblas.so.0 -Wl,-rpath,$OB -lpthread
// Usage: dgemm_peak M N K [repeats [f64|f32]]  (C = -A B^T, A M x K, B N x K; the score product is 900 1617 6570;
// issue 16's rate R: `dgemm_peak 4096 4096 4096 5 f64` and `... f32`, 2 OpenBLAS threads, as run-eigh-large.sh runs it)
// GEMM peak probe: best-of-R GFLOP/s of cblas_dgemm (or cblas_sgemm with f32) on 1 and 2 OpenBLAS threads, and 2
// pthreads each running half the rows on a single-threaded OpenBLAS (our library's "tiles" mode). After each human
// line, one machine-readable line: GEMM_RATE {"dtype":..,"m":..,"n":..,"k":..,"mode":..,"threads":..,"seconds":..,"gflops":..}
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cblas.h>
extern void openblas_set_num_threads(int);
extern char* openblas_get_corename(void);
extern char* openblas_get_config(void);
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int single;  // 1: f32 (sgemm), 0: f64 (dgemm)
typedef struct { int m, n, k; const void *a, *b; void *c; } job;
static void* run(void* p) {
  job* j = p;
  if (single) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->m, j->n, j->k, -1.0f, j->a, j->k, j->b, j->k, 0.0f, j->c, j->n);
  else cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->m, j->n, j->k, -1.0, j->a, j->k, j->b, j->k, 0.0, j->c, j->n);
  return NULL;
}
static void* random_matrix(long count, size_t s) {
  char* x = malloc(s * count);
  for (long i = 0; i < count; i++) {
    double v = (double) rand() / RAND_MAX - 0.5;
    if (s == sizeof(float)) ((float*) x)[i] = (float) v; else ((double*) x)[i] = v;
  }
  return x;
}
int main(int argc, char** argv) {
  if (argc < 4) { fprintf(stderr, "usage: dgemm_peak M N K [repeats [f64|f32]]\n"); return 2; }
  int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]), reps = argc > 4 ? atoi(argv[4]) : 5;
  single = argc > 5 && strcmp(argv[5], "f32") == 0;
  size_t s = single ? sizeof(float) : sizeof(double);
  char* a = random_matrix((long) m * k, s); char* b = random_matrix((long) n * k, s); char* c = malloc(s * m * n);
  double flops = 2.0 * m * n * k;
  const char* names[3] = {"1 thread", "2 OpenBLAS threads", "2 pthreads x 1 thread"};
  printf("core %s | %s\n", openblas_get_corename(), openblas_get_config());
  for (int mode = 0; mode < 3; mode++) {
    double best = 1e300;
    for (int r = 0; r <= reps; r++) {
      double t0 = now();
      if (mode < 2) { openblas_set_num_threads(mode + 1); job j = {m, n, k, a, b, c}; run(&j); }
      else {
        openblas_set_num_threads(1);
        int h = m / 2; job j0 = {h, n, k, a, b, c}, j1 = {m - h, n, k, a + (long) h * k * s, b, c + (long) h * n * s};
        pthread_t t; pthread_create(&t, NULL, run, &j1); run(&j0); pthread_join(t, NULL);
      }
      double sec = now() - t0; if (r > 0 && sec < best) best = sec;
    }
    printf("%dx%dx%d %s %-22s best %.4f s  %.1f GFLOP/s\n", m, n, k, single ? "sgemm" : "dgemm", names[mode], best, flops / best / 1e9);
    printf("GEMM_RATE {\"dtype\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,\"mode\":\"%s\",\"threads\":%d,\"repeats\":%d,\"seconds\":%.6f,\"gflops\":%.2f}\n",
           single ? "f32" : "f64", m, n, k, names[mode], mode == 0 ? 1 : 2, reps, best, flops / best / 1e9);
    fflush(stdout);
  }
  return 0;
}
