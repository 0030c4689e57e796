// Build: OB=java/native/target/openblas/org/bytedeco/openblas/linux-x86_64; gcc -O2 -o /tmp/lapack_2stage
// benchmarks/probes/lapack_2stage.c $OB/libopenblas.so.0 -Wl,-rpath,$OB
// Usage: lapack_2stage N
// Issue 16, step 0: eigenvalues only of one random symmetric N x N matrix by LAPACK's dsyevd_2stage (JOBZ = 'N':
// dense to band, bulge chasing, dsterf) against one-stage dsyevd, twice each; prints seconds and max |w1 - w2|.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
extern void dsyevd_2stage_(const char*, const char*, const int*, double*, const int*, double*, double*, const int*, int*, const int*, int*, size_t, size_t);
extern void dsyevd_(const char*, const char*, const int*, double*, const int*, double*, double*, const int*, int*, const int*, int*, size_t, size_t);
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
int main(int argc, char** argv) {
  int n=atoi(argv[1]); size_t nn=(size_t)n*n;
  double*a0=malloc(nn*8),*a=malloc(nn*8),*w=malloc(n*8),*w2=malloc(n*8);
  srand(1); for(int i=0;i<n;i++)for(int j=0;j<=i;j++){double x=(double)rand()/RAND_MAX-0.5;a0[i*(size_t)n+j]=a0[j*(size_t)n+i]=x;}
  for(int rep=0;rep<2;rep++){
  int lwork=-1,liwork=-1,info; double q; int iq;
  memcpy(a,a0,nn*8);
  dsyevd_2stage_("N","L",&n,a,&n,w,&q,&lwork,&iq,&liwork,&info,1,1);
  lwork=(int)q; liwork=iq; double*work=malloc((size_t)lwork*8); int*iwork=malloc((size_t)liwork*4);
  double t0=now(); dsyevd_2stage_("N","L",&n,a,&n,w,work,&lwork,iwork,&liwork,&info,1,1); double t1=now();
  printf("n=%d 2stage values %.3f s info %d lwork %d\n",n,t1-t0,info,lwork);
  free(work);free(iwork);
  memcpy(a,a0,nn*8); lwork=-1;liwork=-1;
  dsyevd_("N","L",&n,a,&n,w2,&q,&lwork,&iq,&liwork,&info,1,1);
  lwork=(int)q; liwork=iq; work=malloc((size_t)lwork*8); iwork=malloc((size_t)liwork*4);
  t0=now(); dsyevd_("N","L",&n,a,&n,w2,work,&lwork,iwork,&liwork,&info,1,1); t1=now();
  double d=0; for(int i=0;i<n;i++){double e=w[i]-w2[i]; if(e<0)e=-e; if(e>d)d=e;}
  printf("n=%d syevd values %.3f s, max|dw| %.2e\n",n,t1-t0,d);
  free(work);free(iwork);}
  return 0;}
