// The elementwise steps of the MLP Hessian-vector products on the GPU (eb_api.h "CUDA MLP kernels"): CudaMlp runs
// Pearlmutter's R-operator as a plan of cuBLAS products (through the JavaCPP presets: this library does not link
// cuBLAS) and these kernels, whose per-item arithmetic is in mlp_device.hpp. Grid-stride, default stream (the one
// the presets' cuBLAS handle uses), synchronised before returning. Compiled with --fmad=false: fused multiply-adds
// only where the header calls fma().
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda_common.hpp"
#include "mlp_device.hpp"

namespace eigenbasis {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 8192;

unsigned blocks_for(int64_t items) {
  const int64_t blocks = (items + kThreads - 1) / kThreads;
  return static_cast<unsigned>(blocks < kMaxBlocks ? blocks : kMaxBlocks);
}

#define EB_GRID_STRIDE(i, count)                                                                              \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x,                               \
               stride_ = static_cast<int64_t>(gridDim.x) * blockDim.x;                                        \
       i < (count); i += stride_)

__global__ void broadcast_rows_kernel(double* out, int64_t count, int groups, int width, const double* src,
                                      int64_t src_stride, bool accumulate) {
  EB_GRID_STRIDE(i, count) mlpdev::broadcast_rows_at(i, out, groups, width, src, src_stride, accumulate);
}

__global__ void activate_kernel(int code, const double* table, const double* z, int64_t count, double* a, double* s1,
                                double* s2) {
  EB_GRID_STRIDE(i, count) mlpdev::activate_at(i, code, table, z, a, s1, s2);
}

__global__ void loss_gradient_kernel(int loss, const double* z, const double* y, int64_t rows, int classes,
                                     double inv_rows, double* g, double* p) {
  const int tw = loss == mlpdev::kSquared ? classes : 1;
  EB_GRID_STRIDE(r, rows)
  mlpdev::loss_gradient_row(loss, classes, z + r * classes, y + r * tw, inv_rows, g + r * classes,
                            p == nullptr ? nullptr : p + r * classes);
}

__global__ void scale_groups_kernel(double* out, const double* in, const double* scale, int64_t count, int groups,
                                    int width, const double* e, const double* rz) {
  EB_GRID_STRIDE(i, count) mlpdev::scale_groups_at(i, out, in, scale, groups, width, e, rz);
}

__global__ void rop_loss_kernel(int loss, const double* p, const double* rz, int64_t rows_times_groups, int groups,
                                int classes, double inv_n, double* rg) {
  EB_GRID_STRIDE(q, rows_times_groups) mlpdev::rop_loss_at(q, loss, p, rz, groups, classes, inv_n, rg);
}

__global__ void column_sums_kernel(const double* in, int64_t rows, int groups, int width, double* out,
                                   int64_t out_stride) {
  EB_GRID_STRIDE(q, static_cast<int64_t>(groups) * width) mlpdev::column_sum_at(q, in, rows, groups, width, out,
                                                                               out_stride);
}

int32_t finish(const char* what) {
  const int32_t status = cuda_check(cudaGetLastError(), what);
  if (status != EB_OK) return status;
  return cuda_check(cudaDeviceSynchronize(), what);
}

bool extents_ok(int64_t rows, int groups, int width) {
  return rows >= 0 && groups >= 1 && width >= 1 && rows <= INT64_MAX / groups / width;
}

}  // namespace
}  // namespace eigenbasis

using eigenbasis::blocks_for;
using eigenbasis::extents_ok;
using eigenbasis::finish;

EB_EXPORT int32_t eb_cuda_mlp_broadcast_rows_f64(double* d_out, int64_t rows, int32_t groups, int32_t width,
                                                 const double* d_src, int64_t src_stride, int32_t accumulate) {
  if (!extents_ok(rows, groups, width) || src_stride < 0) return EB_ERR_ARGUMENT;
  const int64_t count = rows * groups * width;
  if (count == 0) return EB_OK;
  if (d_out == nullptr || d_src == nullptr) return EB_ERR_ARGUMENT;
  eigenbasis::broadcast_rows_kernel<<<blocks_for(count), eigenbasis::kThreads>>>(d_out, count, groups, width, d_src,
                                                                                 src_stride, accumulate != 0);
  return finish("mlp broadcast_rows_kernel");
}

