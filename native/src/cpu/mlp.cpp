// The MLP kernels on the CPU (MlpKernel; eb_api.h "MLP kernels"): minibatch SGD with momentum for many independent
// jobs, and exact Hessian-vector products by Pearlmutter's R-operator.
//
// Notation (as MlpArchitecture): L linear layers, layer l maps A_l (rows × d_l) to Z_l = A_l W_l^T + b_l
// (rows × d_{l+1}); A_0 = x, A_{l+1} = σ(Z_l) for l < L − 1; the outputs are Z_{L−1}. G_l = ∂L/∂Z_l with L the mean
// loss over the rows; G_{l−1} = (G_l W_l) ⊙ σ'(Z_{l−1}); ∇W_l = G_l^T A_l, ∇b_l = Σ_rows G_l.
//
// Training. One job per batch worker (the pool hands out jobs one at a time), OpenBLAS at one thread (BlasSingle);
// a job is the same sequence of operations whatever the worker count, so its result is too. Per step: gather the
// batch's rows, forward, the loss gradient, backward into a flat gradient laid out as the parameters, then the
// momentum update. The products are (batch × 64)·(64 × 64)-sized: our own register-blocked kernel (mlp_gemm.hpp,
// AVX-512 where the CPU has it) ran them at 34-42 GFLOP/s against single-threaded OpenBLAS's 15-20 (Haswell kernels,
// OPENBLAS_CORETYPE=Haswell), and the whole retrain in 20% less CPU time (docs/notes/h3-native-mlp.md);
// EB_CPU_MLP_GEMM=openblas switches back, for measurements. The weights are kept transposed beside θ for it.
//
// Hessian-vector products. The R-operator applied to the forward and backward passes (R(·) = d/dε at θ + εv):
//   RZ_l = A_l V_l^T + RA_l W_l^T + vb_l,  RA_{l+1} = σ'(Z_l) ⊙ RZ_l,  RA_0 = 0;
//   RG_{L−1} = Λ RZ_{L−1} / n (Λ = diag(p) − p p^T for softmax, I for squared);
//   RG_{l−1} = (RG_l W_l + G_l V_l) ⊙ σ'(Z_{l−1}) + (G_l W_l) ⊙ σ''(Z_{l−1}) ⊙ RZ_{l−1};
//   (Hv)_{W_l} = RG_l^T A_l + G_l^T RA_l,  (Hv)_{b_l} = Σ_rows RG_l.
// The unperturbed pass (A_l, σ', σ'', G_l and (G_l W_l) ⊙ σ'') is computed once per call for all n rows. The vectors
// are then taken in blocks of kb (in parallel over the blocks), and the rows in chunks of nc; every R-quantity of a
// chunk is held "row-major over (row, vector, unit)", so that each product above is one product over all kb
// vectors: A_l·[V_l^(1); ...; V_l^(kb)]^T, RA_l·W_l^T with nc·kb rows, G_l·[V_l^(1) ... V_l^(kb)], and so on. Cost
// 12·k·n·P flops, almost all in those products, which run on the same small kernel as training (10% less CPU time
// than OpenBLAS's Haswell dgemm on these shapes; EB_CPU_MLP_GEMM=openblas switches back).
#include "mlp.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include "batch_pool.hpp"
#include "eigenbasis/eb_api.h"
#include "../common/eb_arg_checks.hpp"
#include "isa_dispatch.hpp"
#include "lapack.hpp"
#include "mlp_gelu.hpp"
#include "mlp_gemm.hpp"

