// Built in place of the CUDA kernels when CMake finds no nvcc: every entry point says so.
#include <cstring>

#include "eigenbasis/eb_api.h"

#define EB_EXPORT extern "C" __attribute__((visibility("default")))

namespace {
constexpr const char* kReason = "libeigenbasis_cuda was built without nvcc (no CUDA compiler found at build time)";

void write_reason(char* message, int32_t capacity) {
  if (message == nullptr || capacity <= 0) return;
  std::strncpy(message, kReason, static_cast<size_t>(capacity) - 1);
  message[capacity - 1] = '\0';
}
}  // namespace

EB_EXPORT int32_t eb_cuda_abi_version(void) { return 1; }
EB_EXPORT int32_t eb_cuda_probe(int32_t* count, char* message, int32_t capacity) {
  if (count != nullptr) *count = 0;
  write_reason(message, capacity);
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_describe(char* buffer, int32_t capacity) {
  write_reason(buffer, capacity);
  return static_cast<int32_t>(std::strlen(kReason) + 1);
}
EB_EXPORT const char* eb_cuda_last_error(void) { return kReason; }
EB_EXPORT int32_t eb_cuda_jacobi_max_n(int32_t) { return 0; }
EB_EXPORT int32_t eb_cuda_jacobi_eigh_f64(const double*, int64_t, int32_t, double*, double*, int32_t*, int32_t) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_jacobi_eigh_f32(const float*, int64_t, int32_t, float*, float*, int32_t*, int32_t) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_finish_columns_f64(const double*, double*, double*, const int32_t*, int64_t, int32_t) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_finish_columns_f32(const float*, float*, float*, const int32_t*, int64_t, int32_t) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_malloc(int64_t, void** d_ptr) {
  if (d_ptr != nullptr) *d_ptr = nullptr;
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_free(void*) { return EB_ERR_NOT_BUILT; }
EB_EXPORT int32_t eb_cuda_copy_to_device(void*, const void*, int64_t) { return EB_ERR_NOT_BUILT; }
EB_EXPORT int32_t eb_cuda_copy_to_host(void*, const void*, int64_t) { return EB_ERR_NOT_BUILT; }
EB_EXPORT int32_t eb_cuda_copy_on_device(void*, const void*, int64_t) { return EB_ERR_NOT_BUILT; }
EB_EXPORT int32_t eb_cuda_synchronize(void) { return EB_ERR_NOT_BUILT; }
EB_EXPORT int64_t eb_cuda_reset_sums_length(int32_t d, int32_t covariance) {
  if (d < 1) return -1;
  const int64_t dd = d;
  return 4 * dd + (covariance != 0 ? 6 * dd * dd + 2 * dd : 0);
}
EB_EXPORT int32_t eb_cuda_reset_simulate(int32_t, const double*, int32_t, int32_t, const double*, const double*,
                                         double, double, int64_t, int64_t, int32_t, double, int32_t, double*,
                                         int64_t, int64_t* events) {
  if (events != nullptr) *events = 0;
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_precond_diagonal_update_f64(const double*, double*, double*, double*, int64_t, double,
                                                      double, double, double, double) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_precond_diagonal_update_f32(const float*, float*, float*, float*, int64_t, double, double,
                                                      double, double, double) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_precond_combine_factor_f64(const double*, double*, int64_t, int32_t, double, double) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_precond_combine_factor_f32(const float*, float*, int64_t, int32_t, double, double) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_mlp_max_depth(void) { return 0; }
EB_EXPORT int32_t eb_cuda_mlp_train_f64(int32_t, const int32_t*, int32_t, int32_t, double*, int32_t, const double*,
                                        const double*, int64_t, const int32_t*, const int64_t*, int32_t, int32_t,
                                        double, double) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_mlp_broadcast_rows_f64(double*, int64_t, int32_t, int32_t, const double*, int64_t, int32_t) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_mlp_activate_f64(int32_t, const double*, int64_t, double*, double*, double*) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_mlp_loss_gradient_f64(int32_t, const double*, const double*, int64_t, int32_t, double,
                                                double*, double*) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_mlp_scale_groups_f64(double*, const double*, const double*, int64_t, int32_t, int32_t,
                                               const double*, const double*) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_mlp_rop_loss_f64(int32_t, const double*, const double*, int64_t, int32_t, int32_t, double,
                                           double*) {
  return EB_ERR_NOT_BUILT;
}
EB_EXPORT int32_t eb_cuda_mlp_column_sums_f64(const double*, int64_t, int32_t, int32_t, double*, int64_t) {
  return EB_ERR_NOT_BUILT;
}
