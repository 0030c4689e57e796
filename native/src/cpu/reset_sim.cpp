// The stochastic-resetting trajectory simulator on the CPU: docs/resetting-simulator.md, bit-identical to the java
// reference (JavaResetSimulator). Trajectories are independent; a chunk's sub-blocks run on the batch pool, each
// into its own sums, reduced in sub-block order after the chunk, so the bits never depend on the thread count.
// The pieces: the law's draws (reset_law.hpp), one trajectory at a time (reset_trajectory.cpp: scalar EXACT and
// Euler), the moment sums (reset_moments.hpp) and trajectories side by side in SIMD lanes (reset_lanes.cpp). Every
// file of the simulator is compiled with -ffp-contract=off, so each expression rounds exactly as its Java twin.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "batch_pool.hpp"
#include "det_math.hpp"
#include "isa_dispatch.hpp"
#include "reset_lanes.hpp"
#include "reset_law.hpp"
#include "reset_moments.hpp"
#include "reset_problem.hpp"
#include "reset_trajectory.hpp"

namespace eigenbasis {
namespace reset {
namespace {

/** Largest d of a covariance run (its d x d sums per worker); the lengths below are 0 beyond it. */
constexpr int64_t kMaxCovarianceDimension = 4096;

/** Trajectories per chunk: C of the spec. */
constexpr int64_t kChunk = 65536;

/** P of the spec: sub-blocks per chunk, a function of d only (never of the thread count). */
int sub_blocks(int64_t d, bool cov) {
  if (!cov) return 64;
  const double p = std::floor(67108864.0 / (24.0 * static_cast<double>(d) * static_cast<double>(d)));
  return static_cast<int>(std::max(1.0, std::min(64.0, p)));
}

int64_t sums_length(int64_t d, bool cov) { return 6 * d + (cov ? 5 * d * d : 0); }

int64_t block_length(int64_t d, bool cov) { return 4 * d + (cov ? 5 * (d * (d + 1) / 2) : 0); }

/** Whether trajectory t of an n-trajectory run starts a sub-block (or is n, the end of the run). */
bool on_block_boundary(int64_t n, int p, int64_t t) {
  if (t == n) return true;
  const int64_t chunk_start = t / kChunk * kChunk;
  const int64_t chunk = std::min<int64_t>(kChunk, n - chunk_start);
  const int64_t size = (chunk + p - 1) / p;
  return (t - chunk_start) % size == 0;
}

/** The number of non-empty sub-blocks in the trajectories [first, first + count) of an n-trajectory run. */
int64_t range_blocks(int64_t n, int p, int64_t first, int64_t count) {
  if (first < 0 || count < 1 || count > n - first) return 0;
  int64_t blocks = 0;
  const int64_t end = first + count;
  for (int64_t chunk_start = first / kChunk * kChunk; chunk_start < end; chunk_start += kChunk) {
    const int64_t chunk = std::min<int64_t>(kChunk, n - chunk_start);
    const int64_t size = (chunk + p - 1) / p;
    blocks += (std::min(end - chunk_start, chunk) + size - 1) / size - std::max<int64_t>(first - chunk_start, 0) / size;
  }
  return blocks;
}

/**
 * The run's sub-blocks that make up the trajectories [first, first + count) (both on sub-block boundaries), in
 * the spec's order: sink(block sums, block events) once per non-empty sub-block, chunk by chunk, after the chunk's
 * sub-blocks ran on the pool. The pilot centres (covariance runs) go to centres[2d] first. Each sub-block's sums
 * depend only on its own trajectories and the centres, so any range gives the bits the whole run gives.
 */
template <class Sink>
int32_t run_blocks(int32_t law_kind, const double* law_params, int64_t law_count, const double* mu,
                   const double* target, int64_t d, double sigma, double horizon, int64_t n, int64_t seed,
                   int32_t scheme, double step, int32_t covariance, int64_t first, int64_t count, double* centres,
                   Sink&& sink) {
  if (d < 1 || n < 1 || mu == nullptr || target == nullptr || centres == nullptr) return EB_ERR_ARGUMENT;
  if (check_law(law_kind, law_params, law_count) != EB_OK) return EB_ERR_ARGUMENT;
  if (!(sigma >= 0) || !std::isfinite(sigma) || !(horizon > 0) || !std::isfinite(horizon)) return EB_ERR_ARGUMENT;
  if (scheme != EB_SIM_EXACT && scheme != EB_SIM_EULER) return EB_ERR_ARGUMENT;
  if (scheme == EB_SIM_EULER && (!(step > 0) || !std::isfinite(step))) return EB_ERR_ARGUMENT;
  const bool cov = covariance != 0;
  if (cov && d > kMaxCovarianceDimension) return EB_ERR_ARGUMENT;
  for (int64_t k = 0; k < d; ++k)
    if (!(mu[k] >= 0) || !std::isfinite(mu[k]) || !std::isfinite(target[k])) return EB_ERR_ARGUMENT;
  const int p = sub_blocks(d, cov);
  if (first < 0 || count < 1 || count > n - first || !on_block_boundary(n, p, first) ||
      !on_block_boundary(n, p, first + count))
    return EB_ERR_ARGUMENT;

  Problem pr{d, mu, target, sigma, horizon, step, scheme == EB_SIM_EULER, cov, static_cast<uint64_t>(seed),
             Law::of(law_kind, law_params, law_count)};
  pr.wide = use_avx512();  // once per run: a run never mixes paths (the bits are the same on both)

  std::vector<double> inv_mu(static_cast<size_t>(d));
  for (int64_t k = 0; k < d; ++k) inv_mu[static_cast<size_t>(k)] = dm::inverse(mu[k]);
  pr.inv_mu = inv_mu.data();
  std::vector<double> inv_pair(cov ? static_cast<size_t>(d) * static_cast<size_t>(d) : 0);
  if (cov)
    for (int64_t i = 0; i < d; ++i)
      for (int64_t j = 0; j <= i; ++j) inv_pair[static_cast<size_t>(i * d + j)] = dm::inverse(mu[i] + mu[j]);
  pr.inv_pair = inv_pair.data();

  const int64_t len = sums_length(d, cov);
  // Each sub-block's sums on their own 128-byte lines (a cache line and its prefetch pair): at small d the
  // sums of neighbouring sub-blocks, written by different workers, shared lines and every trajectory's add
  // bounced them between cores.
  const int64_t stride = (len + 15) / 16 * 16;
  std::vector<double> block_storage(static_cast<size_t>(p) * static_cast<size_t>(stride) + 16);
  const size_t misalign = (reinterpret_cast<uintptr_t>(block_storage.data()) / sizeof(double)) % 16;
  double* const blocks_base = block_storage.data() + (16 - misalign) % 16;
  std::vector<int64_t> block_events(static_cast<size_t>(p));
  BatchPool& pool = BatchPool::instance();
  const int workers = pool.threads();
  std::vector<std::unique_ptr<Scratch>> scratch(static_cast<size_t>(workers));
  const bool use_lanes = lane_path(pr);
  std::vector<std::unique_ptr<LaneScratch>> lane_scratch(static_cast<size_t>(use_lanes ? workers : 0));

  std::fill(centres, centres + 2 * d, 0.0);
  if (cov) {
    // The pilot centre: the means of sub-block 0 of chunk 0, from a mean-only pass in index order.
    const int64_t first_chunk = std::min<int64_t>(kChunk, n);
    const int64_t size0 = (first_chunk + p - 1) / p;
    scratch[0] = std::make_unique<Scratch>(pr);
    double* blk = blocks_base;
    int64_t ignored = 0;
    for (int64_t t = 0; t < size0; ++t) trajectory(pr, *scratch[0], t, blk, false, ignored);
    const double nd = static_cast<double>(size0);
    for (int64_t k = 0; k < d; ++k) {
      centres[k] = blk[kSnapSum * d + k] / nd;
      centres[d + k] = blk[kTimeSum * d + k] / nd;
    }
  }

  const int64_t end = first + count;
  std::atomic<bool> out_of_memory{false}, internal_error{false};
  for (int64_t chunk_start = first / kChunk * kChunk; chunk_start < end; chunk_start += kChunk) {
    const int64_t chunk = std::min<int64_t>(kChunk, n - chunk_start);
    const int64_t size = (chunk + p - 1) / p;
    const int64_t q_lo = std::max<int64_t>(first - chunk_start, 0) / size;
    const int64_t q_hi = (std::min(end - chunk_start, chunk) + size - 1) / size;  // empty sub-blocks never run
    pool.run(q_hi - q_lo, workers, [&](int worker, int64_t i) {
      try {
        const int64_t q = q_lo + i;
        double* blk = blocks_base + q * stride;
        std::fill(blk, blk + len, 0.0);
        std::memcpy(blk + kSnapCentre * d, centres, sizeof(double) * 2 * static_cast<size_t>(d));
        int64_t ev = 0;
        const int64_t lo = std::min(q * size, chunk), hi = std::min(lo + size, chunk);
        if (use_lanes) {
          std::unique_ptr<LaneScratch>& ls = lane_scratch[static_cast<size_t>(worker)];
          if (!ls) ls = std::make_unique<LaneScratch>(d);
          lanes(pr, *ls, chunk_start + lo, chunk_start + hi, blk, ev);
          block_events[static_cast<size_t>(q)] = ev;
          return;
        }
        std::unique_ptr<Scratch>& sc = scratch[static_cast<size_t>(worker)];
        if (!sc) sc = std::make_unique<Scratch>(pr);
        for (int64_t t = lo; t < hi; ++t) trajectory(pr, *sc, chunk_start + t, blk, cov, ev);
        if (cov && !pr.euler) flush(pr, *sc, blk);
        block_events[static_cast<size_t>(q)] = ev;
      } catch (const std::bad_alloc&) {
        out_of_memory = true;
      } catch (...) {  // the pool's bodies must not throw: a failure becomes a status, never std::terminate
        internal_error = true;
      }
    });
    if (out_of_memory) return EB_ERR_ALLOCATION;
    if (internal_error) return EB_ERR_INTERNAL;
    for (int64_t q = q_lo; q < q_hi; ++q)
      sink(static_cast<const double*>(blocks_base + q * stride), block_events[static_cast<size_t>(q)]);
  }
  return EB_OK;
}

int32_t simulate(int32_t law_kind, const double* law_params, int64_t law_count, const double* mu,
                 const double* target, int64_t d, double sigma, double horizon, int64_t n, int64_t seed,
                 int32_t scheme, double step, int32_t covariance, double* sums, int64_t* events_out) {
  if (d < 1 || sums == nullptr || events_out == nullptr) return EB_ERR_ARGUMENT;
  const bool cov = covariance != 0;
  if (cov && d > kMaxCovarianceDimension) return EB_ERR_ARGUMENT;
  std::fill(sums, sums + sums_length(d, cov), 0.0);
  int64_t events = 0;
  // The run totals: every sub-block added in the spec's order (the centres travel in the sums' own slots).
  const int32_t status = run_blocks(
      law_kind, law_params, law_count, mu, target, d, sigma, horizon, n, seed, scheme, step, covariance, 0, n,
      sums + kSnapCentre * d, [&](const double* blk, int64_t ev) {
        for (int64_t i = 0; i < 4 * d; ++i) sums[i] += blk[i];
        if (cov) {
          for (int r = 0; r < 5; ++r) {
            const int64_t off = 6 * d + r * d * d;
            for (int64_t i = 0; i < d; ++i)
              for (int64_t j = 0; j <= i; ++j) sums[off + i * d + j] += blk[off + i * d + j];
          }
        }
        events += ev;
      });
  if (status == EB_OK) *events_out = events;
  return status;
}

int32_t simulate_range(int32_t law_kind, const double* law_params, int64_t law_count, const double* mu,
                       const double* target, int64_t d, double sigma, double horizon, int64_t n, int64_t seed,
                       int32_t scheme, double step, int32_t covariance, int64_t first, int64_t count,
                       double* block_sums, int64_t block_capacity, double* centres, int64_t* blocks_out,
                       int64_t* events_out) {
  if (d < 1 || block_sums == nullptr || blocks_out == nullptr || events_out == nullptr) return EB_ERR_ARGUMENT;
  const bool cov = covariance != 0;
  if (cov && d > kMaxCovarianceDimension) return EB_ERR_ARGUMENT;
  const int64_t blen = block_length(d, cov);
  if (block_capacity < 0 || (n >= 1 && count >= 1 && block_capacity < range_blocks(n, sub_blocks(d, cov), first,
                                                                                      count)))
    return EB_ERR_ARGUMENT;
  int64_t events = 0, blocks = 0;
  // Each sub-block packed: the 4d vector sums, then the lower triangles (row by row) of the five matrix sums.
  const int32_t status = run_blocks(
      law_kind, law_params, law_count, mu, target, d, sigma, horizon, n, seed, scheme, step, covariance, first,
      count, centres, [&](const double* blk, int64_t ev) {
        double* out = block_sums + blocks * blen;
        for (int64_t i = 0; i < 4 * d; ++i) *out++ = blk[i];
        if (cov) {
          for (int r = 0; r < 5; ++r) {
            const int64_t off = 6 * d + r * d * d;
            for (int64_t i = 0; i < d; ++i)
              for (int64_t j = 0; j <= i; ++j) *out++ = blk[off + i * d + j];
          }
        }
        ++blocks;
        events += ev;
      });
  if (status == EB_OK) {
    *blocks_out = blocks;
    *events_out = events;
  }
  return status;
}

}  // namespace
}  // namespace reset
}  // namespace eigenbasis

