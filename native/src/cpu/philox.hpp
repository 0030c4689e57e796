// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11) and the per-trajectory random stream of the simulator: the
// C++ twin of java/core/src/main/java/org/eigenbasis/resetting/Philox.java. The stream fills its uniforms a few
// blocks at a time with a loop over independent counters that the compiler vectorises; a block's numbers depend
// only on (seed, trajectory, block), so the buffering never changes what a trajectory sees.
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "det_math.hpp"
#include "own_kernels.hpp"

namespace eigenbasis {
namespace philox {

constexpr uint64_t kM0 = 0xD2511F53u;
constexpr uint64_t kM1 = 0xCD9E8D57u;
constexpr uint32_t kW0 = 0x9E3779B9u;
constexpr uint32_t kW1 = 0xBB67AE85u;

/** One Philox4x32-10 block: out = bijection of counter c under key k. */
inline void block(const uint32_t c_in[4], const uint32_t key[2], uint32_t out[4]) {
  uint32_t c0 = c_in[0], c1 = c_in[1], c2 = c_in[2], c3 = c_in[3];
  uint32_t k0 = key[0], k1 = key[1];
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    const uint64_t p0 = kM0 * c0;
    const uint64_t p1 = kM1 * c2;
    const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<uint32_t>(p1);
    c3 = static_cast<uint32_t>(p0);
    c0 = n0;
    c2 = n2;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** The polar method's factors sqrt(-2 log(s) / s) in place, vectorised. */
inline void polar_factors(double* s, int64_t n) {
  for (int64_t p = 0; p < n; ++p) s[p] = std::sqrt(-2 * detmath::log(s[p]) / s[p]);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// polar_factors for AVX-512 machines (8 lanes): the same IEEE operations, so the same bits (see reset_sim.cpp's
// em_flat_avx512; the including file must be compiled with -ffp-contract=off).
__attribute__((target("arch=x86-64-v4,prefer-vector-width=512"))) inline void polar_factors_avx512(double* s,
                                                                                                   int64_t n) {
  for (int64_t p = 0; p < n; ++p) s[p] = std::sqrt(-2 * detmath::log(s[p]) / s[p]);
}
inline const bool kWideFactors = cpu_has_avx512();
#else
inline void polar_factors_avx512(double* s, int64_t n) { polar_factors(s, n); }
inline const bool kWideFactors = false;
#endif

/** ((bits >> 12) + 0.5) * 2^-52: a uniform in [2^-53, 1 - 2^-53]. */
inline double to_uniform(uint64_t bits) {
  // 1 + m 2^-52 (m = bits >> 12) minus (1 - 2^-53), exact by Sterbenz: the same double as (m + 0.5) 2^-52, without
  // the uint64 -> double conversion that AVX2 lacks.
  const double one_plus = detmath::from_bits(static_cast<int64_t>(0x3ff0000000000000ULL | (bits >> 12)));
  return one_plus - (1.0 - 0x1p-53);
}

/** The random stream of one trajectory (see Philox.Stream). */
class Stream {
 public:
  static constexpr int kMaxBlocks = 16;
  static constexpr int kLanes = 4;

  explicit Stream(uint64_t seed) : k0_(static_cast<uint32_t>(seed)), k1_(static_cast<uint32_t>(seed >> 32)) {}

  void reset(uint64_t index) {
    c2_ = static_cast<uint32_t>(index);
    c3_ = static_cast<uint32_t>(index >> 32);
    block_ = 0;
    pos_ = len_ = 0;
    next_blocks_ = kLanes;
    have_spare_ = false;
  }

  double uniform() {
    if (pos_ == len_) refill();
    return buf_[pos_++];
  }

  double normal() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    double v1, v2, s;
    do {
      v1 = 2 * uniform() - 1;
      v2 = 2 * uniform() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s == 0);
    const double f = std::sqrt(-2 * detmath::log(s) / s);
    spare_ = v2 * f;
    have_spare_ = true;
    return v1 * f;
  }

  /**
   * n normals into z, the same numbers as n calls of normal(). The polar method's candidates are formed and
   * tested in vectorised loops over a bulk of uniforms, accepted pairs compacted without branches, log and sqrt
   * run over them vectorised; the uniforms past the last accepted pair are given back to the stream. cand holds
   * at least 2 (n / 2 + 1) + 16 doubles (Scratch sizes it), v1, v2, s at least n / 2 + 1 + 8.
   */
  void normals(double* z, int64_t n, double* cand, double* v1, double* v2, double* s) {
    if (n <= 4) {  // small d: the scalar method is the same numbers with less machinery
      for (int64_t i = 0; i < n; ++i) z[i] = normal();
      return;
    }
    int64_t k = 0;
    if (n > 0 && have_spare_) {
      z[k++] = spare_;
      have_spare_ = false;
    }
    const int64_t pairs = (n - k + 1) / 2;
    int64_t accepted = 0;
    while (accepted < pairs) {
      const int64_t need = pairs - accepted;
      // About 1/0.785 candidates per accepted pair; a short second round covers a shortfall.
      const int64_t m = need + (need + 3) / 4;  // <= kMaxCandidates(pairs)
      take(cand, 2 * m);
      double* a = v1 + accepted;
      double* b = v2 + accepted;
      double* q = s + accepted;
      int64_t got = 0, used = m;
      // form and test the candidates (vectorised), overwriting cand with (v1, v2) and keeping s aside in-place
      for (int64_t c = 0; c < m; ++c) {
        const double x = 2 * cand[2 * c] - 1;
        const double y = 2 * cand[2 * c + 1] - 1;
        cand[2 * c] = x;
        cand[2 * c + 1] = y;
      }
      for (int64_t c = 0; c < m; ++c) {
        const double x = cand[2 * c], y = cand[2 * c + 1];
        const double ss = x * x + y * y;
        a[got] = x;
        b[got] = y;
        q[got] = ss;
        got += (ss < 1) & (ss != 0);
        if (got == need) {
          used = c + 1;
          break;
        }
      }
      give_back(2 * (m - used));
      accepted += got;
    }
    if (kWideFactors) polar_factors_avx512(s, pairs);
    else polar_factors(s, pairs);
    const int64_t full = (n - k) / 2;
    for (int64_t p = 0; p < full; ++p) {
      z[k + 2 * p] = v1[p] * s[p];
      z[k + 2 * p + 1] = v2[p] * s[p];
    }
    if (pairs > full) {
      z[n - 1] = v1[full] * s[full];
      spare_ = v2[full] * s[full];
      have_spare_ = true;
    }
  }

  /** Candidates per round are capped so cand (2 (pairs + pairs/4 + 8) doubles) always suffices. */
  static int64_t kMaxCandidates(int64_t pairs) { return pairs + pairs / 4 + 8; }

  /** The next count uniforms of the stream into dst. */
  void take(double* dst, int64_t count) {
    while (count > 0) {
      if (pos_ == len_) refill();
      const int64_t avail = len_ - pos_;
      const int64_t c = count < avail ? count : avail;
      for (int64_t i = 0; i < c; ++i) dst[i] = buf_[pos_ + i];
      pos_ += static_cast<int>(c);
      dst += c;
      count -= c;
    }
  }

  /** Steps the stream back by count uniforms (count ≤ the uniforms taken since reset). */
  void give_back(int64_t count) {
    if (count <= pos_) {
      pos_ -= static_cast<int>(count);
      return;
    }
    // the position as a uniform index, then regenerate from its block
    const uint64_t position = 2 * block_ - static_cast<uint64_t>(len_ - pos_) - static_cast<uint64_t>(count);
    block_ = position / 2;
    pos_ = len_ = 0;
    if (position % 2 == 1) {
      refill();
      pos_ = 1;
    }
  }

  double exponential() { return -detmath::log(uniform()); }

  double gamma(double k) {
    if (k < 1) {
      const double g = gamma(k + 1);
      const double u = uniform();
      return g * detmath::exp(detmath::log(u) / k);
    }
    const double d = k - 1.0 / 3.0;
    return marsaglia_tsang(d, 1 / std::sqrt(9 * d));
  }

  /** gamma(k) for k >= 1 from d = k - 1/3 and c = 1/sqrt(9 d): a caller drawing many with one k computes them once. */
  double marsaglia_tsang(double d, double c) {
    // Marsaglia and Tsang's squeeze, u < 1 - 0.0331 z^4, implies the log test; shrunk by 1e-9 it accepts only
    // where the log test as computed also accepts (its rounding error is below 1e-13 for d <= 1000), so it skips
    // both logs for most draws without changing a decision: the same draws, the same value, the same stream.
    const bool squeeze = d <= 1000;
    while (true) {
      const double z = normal();
      double v = 1 + c * z;
      if (v <= 0) continue;
      v = v * v * v;
      const double u = uniform();
      const double z2 = z * z;
      if (squeeze && u < (1 - 0.0331 * (z2 * z2)) * (1 - 1e-9)) return d * v;
      if (detmath::log(u) < (z2 * 0.5 + d) - d * v + d * detmath::log(v)) return d * v;
    }
  }

 private:
  void refill() {
    const int nb = next_blocks_;  // a multiple of kLanes
    int g = 0;
    if (kWideFactors)
      for (; g + 2 * kLanes <= nb; g += 2 * kLanes) fill_group8_avx512(block_ + static_cast<uint64_t>(g), buf_ + 2 * g);
    for (; g < nb; g += kLanes) fill_group(block_ + static_cast<uint64_t>(g), buf_ + 2 * g);
    block_ += static_cast<uint64_t>(nb);
    pos_ = 0;
    len_ = 2 * nb;
    // Small first refills (a trajectory at small d needs a handful of numbers), larger ones as it consumes more.
    next_blocks_ = nb * 2 > kMaxBlocks ? kMaxBlocks : nb * 2;
  }

  /**
   * kLanes (4) consecutive blocks from `first` into out[8], in stream order. The 32-bit words sit in 64-bit lanes:
   * each round is a widening 32 x 32 -> 64 multiply per lane (vpmuludq) plus shifts and xors.
   */
  void fill_group(uint64_t first, double* out) const {
#ifdef __AVX2__
    // Spelled out with intrinsics: GCC unrolls the 4-lane loops below and then finds SLP unprofitable.
    const __m256i low32 = _mm256_set1_epi64x(0xffffffffLL);
    const __m256i b = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<int64_t>(first)), _mm256_setr_epi64x(0, 1, 2, 3));
    __m256i c0 = _mm256_and_si256(b, low32);
    __m256i c1 = _mm256_srli_epi64(b, 32);
    __m256i c2 = _mm256_set1_epi64x(static_cast<int64_t>(c2_));
    __m256i c3 = _mm256_set1_epi64x(static_cast<int64_t>(c3_));
    const __m256i m0 = _mm256_set1_epi64x(static_cast<int64_t>(kM0));
    const __m256i m1 = _mm256_set1_epi64x(static_cast<int64_t>(kM1));
    uint32_t k0 = k0_, k1 = k1_;
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        k0 += kW0;
        k1 += kW1;
      }
      const __m256i p0 = _mm256_mul_epu32(c0, m0);
      const __m256i p1 = _mm256_mul_epu32(c2, m1);
      const __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1),
                                          _mm256_set1_epi64x(static_cast<int64_t>(k0)));
      const __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3),
                                          _mm256_set1_epi64x(static_cast<int64_t>(k1)));
      c1 = _mm256_and_si256(p1, low32);
      c3 = _mm256_and_si256(p0, low32);
      c0 = n0;
      c2 = n2;
    }
    const __m256i one = _mm256_set1_epi64x(0x3ff0000000000000LL);
    const __m256d shift = _mm256_set1_pd(1.0 - 0x1p-53);
    const __m256i even = _mm256_or_si256(_mm256_slli_epi64(c1, 32), c0);
    const __m256i odd = _mm256_or_si256(_mm256_slli_epi64(c3, 32), c2);
    const __m256d ue = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(even, 12), one)), shift);
    const __m256d uo = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(odd, 12), one)), shift);
    const __m256d lo = _mm256_unpacklo_pd(ue, uo);  // e0 o0 e2 o2
    const __m256d hi = _mm256_unpackhi_pd(ue, uo);  // e1 o1 e3 o3
    _mm256_storeu_pd(out, _mm256_permute2f128_pd(lo, hi, 0x20));
    _mm256_storeu_pd(out + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
#else
    for (int i = 0; i < kLanes; ++i) {
      const uint64_t b = first + static_cast<uint64_t>(i);
      const uint32_t c[4] = {static_cast<uint32_t>(b), static_cast<uint32_t>(b >> 32), c2_, c3_};
      const uint32_t key[2] = {k0_, k1_};
      uint32_t w[4];
      block(c, key, w);
      out[2 * i] = to_uniform((static_cast<uint64_t>(w[1]) << 32) | w[0]);
      out[2 * i + 1] = to_uniform((static_cast<uint64_t>(w[3]) << 32) | w[2]);
    }
#endif
  }

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  /** fill_group for 8 consecutive blocks in 512-bit lanes (AVX-512F): out[16] in stream order, the same words. */
  __attribute__((target("arch=x86-64-v4"))) void fill_group8_avx512(uint64_t first, double* out) const {
    const __m512i low32 = _mm512_set1_epi64(0xffffffffLL);
    const __m512i b = _mm512_add_epi64(_mm512_set1_epi64(static_cast<int64_t>(first)),
                                       _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
    __m512i c0 = _mm512_and_si512(b, low32);
    __m512i c1 = _mm512_srli_epi64(b, 32);
    __m512i c2 = _mm512_set1_epi64(static_cast<int64_t>(c2_));
    __m512i c3 = _mm512_set1_epi64(static_cast<int64_t>(c3_));
    const __m512i m0 = _mm512_set1_epi64(static_cast<int64_t>(kM0));
    const __m512i m1 = _mm512_set1_epi64(static_cast<int64_t>(kM1));
    uint32_t k0 = k0_, k1 = k1_;
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        k0 += kW0;
        k1 += kW1;
      }
      const __m512i p0 = _mm512_mul_epu32(c0, m0);
      const __m512i p1 = _mm512_mul_epu32(c2, m1);
      const __m512i n0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), c1),
                                          _mm512_set1_epi64(static_cast<int64_t>(k0)));
      const __m512i n2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), c3),
                                          _mm512_set1_epi64(static_cast<int64_t>(k1)));
      c1 = _mm512_and_si512(p1, low32);
      c3 = _mm512_and_si512(p0, low32);
      c0 = n0;
      c2 = n2;
    }
    const __m512i one = _mm512_set1_epi64(0x3ff0000000000000LL);
    const __m512d shift = _mm512_set1_pd(1.0 - 0x1p-53);
    const __m512i even = _mm512_or_si512(_mm512_slli_epi64(c1, 32), c0);
    const __m512i odd = _mm512_or_si512(_mm512_slli_epi64(c3, 32), c2);
    const __m512d ue = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64(even, 12), one)), shift);
    const __m512d uo = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64(odd, 12), one)), shift);
    // interleave: e0 o0 e1 o1 ... e7 o7
    _mm512_storeu_pd(out, _mm512_permutex2var_pd(ue, _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), uo));
    _mm512_storeu_pd(out + 8, _mm512_permutex2var_pd(ue, _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), uo));
  }
#else
  void fill_group8_avx512(uint64_t first, double* out) const {
    fill_group(first, out);
    fill_group(first + kLanes, out + 2 * kLanes);
  }
#endif

  uint32_t k0_, k1_;
  uint32_t c2_ = 0, c3_ = 0;
  uint64_t block_ = 0;
  double buf_[2 * kMaxBlocks];
  int pos_ = 0, len_ = 0, next_blocks_ = kLanes;
  double spare_ = 0;
  bool have_spare_ = false;
};

}  // namespace philox
}  // namespace eigenbasis
