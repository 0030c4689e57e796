// Argument checks shared by the C entry points of both libraries (issue 15, "a hostile caller"): sizes whose
// element count or byte count does not fit the address space are refused with EB_ERR_ARGUMENT before any pointer
// arithmetic, and every C++ exception is turned into a status at the C boundary. Host code only (nvcc includes it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <new>

#include "eigenbasis/eb_api.h"

namespace eigenbasis {

/**
 * Whether an array of the product of `extents` elements of `element_bytes` each can exist: every extent >= 0, and
 * the product times element_bytes fits in a ptrdiff_t (so that p + i, for any index i of it, is defined). A batch
 * of 2^62 matrices of 4 x 4 is refused here instead of wrapping to a small count.
 */
inline bool extent_fits(std::initializer_list<int64_t> extents, std::size_t element_bytes) {
  int64_t total = static_cast<int64_t>(element_bytes);
  for (int64_t e : extents) {
    if (e < 0) return false;
    if (e != 0 && total > static_cast<int64_t>(PTRDIFF_MAX) / e) return false;
    total *= e;
  }
  return true;
}

/** Runs fn at the C boundary: std::bad_alloc becomes EB_ERR_ALLOCATION and any other exception EB_ERR_INTERNAL. */
template <class Fn>
int32_t c_boundary(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return EB_ERR_ALLOCATION;
  } catch (...) {
    return EB_ERR_INTERNAL;
  }
}

}  // namespace eigenbasis
