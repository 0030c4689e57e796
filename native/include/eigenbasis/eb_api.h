/*
 * eigenbasis C ABI: the one header the JavaCPP glue binds.
 *
 * Conventions shared by every function here:
 *  - Matrices are dense, row-major, contiguous: a batch of B matrices of n x n is B*n*n scalars, matrix b at
 *    offset b*n*n. Eigenvectors are returned in the COLUMNS of V (A V = V diag(w)), as numpy.linalg.eigh does.
 *  - Symmetric inputs are read from the LOWER triangle only (a[i*n + j] with j <= i); the strict upper triangle is
 *    never read. Inputs are never written.
 *  - Eigenvalues are ascending. Each eigenvector column is orthonormal and carries the canonical sign: the first
 *    component (lowest row index) whose magnitude is at least (1 - sqrt(eps)) times the column's largest
 *    magnitude is positive (eps of the scalar type). Every backend applies this same rule.
 *  - The Java layer validates every argument before calling; the checks here are a second line of defence that
 *    returns EB_ERR_ARGUMENT instead of touching memory out of bounds.
 *  - Return value: a status code below. Per-matrix results go to info[b]: 0 = converged, k > 0 = the k-th
 *    eigenvalue (1-based) failed to converge; the outputs of a failed matrix are filled with NaN.
 */
#ifndef EIGENBASIS_EB_API_H
#define EIGENBASIS_EB_API_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes ---------------------------------------------------------------------------------------- */
#define EB_OK 0
#define EB_ERR_ARGUMENT (-1)       /* argument out of range (a bug above us: Java validates first)        */
#define EB_ERR_ALLOCATION (-2)     /* host or device memory could not be allocated                          */
#define EB_ERR_NOT_CONVERGED (-3)  /* at least one matrix failed to converge; see info[]                    */
#define EB_ERR_LAPACK (-4)         /* LAPACK reported an illegal argument (a bug)                            */
#define EB_ERR_NO_DEVICE (-10)     /* no usable CUDA device or driver                                        */
#define EB_ERR_CUDA (-11)          /* a CUDA runtime call failed; eb_cuda_last_error() tells which            */
#define EB_ERR_NOT_BUILT (-12)     /* this library was built without nvcc                                    */
#define EB_ERR_INTERNAL (-99)

/* ---- eigh algorithms ------------------------------------------------------------------------------------- */
#define EB_EIGH_AUTO 0        /* pick per size (the table in eigh.cpp, chosen by measurement)                */
#define EB_EIGH_JACOBI 1      /* our cyclic Jacobi (small n)                                                  */
#define EB_EIGH_TRIDIAG_QL 2  /* our Householder tridiagonalisation + implicit QL (small and medium n)        */
#define EB_EIGH_SYEVD 3       /* LAPACK ?syevd (divide and conquer)                                           */
#define EB_EIGH_SYEVR 4       /* LAPACK ?syevr (MRRR)                                                          */
#define EB_EIGH_CUSOLVER 5    /* cuda only, never passed here: names the cuSOLVER paths in reports            */
#define EB_EIGH_TWO_STAGE 6   /* dense -> band -> tridiagonal, divide and conquer, blocked back-transformations */
#define EB_EIGH_TRIDIAG_DC 7  /* ?sytrd, divide and conquer, our blocked back-transformation                    */

/** ABI version of this header; the Java binding refuses a library whose version differs. */
int32_t eb_abi_version(void);

/** A static, human-readable message for a status code. */
const char* eb_status_message(int32_t status);

/* ---- CPU backend ----------------------------------------------------------------------------------------- */

/** Sets the number of batch workers (0 = hardware concurrency). Returns the number in effect, or EB_ERR_ARGUMENT for a
 * count outside [0, 4096]. */
int32_t eb_cpu_set_threads(int32_t threads);

/** The number of batch workers in effect. */
int32_t eb_cpu_threads(void);

/**
 * Forces our own kernels onto their portable (x86-64-v3) paths where the CPU has AVX-512 (portable = 1), or lets
 * them dispatch on the CPU again (0; EB_CPU_AVX512=0 in the environment still forces the portable paths). The
 * kernels concerned: the f64 tridiagonal QL of eigh (n >= 48) and the resetting simulator (its em loops, trajectory
 * and lane paths, Philox refills and polar factors); OpenBLAS is not affected (OPENBLAS_CORETYPE). Each kernel call
 * reads the setting once at its start: set it before the first call (the Java binding does so on load, from
 * -Deigenbasis.cpu.portable). The resetting simulator's results are the same bits on both paths; eigh's may differ
 * in the last bits. Returns EB_OK, or EB_ERR_ARGUMENT for a value other than 0 or 1.
 */
int32_t eb_cpu_set_portable(int32_t portable);

/** 1 when the portable paths are forced (by eb_cpu_set_portable(1) or EB_CPU_AVX512=0), else 0. */
int32_t eb_cpu_portable(void);

