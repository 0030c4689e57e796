// Shared helpers of the CUDA library: export macro and error capture.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "eigenbasis/eb_api.h"

#define EB_EXPORT extern "C" __attribute__((visibility("default")))

namespace eigenbasis {

/** Records the failure of `what` for eb_cuda_last_error() and maps it to a status code. */
int32_t cuda_check(cudaError_t error, const char* what);

/** gelu's coefficient table (mlp_device.hpp) on the device, formed and uploaded on first use (mlp_train.cu). */
int32_t mlp_gelu_table(const double** out);

}  // namespace eigenbasis
