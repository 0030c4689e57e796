// Build: OB=java/native/target/openblas/org/bytedeco/openblas/linux-x86_64; gcc -O2 -o /tmp/lapack_2stage_parts
// benchmarks/probes/lapack_2stage_parts.c $OB/libopenblas.so.0 -Wl,-rpath,$OB
// Usage: lapack_2stage_parts N KD
// Issue 16, step 0: the stages of LAPACK's two-stage values path timed one by one on a random symmetric N x N
// matrix: dsytrd_sy2sb (dense to band KD, BLAS-3; GFLOP/s on 4/3 N^3), dsytrd_sb2st (bulge chasing, values only)
// and dsterf (tridiagonal eigenvalues). The two stage routines are exported by OpenBLAS but not declared in its
// lapack.h, hence the prototypes here (Fortran hidden string lengths last).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
extern void dsytrd_sy2sb_(const char*, const int*, const int*, double*, const int*, double*, const int*, double*, double*, const int*, int*, size_t);
extern void dsytrd_sb2st_(const char*, const char*, const char*, const int*, const int*, double*, const int*, double*, double*, double*, const int*, double*, const int*, int*, size_t, size_t, size_t);
extern void dsterf_(const int*, double*, double*, int*);
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
int main(int argc, char** argv) {
  int n = atoi(argv[1]), kd = atoi(argv[2]); size_t nn = (size_t)n * n;
  double *a = malloc(nn * 8);
  srand(1); for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) { double x = (double)rand() / RAND_MAX - 0.5; a[i*(size_t)n+j] = a[j*(size_t)n+i] = x; }
  int ldab = kd + 1, info, lwork = -1; double q;
  double *ab = malloc((size_t)ldab * n * 8), *tau = malloc(n * 8);
  dsytrd_sy2sb_("L", &n, &kd, a, &n, ab, &ldab, tau, &q, &lwork, &info, 1);
  lwork = (int)q; double *work = malloc((size_t)lwork * 8);
  double t0 = now(); dsytrd_sy2sb_("L", &n, &kd, a, &n, ab, &ldab, tau, work, &lwork, &info, 1); double t1 = now();
  double *d = malloc(n * 8), *e = malloc(n * 8); int lhous = -1, lw2 = -1; double qh, qw;
  dsytrd_sb2st_("N", "N", "L", &n, &kd, ab, &ldab, d, e, &qh, &lhous, &qw, &lw2, &info, 1, 1, 1);
  lhous = (int)qh; lw2 = (int)qw; double *hous = malloc((size_t)lhous * 8), *w2 = malloc((size_t)lw2 * 8);
  double t2 = now(); dsytrd_sb2st_("N", "N", "L", &n, &kd, ab, &ldab, d, e, hous, &lhous, w2, &lw2, &info, 1, 1, 1); double t3 = now();
  dsterf_(&n, d, e, &info); double t4 = now();
  printf("n=%d kd=%d sy2sb %.3f s (%.1f GFLOP/s on 4/3 n^3), sb2st %.3f s, sterf %.3f s, total %.3f s, info %d\n", n, kd,
         t1 - t0, 4.0 / 3 * n * (double)n * n / (t1 - t0) / 1e9, t3 - t2, t4 - t3, (t1 - t0) + (t4 - t2), info);
  return 0;
}
