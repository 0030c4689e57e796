// One 64-byte vector of T as GCC's vector extension, for the AVX-512 builds (band_kernels_avx512.cpp): loads and
// stores through memcpy (unaligned, no aliasing questions), a splat, and a broadcast load. Shared by
// band_kernels.hpp's products and symv_kernels.hpp's.
#pragma once

#include <cstring>

#include <immintrin.h>

#if !defined(__AVX512F__) || !defined(EB_NS)
#error "simd_lanes.hpp is built for x86-64-v4 only, in band_kernels_avx512.cpp (which defines EB_NS)"
#endif

namespace eigenbasis {
inline namespace EB_NS {
namespace simd_detail {

constexpr int kVecBytes = 64;

template <class T>
struct Simd {
  static constexpr int lanes = kVecBytes / static_cast<int>(sizeof(T));
  typedef T V __attribute__((vector_size(kVecBytes)));
  static V load(const T* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(T* p, V v) { std::memcpy(p, &v, sizeof v); }
  static V splat(T s) { return V{} + s; }
  // *p in every lane by one broadcast load (vbroadcastsd/ss from memory: a load-port uop). The hot loops use this:
  // GCC compiles V{} + s as a scalar add (0 + s is no identity at s = -0) and a register broadcast, and a
  // lane-by-lane fill of consecutive scalars as one vector load and seven permutes. reflect_rows in L1, one core:
  // 85 GFLOP/s with V{} + s, 64 with the fill, 93-104 with this (and each tile size its own function).
  static V splat_at(const T* p) {
    V v;
    if constexpr (sizeof(T) == 8) {
      const __m512d b = _mm512_set1_pd(*reinterpret_cast<const double*>(p));
      std::memcpy(&v, &b, sizeof v);
    } else {
      const __m512 b = _mm512_set1_ps(*reinterpret_cast<const float*>(p));
      std::memcpy(&v, &b, sizeof v);
    }
    return v;
  }
};

}  // namespace simd_detail
}  // namespace EB_NS
}  // namespace eigenbasis
