// The device arithmetic of the cuda MLP kernels (mlp_train.cu, mlp_hvp.cu), written once for the device (nvcc) and
// the host (g++, in native/test/mlp_emulation_test.cpp, which runs it on machines without a GPU).
//
// Training. One thread block per job runs train_job<BlockExec>: every step is a fixed sequence of phases separated
// by __syncthreads() (gather the batch, forward per layer, loss gradient, backward per layer, momentum update). In a
// phase, item i goes to thread i mod blockDim.x and every item is one output entry computed by one thread in a fixed
// order, so the result does not depend on the thread count; the host runs the same phases with SerialExec, thread
// after thread (any count: the emulation test uses 1, 7 and 256 and requires the same bits).
//
// Order of operations: exactly the cpu kernel's (native/src/cpu/mlp.cpp with its own small products,
// mlp_gemm.hpp): Z starts from the bias and adds A(r, i)·W(o, i) for i = 0, 1, ... by fused multiply-add; ∇W(o, i)
// is Σ_r G(r, o)·A(r, i) from 0 by fma; ∇b(o) = G(0, o) + G(1, o) + ...; (G W)(r, i) from 0 by fma, then times
// σ'; buf ← fma(μ, buf, g), θ ← fma(−lr_t, buf, θ). Every fused multiply-add is written out as fma() (correctly
// rounded on both sides), and both compilers are told not to contract anything else (nvcc --fmad=false, g++
// -ffp-contract=off), so the host emulation computes the device's bits wherever the libm functions agree (exp in
// the softmax, tanh, cos in the schedule and erfc/exp in gelu's tails are each within a few ulp on both sides, not
// bitwise equal), and the cpu kernel's bits where its compiler contracted the same products (the emulation test
// measures both).
//
// gelu: Φ and φ from the cpu's table of degree-8 Taylor polynomials on cells of 1/128 over [−9, 9) (mlp_gelu.hpp;
// the coefficients are formed by fill_gelu_table, the cpu's construction in long double, and the emulation test
// requires them bitwise equal to the cpu's table), within 2 ε relative of erfcl/expl there; beyond, erfc and exp
// with the cpu's argument corrections (CUDA's erfc is within 4 ulp, exp within 1: a few ε relative in the tails).
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define EB_MLP_HD __host__ __device__ __forceinline__
#else
#define EB_MLP_HD inline
#endif

namespace eigenbasis {
namespace mlpdev {

// Codes as eb_api.h (EB_MLP_*), repeated so that this header needs nothing else.
constexpr int kGelu = 0;
constexpr int kRelu = 1;
constexpr int kTanh = 2;
constexpr int kIdentity = 3;
constexpr int kCrossEntropy = 0;
constexpr int kSquared = 1;

/** Deepest network the cuda kernels take (the shape travels by value as a kernel argument). */
constexpr int kMaxDepth = 64;

// gelu's table: the constants of native/src/cpu/mlp_gelu.hpp (the emulation test static_asserts they agree).
constexpr int kGeluDegree = 8;
constexpr int kGeluCoefficients = kGeluDegree + 1;
constexpr double kGeluRange = 9.0;
constexpr int kGeluCellsPerUnit = 128;
constexpr int kGeluCells = static_cast<int>(2 * kGeluRange) * kGeluCellsPerUnit;

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kPi = 3.14159265358979323846;  // M_PI, as the cpu's schedule

/** The network's shape, by value (kernel argument). width[0..depth], offsets of W_l and b_l in θ. */
struct NetShape {
  int depth;
  int activation;
  int loss;
  int max_width;
  int64_t params;
  int width[kMaxDepth + 1];
  int64_t woff[kMaxDepth];
  int64_t boff[kMaxDepth];
  int64_t pre[kMaxDepth + 1];  // pre[l] = d_0 + ... + d_{l−1}

