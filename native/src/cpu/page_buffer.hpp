// A large scratch buffer that is never value-initialized and asks the kernel for 2 MB pages: the two-stage
// solver's n x n copies are first written by its own (parallel) passes, so a std::vector's zero fill was a wasted
// single-threaded pass, and with 4 KB pages the first touch of each page a fault (n = 8192 f64: copy-in 0.40 s).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>

namespace eigenbasis {

template <class T>
class PageBuffer {
 public:
  PageBuffer() = default;
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;
  PageBuffer(PageBuffer&& other) noexcept { swap(other); }
  PageBuffer& operator=(PageBuffer&& other) noexcept {
    PageBuffer gone(std::move(*this));
    swap(other);
    return *this;
  }
  ~PageBuffer() { std::free(data_); }

  /** At least n scalars, contents unspecified (lost when it grows); throws std::bad_alloc. */
  void grow(size_t n) {
    if (n <= capacity_) return;
    std::free(data_);
    data_ = nullptr;
    capacity_ = 0;
    // 2 MB pages only from 32 MB (n = 2048 in f64), where rounding up to whole pages adds at most 6 %: the
    // documented workspace bound (2.75 n^2 scalars with vectors) stays under 3 n^2 at every n.
    constexpr size_t kHuge = size_t(2) << 20, kHugeFrom = size_t(32) << 20;
    const bool huge = n * sizeof(T) >= kHugeFrom;
    const size_t align = huge ? kHuge : 64;
    const size_t bytes = (n * sizeof(T) + align - 1) / align * align;
    void* p = std::aligned_alloc(align, bytes);
    if (p == nullptr) throw std::bad_alloc();
    if (huge) madvise(p, bytes, MADV_HUGEPAGE);  // a hint: where transparent huge pages are off it changes nothing
    data_ = static_cast<T*>(p);
    capacity_ = bytes / sizeof(T);
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return capacity_; }
  size_t capacity() const { return capacity_; }

 private:
  void swap(PageBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(capacity_, other.capacity_);
  }
  T* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace eigenbasis