/**
 * Writes "key=value" lines describing the CPU backend (OpenBLAS version and core type, threads, ISA the
 * kernels were compiled for, whether their AVX-512 paths are used or the portable ones forced) into buffer, NUL-terminated and truncated to capacity. Returns the length needed.
 */
int32_t eb_cpu_describe(char* buffer, int32_t capacity);

/**
 * Wall-clock seconds the last eb_cpu_eigh_* call on this thread spent inside the library (argument checks,
 * the batch and post-processing): the baseline for measuring the JNI and Java-side overhead of a call.
 */
double eb_cpu_last_call_seconds(void);

/**
 * Where the calling thread's last EB_EIGH_TWO_STAGE or EB_EIGH_TRIDIAG_DC matrix spent its time, for benchmarks:
 * writes min(capacity, 7) values to out -- band width (1 for TRIDIAG_DC), then seconds in the reduction, the bulge
 * chase, the tridiagonal solver, the T factors (with the transpose before them), the back-transformation products
 * and the sign pass (0 for stages not run) -- and returns 7, or EB_ERR_ARGUMENT for capacity < 0 or a null out.
 * Only calls whose matrices ran on the calling thread count: a batch of one, or fewer matrices than workers.
 */
int32_t eb_cpu_eigh_stages(double* out, int32_t capacity);

/** The algorithm EB_EIGH_AUTO resolves to for this size and scalar width (4 or 8 bytes). */
int32_t eb_cpu_eigh_choice(int32_t n, int32_t scalar_bytes, int32_t want_vectors);

/**
 * Batched symmetric eigendecomposition.
 * Reads a[batch*n*n] (lower triangles); writes w[batch*n] ascending, v[batch*n*n] (eigenvectors in columns; may
 * be NULL for eigenvalues only) and info[batch]. max_sweeps bounds our own iterations (Jacobi sweeps, or QL
 * iterations per eigenvalue); 0 means the default (30), LAPACK paths use LAPACK's own limits.
 * Returns EB_OK, EB_ERR_NOT_CONVERGED when any info[b] != 0, or an error code.
 */
int32_t eb_cpu_eigh_f64(const double* a, int64_t batch, int32_t n, double* w, double* v, int32_t* info,
                        int32_t algorithm, int32_t max_sweeps);
int32_t eb_cpu_eigh_f32(const float* a, int64_t batch, int32_t n, float* w, float* v, int32_t* info,
                        int32_t algorithm, int32_t max_sweeps);

/* ---- partial eigh: which eigenpairs eb_cpu_eigh_range_* selects -------------------------------------------- */
#define EB_RANGE_INDICES 1   /* ascending positions [lo, hi), 0-based, half-open (LAPACK RANGE = 'I')             */
#define EB_RANGE_INTERVAL 2  /* eigenvalues in the half-open (vl, vu] (LAPACK RANGE = 'V')                         */

/**
 * Batched partial symmetric eigendecomposition by LAPACK ?syevr (bisection and inverse iteration for a subset, MRRR
 * when the range is every position), one matrix per batch worker (one at a time with OpenBLAS threaded when
 * batch < workers and n >= 256). Reads a[batch*n*n] (lower triangles). range = EB_RANGE_INDICES selects positions
 * [lo, hi) (0 <= lo < hi <= n, m = hi - lo; vl, vu ignored); EB_RANGE_INTERVAL selects the eigenvalues in (vl, vu]
 * (finite vl < vu; for f32 both bounds are taken as the largest float not above them, which selects exactly the f32
 * eigenvalues in the double interval; 1 <= m <= n, or m = 0 when n = 0; lo, hi ignored). Writes, per matrix b:
 * w[b*m ..] the first min(found, m) selected eigenvalues ascending (the smallest), NaN after them; v[b*n*m ..] (may
 * be NULL for eigenvalues only) their eigenvectors in the columns of an n x m row-major matrix with the canonical
 * sign, NaN columns after them; count[b] = found, the number of eigenvalues selected (for an interval, possibly
 * more than m); info[b] = 0, or k > 0 when k eigenvectors failed to converge (outputs NaN, count 0). Cost: the
 * tridiagonal reduction (4/3 n^3) plus O(n m) for the tridiagonal pairs and 2 n^2 m for the back-transformation
 * (an interval's vectors: 2 n^2 found). Returns EB_OK, EB_ERR_NOT_CONVERGED when any info[b] != 0,
 * EB_ERR_ARGUMENT for a NULL pointer it needs, a negative or overflowing extent, an unknown range or bounds
 * outside those above, EB_ERR_ALLOCATION, or EB_ERR_LAPACK.
 */
int32_t eb_cpu_eigh_range_f64(const double* a, int64_t batch, int32_t n, int32_t range, int32_t lo, int32_t hi,
                              double vl, double vu, int32_t m, double* w, double* v, int32_t* count, int32_t* info);
int32_t eb_cpu_eigh_range_f32(const float* a, int64_t batch, int32_t n, int32_t range, int32_t lo, int32_t hi,
                              double vl, double vu, int32_t m, float* w, float* v, int32_t* count, int32_t* info);