  EB_MLP_HD int in() const { return width[0]; }
  EB_MLP_HD int out() const { return width[depth]; }
  EB_MLP_HD int target_width() const { return loss == kSquared ? out() : 1; }
};

/**
 * Fills a NetShape from widths (count = L + 1); false when the shape is not one the kernels take (the same rules
 * as the cpu's make_net, plus depth ≤ kMaxDepth).
 */
inline bool make_shape(int count, const int32_t* widths, int activation, int loss, NetShape* net) {
  if (count < 2 || count > kMaxDepth + 1 || widths == nullptr) return false;
  if (activation < kGelu || activation > kIdentity) return false;
  if (loss != kCrossEntropy && loss != kSquared) return false;
  net->depth = count - 1;
  net->activation = activation;
  net->loss = loss;
  net->max_width = 0;
  for (int l = 0; l < count; ++l) {
    if (widths[l] < 1 || widths[l] > (1 << 20)) return false;
    net->width[l] = widths[l];
    if (widths[l] > net->max_width) net->max_width = widths[l];
  }
  if (loss == kCrossEntropy && widths[count - 1] < 2) return false;
  net->pre[0] = 0;
  for (int l = 0; l < net->depth; ++l) net->pre[l + 1] = net->pre[l] + widths[l];
  int64_t p = 0;
  for (int l = 0; l < net->depth; ++l) {
    net->woff[l] = p;
    p += static_cast<int64_t>(widths[l + 1]) * widths[l];
    net->boff[l] = p;
    p += widths[l + 1];
    if (p > INT32_MAX - 8) return false;
  }
  net->params = p;
  return true;
}

// ---- gelu -----------------------------------------------------------------------------------------------------

/**
 * The coefficient table (kGeluCells rows of kGeluCoefficients): the cpu's construction (mlp.cpp, gelu::table()),
 * Φ^(k)(c) = (−1)^(k−1) He_{k−1}(c) φ(c) at the cell centres, in long double, rounded to double. Host only.
 */
inline void fill_gelu_table(double* out) {
  const long double inv_sqrt2 = 0.707106781186547524400844362104849039L;
  const long double inv_sqrt2pi = 0.398942280401432677939946059934381868L;
  for (int i = 0; i < kGeluCells; ++i) {
    const long double c = -static_cast<long double>(kGeluRange) + (i + 0.5L) / kGeluCellsPerUnit;
    const long double cdf = 0.5L * std::erfc(-c * inv_sqrt2);
    const long double pdf = inv_sqrt2pi * std::exp(-0.5L * c * c);
    double* row = out + static_cast<int64_t>(i) * kGeluCoefficients;
    row[0] = static_cast<double>(cdf);
    long double he_prev = 0.0L, he = 1.0L;
    long double factorial = 1.0L;
    for (int k = 1; k <= kGeluDegree; ++k) {
      factorial *= k;
      const long double sign = (k % 2 == 1) ? 1.0L : -1.0L;
      row[k] = static_cast<double>(sign * he * pdf / factorial);
      const long double next = c * he - (k - 1) * he_prev;
      he_prev = he;
      he = next;
    }
  }
}

/** Φ(z) and φ(z): the table on [−9, 9) (Horner by fma, as the cpu's contracted loop), erfc/exp beyond and for NaN. */
EB_MLP_HD void normal_cdf_pdf(const double* table, double z, double& cdf, double& pdf) {
  if (z >= -kGeluRange && z < kGeluRange) {
    double u = (z + kGeluRange) * kGeluCellsPerUnit;
    u = u < 0 ? 0 : (u > kGeluCells - 1 ? kGeluCells - 1 : u);
    const int cell = static_cast<int>(u);
    const double centre = -kGeluRange + (cell + 0.5) / kGeluCellsPerUnit;
    const double t = z - centre;
    const double* a = table + static_cast<int64_t>(cell) * kGeluCoefficients;
    double p = a[kGeluDegree];
    double d = kGeluDegree * a[kGeluDegree];
    for (int k = kGeluDegree - 1; k >= 1; --k) {
      p = fma(p, t, a[k]);
      d = fma(d, t, k * a[k]);
    }
    cdf = fma(p, t, a[0]);
    pdf = d;
    return;
  }
  // The cpu's tail (mlp.cpp, cdf_pdf): z² split exactly by fma, and erfc at the rounded argument corrected to first
  // order by its rounding error (the product's and 1/√2's).
  // The cpu's 1/√2 − kInvSqrt2, formed there in long double (the emulation test checks the literal)
  constexpr double kInvSqrt2Low = -4.8355416892853498e-17;
  const double sq = z * z;
  const double sq_err = fma(z, z, -sq);
  const double p = kInvSqrt2Pi * exp(-0.5 * sq) * fma(-0.5, sq_err, 1.0);
  const double x = -z * kInvSqrt2;
  const double dx = fma(-z, kInvSqrt2Low, fma(-z, kInvSqrt2, -x));
  cdf = fma(-kSqrt2 * p, dx, 0.5 * erfc(x));
  pdf = p;
}

/** σ(z) into a, σ'(z) into d1, σ''(z) into d2 (relu'(0) = 0; NaN stays NaN). */
EB_MLP_HD void activate(int code, const double* table, double z, double& a, double& d1, double& d2) {
  switch (code) {
    case kGelu: {
      double cdf, pdf;
      normal_cdf_pdf(table, z, cdf, pdf);
      d1 = fma(z, pdf, cdf);
      d2 = pdf * fma(-z, z, 2.0);
      a = z * cdf;
      return;
    }
    case kRelu: {
      const bool on = z > 0;
      d1 = on ? 1.0 : 0.0;
      d2 = 0.0;
      a = on ? z : (z == z ? 0.0 : z);
      return;
    }
    case kTanh: {
      const double t = tanh(z);
      const double s = fma(-t, t, 1.0);
      d1 = s;
      d2 = -2.0 * t * s;
      a = t;
      return;
    }
    default:
      d1 = 1.0;
      d2 = 0.0;
      a = z;
  }
}

// ---- the loss --------------------------------------------------------------------------------------------------

/**
 * One row of the loss gradient ∂(mean loss)/∂z scaled by inv_rows: squared (z − y)·inv_rows; cross-entropy
 * (softmax(z) − e_y)·inv_rows, the softmax from the row's maximum. p (may be null) receives the probabilities.
 */
EB_MLP_HD void loss_gradient_row(int loss, int c, const double* z, const double* y, double inv_rows, double* g,
                                 double* p) {
  if (loss == kSquared) {
    for (int j = 0; j < c; ++j) g[j] = (z[j] - y[j]) * inv_rows;
    return;
  }
  double m = z[0];
  for (int j = 1; j < c; ++j) m = m < z[j] ? z[j] : m;  // std::max(m, z[j]), as the cpu
  double s = 0.0;
  for (int j = 0; j < c; ++j) {
    g[j] = exp(z[j] - m);
    s += g[j];
  }
  const double inv = 1.0 / s;
  for (int j = 0; j < c; ++j) {
    g[j] *= inv;
    if (p != nullptr) p[j] = g[j];
  }
  g[static_cast<int>(y[0])] -= 1.0;
  for (int j = 0; j < c; ++j) g[j] *= inv_rows;
}

/** lr_t = lr·(1 + cos(π t / T))/2, in the cpu's order. */
EB_MLP_HD double cosine_rate(double lr, int64_t step, int64_t total) {
  return lr * 0.5 * (1.0 + cos(kPi * static_cast<double>(step) / static_cast<double>(total)));
}

// ---- training --------------------------------------------------------------------------------------------------

/** Doubles of one job's workspace for batches of `batch` rows (see TrainWork). */
EB_MLP_HD int64_t train_work_doubles(const NetShape& net, int batch) {
  int64_t acts = 0, slopes = 0;
  for (int l = 0; l < net.depth; ++l) acts += net.width[l];
  for (int l = 0; l + 1 < net.depth; ++l) slopes += net.width[l + 1];
  return 2 * net.params + static_cast<int64_t>(batch) * (acts + slopes + net.out() + 2 * net.max_width +
                                                         net.target_width());
}

/**
 * One job's workspace, carved from train_work_doubles(net, batch) doubles: the momentum buffer and the gradient
 * (P each); A_l (batch × d_l) at acts(l) for l < L; σ'(Z_l) (batch × d_{l+1}) at slopes(l) for l < L − 1; Z_{L−1}
 * (batch × dL); G and the next G (batch × max width each); the batch's targets (batch × target width).
 */
struct TrainWork {
  double* buf;
  double* grad;
  double* act_base;
  double* slope_base;
  double* zout;
  double* g;
  double* t;
  double* ybatch;
  int64_t batch;

