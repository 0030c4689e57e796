// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11) and the per-trajectory random stream of the simulator: the
// C++ twin of java/core/src/main/java/org/eigenbasis/internal/random/Philox.java. The rounds are written once
// (rounds<V, H>) for every width the CPU code uses: the scalar block(), the stream's refills (4 or 8 consecutive
// blocks) and the lane path's per-lane blocks (reset_lanes.cpp). A block's numbers depend only on (seed,
// trajectory, block), so the buffering never changes what a trajectory sees.
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "det_math.hpp"

namespace eigenbasis {
namespace philox {

constexpr uint64_t kM0 = 0xD2511F53u;
constexpr uint64_t kM1 = 0xCD9E8D57u;
constexpr uint32_t kW0 = 0x9E3779B9u;
constexpr uint32_t kW1 = 0xBB67AE85u;

// ---- The rounds, once, for every width: a 64-bit scalar, 4 lanes (AVX2) and 8 lanes (AVX-512F) --------------
//
// Each 32-bit word of the state sits in a 64-bit lane, so a round is a widening 32 x 32 -> 64 multiply per lane
// (vpmuludq) plus shifts and xors. A width (Lanes1, Lanes4, Lanes8) names its vector type V and the few operations
// the rounds need; ^ is GCC's vector operator. Lanes8 exists only where AVX-512F is enabled for the whole file:
// philox_avx512.cpp, compiled with -march=x86-64-v4, instantiates the 512-bit functions (a template cannot take its
// instruction set from its argument).

/** One lane in a 64-bit scalar: the reference width (block()) and the fallback for builds without AVX2. */
struct Lanes1 {
  using V = uint64_t;
  using D = double;
  static constexpr int kWidth = 1;
  static uint64_t splat(uint64_t x) { return x; }
  static uint64_t load(const uint64_t* p) { return *p; }
  static uint64_t iota(uint64_t first) { return first; }
  static uint64_t add(uint64_t a, uint64_t b) { return a + b; }
  static uint64_t mul_lo32(uint64_t a, uint64_t b) { return (a & 0xffffffffu) * (b & 0xffffffffu); }
  static uint64_t hi32(uint64_t a) { return a >> 32; }
  static uint64_t shl32(uint64_t a) { return a << 32; }
  static uint64_t lo32(uint64_t a) { return a & 0xffffffffu; }
  /** ((bits >> 12) + 0.5) 2^-52, as 1 + m 2^-52 (m = bits >> 12) minus (1 - 2^-53): exact by Sterbenz. */
  static double uniform(uint64_t bits) {
    return detmath::from_bits(static_cast<int64_t>(0x3ff0000000000000ULL | (bits >> 12))) - (1.0 - 0x1p-53);
  }
  static void store(double* out, double u) { *out = u; }
  static void store_interleaved(double* out, double even, double odd) {
    out[0] = even;
    out[1] = odd;
  }
};

#ifdef __AVX2__
struct Lanes4 {
  using V = __m256i;
  using D = __m256d;
  static constexpr int kWidth = 4;
  static __m256i splat(uint64_t x) { return _mm256_set1_epi64x(static_cast<int64_t>(x)); }
  static __m256i load(const uint64_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static __m256i iota(uint64_t first) { return _mm256_add_epi64(splat(first), _mm256_setr_epi64x(0, 1, 2, 3)); }
  static __m256i add(__m256i a, __m256i b) { return _mm256_add_epi64(a, b); }
  static __m256i mul_lo32(__m256i a, __m256i b) { return _mm256_mul_epu32(a, b); }
  static __m256i hi32(__m256i a) { return _mm256_srli_epi64(a, 32); }
  static __m256i shl32(__m256i a) { return _mm256_slli_epi64(a, 32); }
  static __m256i lo32(__m256i a) { return _mm256_and_si256(a, splat(0xffffffffu)); }
  static __m256d uniform(__m256i bits) {
    const __m256i one = splat(0x3ff0000000000000ULL);
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 12), one)),
                         _mm256_set1_pd(1.0 - 0x1p-53));
  }
  static void store(double* out, __m256d u) { _mm256_storeu_pd(out, u); }
  static void store_interleaved(double* out, __m256d even, __m256d odd) {
    const __m256d lo = _mm256_unpacklo_pd(even, odd);  // e0 o0 e2 o2
    const __m256d hi = _mm256_unpackhi_pd(even, odd);  // e1 o1 e3 o3
    _mm256_storeu_pd(out, _mm256_permute2f128_pd(lo, hi, 0x20));
    _mm256_storeu_pd(out + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
  }
};
#endif

