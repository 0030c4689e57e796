// The large-n symmetric eigensolvers of the CPU backend, EB_EIGH_TWO_STAGE (kd > 1) and EB_EIGH_TRIDIAG_DC (kd = 1):
// eigh_two_stage.cpp.
#pragma once

#include <array>
#include <atomic>

namespace eigenbasis {

/**
 * One n x n matrix: reads the lower triangle of the row-major a; writes ascending eigenvalues to w and, when v is
 * not null, the eigenvectors to the columns of the row-major v with the canonical sign. Steps: a power-of-two
 * scaling where the entries are extreme; dense to band of half-bandwidth kd (band_reduce.hpp with AVX-512, else ?sytrd_sy2sb) and band
 * to tridiagonal by our bulge chase (bulge_chase.hpp), keeping its reflectors -- or, for kd = 1, straight to
 * tridiagonal (tridiagonal_reduce.hpp from own_one_stage_from with AVX-512, else ?sytrd); our bisection from n = 256 with AVX-512, else ?sterf (values) or divide and conquer (vectors, into v's
 * memory: split at the top on two tasks from split_dc_from, tridiagonal_dc.hpp, else ?stedc); the back-transformations as
 * blocked products (back_transform.hpp); an in-place transpose with the signs. kd = 0 picks the measured default
 * for n (two_stage_default_bandwidth). threads: the OpenBLAS threads the caller holds (1 inside a batch worker). Returns 0, or k > 0
 * when the tridiagonal solver failed (w and v are then NaN); a LAPACK argument error goes to *lapack_error.
 * Workspace beyond a and the outputs: 2.75 n^2 + O(n kd) scalars for kd > 1 with vectors, 2 n^2 for kd = 1, n^2 +
 * O(n kd) without vectors. Cost: 4/3 n^3 flops to reduce, up to 4/3 n^3 for divide and conquer, 2 n^3 per
 * back-transformation.
 */
template <class T>
int eigh_two_stage(const T* a, int n, T* w, T* v, int kd, int threads, int* lapack_error);

/**
 * Where the calling thread's last eigh_two_stage call spent its time, in seconds: band width used, reduction
 * (tridiagonal_reduce.hpp, ?sytrd, band_reduce.hpp or ?sytrd_sy2sb), bulge chase, tridiagonal solver, T factors (and the transpose before them), the
 * back-transformation products, the sign pass. Zeros for stages a call did not run. Read by eb_cpu_eigh_stages.
 */
constexpr int kStageCount = 7;
extern thread_local std::array<double, kStageCount> last_stages;

/**
 * The smallest n whose bulge chase runs on two workers (when the caller has them): below it a sweep has too few
 * levels to keep two busy. A variable only so the self-test can run the parallel chase at small n.
 */
extern std::atomic<int> parallel_chase_from;
/**
 * Two chase workers take whole sweeps (chase_band) only while a cache line goes from one to the other and back in
 * at most this many nanoseconds (pool_pair_round_trip_ns, measured before each chase: about 30 microseconds);
 * above it they split every sweep by rows (chase_split), and with no partner in 200 us one worker chases.
 * Measured, C driver, values only, f64 n = 1024 / 2048 (one worker; whole sweeps; split): at 170-190 ns 10.0 /
 * 40 ms, 6.4 / 24.7 ms, -; at 420-510 ns 7.7-8.2 / 31-33 ms, 10.0-16 / 38.5-59 ms, 5.6-7.5 / 19.4-24.8 ms. Tests
 * set it to 0 or raise it so that either mode runs whatever the host does.
 */
extern std::atomic<int> chase_round_trip_limit_ns;
/** Two chase workers split every sweep whatever the round trip: to measure, and for the tests. */
extern std::atomic<bool> chase_split_sweeps;
/**
 * Smallest n at which the tridiagonal eigenvectors come from the top-split divide and conquer (tridiagonal_dc.hpp)
 * instead of ?stedc. Measured (C driver, 2 threads, tridiagonal stage): f64 n = 192 a tie (1.3 ms), 256 2.1 -> 1.45
 * ms, 512 8.3 -> 5.7 ms, 1024 34 -> 28.5 ms; f32 1024 19.1 -> 14.7 ms. Tests lower it to cover the split at small n.
 */
extern std::atomic<int> split_dc_from;
/**
 * Smallest n at which the one-stage path (kd = 1) reduces to tridiagonal with our tridiagonal_reduce.hpp (AVX-512)
 * instead of LAPACK's ?sytrd on OpenBLAS's threads. Measured (C driver, 2 threads, reduction alone, binaries
 * alternated; design notes section 17): ours wins from n = 768 (f64 768 13.7-13.9 against 14.6-14.8 ms, 1024 24.7
 * against 28.2, 2048 200-208 against 222-240; f32 1024 14.1 against 17.7) and loses below (f32 512 4.4-4.7 against
 * 3.8 ms): its two syncs a column cost more than the smaller products gain. Tests lower it; benchmarks raise it.
 */
extern std::atomic<int> own_one_stage_from;

/**
 * The values-only path's tridiagonal eigenvalues: the n eigenvalues of the symmetric tridiagonal matrix (diagonal d,
 * off-diagonal e, n - 1 entries) into d, ascending, by our vectorised bisection on up to two workers
 * (tridiagonal_bisect.hpp), with an absolute error of about 2 eps ||T|| plus rounding, as ?sterf. Returns false,
 * leaving d as it was, where it does not apply and ?sterf must run instead: no AVX-512 kernels, n < 256, an entry
 * not finite, squares of e out of range. The bits do not depend on threads.
 */
template <class T>
bool tridiagonal_values_bisect(int n, T* d, const T* e, int threads);

/** Releases the calling thread's two-stage workspace when it is large (call after each matrix). */
void release_two_stage_if_large();

/** The half-bandwidth EB_EIGH_TWO_STAGE uses for n when not told (measured; docs/design-notes.md). */
int two_stage_default_bandwidth(int n, int scalar_bytes, bool vectors);

}  // namespace eigenbasis
