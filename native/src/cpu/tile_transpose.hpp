// Transposes of n x n matrices in 8 x 8 blocks. A plain element-by-element transpose writes (or reads) one
// element per row of a tile, and with n a power of two those rows are 8 KB (f64, n = 1024) apart and fall in one
// L1 set: a 32-row tile thrashes it. An 8 x 8 block goes through a local buffer so that both sides move whole
// lines: 4.3x (copy) and 6-8x (in-place swap) at n = 1024 to 4096 on Zen 5 (design notes section 17). Pure data
// movement with an optional exact per-row factor: the bits never depend on the block size or the task split.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace eigenbasis {

constexpr int kTransposeBlock = 8;

/**
 * dst[c * ldd + r] = scale(r) * src[r * lds + c] for r < rows, c < cols (rows, cols <= kTransposeBlock), where
 * scale(r) is a factor per source row (1 for a plain transpose). When max_abs is not null, *max_abs becomes the
 * larger of itself and every |src| read.
 */
template <class T, class Scale>
inline void transpose_block(int rows, int cols, const T* src, size_t lds, T* dst, size_t ldd, Scale&& scale,
                            T* max_abs) {
  constexpr int B = kTransposeBlock;
  if (rows == B && cols == B) {
    T buf[B][B];
    T m = T(0);
    for (int r = 0; r < B; ++r) {
      const T f = scale(r);
      for (int c = 0; c < B; ++c) {
        const T x = src[static_cast<size_t>(r) * lds + c];
        m = std::max(m, std::fabs(x));
        buf[c][r] = f * x;
      }
    }
    for (int c = 0; c < B; ++c)
      for (int r = 0; r < B; ++r) dst[static_cast<size_t>(c) * ldd + r] = buf[c][r];
    if (max_abs != nullptr) *max_abs = std::max(*max_abs, m);
    return;
  }
  for (int r = 0; r < rows; ++r) {
    const T f = scale(r);
    for (int c = 0; c < cols; ++c) {
      const T x = src[static_cast<size_t>(r) * lds + c];
      if (max_abs != nullptr) *max_abs = std::max(*max_abs, std::fabs(x));
      dst[static_cast<size_t>(c) * ldd + r] = f * x;
    }
  }
}

/**
 * The lower triangle of the row-major n x n a into column-major ac (the same triangle as LAPACK's lower), for the
 * rows [i0, i1); returns the largest |entry| read. ac's upper part is not written.
 */
template <class T>
T copy_lower_transposed(int n, const T* a, T* ac, int i0, int i1) {
  constexpr int B = kTransposeBlock;
  const size_t ld = static_cast<size_t>(n);
  auto one = [](int) { return T(1); };
  T m = T(0);
  for (int ib = i0; ib < i1; ib += B) {
    const int rows = std::min(B, i1 - ib);
    for (int jb = 0; jb <= ib + rows - 1; jb += B) {
      if (jb + B <= ib) {  // wholly below the diagonal
        transpose_block(rows, B, a + ib * ld + jb, ld, ac + jb * ld + ib, ld, one, &m);
        continue;
      }
      for (int i = ib; i < ib + rows; ++i)
        for (int j = jb; j <= i && j < jb + B; ++j) {
          const T x = a[i * ld + j];
          m = std::max(m, std::fabs(x));
          ac[j * ld + i] = x;
        }
    }
  }
  return m;
}

/**
 * In-place transpose of the n x n v restricted to rows [r0, r1) against columns [c0, c1) with c0 >= r0 (a tile
 * on or above the diagonal and its mirror), each element multiplied by the sign of the index it lands at:
 * afterwards v(r, c) = sign(c) * old v(c, r) for every pair the tile covers (sign(i) = 1 for a plain transpose;
 * sign must make sign(r) = sign(c) harmless on the diagonal, i.e. the diagonal gets sign(r) * v(r, r)).
 */
template <class T, class Sign>
void transpose_tile_in_place(int n, T* v, int r0, int r1, int c0, int c1, Sign&& sign) {
  constexpr int B = kTransposeBlock;
  const size_t ld = static_cast<size_t>(n);
  for (int rb = r0; rb < r1; rb += B) {
    const int rows = std::min(B, r1 - rb);
    for (int cb = c0 == r0 ? rb : c0; cb < c1; cb += B) {
      const int cols = std::min(B, c1 - cb);
      if (cb >= rb + rows) {  // disjoint blocks (rb.., cb..) and (cb.., rb..): swap through buffers
        T upper[B][B], lower[B][B];
        for (int r = 0; r < rows; ++r)
          for (int c = 0; c < cols; ++c) upper[r][c] = v[(rb + r) * ld + cb + c];
        for (int c = 0; c < cols; ++c)
          for (int r = 0; r < rows; ++r) lower[c][r] = v[(cb + c) * ld + rb + r];
        for (int r = 0; r < rows; ++r)
          for (int c = 0; c < cols; ++c) v[(rb + r) * ld + cb + c] = sign(cb + c) * lower[c][r];
        for (int c = 0; c < cols; ++c)
          for (int r = 0; r < rows; ++r) v[(cb + c) * ld + rb + r] = sign(rb + r) * upper[r][c];
        continue;
      }
      for (int r = rb; r < rb + rows; ++r)  // a block on the diagonal
        for (int c = std::max(cb, r); c < cb + cols; ++c) {
          T& x = v[c * ld + r];
          T& y = v[r * ld + c];
          const T xr = x, yr = y;
          y = sign(c) * xr;
          x = sign(r) * yr;
        }
    }
  }
}

}  // namespace eigenbasis