/**
 * f(A) from an eigendecomposition: out[b] = V[b] diag(f[b]) V[b]^T for every b. Reads v[batch*n*n] (eigenvectors
 * in columns) and f[batch*n]; writes out[batch*n*n], exactly symmetric (lower triangle computed and mirrored).
 */
int32_t eb_cpu_spectral_reconstruct_f64(const double* v, const double* f, int64_t batch, int32_t n, double* out);
int32_t eb_cpu_spectral_reconstruct_f32(const float* v, const float* f, int64_t batch, int32_t n, float* out);

/**
 * f(A) X without forming f(A): out[b] = V[b] (f[b] .* (V[b]^T X[b])) for X[b] of n x m.
 * Reads v, f, x[batch*n*m]; writes out[batch*n*m]. Cost 4 n^2 m per matrix.
 */
int32_t eb_cpu_spectral_apply_f64(const double* v, const double* f, const double* x, int64_t batch, int32_t n,
                                  int32_t m, double* out);
int32_t eb_cpu_spectral_apply_f32(const float* v, const float* f, const float* x, int64_t batch, int32_t n,
                                  int32_t m, float* out);

/**
 * Warm-started eigenbasis refresh: steps times Q <- qr(A Q) (Householder QR with diag(R) >= 0), then
 * B = Q^T A Q. Reads a (lower triangles) and q[batch*n*n]; writes q_out[batch*n*n], rayleigh[batch*n] = diag(B)
 * and off_ratio[batch] = ||B - diag(B)||_F / ||B||_F (0 when B = 0). q_out may alias q.
 */
int32_t eb_cpu_refresh_f64(const double* a, const double* q, int64_t batch, int32_t n, int32_t steps,
                           double* q_out, double* rayleigh, double* off_ratio);
int32_t eb_cpu_refresh_f32(const float* a, const float* q, int64_t batch, int32_t n, int32_t steps, float* q_out,
                           float* rayleigh, float* off_ratio);

/* ---- Preconditioner kernels (CPU; PreconditionerKernel, docs/design-notes.md) ------------------------------ */

/**
 * Factor accumulation by ?syrk: for every b, factor[b] <- beta*factor[b] + alpha*X[b] X[b]^T when left != 0
 * (X is rows x cols, factor rows x rows), else beta*factor[b] + alpha*X[b]^T X[b] (factor cols x cols).
 * Reads x[batch*rows*cols] and the lower triangle of factor; writes the full factor, the upper triangle mirrored
 * from the lower (exactly symmetric). With beta == 0 the old factor is not read (NaN there does not propagate).
 * Products in the scalar type (f32 in f32). Cost batch*k^2*inner multiply-adds. Returns EB_OK, EB_ERR_ARGUMENT,
 * EB_ERR_ALLOCATION.
 */
int32_t eb_cpu_factor_accumulate_f64(const double* x, int64_t batch, int32_t rows, int32_t cols, int32_t left,
                                     double beta, double alpha, double* factor);
int32_t eb_cpu_factor_accumulate_f32(const float* x, int64_t batch, int32_t rows, int32_t cols, int32_t left,
                                     double beta, double alpha, float* factor);

/**
 * Two-sided rotation by ?gemm: out[b] = op(L[b]) G[b] op(R[b]), op(M) = M^T when its flag is set. l (batch*m*m) or
 * r (batch*n*n) may be NULL for the identity; g and out are batch*m*n. out must not alias g, l or r
 * (EB_ERR_ARGUMENT). Cost 2*batch*(m^2 n + m n^2) flops. Returns EB_OK, EB_ERR_ARGUMENT, EB_ERR_ALLOCATION.
 */
int32_t eb_cpu_rotate_f64(const double* l, int32_t transpose_l, const double* g, const double* r, int32_t transpose_r,
                          int64_t batch, int32_t m, int32_t n, double* out);
int32_t eb_cpu_rotate_f32(const float* l, int32_t transpose_l, const float* g, const float* r, int32_t transpose_r,
                          int64_t batch, int32_t m, int32_t n, float* out);

/**
 * The fused diagonal update, elementwise over count entries, in the order of ReferencePreconditioner.diagonalUpdate:
 * m <- beta1*m + (1 - beta1)*g (skipped when m is NULL: m = g), v <- beta2*v + gamma*g^2,
 * out = m / (v^exponent + eps) (exponent 0.5 by sqrt). Every entry is computed in double and rounded once when
 * stored (f32 too), without fused multiply-add: the java reference's bits for exponent 0.5. out may equal g; m and
 * v must alias nothing (EB_ERR_ARGUMENT). Returns EB_OK or EB_ERR_ARGUMENT.
 */
int32_t eb_cpu_diagonal_update_f64(const double* g, double* m, double* v, double* out, int64_t count, double beta1,
                                   double beta2, double gamma, double exponent, double eps);
int32_t eb_cpu_diagonal_update_f32(const float* g, float* m, float* v, float* out, int64_t count, double beta1,
                                   double beta2, double gamma, double exponent, double eps);

/* ---- Reset simulation (CPU) ------------------------------------------------------------------------------ */