#ifdef __AVX512F__
struct Lanes8 {
  using V = __m512i;
  using D = __m512d;
  static constexpr int kWidth = 8;
  static __m512i splat(uint64_t x) { return _mm512_set1_epi64(static_cast<int64_t>(x)); }
  static __m512i load(const uint64_t* p) { return _mm512_loadu_si512(p); }
  static __m512i iota(uint64_t first) {
    return _mm512_add_epi64(splat(first), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static __m512i add(__m512i a, __m512i b) { return _mm512_add_epi64(a, b); }
  static __m512i mul_lo32(__m512i a, __m512i b) { return _mm512_mul_epu32(a, b); }
  static __m512i hi32(__m512i a) { return _mm512_srli_epi64(a, 32); }
  static __m512i shl32(__m512i a) { return _mm512_slli_epi64(a, 32); }
  static __m512i lo32(__m512i a) { return _mm512_and_si512(a, splat(0xffffffffu)); }
  static __m512d uniform(__m512i bits) {
    const __m512i one = splat(0x3ff0000000000000ULL);
    return _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64(bits, 12), one)),
                         _mm512_set1_pd(1.0 - 0x1p-53));
  }
  static void store(double* out, __m512d u) { _mm512_storeu_pd(out, u); }
  static void store_interleaved(double* out, __m512d even, __m512d odd) {  // e0 o0 e1 o1 ... e7 o7
    _mm512_storeu_pd(out, _mm512_permutex2var_pd(even, _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), odd));
    _mm512_storeu_pd(out + 8, _mm512_permutex2var_pd(even, _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), odd));
  }
};
#endif

/** The ten round keys of (k0, k1) in every lane: computed once per key, not per block. */
template <class L>
struct RoundKeys {
  typename L::V k0[10], k1[10];
  inline __attribute__((always_inline)) RoundKeys(uint32_t key0, uint32_t key1) {
    for (int round = 0; round < 10; ++round) {
      k0[round] = L::splat(key0);
      k1[round] = L::splat(key1);
      key0 += kW0;
      key1 += kW1;
    }
  }
};

/**
 * Philox4x32-10's ten rounds on H states side by side (independent chains of dependent multiplies, interleaved to
 * hide their latency). No masking to 32 bits inside the rounds: a word's upper half is garbage that only mul_lo32
 * (which reads the low halves) and the final shift / mask of words_to_uniforms see.
 */
template <class L, int H>
inline __attribute__((always_inline)) void rounds(typename L::V (&c0)[H], typename L::V (&c1)[H],
                                                  typename L::V (&c2)[H], typename L::V (&c3)[H],
                                                  const RoundKeys<L>& keys) {
  using V = typename L::V;
  const V m0 = L::splat(kM0), m1 = L::splat(kM1);
  for (int round = 0; round < 10; ++round) {
    for (int h = 0; h < H; ++h) {
      const V p0 = L::mul_lo32(c0[h], m0);
      const V p1 = L::mul_lo32(c2[h], m1);
      const V n0 = (L::hi32(p1) ^ c1[h]) ^ keys.k0[round];
      const V n2 = (L::hi32(p0) ^ c3[h]) ^ keys.k1[round];
      c1[h] = p1;
      c3[h] = p0;
      c0[h] = n0;
      c2[h] = n2;
    }
  }
}

