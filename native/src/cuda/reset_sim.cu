// The resetting simulator on the GPU (docs/resetting-simulator.md; per-trajectory logic in reset_sim_device.hpp).
//
// One thread per trajectory. A thread walks the coordinates k = 0..d−1 (mean passes) or the pairs i ≥ j
// (covariance passes) one at a time, re-drawing the trajectory's reset clock for each, so its state is a few
// registers whatever d is. After every coordinate (pair) the block reduces the thread values with warp shuffles
// in a fixed order into shared memory, and, per tile of coordinates, adds them in warp order to the block's own
// row of partial sums in global memory. A launch covers a chunk of trajectories with a fixed grid (blocks stride
// over the chunk), so the rows accumulate across chunks, and a last kernel adds the rows in block order. Every
// sum is a double; for a given seed, N, d and law the result does not depend on the GPU model or on timing.
// Memory is bounded: the partial rows are capped at kPartialBudget bytes by shrinking the grid.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cuda_common.hpp"
#include "reset_sim_device.hpp"

namespace eigenbasis {
namespace {

using resetsim::CoordinateResult;
using resetsim::kMeanValues;
using resetsim::kPairValues;
using resetsim::PairResult;
using resetsim::Problem;

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kTile = 32;            // coordinates (pairs) per shared-memory tile
constexpr int kMaxBlocks = 1024;     // grid of the main passes (fewer when N or the memory budget is small)
constexpr int64_t kPartialBudget = int64_t{256} << 20;  // bytes of per-block partial sums, per pass

template <int V>
__device__ void warp_reduce(double (&v)[V]) {
#pragma unroll
  for (int i = 0; i < V; ++i) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v[i] += __shfl_down_sync(0xffffffffu, v[i], offset);
  }
}

/**
 * mode 0: coordinate items (kMeanValues per coordinate, offset v·d + k); mode 1: pair items (kPairValues per
 * pair, offset v·P + p). Trajectories [first, first + count) of the run, block b taking rows of kThreads.
 */
template <int V>
__global__ void __launch_bounds__(kThreads) simulate_kernel(Problem problem, int64_t first, int64_t count,
                                                            int64_t items, double* partial,
                                                            unsigned long long* events) {
  __shared__ double tile[kWarps][V][kTile];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t row_stride = static_cast<int64_t>(gridDim.x) * kThreads;
  double* my_partial = partial + static_cast<int64_t>(blockIdx.x) * V * items;
  for (int64_t base = static_cast<int64_t>(blockIdx.x) * kThreads; base < count; base += row_stride) {
    const int64_t local = base + threadIdx.x;
    const bool active = local < count;
    const uint64_t trajectory = static_cast<uint64_t>(first + local);
    for (int64_t tile_start = 0; tile_start < items; tile_start += kTile) {
      const int in_tile = static_cast<int>(items - tile_start < kTile ? items - tile_start : kTile);
      for (int t = 0; t < in_tile; ++t) {
        const int64_t item = tile_start + t;
        double v[V];
#pragma unroll
        for (int i = 0; i < V; ++i) v[i] = 0;
        unsigned long long segments = 0;
        if (active) {
          if constexpr (V == kMeanValues) {
            const CoordinateResult r = resetsim::simulate_coordinate(problem, trajectory, static_cast<int32_t>(item));
            resetsim::mean_values(r, v);
            segments = static_cast<unsigned long long>(r.segments);
          } else {
            int32_t i, j;
            resetsim::unpack_pair(item, &i, &j);
            const PairResult r = resetsim::simulate_pair(problem, trajectory, i, j);
            resetsim::pair_values(problem, i, j, r, v);
          }
        }
        warp_reduce(v);
        if (V == kMeanValues && item == 0 && events != nullptr) {
          for (int offset = 16; offset > 0; offset >>= 1) segments += __shfl_down_sync(0xffffffffu, segments, offset);
          if (lane == 0) atomicAdd(events, segments);
        }
        if (lane == 0) {
#pragma unroll
          for (int i = 0; i < V; ++i) tile[warp][i][t] = v[i];
        }
      }
      __syncthreads();
      for (int idx = threadIdx.x; idx < V * in_tile; idx += kThreads) {
        const int value = idx / in_tile, t = idx % in_tile;
        double sum = 0;
        for (int w = 0; w < kWarps; ++w) sum += tile[w][value][t];
        my_partial[value * items + tile_start + t] += sum;
      }
      __syncthreads();
    }
  }
}

/** out[s] = Σ_b partial[b·width + s], in block order. */
__global__ void reduce_rows(const double* partial, int64_t rows, int64_t width, double* out) {
  for (int64_t s = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; s < width;
       s += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    double sum = 0;
    for (int64_t b = 0; b < rows; ++b) sum += partial[b * width + s];
    out[s] = sum;
  }
}

/** Device memory freed on every path out. */
struct DeviceMemory {
  std::vector<void*> blocks;
  ~DeviceMemory() {
    for (void* p : blocks) cudaFree(p);
  }
  int32_t allocate(void** out, size_t bytes, const char* what) {
    *out = nullptr;
    if (bytes == 0) bytes = 8;
    const int32_t status = cuda_check(cudaMalloc(out, bytes), what);
    if (status == EB_OK) blocks.push_back(*out);
    return status;
  }
};

int32_t upload(DeviceMemory& memory, const double* host, int64_t count, double** device, const char* what) {
  void* p = nullptr;
  int32_t status = memory.allocate(&p, static_cast<size_t>(count) * sizeof(double), what);
  if (status != EB_OK) return status;
  *device = static_cast<double*>(p);
  if (count == 0) return EB_OK;
  return cuda_check(cudaMemcpy(p, host, static_cast<size_t>(count) * sizeof(double), cudaMemcpyHostToDevice), what);
}

/** Runs one pass (mean or pair items) over trajectories [0, n) and writes the V·items sums to host `sums`. */
template <int V>
int32_t run_pass(DeviceMemory& memory, const Problem& problem, int64_t n, int64_t items, double* sums,
                 unsigned long long* d_events) {
  const int64_t row_bytes = static_cast<int64_t>(V) * items * static_cast<int64_t>(sizeof(double));
  const int64_t rows_needed = (n + kThreads - 1) / kThreads;
  int64_t blocks = std::min<int64_t>({kMaxBlocks, rows_needed, std::max<int64_t>(1, kPartialBudget / row_bytes)});
  void* partial = nullptr;
  int32_t status = memory.allocate(&partial, static_cast<size_t>(blocks * row_bytes), "cudaMalloc partial sums");
  if (status != EB_OK) return status;
  status = cuda_check(cudaMemset(partial, 0, static_cast<size_t>(blocks * row_bytes)), "cudaMemset partial sums");
  if (status != EB_OK) return status;
  // Chunks of about 2²⁶ coordinate-trajectories per launch keep each launch short; a multiple of the grid's rows.
  const int64_t grid_rows = blocks * kThreads;
  int64_t chunk = std::max<int64_t>(grid_rows, (int64_t{1} << 26) / std::max<int64_t>(1, items));
  chunk = (chunk + grid_rows - 1) / grid_rows * grid_rows;
  for (int64_t first = 0; first < n; first += chunk) {
    const int64_t count = std::min(chunk, n - first);
    simulate_kernel<V><<<static_cast<unsigned>(blocks), kThreads>>>(problem, first, count, items,
                                                                     static_cast<double*>(partial), d_events);
    status = cuda_check(cudaGetLastError(), "simulate_kernel launch");
    if (status != EB_OK) return status;
  }
  void* out = nullptr;
  status = memory.allocate(&out, static_cast<size_t>(row_bytes), "cudaMalloc sums");
  if (status != EB_OK) return status;
  const int64_t width = V * items;
  const int reduce_blocks = static_cast<int>(std::min<int64_t>(1024, (width + 255) / 256));
  reduce_rows<<<reduce_blocks, 256>>>(static_cast<const double*>(partial), blocks, width, static_cast<double*>(out));
  status = cuda_check(cudaGetLastError(), "reduce_rows launch");
  if (status != EB_OK) return status;
  status = cuda_check(cudaMemcpy(sums, out, static_cast<size_t>(row_bytes), cudaMemcpyDeviceToHost), "simulation");
  return status;
}

int32_t law_parameter_count(int32_t law) {
  switch (law) {
    case resetsim::kExponential:
    case resetsim::kDeterministic: return 1;
    case resetsim::kGamma:
    case resetsim::kUniform:
    case resetsim::kLogNormal:
    case resetsim::kWeibull:
    case resetsim::kPareto:
    case resetsim::kLomax: return 2;
    default: return -1;
  }
}

bool finite(double x) { return std::isfinite(x); }

}  // namespace
}  // namespace eigenbasis