/* Renewal laws (RenewalLaw.Kind codes) and their parameters, in RenewalLaw.parameters() order. */
#define EB_LAW_EXPONENTIAL 0  /* rate r                                                                      */
#define EB_LAW_DETERMINISTIC 1 /* period T                                                                   */
#define EB_LAW_GAMMA 2        /* shape k, scale theta                                                         */
#define EB_LAW_UNIFORM 3      /* a, b                                                                         */
#define EB_LAW_LOGNORMAL 4    /* mu, sigma                                                                    */
#define EB_LAW_WEIBULL 5      /* shape k, scale lambda                                                        */
#define EB_LAW_PARETO 6       /* x_m, alpha > 1                                                               */
#define EB_LAW_LOMAX 7        /* scale s, alpha > 1                                                           */
#define EB_LAW_EMPIRICAL 8    /* the observations t_1..t_n, sorted ascending                                 */

#define EB_SIM_EXACT 0        /* exact OU transitions between resets                                          */
#define EB_SIM_EULER 1        /* Euler-Maruyama at a fixed step                                               */

/** Number of doubles eb_cpu_reset_sim_f64 writes to sums: 6 d, plus 5 d^2 with covariance (0 for d < 1, and for d > 4096
 * with covariance, which no run takes). */
int64_t eb_cpu_reset_sim_sums_length(int32_t d, int32_t covariance);

/**
 * Monte Carlo of N = trajectories OU trajectories with renewal resets in H's eigenbasis, exactly as
 * docs/resetting-simulator.md specifies (bit-identical to the java reference, whatever eb_cpu_set_threads says).
 * Reads law_params[law_param_count], mu[d] (>= 0), target[d]; writes sums[eb_cpu_reset_sim_sums_length(d, cov)]
 * (layout: SimulationSums.java; every element is written) and *events (trajectory-events). Memory: O(d^2) per
 * worker and per sub-block, independent of N. Returns EB_OK, EB_ERR_ARGUMENT, EB_ERR_ALLOCATION.
 */
int32_t eb_cpu_reset_sim_f64(int32_t law_kind, const double* law_params, int32_t law_param_count,
                             const double* mu, const double* target, int32_t d, double sigma, double horizon,
                             int64_t trajectories, int64_t seed, int32_t scheme, double step, int32_t covariance,
                             double* sums, int64_t* events);

/**
 * Number of doubles of one packed sub-block in eb_cpu_reset_sim_range_f64's block_sums: 4 d (snapshot sum X,
 * sum X^2, time sum X, sum X^2), plus with covariance the lower triangles, row by row, of the five d x d sums
 * (5 d (d + 1) / 2); 0 for d < 1.
 */
int64_t eb_cpu_reset_sim_block_length(int32_t d, int32_t covariance);

/**
 * Number of non-empty sub-blocks (docs/resetting-simulator.md) among the trajectories [first, first + count) of a
 * run of `trajectories`; 0 when the range is empty or outside [0, trajectories).
 */
int64_t eb_cpu_reset_sim_range_blocks(int32_t d, int32_t covariance, int64_t trajectories, int64_t first,
                                      int64_t count);

/**
 * The trajectories [first, first + count) of the run eb_cpu_reset_sim_f64 would make with the same arguments, as
 * raw per-sub-block sums: the range must start and end on sub-block boundaries (chunks of 65536, each cut into P
 * sub-blocks; the run's end counts as one). Writes, for each non-empty sub-block in index order, its packed sums
 * (eb_cpu_reset_sim_block_length doubles) to block_sums[block_capacity * block length], the pilot centres
 * (snapshot c, time c; zeros without covariance) to centres[2 d], the sub-block count to *blocks and the
 * trajectory-events to *events. Adding the blocks of consecutive ranges, in order, to zeroed totals gives
 * eb_cpu_reset_sim_f64's sums bit for bit. Covariance runs repeat the pilot pass (one sub-block, means only).
 * Returns EB_OK, EB_ERR_ARGUMENT (also for a misaligned range or too small a capacity), EB_ERR_ALLOCATION.
 */
int32_t eb_cpu_reset_sim_range_f64(int32_t law_kind, const double* law_params, int32_t law_param_count,
                                   const double* mu, const double* target, int32_t d, double sigma, double horizon,
                                   int64_t trajectories, int64_t seed, int32_t scheme, double step,
                                   int32_t covariance, int64_t first, int64_t count, double* block_sums,
                                   int64_t block_capacity, double* centres, int64_t* blocks, int64_t* events);

/* ---- CUDA backend (libeigenbasis_cuda) ------------------------------------------------------------------- */

/** ABI version of the CUDA library; equals eb_abi_version() when both come from one build. */
int32_t eb_cuda_abi_version(void);

/**
 * Probes the CUDA runtime. Writes the number of devices to *count and returns EB_OK, or returns EB_ERR_NO_DEVICE
 * / EB_ERR_NOT_BUILT with the reason written to message (NUL-terminated, truncated to capacity).
 */
int32_t eb_cuda_probe(int32_t* count, char* message, int32_t capacity);

