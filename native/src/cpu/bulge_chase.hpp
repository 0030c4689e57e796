// Stage 2 of the two-stage symmetric eigensolver: a symmetric band of half-bandwidth kd to tridiagonal form by
// bulge chasing (Lang's algorithm in the task order of LAPACK's ?sytrd_sb2st and of Haidar, Ltaief and Dongarra,
// SC'11), keeping every reflector for the back-transformation, which LAPACK's own stage 2 cannot do.
//
// Storage. The band lives in "skewed" column-major storage with leading dimension ld = 2 kd: element (r, c) of
// the lower triangle, 0 <= r - c <= 2 kd, is s[r + c * ld]. A column is contiguous, a step to the next column is
// ld, so any block whose entries all lie within 2 kd of the diagonal is an ordinary column-major matrix with
// leading dimension ld; the chase never leaves that region (the bulge reaches 2 kd - 1 below the diagonal). Upper
// entries (r < c) alias other elements and are never touched.
//
// Sweep i (0 <= i <= n - 3) annihilates column i below its subdiagonal. Its level-0 reflector comes from rows
// i+1 .. i+kd of column i and is applied two-sided to that diagonal block; each further level k applies the
// previous reflector from the right to the kd x kd block below it (making the bulge), takes a new reflector from
// the bulge's first column, applies it from the left to the rest of that block and two-sided to the next diagonal
// block. Level k of sweep i always starts at row i + 1 + k kd, which is what makes the blocked back-transformation
// possible (bulge_apply in eigh_two_stage.cpp). Cost: about 6 kd n^2 flops, in cache.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <thread>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "band_kernels_dispatch.hpp"
#include "lapack.hpp"

namespace eigenbasis {

/**
 * Sweeps chased together by one worker, as a wavefront (chase_band): the band's rows then move between the cores
 * once per pair of sweeps instead of once per sweep. Two workers, values, kd = 32, f64 (one / two / four / eight
 * sweeps a group): n = 1024 3.74 / 3.75 / 4.1 / 5.2 ms, 2048 14.8 / 14.2 / 14.3 / 15.7 ms; one worker the same at
 * every size (no gain in locality).
 */
constexpr int kChaseWavefront = 2;

/**
 * Q2's reflectors in apply order. Sweeps are grouped nb at a time; the level-k reflectors of group g's sweeps form
 * one block, a (kd + nb - 1) x nb column-major matrix whose column j holds sweep g nb + j's reflector from row j
 * down (unit first entry, zeros above and below): a unit lower trapezoid, the layout ?larft/?larfb take. Its
 * first row is row g nb + 1 + k kd of the matrix. Empty columns (no such reflector) have tau = 0.
 */
template <class T>
struct ChaseReflectors {
  int n = 0, kd = 0, nb = 0, ldv = 0, groups = 0;
  std::vector<int64_t> first_block;  // per group, then one past the last: block index of its level 0
  std::vector<T> v, tau;