using eigenbasis::cuda_check;

EB_EXPORT int64_t eb_cuda_reset_sums_length(int32_t d, int32_t covariance) {
  if (d < 1) return -1;
  const int64_t dd = d;
  return 4 * dd + (covariance != 0 ? 6 * dd * dd + 2 * dd : 0);
}

EB_EXPORT int32_t eb_cuda_reset_simulate(int32_t law, const double* law_parameters, int32_t parameter_count,
                                         int32_t d, const double* mu, const double* a, double sigma,
                                         double horizon, int64_t trajectories, int64_t seed, int32_t scheme,
                                         double step, int32_t covariance, double* sums, int64_t sums_length,
                                         int64_t* events) {
  namespace rs = eigenbasis::resetsim;
  // A second line of defence: Java validated all of this.
  if (law < rs::kExponential || law > rs::kEmpirical || law_parameters == nullptr || parameter_count < 1) {
    return EB_ERR_ARGUMENT;
  }
  if (law != rs::kEmpirical && parameter_count != eigenbasis::law_parameter_count(law)) return EB_ERR_ARGUMENT;
  for (int32_t i = 0; i < parameter_count; ++i) {
    if (!eigenbasis::finite(law_parameters[i])) return EB_ERR_ARGUMENT;
  }
  if (d < 1 || mu == nullptr || a == nullptr || sums == nullptr || events == nullptr) return EB_ERR_ARGUMENT;
  if (!(sigma >= 0) || !eigenbasis::finite(sigma) || !(horizon > 0) || !eigenbasis::finite(horizon)) {
    return EB_ERR_ARGUMENT;
  }
  if (trajectories < 1 || (scheme != rs::kExact && scheme != rs::kEuler)) return EB_ERR_ARGUMENT;
  if (scheme == rs::kEuler && (!(step > 0) || !eigenbasis::finite(step))) return EB_ERR_ARGUMENT;
  if (sums_length < eb_cuda_reset_sums_length(d, covariance)) return EB_ERR_ARGUMENT;
  for (int32_t k = 0; k < d; ++k) {
    if (!(mu[k] >= 0) || !eigenbasis::finite(mu[k]) || !eigenbasis::finite(a[k])) return EB_ERR_ARGUMENT;
  }
  *events = 0;

  eigenbasis::DeviceMemory memory;
  rs::Problem problem{};
  problem.law = law;
  problem.d = d;
  problem.sigma = sigma;
  problem.horizon = horizon;
  problem.scheme = scheme;
  problem.step = step;
  problem.key0 = static_cast<uint32_t>(static_cast<uint64_t>(seed));
  problem.key1 = static_cast<uint32_t>(static_cast<uint64_t>(seed) >> 32);
  int32_t status;
  if (law == rs::kEmpirical) {
    std::vector<double> prefix(static_cast<size_t>(parameter_count));
    double running = 0;
    for (int32_t i = 0; i < parameter_count; ++i) {
      if (!(law_parameters[i] > 0) || (i > 0 && law_parameters[i] < law_parameters[i - 1])) return EB_ERR_ARGUMENT;
      running += law_parameters[i];
      prefix[static_cast<size_t>(i)] = running;
    }
    double* d_obs = nullptr;
    double* d_prefix = nullptr;
    if ((status = eigenbasis::upload(memory, law_parameters, parameter_count, &d_obs, "upload observations")) != EB_OK ||
        (status = eigenbasis::upload(memory, prefix.data(), parameter_count, &d_prefix, "upload prefix")) != EB_OK) {
      return status;
    }
    problem.observations = d_obs;
    problem.prefix = d_prefix;
    problem.n_observations = parameter_count;
  } else {
    problem.p0 = law_parameters[0];
    problem.p1 = parameter_count > 1 ? law_parameters[1] : 0;
  }
  double* d_mu = nullptr;
  double* d_a = nullptr;
  if ((status = eigenbasis::upload(memory, mu, d, &d_mu, "upload eigenvalues")) != EB_OK ||
      (status = eigenbasis::upload(memory, a, d, &d_a, "upload target")) != EB_OK) {
    return status;
  }
  problem.mu = d_mu;
  problem.a = d_a;
  void* d_events = nullptr;
  if ((status = memory.allocate(&d_events, sizeof(unsigned long long), "cudaMalloc events")) != EB_OK) return status;
  if ((status = cuda_check(cudaMemset(d_events, 0, sizeof(unsigned long long)), "cudaMemset events")) != EB_OK) {
    return status;
  }

  const int64_t dd = d;
  status = eigenbasis::run_pass<rs::kMeanValues>(memory, problem, trajectories, dd, sums,
                                             static_cast<unsigned long long*>(d_events));
  if (status != EB_OK) return status;
  if (covariance != 0) {
    // Pilot centre: the means of the first min(N, 1024) trajectories (the spec's first sub-block of chunk 0
    // when N ≥ 65,536), re-simulated: the same trajectories, so no extra randomness.
    const int64_t pilot_n = std::min<int64_t>(trajectories, 1024);
    std::vector<double> pilot(static_cast<size_t>(4 * dd));
    status = eigenbasis::run_pass<rs::kMeanValues>(memory, problem, pilot_n, dd, pilot.data(), nullptr);
    if (status != EB_OK) return status;
    double* centre_out = sums + 4 * dd + 6 * dd * dd;
    std::vector<double> centre(static_cast<size_t>(2 * dd));
    for (int64_t k = 0; k < dd; ++k) {
      centre[static_cast<size_t>(k)] = pilot[static_cast<size_t>(k)] / static_cast<double>(pilot_n);
      centre[static_cast<size_t>(dd + k)] = pilot[static_cast<size_t>(2 * dd + k)] / static_cast<double>(pilot_n);
    }
    double* d_centre = nullptr;
    if ((status = eigenbasis::upload(memory, centre.data(), 2 * dd, &d_centre, "upload centre")) != EB_OK) {
      return status;
    }
    problem.centre = d_centre;
    const int64_t pairs = dd * (dd + 1) / 2;
    std::vector<double> packed(static_cast<size_t>(rs::kPairValues * pairs));
    status = eigenbasis::run_pass<rs::kPairValues>(memory, problem, trajectories, pairs, packed.data(), nullptr);
    if (status != EB_OK) return status;
    double* full = sums + 4 * dd;
    for (int v = 0; v < rs::kPairValues; ++v) {
      for (int64_t i = 0; i < dd; ++i) {
        for (int64_t j = 0; j <= i; ++j) {
          const double x = packed[static_cast<size_t>(v * pairs + i * (i + 1) / 2 + j)];
          full[v * dd * dd + i * dd + j] = x;
          full[v * dd * dd + j * dd + i] = x;
        }
      }
    }
    std::memcpy(centre_out, centre.data(), static_cast<size_t>(2 * dd) * sizeof(double));
  }
  unsigned long long host_events = 0;
  status = cuda_check(cudaMemcpy(&host_events, d_events, sizeof(host_events), cudaMemcpyDeviceToHost), "events");
  if (status != EB_OK) return status;
  *events = static_cast<int64_t>(host_events);
  return EB_OK;
}
