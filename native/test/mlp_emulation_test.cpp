// Host emulation of the cuda MLP kernels' device code (native/src/cuda/mlp_device.hpp, compiled here by g++ with
// -ffp-contract=off, as nvcc compiles mlp_train.cu with --fmad=false), checked against the cpu kernels
// (eb_cpu_mlp_train_f64, eb_cpu_mlp_hvp_f64 and the cpu's gelu, linked from eigenbasis_cpu):
//   - gelu: the header's constants and coefficient table equal the cpu's bit for bit; Φ, φ and the activations
//     (a, σ', σ'') equal the cpu's bit for bit on the table's range [−9, 9), and within a few ε in the tails (erfc
//     and exp there are libm's on both sides here; on the GPU, CUDA's: within 4 and 1 ulp);
//   - training: train_job run with 1, 7 and 256 emulated threads gives the same bits (every output entry belongs
//     to one thread and is summed in a fixed order); one full-batch step at lr = 1, μ = 0 moves θ by the cpu's
//     gradient within Higham's bound; whole runs (several epochs, partial batches, momentum, the cosine schedule)
//     equal the cpu's bit for bit, since the header keeps the cpu's order of operations and its fused
//     multiply-adds (checked only while the cpu uses its own products: EB_CPU_MLP_GEMM unset);
//   - Hessian-vector products: the call plan of CudaMlp (cuBLAS products emulated by plain loops, row-major) with
//     the header's elementwise steps, against eb_cpu_mlp_hvp_f64 within Higham's bound.
// Tolerances: a sum of K products computed in any order differs from the exact one by at most γ_K Σ|terms|, γ_K =
// K u / (1 − K u) (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1, eq. 3.5); two
// computations of it differ by at most twice that. Silent on success (EB_MLP_EMULATION_VERBOSE=1 prints the
// measured differences); prints each failure and exits 1.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "eigenbasis/eb_api.h"
#include "../src/cpu/mlp.hpp"
#include "../src/cpu/mlp_gelu.hpp"
#include "../src/cuda/mlp_device.hpp"

namespace dev = eigenbasis::mlpdev;
namespace cpu = eigenbasis::mlp;

static_assert(dev::kGeluDegree == cpu::gelu::kDegree, "gelu table degree");
static_assert(dev::kGeluRange == cpu::gelu::kRange, "gelu table range");
static_assert(dev::kGeluCellsPerUnit == cpu::gelu::kCellsPerUnit, "gelu table cells");
static_assert(dev::kGeluCells == cpu::gelu::kCells, "gelu table size");
static_assert(dev::kGelu == EB_MLP_GELU && dev::kRelu == EB_MLP_RELU && dev::kTanh == EB_MLP_TANH &&
                  dev::kIdentity == EB_MLP_IDENTITY, "activation codes");
static_assert(dev::kCrossEntropy == EB_MLP_CROSS_ENTROPY && dev::kSquared == EB_MLP_SQUARED, "loss codes");