/** Writes "key=value" lines about device 0 (name, compute capability, memory, runtime and driver versions). */
int32_t eb_cuda_describe(char* buffer, int32_t capacity);

/** The message of the last CUDA error seen on this thread (static storage, never NULL). */
const char* eb_cuda_last_error(void);

/** Largest n our batched Jacobi kernel accepts (the matrix and vectors must fit in one block's shared memory). */
int32_t eb_cuda_jacobi_max_n(int32_t scalar_bytes);

/**
 * Our batched Jacobi eigensolver on DEVICE memory: one thread block per matrix, the matrix held in shared memory.
 * Reads d_a[batch*n*n] (lower triangles); writes d_w[batch*n] ascending, d_v[batch*n*n] (eigenvectors in columns,
 * canonical signs) and d_info[batch]. All pointers are device pointers. Runs on the default stream and
 * synchronises before returning.
 */
int32_t eb_cuda_jacobi_eigh_f64(const double* d_a, int64_t batch, int32_t n, double* d_w, double* d_v,
                                int32_t* d_info, int32_t max_sweeps);
int32_t eb_cuda_jacobi_eigh_f32(const float* d_a, int64_t batch, int32_t n, float* d_w, float* d_v,
                                int32_t* d_info, int32_t max_sweeps);

/**
 * Post-processing for cuSOLVER results on DEVICE memory: reads d_src, cuSOLVER's column-major eigenvectors
 * (batch blocks of n x n), and writes d_dst in our layout (row-major, eigenvectors in columns, canonical signs);
 * d_dst may be NULL when only eigenvalues were computed. Matrices with d_info[b] != 0 get NaN in d_w and d_dst.
 * batch is at most 65535 per call.
 */
int32_t eb_cuda_finish_columns_f64(const double* d_src, double* d_dst, double* d_w, const int32_t* d_info,
                                   int64_t batch, int32_t n);
int32_t eb_cuda_finish_columns_f32(const float* d_src, float* d_dst, float* d_w, const int32_t* d_info,
                                   int64_t batch, int32_t n);

/** Device memory helpers on our own runtime instance (pointers are valid for cuSOLVER: one primary context). */
int32_t eb_cuda_malloc(int64_t bytes, void** d_ptr);
int32_t eb_cuda_free(void* d_ptr);
int32_t eb_cuda_copy_to_device(void* d_dst, const void* h_src, int64_t bytes);
int32_t eb_cuda_copy_to_host(void* h_dst, const void* d_src, int64_t bytes);
int32_t eb_cuda_copy_on_device(void* d_dst, const void* d_src, int64_t bytes);
int32_t eb_cuda_synchronize(void);

/* ---- CUDA resetting simulator (docs/resetting-simulator.md) ------------------------------------------------ */

/**
 * Length of the sums array of eb_cuda_reset_simulate: 4d, plus 6d^2 + 2d with covariance; -1 when d < 1.
 */
int64_t eb_cuda_reset_sums_length(int32_t d, int32_t covariance);

/**
 * Simulates `trajectories` stationary-start trajectories of the OU / gradient flow with renewal resets on the GPU
 * (one thread per trajectory, bounded device memory, the chunks of N run one after another) and returns the raw
 * sums from which the caller forms the estimates. HOST pointers. law: RenewalLaw.Kind code (0 exp .. 8 empirical);
 * law_parameters: RenewalLaw.parameters() (empirical: the sorted observations, parameter_count of them); scheme:
 * 0 exact, 1 Euler at `step`. seed is the Philox key. Writes, in sums:
 *   [0, 4d):  sum u(T), sum u(T)^2, sum M, sum M^2 (d each; M the time average over [0, T]);
 *   with covariance, then six row-major d x d blocks: sum u(T)u(T)^T, sum S (S the time-averaged u u^T),
 *   sum u(T)u(T)^T again (X X^T of the snapshot), sum M M^T, sum w^2 (snapshot), sum w^2 (time), with
 *   w_ij = P_ij - c_i X_j - X_i c_j; and last the pilot centres c (snapshot d, time d): the means of the first
 *   min(N, 1024) trajectories.
 * *events receives the trajectory-events (segments). Statistically equal to the java/cpu simulator, not bitwise:
 * Gaussian noise of coordinate k comes from its own Philox stream (see native/src/cuda/reset_sim_device.hpp).
 * Returns EB_OK, EB_ERR_ARGUMENT, EB_ERR_ALLOCATION, EB_ERR_NO_DEVICE, EB_ERR_CUDA or (stub) EB_ERR_NOT_BUILT.
 */
int32_t eb_cuda_reset_simulate(int32_t law, const double* law_parameters, int32_t parameter_count, int32_t d,
                               const double* mu, const double* a, double sigma, double horizon,
                               int64_t trajectories, int64_t seed, int32_t scheme, double step,
                               int32_t covariance, double* sums, int64_t sums_length, int64_t* events);

/* ---- CUDA preconditioner kernels (PreconditionerKernel; docs/design-notes.md) ------------------------------ */