namespace eigenbasis {
namespace mlp {

void small_gemm_avx512(int m, int n, int k, const double* a, int ars, int acs, const double* b, int ldb, double* c,
                       int ldc, bool accumulate);

namespace gelu {
void table_eval_avx512(const double* table, const double* z, double* cdf, double* pdf, int64_t count);

const double* table() {
  static const std::vector<double> coefficients = [] {
    std::vector<double> out(static_cast<size_t>(kCells) * kCoefficients);
    const long double inv_sqrt2 = 0.707106781186547524400844362104849039L;
    const long double inv_sqrt2pi = 0.398942280401432677939946059934381868L;
    for (int i = 0; i < kCells; ++i) {
      const long double c = -static_cast<long double>(kRange) + (i + 0.5L) / kCellsPerUnit;
      const long double cdf = 0.5L * std::erfc(-c * inv_sqrt2);
      const long double pdf = inv_sqrt2pi * std::exp(-0.5L * c * c);
      double* row = out.data() + static_cast<size_t>(i) * kCoefficients;
      row[0] = static_cast<double>(cdf);
      long double he_prev = 0.0L, he = 1.0L;  // He_{k-2}, He_{k-1}
      long double factorial = 1.0L;
      for (int k = 1; k <= kDegree; ++k) {
        factorial *= k;
        const long double sign = (k % 2 == 1) ? 1.0L : -1.0L;  // (−1)^(k−1)
        row[k] = static_cast<double>(sign * he * pdf / factorial);
        const long double next = c * he - (k - 1) * he_prev;   // He_k = c He_{k−1} − (k−1) He_{k−2}
        he_prev = he;
        he = next;
      }
    }
    return out;
  }();
  return coefficients.data();
}
}  // namespace gelu

namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kInvSqrt2Low =  // 1/√2 − kInvSqrt2
    static_cast<double>(0.707106781186547524400844362104849039L - static_cast<long double>(kInvSqrt2));
constexpr double kSqrt2 = 1.41421356237309504880;

// Φ and φ for count values: the table where it applies, std::erfc / std::exp outside [−9, 9).
void cdf_pdf(const double* z, double* cdf, double* pdf, int64_t count, bool avx512) {
  const double* table = gelu::table();
  if (avx512)
    gelu::table_eval_avx512(table, z, cdf, pdf, count);
  else
    gelu::table_eval(table, z, cdf, pdf, count);
  for (int64_t i = 0; i < count; ++i) {
    const double zi = z[i];
    if (!(zi >= -gelu::kRange && zi < gelu::kRange)) {  // the tails, and NaN
      // φ from z² split exactly (z² = sq + sq_err, by fma), and Φ = erfc(x + dx)/2 from erfc at the rounded
      // argument x = fl(−z/√2) corrected to first order by its error dx (the product's rounding and 1/√2's):
      // erfc'(x) = −(2/√π)e^(−x²) = −(2/√π)√(2π)φ(z), so Φ ≈ erfc(x)/2 − √2·φ(z)·dx. Without the corrections the
      // relative error grows as z²·eps/2 (70 eps at |z| = 12).
      const double sq = zi * zi;
      const double sq_err = std::fma(zi, zi, -sq);
      const double pdf_i = kInvSqrt2Pi * std::exp(-0.5 * sq) * (1.0 - 0.5 * sq_err);
      const double x = -zi * kInvSqrt2;
      const double dx = std::fma(-zi, kInvSqrt2, -x) + (-zi) * kInvSqrt2Low;
      cdf[i] = 0.5 * std::erfc(x) - kSqrt2 * pdf_i * dx;
      pdf[i] = pdf_i;
    }
  }
}

}  // namespace

void normal_cdf_pdf(const double* z, double* cdf, double* pdf, int64_t count) {
  cdf_pdf(z, cdf, pdf, count, use_avx512());
}

namespace {

// a, d1, d2 over count values; scratch holds 2·count doubles for gelu.
void activate_into(int code, const double* z, double* a, double* d1, double* d2, int64_t count, bool avx512,
                   double* scratch) {
  switch (code) {
    case EB_MLP_GELU: {
      double* cdf = scratch;
      double* pdf = scratch + count;
      cdf_pdf(z, cdf, pdf, count, avx512);
#pragma omp simd
      for (int64_t i = 0; i < count; ++i) {
        const double zi = z[i];
        if (d1 != nullptr) d1[i] = cdf[i] + zi * pdf[i];
        if (d2 != nullptr) d2[i] = pdf[i] * (2.0 - zi * zi);
        a[i] = zi * cdf[i];
      }
      break;
    }
    case EB_MLP_RELU:
      for (int64_t i = 0; i < count; ++i) {
        const double zi = z[i];
        const bool on = zi > 0;
        if (d1 != nullptr) d1[i] = on ? 1.0 : 0.0;
        if (d2 != nullptr) d2[i] = 0.0;
        a[i] = on ? zi : (zi == zi ? 0.0 : zi);  // NaN stays NaN
      }
      break;
    case EB_MLP_TANH:
      for (int64_t i = 0; i < count; ++i) {
        const double t = std::tanh(z[i]);
        const double s = 1.0 - t * t;
        if (d1 != nullptr) d1[i] = s;
        if (d2 != nullptr) d2[i] = -2.0 * t * s;
        a[i] = t;
      }
      break;
    default:  // identity
      for (int64_t i = 0; i < count; ++i) {
        if (d1 != nullptr) d1[i] = 1.0;
        if (d2 != nullptr) d2[i] = 0.0;
        a[i] = z[i];
      }
  }
}

// ---- the network's shape -----------------------------------------------------------------------------------------

struct Net {
  int depth = 0;                 // L
  std::vector<int> width;        // d_0 .. d_L
  std::vector<int64_t> woff;     // offset of W_l
  std::vector<int64_t> boff;     // offset of b_l
  int64_t params = 0;            // P
  int max_width = 0;
  int activation = 0;
  int loss = 0;
  int in() const { return width[0]; }
  int out() const { return width[depth]; }
  int target_width() const { return loss == EB_MLP_SQUARED ? out() : 1; }
};

bool make_net(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss, Net* net) {
  if (width_count < 2 || width_count > 4096 || widths == nullptr) return false;
  if (activation < EB_MLP_GELU || activation > EB_MLP_IDENTITY) return false;
  if (loss != EB_MLP_CROSS_ENTROPY && loss != EB_MLP_SQUARED) return false;
  net->depth = width_count - 1;
  net->width.assign(widths, widths + width_count);
  net->activation = activation;
  net->loss = loss;
  int64_t p = 0;
  for (int l = 0; l < width_count; ++l) {
    if (widths[l] < 1 || widths[l] > (1 << 20)) return false;
    net->max_width = std::max(net->max_width, widths[l]);
  }
  if (loss == EB_MLP_CROSS_ENTROPY && net->out() < 2) return false;
  for (int l = 0; l < net->depth; ++l) {
    net->woff.push_back(p);
    p += static_cast<int64_t>(widths[l + 1]) * widths[l];
    net->boff.push_back(p);
    p += widths[l + 1];
    if (p > INT32_MAX - 8) return false;
  }
  net->params = p;
  return true;
}

// Labels of cross-entropy must be integers in [0, dL); squared targets may be anything.
bool labels_valid(const Net& net, const double* y, int64_t rows) {
  if (net.loss != EB_MLP_CROSS_ENTROPY) return true;
  for (int64_t r = 0; r < rows; ++r) {
    const double v = y[r];
    if (!(v >= 0 && v < net.out()) || v != std::floor(v)) return false;
  }
  return true;
}

// G = ∂(mean loss)/∂z over rows rows of outputs z (rows × dL), scaled by 1/scale_rows; p (rows × dL) receives the
// softmax probabilities when non-null (cross-entropy).
void loss_gradient(const Net& net, const double* z, const double* y, int rows, double inv_rows, double* g,
                   double* p) {
  const int c = net.out();
  if (net.loss == EB_MLP_SQUARED) {
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < c; ++j) g[r * c + j] = (z[r * c + j] - y[r * c + j]) * inv_rows;
    return;
  }
  for (int r = 0; r < rows; ++r) {
    const double* zr = z + static_cast<int64_t>(r) * c;
    double* gr = g + static_cast<int64_t>(r) * c;
    double m = zr[0];
    for (int j = 1; j < c; ++j) m = std::max(m, zr[j]);
    double s = 0.0;
    for (int j = 0; j < c; ++j) {
      gr[j] = std::exp(zr[j] - m);
      s += gr[j];
    }
    const double inv = 1.0 / s;
    for (int j = 0; j < c; ++j) {
      gr[j] *= inv;
      if (p != nullptr) p[static_cast<int64_t>(r) * c + j] = gr[j];
    }
    gr[static_cast<int>(y[r])] -= 1.0;
    for (int j = 0; j < c; ++j) gr[j] *= inv_rows;
  }
}

// ---- training ----------------------------------------------------------------------------------------------------

struct TrainScratch {
  std::vector<double> grad, buf;
  std::vector<double> acts;   // A_0 .. A_{L-1}, each batch × d_l
  std::vector<double> zs;     // Z_0 .. Z_{L-1}, each batch × d_{l+1}
  std::vector<double> d1s;    // σ'(Z_l) for l < L−1
  std::vector<double> g, t;   // the current G and a product, batch × max width
  std::vector<double> act_scratch;
  std::vector<double> wt;     // W_l^T (d_l × d_{l+1}) for every layer, our own products' layout
  std::vector<int64_t> aoff, zoff;
};

// Which product the trainer uses: our small kernel (mlp_gemm.hpp) or OpenBLAS; EB_CPU_MLP_GEMM=openblas for
// measurements (docs/notes/h3-native-mlp.md).
bool own_gemm() {
  static const bool own = [] {
    const char* env = std::getenv("EB_CPU_MLP_GEMM");
    return !(env != nullptr && std::strcmp(env, "openblas") == 0);
  }();
  return own;
}

using SmallGemm = void (*)(int, int, int, const double*, int, int, const double*, int, double*, int, bool);

void small_gemm_portable(int m, int n, int k, const double* a, int ars, int acs, const double* b, int ldb, double* c,
                         int ldc, bool accumulate) {
  small_gemm_impl(m, n, k, a, ars, acs, b, ldb, c, ldc, accumulate);
}

void transpose_weights(const Net& net, const double* theta, double* wt) {
  int64_t at = 0;
  for (int l = 0; l < net.depth; ++l) {
    const int din = net.width[l], dout = net.width[l + 1];
    const double* w = theta + net.woff[l];
    for (int o = 0; o < dout; ++o)
      for (int i = 0; i < din; ++i) wt[at + static_cast<int64_t>(i) * dout + o] = w[static_cast<int64_t>(o) * din + i];
    at += static_cast<int64_t>(din) * dout;
  }
}

void train_job(const Net& net, double* theta, const double* x, const double* y, const int32_t* order, int64_t m,
               int epochs, int batch, double lr, double momentum, bool avx512, TrainScratch& s) {
  const int L = net.depth;
  const int64_t P = net.params;
  s.grad.assign(P, 0.0);
  s.buf.assign(P, 0.0);
  s.aoff.assign(L + 1, 0);
  s.zoff.assign(L + 1, 0);
  for (int l = 0; l < L; ++l) {
    s.aoff[l + 1] = s.aoff[l] + static_cast<int64_t>(batch) * net.width[l];
    s.zoff[l + 1] = s.zoff[l] + static_cast<int64_t>(batch) * net.width[l + 1];
  }
  s.acts.resize(s.aoff[L]);
  s.zs.resize(s.zoff[L]);
  s.d1s.resize(s.zoff[L]);
  s.g.resize(static_cast<size_t>(batch) * net.max_width);
  s.t.resize(static_cast<size_t>(batch) * net.max_width);
  s.act_scratch.resize(static_cast<size_t>(2) * batch * net.max_width);
  const int d0 = net.in();
  const int tw = net.target_width();
  std::vector<double> ybatch(static_cast<size_t>(batch) * tw);
  const bool own = own_gemm();
  const SmallGemm gemm = avx512 ? small_gemm_avx512 : small_gemm_portable;
  std::vector<int64_t> wtoff(L + 1, 0);
  for (int l = 0; l < L; ++l) wtoff[l + 1] = wtoff[l] + static_cast<int64_t>(net.width[l]) * net.width[l + 1];
  if (own) {
    s.wt.resize(wtoff[L]);
    transpose_weights(net, theta, s.wt.data());
  }

  const int64_t per_epoch = (m + batch - 1) / batch;
  const int64_t total = static_cast<int64_t>(epochs) * per_epoch;
  int64_t step = 0;
  for (int e = 0; e < epochs; ++e) {
    const int32_t* rows = order + static_cast<int64_t>(e) * m;
    for (int64_t start = 0; start < m; start += batch, ++step) {
      const int b = static_cast<int>(std::min<int64_t>(batch, m - start));
      // gather
      double* a0 = s.acts.data();
      for (int r = 0; r < b; ++r) {
        const int64_t row = rows[start + r];
        std::memcpy(a0 + static_cast<int64_t>(r) * d0, x + row * d0, sizeof(double) * d0);
        std::memcpy(ybatch.data() + static_cast<int64_t>(r) * tw, y + row * tw, sizeof(double) * tw);
      }
      // forward
      for (int l = 0; l < L; ++l) {
        const int din = net.width[l], dout = net.width[l + 1];
        const double* a = s.acts.data() + s.aoff[l];
        double* z = s.zs.data() + s.zoff[l];
        const double* bias = theta + net.boff[l];
        for (int r = 0; r < b; ++r) std::memcpy(z + static_cast<int64_t>(r) * dout, bias, sizeof(double) * dout);
        if (own)
          gemm(b, dout, din, a, din, 1, s.wt.data() + wtoff[l], dout, z, dout, true);
        else
          lapack::gemm(false, true, b, dout, din, 1.0, a, din, theta + net.woff[l], din, 1.0, z, dout);
        if (l + 1 < L)
          activate_into(net.activation, z, s.acts.data() + s.aoff[l + 1], s.d1s.data() + s.zoff[l], nullptr,
                        static_cast<int64_t>(b) * dout, avx512, s.act_scratch.data());
      }
      // backward
      double* g = s.g.data();
      loss_gradient(net, s.zs.data() + s.zoff[L - 1], ybatch.data(), b, 1.0 / b, g, nullptr);
      for (int l = L - 1; l >= 0; --l) {
        const int din = net.width[l], dout = net.width[l + 1];
        const double* a = s.acts.data() + s.aoff[l];
        if (own)
          gemm(dout, din, b, g, 1, dout, a, din, s.grad.data() + net.woff[l], din, false);
        else
          lapack::gemm(true, false, dout, din, b, 1.0, g, dout, a, din, 0.0, s.grad.data() + net.woff[l], din);
        double* gb = s.grad.data() + net.boff[l];
        std::memcpy(gb, g, sizeof(double) * dout);
        for (int r = 1; r < b; ++r) {
          const double* gr = g + static_cast<int64_t>(r) * dout;
#pragma omp simd
          for (int o = 0; o < dout; ++o) gb[o] += gr[o];
        }
        if (l > 0) {
          double* t = s.t.data();
          if (own)
            gemm(b, din, dout, g, dout, 1, theta + net.woff[l], din, t, din, false);
          else
            lapack::gemm(false, false, b, din, dout, 1.0, g, dout, theta + net.woff[l], din, 0.0, t, din);
          const double* d1 = s.d1s.data() + s.zoff[l - 1];
          const int64_t count = static_cast<int64_t>(b) * din;
#pragma omp simd
          for (int64_t i = 0; i < count; ++i) t[i] *= d1[i];
          std::swap(s.g, s.t);
          g = s.g.data();
        }
      }
      // update: buf ← μ buf + grad, θ ← θ − lr_t buf
      const double lr_t = lr * 0.5 * (1.0 + std::cos(M_PI * static_cast<double>(step) / static_cast<double>(total)));
      double* buf = s.buf.data();
      const double* grad = s.grad.data();
#pragma omp simd
      for (int64_t i = 0; i < P; ++i) {
        buf[i] = momentum * buf[i] + grad[i];
        theta[i] -= lr_t * buf[i];
      }
      if (own) transpose_weights(net, theta, s.wt.data());
    }
  }
}

// ---- Hessian-vector products --------------------------------------------------------------------------------------

// The unperturbed pass over all n rows.
struct Base {
  std::vector<std::vector<double>> a;    // A_l, n × d_l, l = 1 .. L−1 (A_0 is x)
  std::vector<std::vector<double>> s1;   // σ'(Z_l), n × d_{l+1}, l < L−1
  std::vector<std::vector<double>> g;    // G_l, n × d_{l+1}
  std::vector<std::vector<double>> e;    // (G_{l+1} W_{l+1}) ⊙ σ''(Z_l), n × d_{l+1}, l < L−1
  std::vector<double> p;                 // softmax probabilities, n × dL (cross-entropy)
};

void base_pass(const Net& net, const double* theta, const double* x, const double* y, int64_t n, bool avx512,
               Base& base) {
  const int L = net.depth;
  base.a.assign(L, {});
  base.s1.assign(L, {});
  base.g.assign(L, {});
  base.e.assign(L, {});
  std::vector<std::vector<double>> s2(L);
  std::vector<double> z;
  std::vector<double> scratch;
  const double* a = x;
  for (int l = 0; l < L; ++l) {
    const int din = net.width[l], dout = net.width[l + 1];
    z.resize(static_cast<size_t>(n) * dout);
    for (int64_t r = 0; r < n; ++r) std::memcpy(z.data() + r * dout, theta + net.boff[l], sizeof(double) * dout);
    lapack::gemm(false, true, static_cast<int>(n), dout, din, 1.0, a, din, theta + net.woff[l], din, 1.0, z.data(),
                 dout);
    if (l + 1 < L) {
      const int64_t count = n * dout;
      base.a[l + 1].resize(count);
      base.s1[l].resize(count);
      s2[l].resize(count);
      scratch.resize(2 * count);
      activate_into(net.activation, z.data(), base.a[l + 1].data(), base.s1[l].data(), s2[l].data(), count, avx512,
                    scratch.data());
      a = base.a[l + 1].data();
    }
  }
  const int c = net.out();
  base.g[L - 1].resize(static_cast<size_t>(n) * c);
  if (net.loss == EB_MLP_CROSS_ENTROPY) base.p.resize(static_cast<size_t>(n) * c);
  loss_gradient(net, z.data(), y, static_cast<int>(n), 1.0 / static_cast<double>(n), base.g[L - 1].data(),
                net.loss == EB_MLP_CROSS_ENTROPY ? base.p.data() : nullptr);
  std::vector<double> t;
  for (int l = L - 1; l >= 1; --l) {
    const int din = net.width[l], dout = net.width[l + 1];
    t.resize(static_cast<size_t>(n) * din);
    lapack::gemm(false, false, static_cast<int>(n), din, dout, 1.0, base.g[l].data(), dout, theta + net.woff[l], din,
                 0.0, t.data(), din);
    const int64_t count = n * din;
    base.g[l - 1].resize(count);
    base.e[l - 1].resize(count);
    for (int64_t i = 0; i < count; ++i) {
      base.g[l - 1][i] = t[i] * base.s1[l - 1][i];
      base.e[l - 1][i] = t[i] * s2[l - 1][i];
    }
  }
}

struct HvpScratch {
  std::vector<std::vector<double>> vstack;  // per layer: (kb·d_{l+1}) × d_l, the kb W-blocks one under another
                                            // (OpenBLAS), or its transpose d_l × (kb·d_{l+1}) (our kernel)
  std::vector<std::vector<double>> vwide;   // per layer: d_{l+1} × (kb·d_l), the kb W-blocks side by side
  std::vector<std::vector<double>> vb;      // per layer: kb × d_{l+1}
  std::vector<std::vector<double>> rz;      // per layer: nc × kb × d_{l+1}
  std::vector<std::vector<double>> ra;      // per layer: nc × kb × d_l (l ≥ 1)
  std::vector<std::vector<double>> hw1;     // per layer: (kb·d_{l+1}) × d_l, Σ RG^T A
  std::vector<std::vector<double>> hw2;     // per layer: d_{l+1} × (kb·d_l), Σ G^T RA
  std::vector<std::vector<double>> hb;      // per layer: kb × d_{l+1}
  std::vector<double> rg, t;                // nc × kb × max width
};

// Rows per chunk and vectors per block, measured on the 2-core Zen 5 (docs/notes/h3-native-mlp.md). The block is
// odd on purpose: the products read rows of kb·d doubles apart, and kb·64·8 bytes is a multiple of 4 KiB for every
// even kb up to 8, so all the rows of a panel fell into one L1 set (8 vectors: 30% more CPU time than 7 or 9).
constexpr int kRowChunk = 64;
constexpr int kVectorBlock = 7;

// own: our small kernel (gemm) with the transposed weights wt (transpose_weights' layout), else OpenBLAS.
void hvp_block(const Net& net, const double* theta, const double* x, int64_t n, const Base& base, const double* v,
               int kb, double* out, HvpScratch& s, bool own, SmallGemm gemm, const double* wt) {
  const int L = net.depth;
  const int64_t P = net.params;
  const int nc_max = static_cast<int>(std::min<int64_t>(kRowChunk, n));
  s.vstack.resize(L);
  s.vwide.resize(L);
  s.vb.resize(L);
  s.rz.resize(L);
  s.ra.resize(L);
  s.hw1.resize(L);
  s.hw2.resize(L);
  s.hb.resize(L);
  for (int l = 0; l < L; ++l) {
    const int din = net.width[l], dout = net.width[l + 1];
    const int64_t wsize = static_cast<int64_t>(dout) * din;
    s.vstack[l].resize(kb * wsize);
    s.vwide[l].resize(kb * wsize);
    s.vb[l].resize(static_cast<size_t>(kb) * dout);
    for (int j = 0; j < kb; ++j) {
      const double* w = v + j * P + net.woff[l];
      if (own) {
        for (int o = 0; o < dout; ++o)
          for (int i = 0; i < din; ++i)
            s.vstack[l][static_cast<int64_t>(i) * kb * dout + static_cast<int64_t>(j) * dout + o] =
                w[static_cast<int64_t>(o) * din + i];
      } else {
        std::memcpy(s.vstack[l].data() + j * wsize, w, sizeof(double) * wsize);
      }
      for (int o = 0; o < dout; ++o)
        std::memcpy(s.vwide[l].data() + static_cast<int64_t>(o) * kb * din + static_cast<int64_t>(j) * din,
                    w + static_cast<int64_t>(o) * din, sizeof(double) * din);
      std::memcpy(s.vb[l].data() + static_cast<int64_t>(j) * dout, v + j * P + net.boff[l], sizeof(double) * dout);
    }
    s.rz[l].resize(static_cast<size_t>(nc_max) * kb * dout);
    if (l > 0) s.ra[l].resize(static_cast<size_t>(nc_max) * kb * din);
    s.hw1[l].assign(kb * wsize, 0.0);
    if (l > 0) s.hw2[l].assign(kb * wsize, 0.0);
    s.hb[l].assign(static_cast<size_t>(kb) * dout, 0.0);
  }
  s.rg.resize(static_cast<size_t>(nc_max) * kb * net.max_width);
  s.t.resize(static_cast<size_t>(nc_max) * kb * net.max_width);

  std::vector<int64_t> wtoff(L + 1, 0);
  for (int l = 0; l < L; ++l) wtoff[l + 1] = wtoff[l] + static_cast<int64_t>(net.width[l]) * net.width[l + 1];
  for (int64_t r0 = 0; r0 < n; r0 += nc_max) {
    const int nc = static_cast<int>(std::min<int64_t>(nc_max, n - r0));
    // R-forward
    for (int l = 0; l < L; ++l) {
      const int din = net.width[l], dout = net.width[l + 1];
      const double* a = (l == 0 ? x : base.a[l].data()) + r0 * din;
      double* rz = s.rz[l].data();
      if (own) {
        gemm(nc, kb * dout, din, a, din, 1, s.vstack[l].data(), kb * dout, rz, kb * dout, false);
        if (l > 0) gemm(nc * kb, dout, din, s.ra[l].data(), din, 1, wt + wtoff[l], dout, rz, dout, true);
      } else {
        lapack::gemm(false, true, nc, kb * dout, din, 1.0, a, din, s.vstack[l].data(), din, 0.0, rz, kb * dout);
        if (l > 0)
          lapack::gemm(false, true, nc * kb, dout, din, 1.0, s.ra[l].data(), din, theta + net.woff[l], din, 1.0, rz,
                       dout);
      }
      const double* vb = s.vb[l].data();
      for (int r = 0; r < nc; ++r) {
        double* row = rz + static_cast<int64_t>(r) * kb * dout;
#pragma omp simd
        for (int i = 0; i < kb * dout; ++i) row[i] += vb[i];
      }
      if (l + 1 < L) {
        const double* s1 = base.s1[l].data() + r0 * dout;
        double* ra = s.ra[l + 1].data();
        for (int r = 0; r < nc; ++r)
          for (int j = 0; j < kb; ++j) {
            const int64_t at = (static_cast<int64_t>(r) * kb + j) * dout;
#pragma omp simd
            for (int o = 0; o < dout; ++o) ra[at + o] = s1[static_cast<int64_t>(r) * dout + o] * rz[at + o];
          }
      }
    }
    // R of the loss gradient
    {
      const int c = net.out();
      const double inv_n = 1.0 / static_cast<double>(n);
      const double* rz = s.rz[L - 1].data();
      double* rg = s.rg.data();
      for (int r = 0; r < nc; ++r) {
        const double* p = net.loss == EB_MLP_CROSS_ENTROPY ? base.p.data() + (r0 + r) * c : nullptr;
        for (int j = 0; j < kb; ++j) {
          const int64_t at = (static_cast<int64_t>(r) * kb + j) * c;
          if (p == nullptr) {
            for (int o = 0; o < c; ++o) rg[at + o] = rz[at + o] * inv_n;
          } else {
            double dot = 0.0;
            for (int o = 0; o < c; ++o) dot += p[o] * rz[at + o];
            for (int o = 0; o < c; ++o) rg[at + o] = p[o] * (rz[at + o] - dot) * inv_n;
          }
        }
      }
    }
    // R-backward, accumulating the products of every layer
    for (int l = L - 1; l >= 0; --l) {
      const int din = net.width[l], dout = net.width[l + 1];
      const double* a = (l == 0 ? x : base.a[l].data()) + r0 * din;
      const double* g = base.g[l].data() + r0 * dout;
      double* rg = s.rg.data();
      // (Hv)_W: RG^T A (rows (j, o)) and G^T RA (columns (j, i))
      if (own) {
        gemm(kb * dout, din, nc, rg, 1, kb * dout, a, din, s.hw1[l].data(), din, true);
        if (l > 0) gemm(dout, kb * din, nc, g, 1, dout, s.ra[l].data(), kb * din, s.hw2[l].data(), kb * din, true);
      } else {
        lapack::gemm(true, false, kb * dout, din, nc, 1.0, rg, kb * dout, a, din, 1.0, s.hw1[l].data(), din);
        if (l > 0)
          lapack::gemm(true, false, dout, kb * din, nc, 1.0, g, dout, s.ra[l].data(), kb * din, 1.0, s.hw2[l].data(),
                       kb * din);
      }
      double* hb = s.hb[l].data();
      for (int r = 0; r < nc; ++r) {
        const double* row = rg + static_cast<int64_t>(r) * kb * dout;
#pragma omp simd
        for (int i = 0; i < kb * dout; ++i) hb[i] += row[i];
      }
      if (l > 0) {
        double* t = s.t.data();
        if (own) {
          gemm(nc * kb, din, dout, rg, dout, 1, theta + net.woff[l], din, t, din, false);
          gemm(nc, kb * din, dout, g, dout, 1, s.vwide[l].data(), kb * din, t, kb * din, true);
        } else {
          lapack::gemm(false, false, nc * kb, din, dout, 1.0, rg, dout, theta + net.woff[l], din, 0.0, t, din);
          lapack::gemm(false, false, nc, kb * din, dout, 1.0, g, dout, s.vwide[l].data(), kb * din, 1.0, t,
                       kb * din);
        }
        const double* s1 = base.s1[l - 1].data() + r0 * din;
        const double* e = base.e[l - 1].data() + r0 * din;
        const double* rz = s.rz[l - 1].data();
        for (int r = 0; r < nc; ++r)
          for (int j = 0; j < kb; ++j) {
            const int64_t at = (static_cast<int64_t>(r) * kb + j) * din;
            const double* s1r = s1 + static_cast<int64_t>(r) * din;
            const double* er = e + static_cast<int64_t>(r) * din;
#pragma omp simd
            for (int i = 0; i < din; ++i) t[at + i] = t[at + i] * s1r[i] + er[i] * rz[at + i];
          }
        std::swap(s.rg, s.t);
      }
    }
  }
  // scatter into the k outputs
  for (int j = 0; j < kb; ++j) {
    double* o = out + j * P;
    for (int l = 0; l < L; ++l) {
      const int din = net.width[l], dout = net.width[l + 1];
      const int64_t wsize = static_cast<int64_t>(dout) * din;
      double* w = o + net.woff[l];
      std::memcpy(w, s.hw1[l].data() + j * wsize, sizeof(double) * wsize);
      if (l > 0)
        for (int r = 0; r < dout; ++r) {
          const double* src = s.hw2[l].data() + static_cast<int64_t>(r) * kb * din + static_cast<int64_t>(j) * din;
#pragma omp simd
          for (int i = 0; i < din; ++i) w[static_cast<int64_t>(r) * din + i] += src[i];
        }
      std::memcpy(o + net.boff[l], s.hb[l].data() + static_cast<int64_t>(j) * dout, sizeof(double) * dout);
    }
  }
}

template <class T>
T& worker_scratch() {
  thread_local T scratch;
  return scratch;
}

}  // namespace

