// MLP training on the GPU (MlpKernel.train; eb_api.h "CUDA MLP kernels"): one thread block per job, each running
// mlp_device.hpp's train_job with its phases separated by __syncthreads(). A job's parameters are trained in place
// in global memory; its momentum buffer, gradient and batch activations live in a slice of one workspace
// (train_work_doubles per job; jobs are launched in groups so that the workspace stays under kWorkBudget), read
// through L1/L2. Compiled with --fmad=false: the only fused multiply-adds are the fma() calls of the header, so a
// block computes what the host emulation computes (native/test/mlp_emulation_test.cpp) up to the libm functions.
// Device pointers in, default stream, synchronised before returning.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <vector>

#include "cuda_common.hpp"
#include "mlp_device.hpp"

namespace eigenbasis {
namespace {

using mlpdev::NetShape;
using mlpdev::TrainParams;

constexpr int kThreads = 256;
constexpr int64_t kWorkBudget = int64_t{512} << 20;  // bytes of job workspaces per launch

/** The block's executor: every thread runs the phase, then the block waits for all of them. */
struct BlockExec {
  template <class F>
  __device__ void operator()(F&& phase) const {
    phase(static_cast<int>(threadIdx.x), static_cast<int>(blockDim.x));
    __syncthreads();
  }
};

__global__ void __launch_bounds__(kThreads) train_kernel(NetShape net, double* params, const double* x,
                                                         const double* y, const int32_t* orders,
                                                         const int64_t* offsets, TrainParams tp,
                                                         const double* table, double* work, int64_t work_per_job,
                                                         int64_t first_job) {
  const int64_t job = first_job + blockIdx.x;
  const int64_t length = offsets[job + 1] - offsets[job];
  BlockExec ex;
  mlpdev::train_job(ex, net, params + job * net.params, x, y, orders + offsets[job], length / tp.epochs, tp, table,
                    work + static_cast<int64_t>(blockIdx.x) * work_per_job);
}

/** Sets *bad when an order entry is outside [0, rows) or (cross-entropy) a label is not an integer in [0, classes). */
__global__ void check_kernel(const int32_t* orders, int64_t entries, const double* y, int64_t labels, int classes,
                             int64_t rows, int* bad) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < entries + labels; i += stride) {
    if (i < entries) {
      const int32_t o = orders[i];
      if (o < 0 || o >= rows) atomicOr(bad, 1);
    } else {
      const double v = y[i - entries];
      if (!(v >= 0 && v < classes) || v != floor(v)) atomicOr(bad, 2);
    }
  }
}

/** cudaFree on scope exit. */
struct DeviceScratch {
  void* p = nullptr;
  ~DeviceScratch() {
    if (p != nullptr) cudaFree(p);
  }
};