/** A block's words (w0, w1, w2, w3) to its two uniforms: u_2b from (w1 << 32 | w0), u_2b+1 from (w3 << 32 | w2). */
template <class L, class V = typename L::V>
inline __attribute__((always_inline)) void words_to_uniforms(V c0, V c1, V c2, V c3, typename L::D& even,
                                                             typename L::D& odd) {
  even = L::uniform(L::shl32(c1) | L::lo32(c0));
  odd = L::uniform(L::shl32(c3) | L::lo32(c2));
}

/** One Philox4x32-10 block: out = bijection of counter c under key k. */
inline void block(const uint32_t c_in[4], const uint32_t key[2], uint32_t out[4]) {
  uint64_t c0[1] = {c_in[0]}, c1[1] = {c_in[1]}, c2[1] = {c_in[2]}, c3[1] = {c_in[3]};
  rounds<Lanes1, 1>(c0, c1, c2, c3, RoundKeys<Lanes1>(key[0], key[1]));
  out[0] = static_cast<uint32_t>(c0[0]);
  out[1] = static_cast<uint32_t>(c1[0]);
  out[2] = static_cast<uint32_t>(c2[0]);
  out[3] = static_cast<uint32_t>(c3[0]);
}

/** ((bits >> 12) + 0.5) * 2^-52: a uniform in [2^-53, 1 - 2^-53]. */
inline double to_uniform(uint64_t bits) { return Lanes1::uniform(bits); }

/**
 * Blocks first .. first + W - 1 (W = L::kWidth) of counter (block, c2, c3) under (k0, k1) into out[2W] in stream
 * order (block b's two uniforms, then block b + 1's).
 */
template <class L>
inline __attribute__((always_inline)) void consecutive_blocks(uint64_t first, uint32_t c2, uint32_t c3, uint32_t k0,
                                                              uint32_t k1, double* out) {
  using V = typename L::V;
  const V b = L::iota(first);
  V w0[1] = {L::lo32(b)}, w1[1] = {L::hi32(b)}, w2[1] = {L::splat(c2)}, w3[1] = {L::splat(c3)};
  rounds<L, 1>(w0, w1, w2, w3, RoundKeys<L>(k0, k1));
  typename L::D even, odd;
  words_to_uniforms<L>(w0[0], w1[0], w2[0], w3[0], even, odd);
  L::store_interleaved(out, even, odd);
}

/**
 * For each of N lanes l: blocks blk[l] + j (j < nb) of trajectory traj[l] (counter (block low, block high,
 * trajectory low, trajectory high)) under (k0, k1), as uniforms into rows 2j and 2j + 1 of out (row r, lane l at
 * out[r * N + l]). H vectors of L's lanes at a time.
 */
template <int N, class L, int H>
inline __attribute__((always_inline)) void lane_blocks(uint32_t k0, uint32_t k1, const uint64_t* blk,
                                                       const uint64_t* traj, int nb, double* out) {
  using V = typename L::V;
  constexpr int kStep = L::kWidth * H;
  static_assert(N % kStep == 0, "whole vectors of lanes");
  const RoundKeys<L> keys(k0, k1);
  for (int g = 0; g < N; g += kStep) {
    V b0[H], t2[H], t3[H];
    for (int h = 0; h < H; ++h) {
      b0[h] = L::load(blk + g + L::kWidth * h);
      const V tr = L::load(traj + g + L::kWidth * h);
      t2[h] = L::lo32(tr);
      t3[h] = L::hi32(tr);
    }
    for (int j = 0; j < nb; ++j) {
      const V jj = L::splat(static_cast<uint64_t>(j));
      V c0[H], c1[H], c2[H], c3[H];
      for (int h = 0; h < H; ++h) {
        const V bj = L::add(b0[h], jj);
        c0[h] = L::lo32(bj);
        c1[h] = L::hi32(bj);
        c2[h] = t2[h];
        c3[h] = t3[h];
      }
      rounds<L, H>(c0, c1, c2, c3, keys);
      for (int h = 0; h < H; ++h) {
        typename L::D even, odd;
        words_to_uniforms<L>(c0[h], c1[h], c2[h], c3[h], even, odd);
        L::store(out + (2 * j) * N + g + L::kWidth * h, even);
        L::store(out + (2 * j + 1) * N + g + L::kWidth * h, odd);
      }
    }
  }
}