EB_EXPORT int32_t eb_cuda_mlp_activate_f64(int32_t activation, const double* d_z, int64_t count, double* d_a,
                                           double* d_s1, double* d_s2) {
  if (count < 0 || activation < EB_MLP_GELU || activation > EB_MLP_IDENTITY) return EB_ERR_ARGUMENT;
  if (count == 0) return EB_OK;
  if (d_z == nullptr || d_a == nullptr || d_s1 == nullptr) return EB_ERR_ARGUMENT;
  const double* table = nullptr;
  const int32_t status = eigenbasis::mlp_gelu_table(&table);
  if (status != EB_OK) return status;
  eigenbasis::activate_kernel<<<blocks_for(count), eigenbasis::kThreads>>>(activation, table, d_z, count, d_a, d_s1,
                                                                           d_s2);
  return finish("mlp activate_kernel");
}

EB_EXPORT int32_t eb_cuda_mlp_loss_gradient_f64(int32_t loss, const double* d_z, const double* d_y, int64_t rows,
                                                int32_t classes, double inv_rows, double* d_g, double* d_p) {
  if (rows < 0 || classes < 1 || (loss != EB_MLP_CROSS_ENTROPY && loss != EB_MLP_SQUARED)) return EB_ERR_ARGUMENT;
  if (loss == EB_MLP_CROSS_ENTROPY && classes < 2) return EB_ERR_ARGUMENT;
  if (rows == 0) return EB_OK;
  if (d_z == nullptr || d_y == nullptr || d_g == nullptr) return EB_ERR_ARGUMENT;
  eigenbasis::loss_gradient_kernel<<<blocks_for(rows), eigenbasis::kThreads>>>(loss, d_z, d_y, rows, classes,
                                                                               inv_rows, d_g, d_p);
  return finish("mlp loss_gradient_kernel");
}

EB_EXPORT int32_t eb_cuda_mlp_scale_groups_f64(double* d_out, const double* d_in, const double* d_scale, int64_t rows,
                                               int32_t groups, int32_t width, const double* d_e,
                                               const double* d_rz) {
  if (!extents_ok(rows, groups, width)) return EB_ERR_ARGUMENT;
  const int64_t count = rows * groups * width;
  if (count == 0) return EB_OK;
  if (d_out == nullptr || d_in == nullptr || d_scale == nullptr || (d_e != nullptr && d_rz == nullptr))
    return EB_ERR_ARGUMENT;
  eigenbasis::scale_groups_kernel<<<blocks_for(count), eigenbasis::kThreads>>>(d_out, d_in, d_scale, count, groups,
                                                                               width, d_e, d_rz);
  return finish("mlp scale_groups_kernel");
}

EB_EXPORT int32_t eb_cuda_mlp_rop_loss_f64(int32_t loss, const double* d_p, const double* d_rz, int64_t rows,
                                           int32_t groups, int32_t classes, double inv_n, double* d_rg) {
  if (!extents_ok(rows, groups, classes) || (loss != EB_MLP_CROSS_ENTROPY && loss != EB_MLP_SQUARED))
    return EB_ERR_ARGUMENT;
  const int64_t items = rows * groups;
  if (items == 0) return EB_OK;
  if (d_rz == nullptr || d_rg == nullptr || (loss == EB_MLP_CROSS_ENTROPY && d_p == nullptr)) return EB_ERR_ARGUMENT;
  eigenbasis::rop_loss_kernel<<<blocks_for(items), eigenbasis::kThreads>>>(loss, d_p, d_rz, items, groups, classes,
                                                                           inv_n, d_rg);
  return finish("mlp rop_loss_kernel");
}

EB_EXPORT int32_t eb_cuda_mlp_column_sums_f64(const double* d_in, int64_t rows, int32_t groups, int32_t width,
                                              double* d_out, int64_t out_stride) {
  if (!extents_ok(rows, groups, width) || out_stride < 0) return EB_ERR_ARGUMENT;
  if (d_out == nullptr || (rows > 0 && d_in == nullptr)) return EB_ERR_ARGUMENT;
  const int64_t items = static_cast<int64_t>(groups) * width;
  eigenbasis::column_sums_kernel<<<blocks_for(items), eigenbasis::kThreads>>>(d_in, rows, groups, width, d_out,
                                                                              out_stride);
  return finish("mlp column_sums_kernel");
}