namespace {

int failures = 0;
bool verbose = false;
constexpr double kU = 0x1p-53;  // unit roundoff of f64

void fail(const char* fmt, double a = 0, double b = 0, double c = 0) {
  std::printf("FAIL ");
  std::printf(fmt, a, b, c);
  std::printf("\n");
  ++failures;
}

double gamma(double k) { return k * kU / (1 - k * kU); }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

std::vector<double> device_table() {
  std::vector<double> t(static_cast<size_t>(dev::kGeluCells) * dev::kGeluCoefficients);
  dev::fill_gelu_table(t.data());
  return t;
}

// ---- gelu -----------------------------------------------------------------------------------------------------

void gelu_matches_the_cpu() {
  const long double exact_low = 0.707106781186547524400844362104849039L - static_cast<long double>(dev::kInvSqrt2);
  if (!same_bits(-4.8355416892853498e-17, static_cast<double>(exact_low)))
    fail("kInvSqrt2Low: the header's literal is not 1/sqrt(2) - kInvSqrt2 (%.17g)", static_cast<double>(exact_low));
  const std::vector<double> table = device_table();
  const double* cpu_table = cpu::gelu::table();
  long differ = 0;
  for (size_t i = 0; i < table.size(); ++i) differ += !same_bits(table[i], cpu_table[i]);
  if (differ != 0) fail("gelu table: %.0f of %.0f coefficients differ from the cpu's", differ, table.size());

  std::vector<double> z;
  for (double v = -12.0; v <= 12.0; v += 1.0 / 1024 + 1e-9) z.push_back(v);
  for (double v : {-9.0, -0x1p-1074, 0.0, 9.0 - 0x1p-49, 9.0, 1e300, -1e300}) z.push_back(v);
  const int64_t n = static_cast<int64_t>(z.size());
  std::vector<double> cdf(n), pdf(n);
  cpu::normal_cdf_pdf(z.data(), cdf.data(), pdf.data(), n);
  long table_differ = 0;
  double tail_worst = 0;
  for (int64_t i = 0; i < n; ++i) {
    double c, p;
    dev::normal_cdf_pdf(table.data(), z[i], c, p);
    if (z[i] >= -9 && z[i] < 9) {
      table_differ += !same_bits(c, cdf[i]) + !same_bits(p, pdf[i]);
    } else {
      // both sides the same formula over erfc and exp: they can differ only in how a compiler fused it
      const double rc = cdf[i] == 0 ? std::fabs(c) : std::fabs(c - cdf[i]) / cdf[i];
      const double rp = pdf[i] == 0 ? std::fabs(p) : std::fabs(p - pdf[i]) / pdf[i];
      tail_worst = std::fmax(tail_worst, std::fmax(rc, rp));
    }
  }
  if (table_differ != 0) fail("gelu Phi, phi on [-9, 9): %.0f values differ from the cpu's", table_differ);
  if (tail_worst > 4 * kU * 2) fail("gelu tails: %.3g eps relative from the cpu's (allowed 4)", tail_worst / (2 * kU));
  if (verbose) std::printf("gelu: table and [-9, 9) bitwise equal to the cpu's; tails within %.2f eps\n",
                           tail_worst / (2 * kU));

  for (int code : {EB_MLP_GELU, EB_MLP_RELU, EB_MLP_TANH, EB_MLP_IDENTITY}) {
    std::vector<double> zin;
    for (double v = -8.99; v < 8.99; v += 0.0137) zin.push_back(v);
    zin.push_back(0.0);
    zin.push_back(-0.0);
    const int64_t m = static_cast<int64_t>(zin.size());
    std::vector<double> a(m), d1(m), d2(m);
    cpu::activate(code, zin.data(), a.data(), d1.data(), d2.data(), m);
    long bad = 0;
    for (int64_t i = 0; i < m; ++i) {
      double ea, e1, e2;
      dev::activate(code, table.data(), zin[i], ea, e1, e2);
      bad += !same_bits(ea, a[i]) + !same_bits(e1, d1[i]) + !same_bits(e2, d2[i]);
    }
    if (bad != 0) fail("activation %.0f: %.0f of %.0f values differ from the cpu's", code, bad, 3.0 * m);
    // NaN stays NaN (not compared with the cpu: its table path indexes a cell from NaN)
    double ea, e1, e2;
    dev::activate(code, table.data(), std::nan(""), ea, e1, e2);
    if (!std::isnan(ea)) fail("activation %.0f: sigma(NaN) is %.17g, not NaN", code, ea);
  }
}

// ---- problems ---------------------------------------------------------------------------------------------------

struct Problem {
  std::vector<int32_t> widths;
  int activation, loss;
  dev::NetShape net;
  std::vector<double> theta, x, y;
  int rows;
};

Problem make_problem(std::vector<int32_t> widths, int activation, int loss, int rows, uint64_t seed) {
  Problem pr;
  pr.widths = widths;
  pr.activation = activation;
  pr.loss = loss;
  pr.rows = rows;
  if (!dev::make_shape(static_cast<int>(widths.size()), widths.data(), activation, loss, &pr.net)) {
    fail("make_shape refused a valid shape");
    return pr;
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(-1, 1);
  std::normal_distribution<double> normal(0, 1);
  pr.theta.resize(pr.net.params);
  for (int l = 0; l < pr.net.depth; ++l) {
    const double bound = 1.5 / std::sqrt(static_cast<double>(widths[l]));
    for (int64_t i = pr.net.woff[l]; i < pr.net.boff[l] + widths[l + 1]; ++i) pr.theta[i] = bound * unit(rng);
  }
  pr.x.resize(static_cast<size_t>(rows) * widths[0]);
  for (double& v : pr.x) v = normal(rng);
  pr.y.resize(static_cast<size_t>(rows) * pr.net.target_width());
  std::uniform_int_distribution<int> label(0, pr.net.out() - 1);
  for (double& v : pr.y) v = loss == EB_MLP_SQUARED ? normal(rng) : label(rng);
  return pr;
}

std::vector<Problem> problems() {
  std::vector<Problem> list;
  uint64_t seed = 1;
  for (int act : {EB_MLP_GELU, EB_MLP_RELU, EB_MLP_TANH, EB_MLP_IDENTITY})
    for (int loss : {EB_MLP_CROSS_ENTROPY, EB_MLP_SQUARED})
      list.push_back(make_problem({5, 7, 6, loss == EB_MLP_SQUARED ? 3 : 4}, act, loss, 13, seed++));
  list.push_back(make_problem({4, 3}, EB_MLP_GELU, EB_MLP_CROSS_ENTROPY, 9, seed++));             // one layer
  list.push_back(make_problem({3, 1, 1}, EB_MLP_TANH, EB_MLP_SQUARED, 1, seed++));                // width 1, one row
  list.push_back(make_problem({2, 17, 1}, EB_MLP_GELU, EB_MLP_SQUARED, 6, seed++));               // one output
  list.push_back(make_problem({6, 9, 8, 7, 5}, EB_MLP_RELU, EB_MLP_CROSS_ENTROPY, 21, seed++));  // four layers
  list.push_back(make_problem({64, 64, 32, 10}, EB_MLP_GELU, EB_MLP_CROSS_ENTROPY, 70, seed++)); // the digits shape
  return list;
}

// ---- training ---------------------------------------------------------------------------------------------------

/** The header's train_job for each job, with `threads` emulated threads. */
std::vector<double> emulate_train(const Problem& pr, const std::vector<std::vector<int32_t>>& orders,
                                  const std::vector<double>& init, int epochs, int batch, double lr, double momentum,
                                  int threads) {
  const std::vector<double> table = device_table();
  const int64_t P = pr.net.params;
  std::vector<double> params = init;
  const dev::TrainParams tp{epochs, batch, lr, momentum};
  std::vector<double> work(dev::train_work_doubles(pr.net, batch));
  dev::SerialExec ex{threads};
  for (size_t j = 0; j < orders.size(); ++j)
    dev::train_job(ex, pr.net, params.data() + j * P, pr.x.data(), pr.y.data(), orders[j].data(),
                   static_cast<int64_t>(orders[j].size()) / epochs, tp, table.data(), work.data());
  return params;
}

std::vector<double> cpu_train(const Problem& pr, const std::vector<std::vector<int32_t>>& orders,
                              const std::vector<double>& init, int epochs, int batch, double lr, double momentum) {
  std::vector<double> params = init;
  std::vector<int32_t> flat;
  std::vector<int64_t> offsets{0};
  for (const auto& o : orders) {
    flat.insert(flat.end(), o.begin(), o.end());
    offsets.push_back(static_cast<int64_t>(flat.size()));
  }
  const int32_t status = eb_cpu_mlp_train_f64(static_cast<int32_t>(pr.widths.size()), pr.widths.data(),
                                              pr.activation, pr.loss, params.data(),
                                              static_cast<int32_t>(orders.size()), pr.x.data(), pr.y.data(), pr.rows,
                                              flat.data(), offsets.data(), epochs, batch, lr, momentum);
  if (status != EB_OK) fail("eb_cpu_mlp_train_f64 returned %.0f", status);
  return params;
}

/** K of the gradient's sums: the batch, and per row a chain of depth L of dot products over ≤ max width + 1 terms. */
int roundings(const dev::NetShape& net, int rows) { return rows + 2 * net.depth * (net.max_width + 8) + 16; }

void one_step_is_the_gradient(const Problem& pr) {
  const int64_t P = pr.net.params;
  std::vector<int32_t> all(pr.rows);
  for (int i = 0; i < pr.rows; ++i) all[i] = i;
  // per-example gradients from the cpu (one row, lr = 1, μ = 0: θ − θ' = ∇l_i), for the scale of the bound
  std::vector<double> gabs(P, 0.0);
  for (int i = 0; i < pr.rows; ++i) {
    const std::vector<double> moved = cpu_train(pr, {{i}}, pr.theta, 1, 1, 1.0, 0.0);
    for (int64_t k = 0; k < P; ++k) gabs[k] += std::fabs(pr.theta[k] - moved[k]) / pr.rows;
  }
  const std::vector<double> want = cpu_train(pr, {all}, pr.theta, 1, pr.rows, 1.0, 0.0);
  const std::vector<double> got = emulate_train(pr, {all}, pr.theta, 1, pr.rows, 1.0, 0.0, 32);
  const double g = gamma(roundings(pr.net, pr.rows));
  double worst = 0;
  for (int64_t k = 0; k < P; ++k) {
    // both gradients within γ_K·gabs of the exact one; θ − ∇L rounded once on each side
    const double tol = 2 * g * gabs[k] + 2 * 2 * kU * (std::fabs(pr.theta[k]) + gabs[k]);
    const double d = std::fabs(want[k] - got[k]);
    if (!(d <= tol)) {
      fail("one step, entry %.0f: differs from the cpu's by %.3g (bound %.3g)", k, d, tol);
      return;
    }
    if (tol > 0) worst = std::fmax(worst, d / tol);
  }
  if (verbose) std::printf("one step %d-layer act %d loss %d: worst |diff| / bound = %.3g\n", pr.net.depth,
                           pr.activation, pr.loss, worst);
}

void runs_match(const Problem& pr, bool cpu_own_products) {
  const int64_t P = pr.net.params;
  std::mt19937_64 rng(pr.rows * 7919 + pr.net.depth);
  std::uniform_int_distribution<int32_t> row(0, pr.rows - 1);
  const int epochs = 3;
  std::vector<std::vector<int32_t>> orders;
  for (int length : {pr.rows, 11, 1, 0, 7}) {  // m = 11 in batches of 4: a partial last batch; m = 0: no step
    std::vector<int32_t> o(static_cast<size_t>(epochs) * length);
    for (auto& v : o) v = row(rng);
    orders.push_back(o);
  }
  std::vector<double> init;
  for (size_t j = 0; j < orders.size(); ++j) {
    std::vector<double> t = pr.theta;
    t[j % P] += 0.01 * static_cast<double>(j);
    init.insert(init.end(), t.begin(), t.end());
  }
  const int batch = 4;
  const double lr = 0.05, momentum = 0.9;
  const std::vector<double> one = emulate_train(pr, orders, init, epochs, batch, lr, momentum, 1);
  for (int threads : {7, 256}) {
    const std::vector<double> other = emulate_train(pr, orders, init, epochs, batch, lr, momentum, threads);
    for (size_t i = 0; i < one.size(); ++i)
      if (!same_bits(one[i], other[i])) {
        fail("train_job with %.0f threads differs from 1 thread at %.0f", threads, i);
        break;
      }
  }
  if (!cpu_own_products) return;
  const std::vector<double> want = cpu_train(pr, orders, init, epochs, batch, lr, momentum);
  long differ = 0;
  double worst = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    differ += !same_bits(want[i], one[i]);
    worst = std::fmax(worst, std::fabs(want[i] - one[i]));
  }
  if (differ != 0) fail("training runs: %.0f of %.0f parameters differ from the cpu's (max %.3g)", differ, want.size(),
                        worst);
  else if (verbose) std::printf("training %d-layer act %d loss %d: %zu parameters bitwise equal to the cpu's\n",
                                pr.net.depth, pr.activation, pr.loss, want.size());
}

// ---- Hessian-vector products ------------------------------------------------------------------------------------

/** Row-major C_b = α op(A_b) op(B_b) + β C_b (β = 0: C not read), as CudaMlp asks cuBLAS for it; plain sums. */
void gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda, int64_t sa, const double* b,
          int ldb, int64_t sb, double beta, double* c, int ldc, int64_t sc, int batch) {
  for (int q = 0; q < batch; ++q)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double s = 0;
        for (int p = 0; p < k; ++p) {
          const double av = ta ? a[q * sa + static_cast<int64_t>(p) * lda + i] : a[q * sa + static_cast<int64_t>(i) * lda + p];
          const double bv = tb ? b[q * sb + static_cast<int64_t>(j) * ldb + p] : b[q * sb + static_cast<int64_t>(p) * ldb + j];
          s += av * bv;
        }
        double& out = c[q * sc + static_cast<int64_t>(i) * ldc + j];
        out = alpha * s + (beta == 0 ? 0.0 : beta * out);
      }
}

