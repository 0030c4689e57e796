// The per-trajectory logic of the cuda resetting simulator (docs/resetting-simulator.md), written once for the
// device (nvcc, in reset_sim.cu) and the host (g++, in native/test/reset_sim_emulation_test.cpp, which exercises
// it on machines without a GPU). Statistical equality with java/cpu is the contract, not bits: the reset clock
// follows the spec's stream (Philox4x32-10, counter (block, trajectory)), the Gaussian noise of coordinate k comes
// from its own Philox stream (see CoordinateNormals) so that coordinates, and pairs of coordinates, can be
// simulated one at a time with O(1) state per thread whatever d is. The clock is re-drawn for every coordinate
// (it is a pure function of the trajectory's stream), which trades a few uniforms per segment for no per-thread
// memory.
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define EB_HD __host__ __device__ __forceinline__
#else
#define EB_HD inline
#endif

namespace eigenbasis {
namespace resetsim {

// Law codes: RenewalLaw.Kind.code() on the Java side.
enum LawKind : int32_t {
  kExponential = 0,
  kDeterministic = 1,
  kGamma = 2,
  kUniform = 3,
  kLogNormal = 4,
  kWeibull = 5,
  kPareto = 6,
  kLomax = 7,
  kEmpirical = 8
};

enum Scheme : int32_t { kExact = 0, kEuler = 1 };

/** Everything a trajectory needs; pointers are device pointers on the GPU, host pointers in the emulation. */
struct Problem {
  int32_t law;
  double p0, p1;               // the law's parameters (RenewalLaw.parameters() order)
  const double* observations;  // empirical: sorted times, n_observations of them
  const double* prefix;        // empirical: P_i = t_0 + ... + t_i, left to right
  int32_t n_observations;
  int32_t d;
  const double* mu;
  const double* a;
  double sigma;
  double horizon;
  int32_t scheme;
  double step;
  uint32_t key0, key1;
  const double* centre;  // covariance runs: pilot centre, snapshot (d) then time average (d)
};

// ---- Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11) ----------------------------------------------------------

EB_HD void philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                         uint32_t out[4]) {
  const uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u, w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(m0) * c0;
    const uint64_t p1 = static_cast<uint64_t>(m1) * c2;
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    const uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += w0;
    k1 += w1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** ((bits >>> 12) + 0.5)·2⁻⁵²: in [2⁻⁵³, 1 − 2⁻⁵³], never 0 or 1 (the >>> 11 form can round to 1). */
EB_HD double to_uniform(uint32_t lo, uint32_t hi) {
  const uint64_t bits = (static_cast<uint64_t>(hi) << 32) | lo;
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
}

/**
 * The spec's stream of one trajectory: counter (block low, block high, trajectory low, trajectory high), two
 * uniforms per block, consumed in order; normals by Marsaglia's polar method with a spare.
 */
struct Stream {
  uint32_t k0, k1, t0, t1;
  uint64_t block;
  double pending;
  bool has_pending;
  double spare;
  bool has_spare;

  EB_HD void init(uint32_t key0, uint32_t key1, uint64_t trajectory, uint32_t stream_flag) {
    k0 = key0;
    k1 = key1;
    t0 = static_cast<uint32_t>(trajectory);
    t1 = static_cast<uint32_t>(trajectory >> 32) | stream_flag;
    block = 0;
    has_pending = false;
    has_spare = false;
    pending = 0;
    spare = 0;
  }

  EB_HD double uniform() {
    if (has_pending) {
      has_pending = false;
      return pending;
    }
    uint32_t w[4];
    philox4x32_10(static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), t0, t1, k0, k1, w);
    ++block;
    pending = to_uniform(w[2], w[3]);
    has_pending = true;
    return to_uniform(w[0], w[1]);
  }

  EB_HD double normal() {
    if (has_spare) {
      has_spare = false;
      return spare;
    }
    double v1, v2, s;
    do {
      v1 = 2 * uniform() - 1;
      v2 = 2 * uniform() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s == 0);
    const double f = sqrt(-2 * log(s) / s);
    spare = v2 * f;
    has_spare = true;
    return v1 * f;
  }

  /** gamma(k, 1): Marsaglia–Tsang (k ≥ 1); gamma(k + 1)·u^(1/k) below. */
  EB_HD double gamma(double k) {
    if (k < 1) {
      const double g = gamma_at_least_one(k + 1);
      const double u = uniform();
      return g * exp(log(u) / k);
    }
    return gamma_at_least_one(k);
  }

  EB_HD double gamma_at_least_one(double k) {
    const double dd = k - 1.0 / 3.0;
    const double c = 1 / sqrt(9 * dd);
    for (;;) {
      const double z = normal();
      double v = 1 + c * z;
      if (v <= 0) continue;
      v = v * v * v;
      const double u = uniform();
      if (log(u) < 0.5 * z * z + dd - dd * v + dd * log(v)) return dd * v;
    }
  }
};

/**
 * The Gaussian noise of coordinate k of a trajectory: a Philox stream of its own, counter (j, k, trajectory low,
 * trajectory high | 2³¹) (trajectory < 2⁶³, so the flag never meets a trajectory's own counter), block j giving
 * two normals by Box–Muller. The exact scheme uses normals 0 (start) and 1 (the snapshot at T); Euler uses
 * normal 0 for the start and one per step after it.
 */
struct CoordinateNormals {
  uint32_t k0, k1, coordinate, t0, t1;
  uint32_t block;
  double pending;
  bool has_pending;