int32_t train(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss, double* params,
              int32_t jobs, const double* x, const double* y, int64_t rows, const int32_t* orders,
              const int64_t* order_offsets, int32_t epochs, int32_t batch_size, double lr, double momentum) {
  NetShape net;
  if (!mlpdev::make_shape(width_count, widths, activation, loss, &net)) return EB_ERR_ARGUMENT;
  if (jobs < 0 || rows < 0 || epochs < 1 || batch_size < 1) return EB_ERR_ARGUMENT;
  if (jobs == 0) return EB_OK;
  if (params == nullptr || order_offsets == nullptr) return EB_ERR_ARGUMENT;
  if (rows > 0 && (x == nullptr || y == nullptr)) return EB_ERR_ARGUMENT;
  if (order_offsets[0] != 0) return EB_ERR_ARGUMENT;
  int64_t longest = 0;
  for (int32_t j = 0; j < jobs; ++j) {
    const int64_t length = order_offsets[j + 1] - order_offsets[j];
    if (length < 0 || length % epochs != 0) return EB_ERR_ARGUMENT;
    longest = std::max(longest, length);
  }
  const int64_t entries = order_offsets[jobs];
  if (entries > 0 && orders == nullptr) return EB_ERR_ARGUMENT;
  if (longest == 0) return EB_OK;  // no job takes a step
  // A batch never holds more rows than the longest epoch: the workspace is sized by the smaller.
  const int batch = static_cast<int>(std::min<int64_t>(batch_size, longest / epochs));

  DeviceScratch flags, offsets, work;
  int32_t status = cuda_check(cudaMalloc(&flags.p, sizeof(int)), "cudaMalloc (check flag)");
  if (status != EB_OK) return status;
  status = cuda_check(cudaMemset(flags.p, 0, sizeof(int)), "cudaMemset (check flag)");
  if (status != EB_OK) return status;
  const int64_t labels = loss == EB_MLP_CROSS_ENTROPY ? rows : 0;
  if (entries + labels > 0) {
    const int64_t blocks = std::min<int64_t>((entries + labels + 255) / 256, 4096);
    check_kernel<<<static_cast<unsigned>(blocks), 256>>>(orders, entries, y, labels, net.out(), rows,
                                                         static_cast<int*>(flags.p));
    status = cuda_check(cudaGetLastError(), "mlp check_kernel launch");
    if (status != EB_OK) return status;
  }
  int bad = 0;
  status = cuda_check(cudaMemcpy(&bad, flags.p, sizeof(int), cudaMemcpyDeviceToHost), "mlp check_kernel");
  if (status != EB_OK) return status;
  if (bad != 0) return EB_ERR_ARGUMENT;

  const double* table = nullptr;
  status = mlp_gelu_table(&table);
  if (status != EB_OK) return status;
  status = cuda_check(cudaMalloc(&offsets.p, sizeof(int64_t) * (jobs + 1)), "cudaMalloc (order offsets)");
  if (status != EB_OK) return status;
  status = cuda_check(cudaMemcpy(offsets.p, order_offsets, sizeof(int64_t) * (jobs + 1), cudaMemcpyHostToDevice),
                      "cudaMemcpy (order offsets)");
  if (status != EB_OK) return status;
  const int64_t per_job = mlpdev::train_work_doubles(net, batch);
  const int64_t group = std::max<int64_t>(1, std::min<int64_t>(jobs, kWorkBudget / (per_job * 8)));
  status = cuda_check(cudaMalloc(&work.p, static_cast<size_t>(group * per_job) * sizeof(double)),
                      "cudaMalloc (mlp training workspace)");
  if (status != EB_OK) return status;
  const TrainParams tp{epochs, batch, lr, momentum};
  for (int64_t first = 0; first < jobs; first += group) {
    const int64_t count = std::min<int64_t>(group, jobs - first);
    train_kernel<<<static_cast<unsigned>(count), kThreads>>>(net, params, x, y, orders,
                                                             static_cast<const int64_t*>(offsets.p), tp, table,
                                                             static_cast<double*>(work.p), per_job, first);
    status = cuda_check(cudaGetLastError(), "mlp train_kernel launch");
    if (status != EB_OK) return status;
  }
  return cuda_check(cudaDeviceSynchronize(), "mlp train_kernel");
}

}  // namespace

namespace {
std::mutex table_mutex;
double* device_table = nullptr;
}  // namespace


/** gelu's coefficient table on the device (formed and uploaded on first use; kept for the process). */
int32_t mlp_gelu_table(const double** out) {
  std::lock_guard<std::mutex> lock(table_mutex);
  if (device_table == nullptr) {
    std::vector<double> host(static_cast<size_t>(mlpdev::kGeluCells) * mlpdev::kGeluCoefficients);
    mlpdev::fill_gelu_table(host.data());
    void* d = nullptr;
    int32_t status = cuda_check(cudaMalloc(&d, host.size() * sizeof(double)), "cudaMalloc (gelu table)");
    if (status != EB_OK) return status;
    status = cuda_check(cudaMemcpy(d, host.data(), host.size() * sizeof(double), cudaMemcpyHostToDevice),
                        "cudaMemcpy (gelu table)");
    if (status != EB_OK) {
      cudaFree(d);
      return status;
    }
    device_table = static_cast<double*>(d);
  }
  *out = device_table;
  return EB_OK;
}

}  // namespace eigenbasis

EB_EXPORT int32_t eb_cuda_mlp_max_depth(void) { return eigenbasis::mlpdev::kMaxDepth; }

EB_EXPORT int32_t eb_cuda_mlp_train_f64(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss,
                                        double* d_params, int32_t jobs, const double* d_x, const double* d_y,
                                        int64_t rows, const int32_t* d_orders, const int64_t* order_offsets,
                                        int32_t epochs, int32_t batch_size, double lr, double momentum) {
  return eigenbasis::train(width_count, widths, activation, loss, d_params, jobs, d_x, d_y, rows, d_orders,
                           order_offsets, epochs, batch_size, lr, momentum);
}