/**
 * The fused diagonal update on DEVICE memory, elementwise over count entries, in the order of
 * ReferencePreconditioner.diagonalUpdate: m <- beta1*m + (1 - beta1)*g (skipped when d_m is NULL: m = g),
 * v <- beta2*v + gamma*g^2, out = m / (v^exponent + eps) (exponent 0.5 by sqrt). Every entry is computed in double
 * and rounded once when stored (also for f32), without fused multiply-add. d_out may equal d_g; d_m and d_v must
 * not alias anything. Synchronises before returning. Returns EB_OK, EB_ERR_ARGUMENT, EB_ERR_NO_DEVICE, EB_ERR_CUDA
 * or (stub) EB_ERR_NOT_BUILT.
 */
int32_t eb_cuda_precond_diagonal_update_f64(const double* d_g, double* d_m, double* d_v, double* d_out,
                                            int64_t count, double beta1, double beta2, double gamma,
                                            double exponent, double eps);
int32_t eb_cuda_precond_diagonal_update_f32(const float* d_g, float* d_m, float* d_v, float* d_out,
                                            int64_t count, double beta1, double beta2, double gamma,
                                            double exponent, double eps);

/**
 * Finishes a factor accumulation on DEVICE memory: for each of batch k x k blocks, reads the row-major lower
 * triangle of d_s (the new product X X^T or X^T X, as cuBLAS syrk with CUBLAS_FILL_MODE_UPPER or gemm leaves it)
 * and of d_f (not read when beta == 0), writes beta*f + alpha*s (in double, rounded once) to the lower triangle of
 * d_f and mirrors it to the upper. d_s and d_f must differ. Synchronises before returning. Same status codes.
 */
int32_t eb_cuda_precond_combine_factor_f64(const double* d_s, double* d_f, int64_t batch, int32_t k, double beta,
                                           double alpha);
int32_t eb_cuda_precond_combine_factor_f32(const float* d_s, float* d_f, int64_t batch, int32_t k, double beta,
                                           double alpha);

/* ---- Influence kernels (CPU; InfluenceKernel, issue 11) ------------------------------------------------------ */

/*
 * f64 only, every matrix row-major and contiguous. Outputs must not alias an input (EB_ERR_ARGUMENT when one is the
 * same pointer). Products are ?gemm (OpenBLAS, its own summation order); large ones run in row panels over the batch
 * workers. Each returns EB_OK, EB_ERR_ARGUMENT (a bad extent, a missing pointer, an alias) or EB_ERR_ALLOCATION.
 */

/**
 * EK-FAC eigenvalues of one layer: lambda[p*d_in + k] = scale * sum_i (sum_{c<per_example} ((Q_S^T g_{i*per_example+c})_p)^2)
 * * ((Q_A^T a_i)_k)^2. Reads g[n*per_example*d_out] (an example's rows together), qs[d_out*d_out] and qa[d_in*d_in]
 * (eigenvectors in columns) and a[n*d_in]; a and qa both NULL for a bias, with d_in = 1 ((Q_A^T a)^2 taken as 1).
 * Writes all of lambda[d_out*d_in] (zeros when n = 0). per_example >= 1 and n*per_example <= INT32_MAX. Computed as
 * R = G Q_S (chunks of examples), S_i = sum_c R_ic^2, A_hat = (A Q_A)^2 elementwise, lambda = scale S^T A_hat.
 * Cost 2 n per_example d_out^2 + 2 n d_in^2 + 2 n d_out d_in flops; scratch n (d_out + d_in) doubles.
 */
int32_t eb_cpu_influence_ekfac_eigenvalues_f64(const double* g, int64_t n, int32_t per_example, int32_t d_out,
                                               const double* a, int32_t d_in, const double* qs, const double* qa,
                                               double scale, double* lambda);

/**
 * Products in a Kronecker eigenbasis for j < k: forward != 0, out_j = Q_S^T X_j Q_A; else out_j = Q_S X_j Q_A^T.
 * Reads qs[d_out*d_out], qa[d_in*d_in], x[k*d_out*d_in]; writes out[k*d_out*d_in]. X_j op(Q_A) is one product over
 * a chunk of slices ((chunk d_out) x d_in rows), then one d_out x d_out product per slice. Cost 2k(d_out^2 d_in +
 * d_out d_in^2) flops.
 */
int32_t eb_cpu_influence_kronecker_rotate_f64(const double* qs, const double* qa, const double* x, int64_t k,
                                              int32_t d_out, int32_t d_in, int32_t forward, double* out);

/**
 * Weighted inner products: out = alpha X diag(w) Y^T + beta out, X m x p, Y n x p (y may equal x), w[p] (NULL for
 * all ones), out m x n. With beta == 0 out is not read (NaN there does not propagate). X diag(w) is formed first
 * (scratch m p doubles), then one ?gemm. Cost 2 m n p flops.
 */
int32_t eb_cpu_influence_weighted_product_f64(const double* x, int32_t m, int32_t p, const double* w, const double* y,
                                              int32_t n, double alpha, double beta, double* out);