  EB_HD void init(uint32_t key0, uint32_t key1, uint64_t trajectory, int32_t k) {
    k0 = key0;
    k1 = key1;
    coordinate = static_cast<uint32_t>(k);
    t0 = static_cast<uint32_t>(trajectory);
    t1 = static_cast<uint32_t>(trajectory >> 32) | 0x80000000u;
    block = 0;
    has_pending = false;
    pending = 0;
  }

  EB_HD double next() {
    if (has_pending) {
      has_pending = false;
      return pending;
    }
    uint32_t w[4];
    philox4x32_10(block, coordinate, t0, t1, k0, k1, w);
    ++block;
    const double u1 = to_uniform(w[0], w[1]);
    const double u2 = to_uniform(w[2], w[3]);
    const double r = sqrt(-2 * log(u1));
    double s, c;
#if defined(__CUDA_ARCH__)
    sincospi(2 * u2, &s, &c);
#else
    s = std::sin(6.283185307179586 * u2);
    c = std::cos(6.283185307179586 * u2);
#endif
    pending = r * s;
    has_pending = true;
    return r * c;
  }
};

// ---- laws -------------------------------------------------------------------------------------------------------

/** A fresh inter-reset time τ. */
EB_HD double draw_tau(const Problem& p, Stream& s) {
  switch (p.law) {
    case kExponential: return -log(s.uniform()) / p.p0;
    case kDeterministic: return p.p0;
    case kGamma: return p.p1 * s.gamma(p.p0);
    case kUniform: return p.p0 + (p.p1 - p.p0) * s.uniform();
    case kLogNormal: return exp(p.p0 + p.p1 * s.normal());
    case kWeibull: return p.p1 * exp(log(-log(s.uniform())) / p.p0);
    case kPareto: return p.p0 * exp(-log(s.uniform()) / p.p1);
    case kLomax: return p.p0 * expm1(-log(s.uniform()) / p.p1);
    default: {  // kEmpirical
      const int32_t n = p.n_observations;
      int32_t i = static_cast<int32_t>(s.uniform() * n);
      if (i > n - 1) i = n - 1;
      return p.observations[i];
    }
  }
}

/** The stationary age A₀ and residual R₀ at time 0 (size-biased length τ̃, then U; Lomax directly). */
EB_HD void stationary_clock(const Problem& p, Stream& s, double* age, double* residual) {
  double biased;
  switch (p.law) {
    case kExponential: {
      const double u1 = s.uniform();
      const double u2 = s.uniform();
      biased = (-log(u1) - log(u2)) / p.p0;
      break;
    }
    case kDeterministic: biased = p.p0; break;
    case kGamma: biased = p.p1 * s.gamma(p.p0 + 1); break;
    case kUniform: biased = sqrt(p.p0 * p.p0 + s.uniform() * (p.p1 * p.p1 - p.p0 * p.p0)); break;
    case kLogNormal: biased = exp(p.p0 + p.p1 * p.p1 + p.p1 * s.normal()); break;
    case kWeibull: biased = p.p1 * exp(log(s.gamma(1 + 1 / p.p0)) / p.p0); break;
    case kPareto: biased = p.p0 * exp(-log(s.uniform()) / (p.p1 - 1)); break;
    case kLomax: {
      const double a0 = p.p0 * expm1(-log(s.uniform()) / (p.p1 - 1));
      *age = a0;
      *residual = (p.p0 + a0) * expm1(-log(s.uniform()) / p.p1);
      return;
    }
    default: {  // kEmpirical: first i with P_i > u·P_{n−1}
      const int32_t n = p.n_observations;
      const double target = s.uniform() * p.prefix[n - 1];
      int32_t lo = 0, hi = n - 1;
      while (lo < hi) {
        const int32_t mid = lo + (hi - lo) / 2;
        if (p.prefix[mid] > target) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      biased = p.observations[lo];
      break;
    }
  }
  const double a0 = s.uniform() * biased;
  *age = a0;
  *residual = biased - a0;
}

// ---- the elementary functions of the time integrals -----------------------------------------------------------

/** em(x) = 1 − e^(−x). */
EB_HD double em(double x) { return -expm1(-x); }

/** K(x) = em(x)/x, K(0) = 1. */
EB_HD double k_fn(double x) { return x == 0 ? 1.0 : em(x) / x; }

/** G(x) = (1 − K(x))/x, G(0) = 1/2; the series below 0.5 avoids the cancellation in 1 − K. */
EB_HD double g_fn(double x) {
  if (x < 0.5) {
    // G(x) = Σ_{n≥0} (−x)ⁿ/(n + 2)!
    double term = 0.5, sum = 0.5;
    for (int n = 1; n < 20; ++n) {
      term *= -x / (n + 2);
      sum += term;
    }
    return sum;
  }
  return (1 - k_fn(x)) / x;
}

/** V(μ, t) = em(2μt)/(2μ), V(0, t) = t: the variance of the OU noise after time t (per σ²). */
EB_HD double v_fn(double mu, double t) { return t * k_fn(2 * mu * t); }

// ---- one coordinate, one trajectory ----------------------------------------------------------------------------

struct CoordinateResult {
  double snapshot;      // u_k(T)
  double time_average;  // M_k
  int64_t segments;     // trajectory-events
};

/** Coordinate k of a trajectory: the reset clock re-drawn from the trajectory's stream, the noise from k's. */
EB_HD CoordinateResult simulate_coordinate(const Problem& p, uint64_t trajectory, int32_t k) {
  Stream clock;
  clock.init(p.key0, p.key1, trajectory, 0);
  CoordinateNormals noise;
  noise.init(p.key0, p.key1, trajectory, k);
  const double mu = p.mu[k], a = p.a[k], sigma = p.sigma, horizon = p.horizon;
  double age, next;
  stationary_clock(p, clock, &age, &next);
  double u = a * em(mu * age) + sigma * sqrt(v_fn(mu, age)) * noise.next();
  double t = 0, integral = 0;
  int64_t segments = 0;
  CoordinateResult r;
  if (p.scheme == kExact) {
    for (;;) {
      const double end = next < horizon ? next : horizon;
      const double delta = end - t;
      const double x = mu * delta;
      const double b = u - a;
      integral += delta * (a + b * k_fn(x));
      ++segments;
      if (next >= horizon) {
        r.snapshot = a + b * exp(-x) + sigma * sqrt(v_fn(mu, delta)) * noise.next();
        break;
      }
      u = 0;
      t = next;
      next = t + draw_tau(p, clock);
    }
  } else {
    const double eta = p.step;
    for (;;) {
      const double end = next < horizon ? next : horizon;
      for (int64_t m = 0;; ++m) {
        const double s = t + static_cast<double>(m) * eta;
        if (!(s < end)) break;
        const double h = end - s < eta ? end - s : eta;
        integral += h * u;
        u += -h * mu * (u - a) + sigma * sqrt(h) * noise.next();
      }
      ++segments;
      if (next >= horizon) {
        r.snapshot = u;
        break;
      }
      u = 0;
      t = next;
      next = t + draw_tau(p, clock);
    }
  }
  r.time_average = integral / horizon;
  r.segments = segments;
  return r;
}

struct PairResult {
  double snapshot_i, snapshot_j;  // u_i(T), u_j(T)
  double time_i, time_j;          // M_i, M_j
  double second;                  // S_ij = (∫ u_i u_j dt)/T
};

/** Coordinates i and j of a trajectory together, for the second moments (i may equal j). */
EB_HD PairResult simulate_pair(const Problem& p, uint64_t trajectory, int32_t i, int32_t j) {
  Stream clock;
  clock.init(p.key0, p.key1, trajectory, 0);
  CoordinateNormals noise_i, noise_j;
  noise_i.init(p.key0, p.key1, trajectory, i);
  noise_j.init(p.key0, p.key1, trajectory, j);
  const bool same = i == j;
  const double mui = p.mu[i], ai = p.a[i], muj = p.mu[j], aj = p.a[j];
  const double sigma = p.sigma, horizon = p.horizon;
  double age, next;
  stationary_clock(p, clock, &age, &next);
  double ui = ai * em(mui * age) + sigma * sqrt(v_fn(mui, age)) * noise_i.next();
  double uj = same ? ui : aj * em(muj * age) + sigma * sqrt(v_fn(muj, age)) * noise_j.next();
  double t = 0, int_i = 0, int_j = 0, int_ij = 0;
  PairResult r;
  if (p.scheme == kExact) {
    for (;;) {
      const double end = next < horizon ? next : horizon;
      const double delta = end - t;
      const double xi = mui * delta, xj = muj * delta;
      const double emi = em(xi), emj = em(xj);
      const double ki = xi == 0 ? 1.0 : emi / xi, kj = xj == 0 ? 1.0 : emj / xj;
      const double xs = xi + xj;
      const double kij = xs == 0 ? 1.0 : (emi + (1 - emi) * emj) / xs;
      const double bi = ui - ai, bj = uj - aj;
      int_i += delta * (ai + bi * ki);
      int_j += delta * (aj + bj * kj);
      int_ij += delta * (ai * aj + ai * bj * kj + bi * aj * ki + bi * bj * kij);
      if (same) int_ij += sigma * sigma * delta * delta * g_fn(2 * xi);
      if (next >= horizon) {
        r.snapshot_i = ai + bi * exp(-xi) + sigma * sqrt(v_fn(mui, delta)) * noise_i.next();
        r.snapshot_j = same ? r.snapshot_i : aj + bj * exp(-xj) + sigma * sqrt(v_fn(muj, delta)) * noise_j.next();
        break;
      }
      ui = 0;
      uj = 0;
      t = next;
      next = t + draw_tau(p, clock);
    }
  } else {
    const double eta = p.step;
    for (;;) {
      const double end = next < horizon ? next : horizon;
      for (int64_t m = 0;; ++m) {
        const double s = t + static_cast<double>(m) * eta;
        if (!(s < end)) break;
        const double h = end - s < eta ? end - s : eta;
        int_i += h * ui;
        int_j += h * uj;
        int_ij += h * ui * uj;
        const double sh = sigma * sqrt(h);
        ui += -h * mui * (ui - ai) + sh * noise_i.next();
        uj = same ? ui : uj - h * muj * (uj - aj) + sh * noise_j.next();
      }
      if (next >= horizon) {
        r.snapshot_i = ui;
        r.snapshot_j = uj;
        break;
      }
      ui = 0;
      uj = 0;
      t = next;
      next = t + draw_tau(p, clock);
    }
  }
  r.time_i = int_i / horizon;
  r.time_j = int_j / horizon;
  r.second = int_ij / horizon;
  return r;
}

// ---- what a trajectory contributes to the sums -----------------------------------------------------------------

/** Sums per coordinate in mean passes: Σu(T), Σu(T)², ΣM, ΣM², at offset v·d + k. */
constexpr int kMeanValues = 4;
/**
 * Sums per pair (i ≥ j, packed row by row: p = i(i + 1)/2 + j) in covariance passes, at offset v·P + p with
 * P = d(d + 1)/2: Σu_i u_j (snapshot P), ΣS_ij, Σu_i u_j (snapshot X Xᵀ, the same sum kept for a uniform
 * layout), ΣM_i M_j, Σw² snapshot, Σw² time, with w_ij = P_ij − c_i X_j − X_i c_j and c the pilot centre.
 */
constexpr int kPairValues = 6;

EB_HD void mean_values(const CoordinateResult& r, double out[kMeanValues]) {
  out[0] = r.snapshot;
  out[1] = r.snapshot * r.snapshot;
  out[2] = r.time_average;
  out[3] = r.time_average * r.time_average;
}

EB_HD void pair_values(const Problem& p, int32_t i, int32_t j, const PairResult& r, double out[kPairValues]) {
  const double* cs = p.centre;
  const double* ct = p.centre + p.d;
  const double snap = r.snapshot_i * r.snapshot_j;
  const double ws = snap - cs[i] * r.snapshot_j - r.snapshot_i * cs[j];
  const double wt = r.second - ct[i] * r.time_j - r.time_i * ct[j];
  out[0] = snap;
  out[1] = r.second;
  out[2] = snap;
  out[3] = r.time_i * r.time_j;
  out[4] = ws * ws;
  out[5] = wt * wt;
}

/** Row i and column j (j ≤ i) of packed lower-triangle index p. */
EB_HD void unpack_pair(int64_t p, int32_t* i, int32_t* j) {
  int64_t r = static_cast<int64_t>((sqrt(8.0 * static_cast<double>(p) + 1) - 1) / 2);
  while (r * (r + 1) / 2 > p) --r;
  while ((r + 1) * (r + 2) / 2 <= p) ++r;
  *i = static_cast<int32_t>(r);
  *j = static_cast<int32_t>(p - r * (r + 1) / 2);
}

}  // namespace resetsim
}  // namespace eigenbasis