extern "C" {

int64_t eb_cpu_reset_sim_sums_length(int32_t d, int32_t covariance) {
  if (d < 1 || (covariance != 0 && d > eigenbasis::reset::kMaxCovarianceDimension)) return 0;  // no run takes it
  return eigenbasis::reset::sums_length(d, covariance != 0);
}

int32_t eb_cpu_reset_sim_f64(int32_t law_kind, const double* law_params, int32_t law_param_count,
                             const double* mu, const double* target, int32_t d, double sigma, double horizon,
                             int64_t trajectories, int64_t seed, int32_t scheme, double step, int32_t covariance,
                             double* sums, int64_t* events) {
  try {
    return eigenbasis::reset::simulate(law_kind, law_params, law_param_count, mu, target, d, sigma, horizon,
                                       trajectories, seed, scheme, step, covariance, sums, events);
  } catch (const std::bad_alloc&) {
    return EB_ERR_ALLOCATION;
  } catch (...) {
    return EB_ERR_INTERNAL;
  }
}

int64_t eb_cpu_reset_sim_block_length(int32_t d, int32_t covariance) {
  if (d < 1 || (covariance != 0 && d > eigenbasis::reset::kMaxCovarianceDimension)) return 0;  // no run takes it
  return eigenbasis::reset::block_length(d, covariance != 0);
}

int64_t eb_cpu_reset_sim_range_blocks(int32_t d, int32_t covariance, int64_t trajectories, int64_t first,
                                      int64_t count) {
  if (d < 1 || trajectories < 1) return 0;
  return eigenbasis::reset::range_blocks(trajectories, eigenbasis::reset::sub_blocks(d, covariance != 0), first,
                                         count);
}

int32_t eb_cpu_reset_sim_range_f64(int32_t law_kind, const double* law_params, int32_t law_param_count,
                                   const double* mu, const double* target, int32_t d, double sigma, double horizon,
                                   int64_t trajectories, int64_t seed, int32_t scheme, double step,
                                   int32_t covariance, int64_t first, int64_t count, double* block_sums,
                                   int64_t block_capacity, double* centres, int64_t* blocks, int64_t* events) {
  try {
    return eigenbasis::reset::simulate_range(law_kind, law_params, law_param_count, mu, target, d, sigma, horizon,
                                             trajectories, seed, scheme, step, covariance, first, count,
                                             block_sums, block_capacity, centres, blocks, events);
  } catch (const std::bad_alloc&) {
    return EB_ERR_ALLOCATION;
  } catch (...) {
    return EB_ERR_INTERNAL;
  }
}

}  // extern "C"
