// The canonical eigenvector sign rule of eb_api.h, applied to the columns of a row-major n x n matrix.
#pragma once

#include <cmath>
#include <vector>

#include "../common/eb_numeric.hpp"

namespace eigenbasis {

template <class T>
void canonicalize_columns(T* v, int n) {
  thread_local std::vector<T> column_max;
  thread_local std::vector<signed char> sign;
  column_max.assign(n, T(0));
  sign.assign(n, 0);
  // Row by row so the inner loops run along contiguous memory.
  for (int i = 0; i < n; ++i) {
    const T* row = v + static_cast<size_t>(i) * n;
    for (int j = 0; j < n; ++j) column_max[j] = std::max(column_max[j], std::fabs(row[j]));
  }
  for (int j = 0; j < n; ++j) column_max[j] = canonical_sign_threshold(column_max[j]);
  int undecided = n;
  for (int i = 0; i < n && undecided > 0; ++i) {
    const T* row = v + static_cast<size_t>(i) * n;
    for (int j = 0; j < n; ++j) {
      if (sign[j] == 0 && std::fabs(row[j]) >= column_max[j]) {
        sign[j] = row[j] < T(0) ? -1 : 1;
        --undecided;
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    T* row = v + static_cast<size_t>(i) * n;
    for (int j = 0; j < n; ++j)
      if (sign[j] < 0) row[j] = -row[j];
  }
}

}  // namespace eigenbasis