void activate(int code, const double* z, double* a, double* d1, double* d2, int64_t count) {
  std::vector<double> scratch(2 * static_cast<size_t>(std::max<int64_t>(count, 0)));
  activate_into(code, z, a, d1, d2, count, use_avx512(), scratch.data());
}

}  // namespace mlp
}  // namespace eigenbasis

using eigenbasis::BatchPool;
using eigenbasis::BlasSingle;

extern "C" {

static int32_t mlp_train(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss,
                             double* params, int32_t jobs, const double* x, const double* y, int64_t rows,
                             const int32_t* orders, const int64_t* order_offsets, int32_t epochs, int32_t batch_size,
                             double lr, double momentum) {
  using namespace eigenbasis::mlp;
  Net net;
  if (!make_net(width_count, widths, activation, loss, &net)) return EB_ERR_ARGUMENT;
  if (jobs < 0 || rows < 0 || epochs < 1 || batch_size < 1) return EB_ERR_ARGUMENT;
  if (!eigenbasis::extent_fits({jobs, net.params}, sizeof(double)) ||
      !eigenbasis::extent_fits({rows, net.width[0]}, sizeof(double)) ||
      !eigenbasis::extent_fits({rows, net.out()}, sizeof(double)))
    return EB_ERR_ARGUMENT;
  if (jobs == 0) return EB_OK;
  if (params == nullptr || order_offsets == nullptr) return EB_ERR_ARGUMENT;
  if (rows > 0 && (x == nullptr || y == nullptr)) return EB_ERR_ARGUMENT;
  if (order_offsets[0] != 0) return EB_ERR_ARGUMENT;
  for (int32_t j = 0; j < jobs; ++j) {
    const int64_t length = order_offsets[j + 1] - order_offsets[j];
    if (length < 0 || length % epochs != 0) return EB_ERR_ARGUMENT;
  }
  const int64_t total = order_offsets[jobs];
  if (total > 0 && orders == nullptr) return EB_ERR_ARGUMENT;
  for (int64_t i = 0; i < total; ++i)
    if (orders[i] < 0 || orders[i] >= rows) return EB_ERR_ARGUMENT;
  if (!labels_valid(net, y, rows)) return EB_ERR_ARGUMENT;

  const bool avx512 = eigenbasis::use_avx512();
  std::atomic<bool> out_of_memory{false};
  BatchPool& pool = BatchPool::instance();
  BlasSingle single;
  pool.run(jobs, pool.threads(), [&](int, int64_t j) {
    try {
      const int64_t length = order_offsets[j + 1] - order_offsets[j];
      train_job(net, params + j * net.params, x, y, orders + order_offsets[j], length / epochs, epochs, batch_size, lr,
                momentum, avx512, worker_scratch<TrainScratch>());
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    }
  });
  return out_of_memory ? EB_ERR_ALLOCATION : EB_OK;
}

static int32_t mlp_hvp(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss,
                           const double* params, const double* x, const double* y, int64_t n, const double* v,
                           int64_t k, double* out) {
  using namespace eigenbasis::mlp;
  Net net;
  if (!make_net(width_count, widths, activation, loss, &net)) return EB_ERR_ARGUMENT;
  if (n < 1 || n > INT32_MAX / 64 || !eigenbasis::extent_fits({k, net.params}, sizeof(double))) return EB_ERR_ARGUMENT;
  if (k == 0) return EB_OK;
  if (params == nullptr || x == nullptr || y == nullptr || v == nullptr || out == nullptr) return EB_ERR_ARGUMENT;
  if (!labels_valid(net, y, n)) return EB_ERR_ARGUMENT;
  const bool avx512 = eigenbasis::use_avx512();
  BatchPool& pool = BatchPool::instance();
  const int workers = pool.threads();
  // Blocks of at most kVectorBlock vectors, and at least one block per worker when k allows.
  const int64_t kb = std::max<int64_t>(1, std::min<int64_t>(kVectorBlock, (k + workers - 1) / workers));
  const int64_t blocks = (k + kb - 1) / kb;
  std::atomic<bool> out_of_memory{false};
  BlasSingle single;
  try {
    Base base;
    base_pass(net, params, x, y, n, avx512, base);
    const bool own = own_gemm();
    const SmallGemm gemm = avx512 ? small_gemm_avx512 : small_gemm_portable;
    std::vector<double> wt(own ? static_cast<size_t>(net.params) : 0);
    if (own) transpose_weights(net, params, wt.data());
    pool.run(blocks, workers, [&](int, int64_t b) {
      try {
        const int64_t j0 = b * kb;
        const int count = static_cast<int>(std::min<int64_t>(kb, k - j0));
        hvp_block(net, params, x, n, base, v + j0 * net.params, count, out + j0 * net.params,
                  worker_scratch<HvpScratch>(), own, gemm, wt.data());
      } catch (const std::bad_alloc&) {
        out_of_memory = true;
      }
    });
  } catch (const std::bad_alloc&) {
    return EB_ERR_ALLOCATION;
  }
  return out_of_memory ? EB_ERR_ALLOCATION : EB_OK;
}

// The entry points: a std::bad_alloc anywhere (make_net's vectors included) is a status, never a throw into C.
int32_t eb_cpu_mlp_train_f64(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss,
                             double* params, int32_t jobs, const double* x, const double* y, int64_t rows,
                             const int32_t* orders, const int64_t* order_offsets, int32_t epochs, int32_t batch_size,
                             double lr, double momentum) {
  return eigenbasis::c_boundary([&] {
    return mlp_train(width_count, widths, activation, loss, params, jobs, x, y, rows, orders, order_offsets, epochs,
                     batch_size, lr, momentum);
  });
}

int32_t eb_cpu_mlp_hvp_f64(int32_t width_count, const int32_t* widths, int32_t activation, int32_t loss,
                           const double* params, const double* x, const double* y, int64_t n, const double* v,
                           int64_t k, double* out) {
  return eigenbasis::c_boundary([&] { return mlp_hvp(width_count, widths, activation, loss, params, x, y, n, v, k, out); });
}

}  // extern "C"
