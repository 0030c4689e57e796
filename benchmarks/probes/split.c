// Build as dgemm_peak.c. Usage: split M N K repeats. Prints wall and process CPU time per layout.
// C = -X Y^T, X m x k, Y n x k (row-major): 1 thread whole; tiles of rows of C or of columns of C over 2 pthreads
// (each a single-threaded OpenBLAS call, tiles handed out in order). Prints best-of-R wall and GFLOP/s.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
static double cpu(void){struct rusage u;getrusage(RUSAGE_SELF,&u);return u.ru_utime.tv_sec+u.ru_stime.tv_sec+1e-6*(u.ru_utime.tv_usec+u.ru_stime.tv_usec);}
#include <cblas.h>
extern void openblas_set_num_threads(int);
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int M, N, K, T, BYCOL; static double *X, *Y, *C; static atomic_int next;
static void* worker(void* unused) {
  for (;;) {
    int t = atomic_fetch_add(&next, 1); if (t >= T) return NULL;
    if (!BYCOL) { int r0 = (long) M * t / T, r1 = (long) M * (t + 1) / T;
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, r1 - r0, N, K, -1.0, X + (long) r0 * K, K, Y, K, 0.0, C + (long) r0 * N, N);
    } else { int c0 = (long) N * t / T, c1 = (long) N * (t + 1) / T;
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, c1 - c0, K, -1.0, X, K, Y + (long) c0 * K, K, 0.0, C + c0, N);
    }
  }
}
int main(int argc, char** argv) {
  M = atoi(argv[1]); N = atoi(argv[2]); K = atoi(argv[3]); int reps = atoi(argv[4]);
  X = malloc(8L * M * K); Y = malloc(8L * N * K); C = malloc(8L * M * N);
  for (long i = 0; i < (long) M * K; i++) X[i] = rand() / (double) RAND_MAX;
  for (long i = 0; i < (long) N * K; i++) Y[i] = rand() / (double) RAND_MAX;
  openblas_set_num_threads(1);
  int configs[][3] = {{1, 1, 0}, {2, 2, 0}, {2, 4, 0}, {2, 8, 0}, {2, 2, 1}, {2, 4, 1}, {2, 8, 1}};
  for (int c = 0; c < 7; c++) {
    int threads = configs[c][0]; T = configs[c][1]; BYCOL = configs[c][2]; double best = 1e300, bestcpu = 1e300;
    for (int r = 0; r <= reps; r++) {
      atomic_store(&next, 0); double t0 = now(), c0 = cpu(); pthread_t th;
      if (threads == 2) pthread_create(&th, NULL, worker, NULL);
      worker(NULL); if (threads == 2) pthread_join(th, NULL);
      double s = now() - t0, cs = cpu() - c0; if (r > 0 && s < best) best = s; if (r > 0 && cs < bestcpu) bestcpu = cs;
    }
    printf("%dx%dx%d threads %d tiles %d by %s: wall %.4f s %.1f GFLOP/s, cpu %.4f s %.1f GFLOP/cpu-s\n", M, N, K, threads, T, BYCOL ? "cols" : "rows", best, 2.0 * M * N * K / best / 1e9, bestcpu, 2.0*M*N*K/bestcpu/1e9);
  }
}