#ifdef __AVX2__
using PortableLanes = Lanes4;
#else
using PortableLanes = Lanes1;
#endif

/** consecutive_blocks for 8 blocks in 512-bit lanes (philox_avx512.cpp). Call only where cpu_has_avx512(). */
void consecutive_blocks8_avx512(uint64_t first, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1, double* out);

/** lane_blocks for 16 lanes, two 512-bit chains interleaved (philox_avx512.cpp). Only where cpu_has_avx512(). */
void lane_blocks16_avx512(uint32_t k0, uint32_t k1, const uint64_t* blk, const uint64_t* traj, int nb, double* out);

/** The polar method's factors sqrt(-2 log(s) / s) in place, vectorised. */
inline void polar_factors(double* s, int64_t n) {
  for (int64_t p = 0; p < n; ++p) s[p] = std::sqrt(-2 * detmath::log(s[p]) / s[p]);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// polar_factors for AVX-512 machines (8 lanes): the same IEEE operations, so the same bits (see
// reset_trajectory.cpp's em_flat_avx512; the including file must be compiled with -ffp-contract=off).
__attribute__((target("arch=x86-64-v4,prefer-vector-width=512"))) inline void polar_factors_avx512(double* s,
                                                                                                   int64_t n) {
  for (int64_t p = 0; p < n; ++p) s[p] = std::sqrt(-2 * detmath::log(s[p]) / s[p]);
}
#else
inline void polar_factors_avx512(double* s, int64_t n) { polar_factors(s, n); }
#endif

/** The random stream of one trajectory (see Philox.Stream). */
class Stream {
 public:
  static constexpr int kMaxBlocks = 16;
  static constexpr int kLanes = 4;

  /** wide: the AVX-512 refills and polar factors (only where cpu_has_avx512(); the same numbers either way). */
  Stream(uint64_t seed, bool wide)
      : k0_(static_cast<uint32_t>(seed)), k1_(static_cast<uint32_t>(seed >> 32)), wide_(wide) {}

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
    if (wide_) polar_factors_avx512(s, pairs);
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
    if (wide_)
      for (; g + 8 <= nb; g += 8)
        consecutive_blocks8_avx512(block_ + static_cast<uint64_t>(g), c2_, c3_, k0_, k1_, buf_ + 2 * g);
    for (; g < nb; g += PortableLanes::kWidth)
      consecutive_blocks<PortableLanes>(block_ + static_cast<uint64_t>(g), c2_, c3_, k0_, k1_, buf_ + 2 * g);
    block_ += static_cast<uint64_t>(nb);
    pos_ = 0;
    len_ = 2 * nb;
    // Small first refills (a trajectory at small d needs a handful of numbers), larger ones as it consumes more.
    next_blocks_ = nb * 2 > kMaxBlocks ? kMaxBlocks : nb * 2;
  }

  uint32_t k0_, k1_;
  bool wide_;
  uint32_t c2_ = 0, c3_ = 0;
  uint64_t block_ = 0;
  double buf_[2 * kMaxBlocks];
  int pos_ = 0, len_ = 0, next_blocks_ = kLanes;
  double spare_ = 0;
  bool have_spare_ = false;
};

}  // namespace philox
}  // namespace eigenbasis