/**
 * out = op(A) op(B), op = transpose when the flag is set: A is a_rows x a_cols as stored, B b_rows x b_cols; the
 * inner extents must agree. out (m x n) is written entirely (zeros when the inner extent is 0). Cost 2 m n k flops.
 */
int32_t eb_cpu_influence_multiply_f64(const double* a, int32_t a_rows, int32_t a_cols, int32_t transpose_a,
                                      const double* b, int32_t b_rows, int32_t b_cols, int32_t transpose_b,
                                      double* out);
/* ---- MLP kernels (CPU; MlpKernel, issue 11) ------------------------------------------------------------- */

/* Hidden activations and losses (MlpArchitecture.Activation / Loss ordinals). */
#define EB_MLP_GELU 0           /* z Phi(z), the exact erf form                                                  */
#define EB_MLP_RELU 1           /* max(z, 0); derivative 0 at 0                                                  */
#define EB_MLP_TANH 2
#define EB_MLP_IDENTITY 3
#define EB_MLP_CROSS_ENTROPY 0  /* -log softmax(z)_y, y an integer label in [0, dL) stored as a double          */
#define EB_MLP_SQUARED 1        /* 0.5 ||z - y||^2, y a row of dL doubles                                        */

/*
 * The network: widths[0..width_count) = d0, ..., dL (width_count >= 2, each in [1, 2^20]); layer l maps h to
 * W_l h + b_l, the activation after every layer but the last. Parameters: one flat vector of P doubles, per layer
 * W_l (d_{l+1} x d_l, row-major) then b_l. x is rows x d0, y rows x (dL for squared, else 1). Argument errors
 * (a shape, an order entry outside [0, rows), a label that is not an integer in [0, dL)) return EB_ERR_ARGUMENT
 * before anything is written.
 */

/**
 * Minibatch SGD with momentum for `jobs` independent jobs, in parallel over the jobs (one job per batch worker).
 * params holds jobs x P doubles: read as each job's initial parameters, overwritten with its trained ones. Job j
 * reads the rows orders[order_offsets[j] .. order_offsets[j+1]) (order_offsets[0] = 0, jobs + 1 entries), a length
 * that is `epochs` times its m: epoch e takes the m rows from offset e*m, in consecutive batches of batch_size (the
 * last may be smaller); each step: grad of the batch's mean loss, buf <- momentum*buf + grad (buf starts at 0),
 * theta <- theta - lr_t*buf with lr_t = lr*(1 + cos(pi t / T))/2, t = 0..T-1, T = epochs*ceil(m / batch_size).
 * A job's result depends on nothing but its own inputs (not on the other jobs nor on the worker count).
 * Returns EB_OK, EB_ERR_ARGUMENT or EB_ERR_ALLOCATION.
 */
int32_t eb_cpu_mlp_train_f64(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss,
                             double* params, int32_t jobs, const double* x, const double* y, int64_t rows,
                             const int32_t* orders, const int64_t* order_offsets, int32_t epochs, int32_t batch_size,
                             double lr, double momentum);

/**
 * Exact Hessian-vector products of the mean loss over the n rows of x and y, by Pearlmutter's R-operator:
 * out[j*P .. (j+1)*P) = H v[j*P .. (j+1)*P) for j < k. Reads params (P), x, y, v (k x P); writes all of out (k x P),
 * which must not alias v. In parallel over blocks of vectors; about 12 k n P flops, nearly all in ?gemm.
 * Returns EB_OK, EB_ERR_ARGUMENT or EB_ERR_ALLOCATION.
 */
int32_t eb_cpu_mlp_hvp_f64(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss,
                           const double* params, const double* x, const double* y, int64_t n, const double* v,
                           int64_t k, double* out);

/* ---- Diffusion closed forms (DiffusionKernel on cpu, issue 14; native/src/cpu/diffusion.cpp) ------------------ */

/*
 * Generated variances of linear denoisers trained by gradient flow, for n modes x t training times:
 * out[i*t + j] = lambda~(lambdas[i], taus[j]) (or its natural logarithm when log_form = 1) of
 * org.eigenbasis.diffusion.ModeDynamics, model 0 one-layer, 1 symmetric two-layer. Reads lambdas (n, finite, >= 0)
 * and taus (t, finite, >= 0); writes all of out (n x t), never reading it. sigma_min, sigma_max, eta, init finite
 * and > 0, sigma_min < sigma_max. E1 from Chebyshev interpolants on 16 cells (within 5e-15 relative), elementary
 * functions of our own (within 2 ulp), so the result is the same on every x86-64 CPU up to rounding. In parallel
 * over blocks of modes, vectorised over the times (4 lanes, 8 where use_avx512()). About 190 flops a pair (one
 * layer). Returns EB_OK, EB_ERR_ARGUMENT (nothing written) or EB_ERR_ALLOCATION.
 */
int32_t eb_cpu_diffusion_variance_f64(int32_t model, const double* lambdas, int64_t n, const double* taus, int64_t t,
                                      double sigma_min, double sigma_max, double eta, double init, int32_t log_form,
                                      double* out);