/**
 * CudaMlp's Hessian-vector plan (MlpHvpPlan.java; MlpHvpPlanTest runs the Java plan itself on an emulator) with the
 * header's elementwise steps item by item, all k vectors in one block.
 */
std::vector<double> emulate_hvp(const Problem& pr, const std::vector<double>& v, int k) {
  const dev::NetShape& net = pr.net;
  const std::vector<double> table = device_table();
  const int L = net.depth, n = pr.rows, c = net.out();
  const int64_t P = net.params;
  const double* theta = pr.theta.data();
  // the unperturbed pass
  std::vector<std::vector<double>> a(L), s1(L), s2(L), g(L), e(L);
  std::vector<double> z, p(static_cast<size_t>(n) * c);
  const double* in = pr.x.data();
  for (int l = 0; l < L; ++l) {
    const int din = net.width[l], dout = net.width[l + 1];
    z.assign(static_cast<size_t>(n) * dout, 0.0);
    for (int64_t i = 0; i < static_cast<int64_t>(z.size()); ++i)
      dev::broadcast_rows_at(i, z.data(), 1, dout, theta + net.boff[l], 0, false);
    gemm(false, true, n, dout, din, 1.0, in, din, 0, theta + net.woff[l], din, 0, 1.0, z.data(), dout, 0, 1);
    if (l + 1 < L) {
      a[l + 1].resize(z.size());
      s1[l].resize(z.size());
      s2[l].resize(z.size());
      for (int64_t i = 0; i < static_cast<int64_t>(z.size()); ++i)
        dev::activate_at(i, net.activation, table.data(), z.data(), a[l + 1].data(), s1[l].data(), s2[l].data());
      in = a[l + 1].data();
    }
  }
  g[L - 1].resize(static_cast<size_t>(n) * c);
  const int tw = net.target_width();
  for (int r = 0; r < n; ++r)
    dev::loss_gradient_row(net.loss, c, z.data() + static_cast<int64_t>(r) * c, pr.y.data() + static_cast<int64_t>(r) * tw,
                           1.0 / n, g[L - 1].data() + static_cast<int64_t>(r) * c, p.data() + static_cast<int64_t>(r) * c);
  for (int l = L - 1; l >= 1; --l) {
    const int din = net.width[l], dout = net.width[l + 1];
    std::vector<double> t(static_cast<size_t>(n) * din);
    gemm(false, false, n, din, dout, 1.0, g[l].data(), dout, 0, theta + net.woff[l], din, 0, 0.0, t.data(), din, 0, 1);
    g[l - 1].resize(t.size());
    e[l - 1].resize(t.size());
    for (int64_t i = 0; i < static_cast<int64_t>(t.size()); ++i) {
      dev::scale_groups_at(i, g[l - 1].data(), t.data(), s1[l - 1].data(), 1, din, nullptr, nullptr);
      dev::scale_groups_at(i, e[l - 1].data(), t.data(), s2[l - 1].data(), 1, din, nullptr, nullptr);
    }
  }
  // one block of all k vectors
  const int kb = k;
  std::vector<double> out(static_cast<size_t>(k) * P, std::nan(""));
  std::vector<std::vector<double>> rz(L), ra(L);
  std::vector<double> rg(static_cast<size_t>(n) * kb * net.max_width), t(rg.size());
  for (int l = 0; l < L; ++l) {
    const int din = net.width[l], dout = net.width[l + 1];
    const double* al = l == 0 ? pr.x.data() : a[l].data();
    rz[l].assign(static_cast<size_t>(n) * kb * dout, std::nan(""));
    gemm(false, true, n, dout, din, 1.0, al, din, 0, v.data() + net.woff[l], din, P, 0.0, rz[l].data(), kb * dout, dout, kb);
    if (l > 0)
      gemm(false, true, n * kb, dout, din, 1.0, ra[l].data(), din, 0, theta + net.woff[l], din, 0, 1.0, rz[l].data(), dout,
           0, 1);
    for (int64_t i = 0; i < static_cast<int64_t>(rz[l].size()); ++i)
      dev::broadcast_rows_at(i, rz[l].data(), kb, dout, v.data() + net.boff[l], P, true);
    if (l + 1 < L) {
      ra[l + 1].resize(rz[l].size());
      for (int64_t i = 0; i < static_cast<int64_t>(rz[l].size()); ++i)
        dev::scale_groups_at(i, ra[l + 1].data(), rz[l].data(), s1[l].data(), kb, dout, nullptr, nullptr);
    }
  }
  for (int64_t q = 0; q < static_cast<int64_t>(n) * kb; ++q)
    dev::rop_loss_at(q, net.loss, p.data(), rz[L - 1].data(), kb, c, 1.0 / n, rg.data());
  for (int l = L - 1; l >= 0; --l) {
    const int din = net.width[l], dout = net.width[l + 1];
    const double* al = l == 0 ? pr.x.data() : a[l].data();
    double* ow = out.data() + net.woff[l];
    gemm(true, false, dout, din, n, 1.0, rg.data(), kb * dout, dout, al, din, 0, 0.0, ow, din, P, kb);
    if (l > 0) gemm(true, false, dout, din, n, 1.0, g[l].data(), dout, 0, ra[l].data(), kb * din, din, 1.0, ow, din, P, kb);
    for (int64_t q = 0; q < static_cast<int64_t>(kb) * dout; ++q)
      dev::column_sum_at(q, rg.data(), n, kb, dout, out.data() + net.boff[l], P);
    if (l > 0) {
      gemm(false, false, n * kb, din, dout, 1.0, rg.data(), dout, 0, theta + net.woff[l], din, 0, 0.0, t.data(), din, 0, 1);
      gemm(false, false, n, din, dout, 1.0, g[l].data(), dout, 0, v.data() + net.woff[l], din, P, 1.0, t.data(), kb * din,
           din, kb);
      for (int64_t i = 0; i < static_cast<int64_t>(n) * kb * din; ++i)
        dev::scale_groups_at(i, rg.data(), t.data(), s1[l - 1].data(), kb, din, e[l - 1].data(), rz[l - 1].data());
    }
  }
  return out;
}