  EB_MLP_HD TrainWork(const NetShape& net, int rows, double* w) : batch(rows) {
    buf = w;
    grad = buf + net.params;
    act_base = grad + net.params;
    slope_base = act_base + batch * net.pre[net.depth];
    zout = slope_base + batch * (net.pre[net.depth] - net.pre[1]);
    g = zout + batch * net.out();
    t = g + batch * net.max_width;
    ybatch = t + batch * net.max_width;
  }
  EB_MLP_HD double* acts(const NetShape& net, int l) const { return act_base + batch * net.pre[l]; }
  EB_MLP_HD double* slopes(const NetShape& net, int l) const { return slope_base + batch * (net.pre[l + 1] - net.pre[1]); }
};

/** The scalars of a training call. */
struct TrainParams {
  int epochs;
  int batch;
  double lr;
  double momentum;
};

/** The host's executor: each phase thread after thread, `threads` of them (item i to thread i mod threads). */
struct SerialExec {
  int threads;
  template <class F>
  void operator()(F&& phase) const {
    for (int t = 0; t < threads; ++t) phase(t, threads);
  }
};

/**
 * One job (MlpKernel.train): θ (P doubles, in place) trained on the rows order[0 .. epochs·m) of x and y in batches,
 * with momentum and the cosine schedule. ex(phase) runs phase(thread, threads) on every thread and then waits for
 * all of them (a barrier). work: train_work_doubles(net, p.batch) doubles.
 */
template <class Exec>
EB_MLP_HD void train_job(Exec& ex, const NetShape& net, double* theta, const double* x, const double* y,
                         const int32_t* order, int64_t m, const TrainParams& tp, const double* gelu_table,
                         double* work) {
  const int L = net.depth;
  const int64_t P = net.params;
  const int batch = tp.batch;
  TrainWork w(net, batch, work);
  const int d0 = net.in();
  const int tw = net.target_width();
  ex([&](int tid, int threads) {
    for (int64_t i = tid; i < P; i += threads) w.buf[i] = 0.0;
  });
  const int64_t per_epoch = (m + batch - 1) / batch;
  const int64_t total = static_cast<int64_t>(tp.epochs) * per_epoch;
  int64_t step = 0;
  for (int e = 0; e < tp.epochs; ++e) {
    const int32_t* rows = order + static_cast<int64_t>(e) * m;
    for (int64_t start = 0; start < m; start += batch, ++step) {
      const int b = static_cast<int>(m - start < batch ? m - start : batch);
      // gather the batch's rows of x and y
      ex([&](int tid, int threads) {
        const int64_t xs = static_cast<int64_t>(b) * d0;
        const int64_t count = xs + static_cast<int64_t>(b) * tw;
        for (int64_t i = tid; i < count; i += threads) {
          if (i < xs) {
            const int64_t r = i / d0, c = i - r * d0;
            w.act_base[i] = x[static_cast<int64_t>(rows[start + r]) * d0 + c];
          } else {
            const int64_t j = i - xs, r = j / tw, c = j - r * tw;
            w.ybatch[j] = y[static_cast<int64_t>(rows[start + r]) * tw + c];
          }
        }
      });
      // forward: Z_l = b_l + A_l W_lᵀ, then σ and σ' for the hidden layers
      for (int l = 0; l < L; ++l) {
        ex([&](int tid, int threads) {
          const int din = net.width[l], dout = net.width[l + 1];
          const double* a = w.acts(net, l);
          const double* wl = theta + net.woff[l];
          const double* bias = theta + net.boff[l];
          const int64_t count = static_cast<int64_t>(b) * dout;
          for (int64_t i = tid; i < count; i += threads) {
            const int64_t r = i / dout;
            const int o = static_cast<int>(i - r * dout);
            const double* ar = a + r * din;
            const double* wo = wl + static_cast<int64_t>(o) * din;
            double acc = bias[o];
            for (int k = 0; k < din; ++k) acc = fma(ar[k], wo[k], acc);
            if (l + 1 < L) {
              double d2;
              activate(net.activation, gelu_table, acc, w.acts(net, l + 1)[i], w.slopes(net, l)[i], d2);
            } else {
              w.zout[i] = acc;
            }
          }
        });
      }
      // the loss gradient, one row per thread
      ex([&](int tid, int threads) {
        const int c = net.out();
        const double inv_rows = 1.0 / b;
        for (int r = tid; r < b; r += threads)
          loss_gradient_row(net.loss, c, w.zout + static_cast<int64_t>(r) * c, w.ybatch + static_cast<int64_t>(r) * tw,
                            inv_rows, w.g + static_cast<int64_t>(r) * c, nullptr);
      });
      // backward: ∇W_l = G_lᵀ A_l, ∇b_l = Σ_rows G_l, and G_{l−1} = (G_l W_l) ⊙ σ'(Z_{l−1}) in one phase
      double* g = w.g;
      double* t = w.t;
      for (int l = L - 1; l >= 0; --l) {
        ex([&](int tid, int threads) {
          const int din = net.width[l], dout = net.width[l + 1];
          const double* a = w.acts(net, l);
          const double* wl = theta + net.woff[l];
          const int64_t nw = static_cast<int64_t>(dout) * din;
          const int64_t count = nw + dout + (l > 0 ? static_cast<int64_t>(b) * din : 0);
          for (int64_t i = tid; i < count; i += threads) {
            if (i < nw) {
              const int64_t o = i / din, k = i - o * din;
              double acc = 0.0;
              for (int r = 0; r < b; ++r)
                acc = fma(g[static_cast<int64_t>(r) * dout + o], a[static_cast<int64_t>(r) * din + k], acc);
              w.grad[net.woff[l] + i] = acc;
            } else if (i < nw + dout) {
              const int64_t o = i - nw;
              double acc = g[o];
              for (int r = 1; r < b; ++r) acc += g[static_cast<int64_t>(r) * dout + o];
              w.grad[net.boff[l] + o] = acc;
            } else {
              const int64_t j = i - nw - dout, r = j / din, k = j - r * din;
              const double* gr = g + r * dout;
              double acc = 0.0;
              for (int o = 0; o < dout; ++o) acc = fma(gr[o], wl[static_cast<int64_t>(o) * din + k], acc);
              t[j] = acc * w.slopes(net, l - 1)[j];
            }
          }
        });
        double* swap = g;
        g = t;
        t = swap;
      }
      // update: buf ← μ buf + grad, θ ← θ − lr_t buf
      const double lr_t = cosine_rate(tp.lr, step, total);
      ex([&](int tid, int threads) {
        for (int64_t i = tid; i < P; i += threads) {
          const double bi = fma(tp.momentum, w.buf[i], w.grad[i]);
          w.buf[i] = bi;
          theta[i] = fma(-lr_t, bi, theta[i]);
        }
      });
    }
  }
}

// ---- Hessian-vector products: the elementwise steps between the cuBLAS products -----------------------------------
//
// CudaMlp runs Pearlmutter's R-operator (the recurrences of native/src/cpu/mlp.cpp) as a plan of cuBLAS products
// and these steps, one grid-stride kernel each (mlp_hvp.cu). R-quantities of a block of kb vectors are held
// row-major over (row, vector, unit), "groups" = kb: entry i of an (rows × groups × width) array is (r, j, o) with
// o = i mod width, j = (i / width) mod groups, r = i / (groups·width). Each function computes item i alone.

/** out[(r, j, o)] = src[j·src_stride + o] (accumulate: out + src); a bias row (groups 1) or kb vectors' biases. */
EB_MLP_HD void broadcast_rows_at(int64_t i, double* out, int groups, int width, const double* src, int64_t src_stride,
                                 bool accumulate) {
  const int64_t q = i / width;
  const int o = static_cast<int>(i - q * width);
  const int64_t j = q % groups;
  const double v = src[j * src_stride + o];
  out[i] = accumulate ? out[i] + v : v;
}

/** a[i], s1[i] (σ'), s2[i] (σ'', skipped when null) from z[i]. */
EB_MLP_HD void activate_at(int64_t i, int code, const double* table, const double* z, double* a, double* s1,
                           double* s2) {
  double d1, d2;
  activate(code, table, z[i], a[i], d1, d2);
  s1[i] = d1;
  if (s2 != nullptr) s2[i] = d2;
}

/**
 * out[(r, j, o)] = in[(r, j, o)]·scale[(r, o)], plus e[(r, o)]·rz[(r, j, o)] when e is not null:
 * RA_{l+1} = σ'(Z_l) ⊙ RZ_l, and RG_{l−1} = (RG_l W_l + G_l V_l) ⊙ σ'(Z_{l−1}) + E_{l−1} ⊙ RZ_{l−1}.
 */
EB_MLP_HD void scale_groups_at(int64_t i, double* out, const double* in, const double* scale, int groups, int width,
                               const double* e, const double* rz) {
  const int64_t q = i / width;
  const int o = static_cast<int>(i - q * width);
  const int64_t r = q / groups;
  const double s = in[i] * scale[r * width + o];
  out[i] = e == nullptr ? s : fma(e[r * width + o], rz[i], s);
}

/**
 * Row q = (r, j) of R(∂L/∂z) = Λ_r RZ / n: squared rz·inv_n; cross-entropy p ⊙ (rz − pᵀrz)·inv_n with p the row's
 * softmax (p is rows × classes, rz and rg rows × groups × classes).
 */
EB_MLP_HD void rop_loss_at(int64_t q, int loss, const double* p, const double* rz, int groups, int classes,
                           double inv_n, double* rg) {
  const double* z = rz + q * classes;
  double* g = rg + q * classes;
  if (loss == kSquared) {
    for (int o = 0; o < classes; ++o) g[o] = z[o] * inv_n;
    return;
  }
  const double* pr = p + (q / groups) * classes;
  double dot = 0.0;
  for (int o = 0; o < classes; ++o) dot = fma(pr[o], z[o], dot);
  for (int o = 0; o < classes; ++o) g[o] = pr[o] * (z[o] - dot) * inv_n;
}

/** Column q = (j, o): out[j·out_stride + o] = Σ_r in[(r, j, o)], rows in order ((Hv)_b = Σ_rows RG). */
EB_MLP_HD void column_sum_at(int64_t q, const double* in, int64_t rows, int groups, int width, double* out,
                             int64_t out_stride) {
  const int64_t j = q / width;
  const int o = static_cast<int>(q - j * width);
  const int64_t stride = static_cast<int64_t>(groups) * width;
  double acc = 0.0;
  for (int64_t r = 0; r < rows; ++r) acc += in[r * stride + q];
  out[j * out_stride + o] = acc;
}

}  // namespace mlpdev
}  // namespace eigenbasis