  /** No reflectors (Q2 = I): the one-stage path, or values only. */
  void clear() {
    n = kd = nb = ldv = groups = 0;
    first_block.assign(1, 0);
    v.clear();
    tau.clear();
  }
  void layout(int n_, int kd_, int nb_) {
    n = n_;
    kd = kd_;
    nb = nb_;
    ldv = kd + nb - 1;
    const int sweeps = std::max(0, n - 2);
    groups = (sweeps + nb - 1) / nb;
    first_block.assign(static_cast<size_t>(groups) + 1, 0);
    for (int g = 0; g < groups; ++g) first_block[g + 1] = first_block[g] + levels(g);
    const int64_t blocks = first_block[groups];
    v.assign(static_cast<size_t>(blocks) * ldv * nb, T(0));
    tau.assign(static_cast<size_t>(blocks) * nb, T(0));
  }
  /** Levels of group g: those of its first sweep, the longest. */
  int levels(int g) const {
    const int rows_below = n - 1 - g * nb;  // rows i+1 .. n-1 of the group's first sweep i
    return (rows_below + kd - 1) / kd;
  }
  /** First matrix row of group g's level-k block. */
  int first_row(int g, int k) const { return g * nb + 1 + k * kd; }
  T* block(int g, int k) { return v.data() + static_cast<size_t>(first_block[g] + k) * ldv * nb; }
  const T* block(int g, int k) const { return v.data() + static_cast<size_t>(first_block[g] + k) * ldv * nb; }
  T* block_tau(int g, int k) { return tau.data() + static_cast<size_t>(first_block[g] + k) * nb; }
  const T* block_tau(int g, int k) const { return tau.data() + static_cast<size_t>(first_block[g] + k) * nb; }
};

namespace chase_detail {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// C = H C H for the symmetric m x m block C (lower triangle, leading dimension ld), H = I - tau v v^T. The
// reductions are vectorised (`omp simd`, compiled with -fopenmp-simd): a different summation order than plain
// loops, fixed at compile time, so the same bits on every run and worker count.
template <class T>
inline void two_sided(int m, const T* v, T tau, T* c, int ld, T* w) {
  for (int r = 0; r < m; ++r) w[r] = T(0);
  for (int j = 0; j < m; ++j) {
    const T* col = c + static_cast<size_t>(j) * ld;
    const T vj = v[j];
    T acc = T(0);
#pragma omp simd reduction(+ : acc)
    for (int r = j + 1; r < m; ++r) {
      w[r] += col[r] * vj;
      acc += col[r] * v[r];
    }
    w[j] += acc + col[j] * vj;
  }
  T wv = T(0);
#pragma omp simd reduction(+ : wv)
  for (int r = 0; r < m; ++r) {
    w[r] *= tau;
    wv += w[r] * v[r];
  }
  const T alpha = T(-0.5) * tau * wv;
  for (int r = 0; r < m; ++r) w[r] += alpha * v[r];
  for (int j = 0; j < m; ++j) {
    T* col = c + static_cast<size_t>(j) * ld;
    const T vj = v[j], wj = w[j];
#pragma omp simd
    for (int r = j; r < m; ++r) col[r] -= v[r] * wj + w[r] * vj;
  }
}

// C = C H for the m x k block C (leading dimension ld).
template <class T>
inline void from_right(int m, int k, const T* v, T tau, T* c, int ld, T* w) {
  for (int r = 0; r < m; ++r) w[r] = T(0);
  for (int j = 0; j < k; ++j) {
    const T* col = c + static_cast<size_t>(j) * ld;
    const T vj = v[j];
#pragma omp simd
    for (int r = 0; r < m; ++r) w[r] += col[r] * vj;
  }
  for (int j = 0; j < k; ++j) {
    T* col = c + static_cast<size_t>(j) * ld;
    const T f = tau * v[j];
#pragma omp simd
    for (int r = 0; r < m; ++r) col[r] -= w[r] * f;
  }
}

// C = H C for the m x k block C (leading dimension ld).
template <class T>
inline void from_left(int m, int k, const T* v, T tau, T* c, int ld) {
  for (int j = 0; j < k; ++j) {
    T* col = c + static_cast<size_t>(j) * ld;
    T dot = T(0);
#pragma omp simd reduction(+ : dot)
    for (int r = 0; r < m; ++r) dot += v[r] * col[r];
    const T f = tau * dot;
#pragma omp simd
    for (int r = 0; r < m; ++r) col[r] -= v[r] * f;
  }
}

// Turns x[0..len) into a reflector: x[0] becomes beta, x[1..) zero; v (v[0] = 1) and tau are returned.
template <class T>
inline T make_reflector(int len, T* x, T* v) {
  T tau = T(0);
  lapack::larfg(len, x, x + 1, 1, &tau);
  v[0] = T(1);
  for (int r = 1; r < len; ++r) {
    v[r] = x[r];
    x[r] = T(0);
  }
  return tau;
}

template <class T>
inline void store(ChaseReflectors<T>* q, int sweep, int level, int len, const T* v, T tau) {
  if (q == nullptr) return;
  const int g = sweep / q->nb, j = sweep % q->nb;
  T* col = q->block(g, level) + static_cast<size_t>(j) * q->ldv + j;
  std::copy(v, v + len, col);
  q->block_tau(g, level)[j] = tau;
}

}  // namespace chase_detail

// One sweep's position: the level it does next and the reflector (v, tau) of the level before.
template <class T>
struct SweepCursor {
  int i = 0, level = 0, st = 0, ed = 0, len = 0;
  T tau = T(0);
  T* v = nullptr;
  T* u = nullptr;
  bool done = false;
};

// Does level c.level of sweep c.i and moves c on; c.done once the sweep has no further level.
template <class T>
void chase_step(SweepCursor<T>& c, int n, int kd, T* s, ChaseReflectors<T>* q, const BandKernels<T>* fast, T* w) {
  using namespace chase_detail;
  const size_t ld = static_cast<size_t>(2) * kd;
  auto at = [&](int r, int col) { return s + static_cast<size_t>(r) + static_cast<size_t>(col) * ld; };
  if (c.level == 0) {
    c.st = c.i + 1;
    c.ed = std::min(c.i + kd, n - 1);
    c.len = c.ed - c.st + 1;
    if (fast != nullptr) {
      c.tau = fast->chase_first(c.len, at(c.st, c.i), at(c.st, c.st), ld, c.v, w);
    } else {
      c.tau = make_reflector(c.len, at(c.st, c.i), c.v);
      two_sided(c.len, c.v, c.tau, at(c.st, c.st), static_cast<int>(ld), w);
    }
    store(q, c.i, 0, c.len, c.v, c.tau);
  } else {
    const int j1 = c.ed + 1, j2 = std::min(c.ed + kd, n - 1);
    const int lm = j2 - j1 + 1;
    T tau_u;
    if (fast != nullptr) {
      tau_u = fast->chase_next(lm, c.len, c.v, c.tau, at(j1, c.st), at(j1, j1), ld, c.u, w);
    } else {
      from_right(lm, c.len, c.v, c.tau, at(j1, c.st), static_cast<int>(ld), w);
      tau_u = make_reflector(lm, at(j1, c.st), c.u);
      from_left(lm, c.len - 1, c.u, tau_u, at(j1, c.st + 1), static_cast<int>(ld));
      two_sided(lm, c.u, tau_u, at(j1, j1), static_cast<int>(ld), w);
    }
    store(q, c.i, c.level, lm, c.u, tau_u);
    std::swap(c.v, c.u);
    c.tau = tau_u;
    c.st = j1;
    c.ed = j2;
    c.len = lm;
  }
  ++c.level;
  c.done = c.ed + 1 > n - 1;
}

namespace chase_detail {

// Levels of sweep i: level k ends at row min(i + (k + 1) kd, n - 1), the last one at n - 1.
inline int sweep_levels(int n, int kd, int i) { return (n - 1 - i + kd - 1) / kd; }

// Levels [0, h) of a sweep of L levels run on worker 0, [h, L) on worker 1: equal work with level 0 (two-sided
// only) weighed at a third of the others, round((L + 2/3) / 2).
inline int split_level(int levels) { return (3 * levels + 5) / 6; }

inline void spin_wait(int spins) {
  if (spins < 256) {
    cpu_relax();
  } else {
    std::this_thread::yield();  // a loaded machine: give the core to the worker we wait on
  }
}

}  // namespace chase_detail

/**
 * The two-worker chase of chase_band by rows: worker 0 runs the first split_level(L) levels of every sweep (its
 * rows lie above the split row, which moves down half a row per sweep), then hands the sweep's cursor to worker
 * 1, which runs the rest. Worker 0 runs sweep i + 1 beside worker 1's half of sweep i, each on rows it keeps from
 * sweep to sweep: per sweep about kd of the band's columns cross between the cores and two cache lines of
 * signals, against the whole band every other sweep when the workers take whole sweeps. The order rule of
 * chase_band (sweep i + 1's level k after sweep i's level k + 2) holds by waiting on progress[i], so the bits
 * are those of the sequential chase. Cursors pass through a ring of kRing slots; worker 0 never runs more than
 * two sweeps ahead of worker 1's progress, so a slot is free again long before it is reused. run(2, body) may
 * call the two bodies concurrently or one after the other (then the first chases alone, after 200 us).
 */
template <class T, class Run>
void chase_split(int n, int kd, T* s, ChaseReflectors<T>* q, const BandKernels<T>* fast, Run&& run) {
  using namespace chase_detail;
  const int sweeps = std::max(0, n - 2);
  constexpr int kRing = 8;
  const size_t stride = static_cast<size_t>(std::max(kd + 1, fast != nullptr ? fast->chase_rows : 0));
  // progress[i]: levels of sweep i that worker 1 has finished; the slots' cursors and their v.
  std::unique_ptr<std::atomic<int>[]> progress(new std::atomic<int>[std::max(sweeps, 1)]);
  for (int i = 0; i < sweeps; ++i) progress[i].store(0, std::memory_order_relaxed);
  struct alignas(64) Slot {
    std::atomic<int> sweep{-1};  // the sweep whose cursor the slot holds, published last
    int level = 0, st = 0, ed = 0, len = 0;
    T tau = T(0);
  };
  std::unique_ptr<Slot[]> slots(new Slot[kRing]);
  std::vector<T> scratch(kRing * stride + 2 * 3 * stride);
  T* ring_v = scratch.data();
  // Roles by arrival: the first body leads (worker 0). It waits up to 200 us for the other to join; if none has,
  // it chases alone (a run that calls the bodies one after another, or a pool held by another caller) and the
  // late one returns. One compare-and-swap on `joined` decides, so the two can never disagree.
  std::atomic<int> arrivals{0};
  std::atomic<int> joined{0};  // 0 undecided, 1 the helper joined, 2 the leader went alone
  auto body = [&](int64_t) {
    const int worker = arrivals.fetch_add(1, std::memory_order_acq_rel) == 0 ? 0 : 1;
    T* base = scratch.data() + kRing * stride + static_cast<size_t>(worker) * 3 * stride;
    SweepCursor<T> c;
    int expected = 0;
    if (worker == 1) {
      if (!joined.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) return;  // the leader went alone
    } else {
      const auto start = std::chrono::steady_clock::now();
      for (int spins = 0; joined.load(std::memory_order_acquire) == 0; ++spins) {
        if ((spins & 255) == 255 && std::chrono::steady_clock::now() - start > std::chrono::microseconds(200)) {
          if (joined.compare_exchange_strong(expected, 2, std::memory_order_acq_rel)) {
            for (int i = 0; i < sweeps; ++i) {  // alone: the sequential order
              c = SweepCursor<T>();
              c.i = i;
              c.v = base;
              c.u = base + stride;
              while (!c.done) chase_step(c, n, kd, s, q, fast, base + 2 * stride);
            }
            return;
          }
          break;  // the helper joined just now
        }
        cpu_relax();
      }
    }
    for (int i = worker == 0 ? 0 : -1;;) {
      if (worker == 0) {
        if (i >= sweeps) return;
        const int levels = sweep_levels(n, kd, i), h = split_level(levels);
        c = SweepCursor<T>();
        c.i = i;
        c.v = base;
        c.u = base + stride;
        const int prev_levels = i > 0 ? sweep_levels(n, kd, i - 1) : 0;
        const int prev_h = split_level(prev_levels);
        while (c.level < h) {
          // Sweep i - 1's level c.level + 2 first; levels from prev_h on are worker 1's.
          const int need = std::min(c.level + 3, prev_levels);
          if (i > 0 && need > prev_h)
            for (int spins = 0; progress[i - 1].load(std::memory_order_acquire) < need; ++spins) spin_wait(spins);
          chase_step(c, n, kd, s, q, fast, base + 2 * stride);
        }
        if (h < levels) {
          Slot& slot = slots[i % kRing];
          T* rv = ring_v + static_cast<size_t>(i % kRing) * stride;
          std::copy(c.v, c.v + c.len, rv);
          slot.level = c.level;
          slot.st = c.st;
          slot.ed = c.ed;
          slot.len = c.len;
          slot.tau = c.tau;
          slot.sweep.store(i, std::memory_order_release);
        }
        ++i;
      } else {
        i = i < 0 ? 0 : i + 1;
        if (i >= sweeps || split_level(sweep_levels(n, kd, i)) >= sweep_levels(n, kd, i)) return;
        Slot& slot = slots[i % kRing];
        for (int spins = 0; slot.sweep.load(std::memory_order_acquire) != i; ++spins) spin_wait(spins);
        c = SweepCursor<T>();
        c.i = i;
        c.v = base;
        c.u = base + stride;
        const T* rv = ring_v + static_cast<size_t>(i % kRing) * stride;
        std::copy(rv, rv + slot.len, c.v);
        c.level = slot.level;
        c.st = slot.st;
        c.ed = slot.ed;
        c.len = slot.len;
        c.tau = slot.tau;
        // Worker 0 waits on at most level h + 2 of this sweep: publishing later levels would only pull the line
        // back and forth between the cores (each store then a miss, 16 a sweep at n = 1024).
        const int last_needed = c.level + 2;
        while (!c.done) {
          chase_step(c, n, kd, s, q, fast, base + 2 * stride);
          if (c.level <= last_needed || c.done) progress[i].store(c.level, std::memory_order_release);
        }
      }
    }
  };
  run(2, body);
}

/**
 * Reduces the band in s (skewed storage, ld = 2 kd, see the file comment; overwritten) to a symmetric tridiagonal
 * matrix with diagonal d[0..n) and subdiagonal e[0..n-1), by orthogonal Q2 with band = Q2 T Q2^T. When q is not
 * null (laid out for this n and kd), every reflector of Q2 is stored there. With fast (our AVX-512 build, taken
 * where kd <= fast->chase_rows) each level runs as chase_kernels.hpp's fused kernels, else as the plain loops
 * here; the two differ in rounding only. kd >= 1. Never fails.
 *
 * run(workers, body) must call body(index) for index in [0, workers), concurrently or one after another. Groups
 * of kChaseWavefront sweeps are claimed in increasing order from a shared counter; sweep i + 1 starts level k
 * only once sweep i has finished level k + 2 (level k + 2 of sweep i is the last of its tasks to touch a row that
 * sweep i + 1's level k touches): within a group by the wavefront's order, across groups by waiting on the last
 * sweep of the group before. So every band entry sees the same operations in the same order as in the sequential
 * chase: the same bits whatever the worker count. A group waits only on one claimed earlier, by a worker that is
 * running, so a run that calls the bodies one after another cannot deadlock.
 */
template <class T, class Run>
void chase_band(int n, int kd, T* s, T* d, T* e, ChaseReflectors<T>* q, const BandKernels<T>* fast, int workers,
                bool split_sweeps, Run&& run) {
  if (fast != nullptr && kd > fast->chase_rows) fast = nullptr;
  const int sweeps = kd > 1 ? std::max(0, n - 2) : 0;
  if (sweeps > 0 && workers > 1 && split_sweeps) {
    chase_split(n, kd, s, q, fast, run);
  } else if (sweeps > 0) {
    constexpr int G = kChaseWavefront;
    const int groups = (sweeps + G - 1) / G;
    // progress[g]: levels the last sweep of group g has finished (INT_MAX once it is done).
    std::unique_ptr<std::atomic<int>[]> progress(new std::atomic<int>[groups]);
    for (int g = 0; g < groups; ++g) progress[g].store(0, std::memory_order_relaxed);
    std::atomic<int> next{0};
    // Allocated here, not in the bodies: a pool worker must not throw. Per worker: v and u for each sweep of a
    // group, and w.
    const size_t stride = static_cast<size_t>(std::max(kd + 1, fast != nullptr ? fast->chase_rows : 0));
    const size_t per_worker = (2 * static_cast<size_t>(G) + 1) * stride;
    std::vector<T> scratch(static_cast<size_t>(std::max(workers, 1)) * per_worker);
    auto body = [&](int64_t index) {
      T* base = scratch.data() + static_cast<size_t>(index) * per_worker;
      T* w = base + 2 * static_cast<size_t>(G) * stride;
      SweepCursor<T> cursor[G];
      for (int g = next.fetch_add(1); g < groups; g = next.fetch_add(1)) {
        const int i0 = g * G, count = std::min(G, sweeps - i0);
        for (int k = 0; k < G && k < count; ++k) {
          cursor[k] = SweepCursor<T>();
          cursor[k].i = i0 + k;
          cursor[k].v = base + 2 * static_cast<size_t>(k) * stride;
          cursor[k].u = cursor[k].v + stride;
        }
        // A wavefront: at step t sweep i0 + k does level t - 3 k, so each sweep's level k + 2 is done before the
        // next sweep's level k, the rule of the sequential order; the group's first sweep waits on the last one
        // of the group before.
        for (int t = 0, active = count; active > 0; ++t) {
          for (int k = 0; k < G && k < count; ++k) {
            SweepCursor<T>& c = cursor[k];
            if (c.done || t < 3 * k) continue;
            if (k == 0 && g > 0) {
              const std::atomic<int>& previous = progress[g - 1];
              for (int spins = 0; previous.load(std::memory_order_acquire) < c.level + 3; ++spins) {
                if (spins < 64) {
                  chase_detail::cpu_relax();
                } else {
                  std::this_thread::yield();  // a loaded machine: give the core to the sweep we wait on
                }
              }
            }
            chase_step(c, n, kd, s, q, fast, w);
            if (c.done) --active;
            if (k == count - 1)
              progress[g].store(c.done ? std::numeric_limits<int>::max() : c.level, std::memory_order_release);
          }
        }
      }
    };
    if (workers <= 1) {
      body(0);
    } else {
      run(workers, body);
    }
  }
  const size_t ld = static_cast<size_t>(2) * kd;
  for (int i = 0; i < n; ++i) d[i] = s[static_cast<size_t>(i) * (ld + 1)];
  for (int i = 0; i + 1 < n; ++i) e[i] = s[static_cast<size_t>(i) * (ld + 1) + 1];
}

}  // namespace eigenbasis