void hvp_matches_the_cpu(const Problem& pr) {
  const int64_t P = pr.net.params;
  const int k = 9;  // beyond the cpu's blocks of 7 vectors
  std::mt19937_64 rng(P * 31 + pr.rows);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> v(static_cast<size_t>(k) * P);
  for (double& e : v) e = normal(rng);
  std::vector<double> want(v.size());
  const int32_t status = eb_cpu_mlp_hvp_f64(static_cast<int32_t>(pr.widths.size()), pr.widths.data(), pr.activation,
                                            pr.loss, pr.theta.data(), pr.x.data(), pr.y.data(), pr.rows, v.data(), k,
                                            want.data());
  if (status != EB_OK) {
    fail("eb_cpu_mlp_hvp_f64 returned %.0f", status);
    return;
  }
  const std::vector<double> got = emulate_hvp(pr, v, k);
  double scale = 0, worst = 0;
  for (double w : want) scale = std::fmax(scale, std::fabs(w));
  // As MlpContract's parity test: each entry is a sum over the n rows of products along a chain of depth L of dot
  // products of ≤ max width + 1 terms; both within γ_K of their own terms' scale, which cancellation inside the
  // Hessian can make larger than |Hv| itself: 32 γ_K max|Hv| (the largest measured difference is printed verbose).
  const double tol = 32 * gamma(roundings(pr.net, pr.rows)) * scale;
  for (size_t i = 0; i < want.size(); ++i) {
    const double d = std::fabs(want[i] - got[i]);
    if (!(d <= tol)) {
      fail("hvp entry %.0f: differs from the cpu's by %.3g (bound %.3g)", static_cast<double>(i), d, tol);
      return;
    }
    worst = std::fmax(worst, d);
  }
  if (verbose) std::printf("hvp %d-layer act %d loss %d: worst |diff| = %.3g = %.3g of the bound\n", pr.net.depth,
                           pr.activation, pr.loss, worst, worst / tol);
}