/* E1(x) for x[0..count) by the kernel's lanes (x >= 0; +inf at 0): for eb_diffusion_test and the parity tests. */
int32_t eb_cpu_diffusion_e1_f64(const double* x, int64_t count, double* out);

/* ---- CUDA MLP kernels (MlpKernel on cuda, issue 11; native/src/cuda/mlp_*.cu) ------------------------------ */

/* Deepest network (width_count - 1) the cuda MLP kernels take: 64 (the stub answers 0). */
int32_t eb_cuda_mlp_max_depth(void);

/**
 * eb_cpu_mlp_train_f64 on the GPU: the same network, jobs, schedule and arguments, with d_params (jobs x P), d_x,
 * d_y and d_orders (order_offsets[jobs] entries) in DEVICE memory; widths and order_offsets (jobs + 1 entries) on
 * the host. One thread block per job (native/src/cuda/mlp_device.hpp, train_job), the blocks in parallel; a job's
 * result depends on nothing but its own inputs, and not on the block size. The order entries and the labels are
 * checked on the device before anything is written. Synchronises before returning. Returns EB_OK,
 * EB_ERR_ARGUMENT (also for width_count - 1 > eb_cuda_mlp_max_depth()), EB_ERR_ALLOCATION, EB_ERR_NO_DEVICE,
 * EB_ERR_CUDA or (stub) EB_ERR_NOT_BUILT.
 */
int32_t eb_cuda_mlp_train_f64(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss,
                              double* d_params, int32_t jobs, const double* d_x, const double* d_y, int64_t rows,
                              const int32_t* d_orders, const int64_t* order_offsets, int32_t epochs,
                              int32_t batch_size, double lr, double momentum);

/*
 * The elementwise steps of the Hessian-vector products on the GPU. CudaMlp runs the R-operator of
 * eb_cpu_mlp_hvp_f64 as cuBLAS products (through the JavaCPP presets) and these steps, on DEVICE memory; each is
 * one kernel, synchronised before returning, per-item arithmetic in native/src/cuda/mlp_device.hpp. Arrays of a
 * block of `groups` vectors are row-major (rows x groups x width). Returns EB_OK, EB_ERR_ARGUMENT,
 * EB_ERR_NO_DEVICE, EB_ERR_CUDA or (stub) EB_ERR_NOT_BUILT.
 */
/* out[(r, j, o)] = src[j*src_stride + o], or out + that with accumulate != 0 (bias rows; kb vectors' biases). */
int32_t eb_cuda_mlp_broadcast_rows_f64(double* d_out, int64_t rows, int32_t groups, int32_t width,
                                       const double* d_src, int64_t src_stride, int32_t accumulate);
/* a = sigma(z), s1 = sigma'(z), s2 = sigma''(z) (d_s2 may be NULL) over count entries; gelu as the trainer. */
int32_t eb_cuda_mlp_activate_f64(int32_t activation, const double* d_z, int64_t count, double* d_a, double* d_s1,
                                 double* d_s2);
/* Rows of the loss gradient times inv_rows, as the trainer's; d_p (may be NULL) receives the softmax. */
int32_t eb_cuda_mlp_loss_gradient_f64(int32_t loss, const double* d_z, const double* d_y, int64_t rows,
                                      int32_t classes, double inv_rows, double* d_g, double* d_p);
/* out[(r, j, o)] = in[(r, j, o)] * scale[(r, o)] (+ e[(r, o)] * rz[(r, j, o)] when d_e is not NULL); out may be in. */
int32_t eb_cuda_mlp_scale_groups_f64(double* d_out, const double* d_in, const double* d_scale, int64_t rows,
                                     int32_t groups, int32_t width, const double* d_e, const double* d_rz);
/* rg = Lambda rz * inv_n per (row, vector): rz itself (squared) or p (.) (rz - p^T rz) (cross-entropy, p rows x classes). */
int32_t eb_cuda_mlp_rop_loss_f64(int32_t loss, const double* d_p, const double* d_rz, int64_t rows, int32_t groups,
                                 int32_t classes, double inv_n, double* d_rg);
/* out[j*out_stride + o] = sum over r of in[(r, j, o)], rows in order (zeros when rows = 0). */
int32_t eb_cuda_mlp_column_sums_f64(const double* d_in, int64_t rows, int32_t groups, int32_t width, double* d_out,
                                    int64_t out_stride);

/* ---- Diagnostics ----------------------------------------------------------------------------------------- */

/**
 * Bytes of the process's C heap in use now: glibc's mallinfo2() uordblks (bytes in allocated chunks, all arenas)
 * plus hblkhd (bytes in chunks malloc served by mmap). Process-wide, so it counts the JVM's own malloc calls too,
 * not only this library's; the concurrency stress test compares it before and after. Freed memory that an arena
 * keeps for reuse is not counted. Returns -1 where the C library has no mallinfo2 (not glibc >= 2.33).
 */
int64_t eb_cpu_heap_in_use(void);

#ifdef __cplusplus
}
#endif

#endif /* EIGENBASIS_EB_API_H */