void shapes_are_checked() {
  dev::NetShape net;
  const int32_t ok[] = {3, 4, 2};
  if (!dev::make_shape(3, ok, EB_MLP_GELU, EB_MLP_CROSS_ENTROPY, &net) || net.params != 3 * 4 + 4 + 4 * 2 + 2)
    fail("make_shape: a valid shape");
  const int32_t one_out[] = {3, 1};
  if (dev::make_shape(2, one_out, EB_MLP_GELU, EB_MLP_CROSS_ENTROPY, &net)) fail("make_shape: cross-entropy with 1 output");
  const int32_t zero[] = {3, 0, 2};
  if (dev::make_shape(3, zero, EB_MLP_GELU, EB_MLP_SQUARED, &net)) fail("make_shape: a zero width");
  if (dev::make_shape(3, ok, 4, EB_MLP_SQUARED, &net)) fail("make_shape: activation 4");
  std::vector<int32_t> deep(dev::kMaxDepth + 2, 2);
  if (dev::make_shape(static_cast<int>(deep.size()), deep.data(), EB_MLP_GELU, EB_MLP_SQUARED, &net))
    fail("make_shape: deeper than kMaxDepth");
  if (!dev::make_shape(dev::kMaxDepth + 1, deep.data(), EB_MLP_GELU, EB_MLP_SQUARED, &net))
    fail("make_shape: exactly kMaxDepth layers");
}

}  // namespace

int main() {
  verbose = std::getenv("EB_MLP_EMULATION_VERBOSE") != nullptr;
  const char* gemm = std::getenv("EB_CPU_MLP_GEMM");
  const bool cpu_own_products = !(gemm != nullptr && std::strcmp(gemm, "openblas") == 0);
  shapes_are_checked();
  gelu_matches_the_cpu();
  for (const Problem& pr : problems()) {
    one_step_is_the_gradient(pr);
    runs_match(pr, cpu_own_products);
    hvp_matches_the_cpu(pr);
  }
  if (failures != 0) {
    std::printf("%d failure(s)\n", failures);
    return 1;
  }
  return 0;
}
