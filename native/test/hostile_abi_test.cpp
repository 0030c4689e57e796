// A hostile caller at the C ABI (issue 15, point 3): every eb_cpu_* entry point of eb_api.h called with missing
// pointers, negative extents, absurd extents (whose byte count overflows the address space) and unknown codes must
// return EB_ERR_ARGUMENT without touching memory: the buffers handed over are a few elements long, so a check that
// let an absurd extent through would read or write far outside them (a crash here, a report under native/sanitize.sh).
// Second part (point 6): an allocation failure inside any allocating entry point is a status, never a throw into C:
// this executable replaces the global operator new with one that throws std::bad_alloc on the k-th call after arming
// (k = 1, 2, ...), and every allocating entry point, on a small valid problem, must return EB_ERR_ALLOCATION whenever
// a failure was injected and EB_OK once k is past its last allocation. One batch worker: the order is deterministic.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "eigenbasis/eb_api.h"

namespace {
// -1: allocations pass; k > 0: the k-th allocation from now throws; 0 after it fired.
std::atomic<int64_t> countdown{-1};
std::atomic<bool> fired{false};
}  // namespace

void* operator new(std::size_t size) {
  int64_t left = countdown.load();
  while (left > 0 && !countdown.compare_exchange_weak(left, left - 1)) {
  }
  if (left == 1) {
    fired = true;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

int failures = 0;
int checks = 0;
std::vector<std::string> covered;

void expect_status(int32_t want, int32_t got, const std::string& label) {
  ++checks;
  if (got != want) {
    std::printf("FAIL %s: status %d, want %d\n", label.c_str(), got, want);
    ++failures;
  }
}

constexpr int64_t kAbsurdBatch = INT64_MAX / 2;  // times n*n*sizeof overflows for any n >= 2
constexpr int32_t kAbsurdN = INT32_MAX;          // n*n*sizeof(double) > PTRDIFF_MAX

// Small valid buffers: a few elements, far fewer than any absurd extent would reach. An absurd extent is one whose byte
// count does not fit in a ptrdiff_t; a merely large one (n = 2, m = 2^31 - 1: 34 GB) is a caller's promise that the
// native side cannot check, which is why the Java binding checks every buffer's capacity first.
double d[64] = {};
double d2[64] = {};
double d3[64] = {};
double d4[64] = {};
double d5[64] = {};
float f[64] = {};
float f2[64] = {};
float f3[64] = {};
float f4[64] = {};
float f5[64] = {};
int32_t info[64] = {};
int64_t l1 = 0, l2 = 0;

template <class T>
void eigh_cases(const char* name, int32_t (*fn)(const T*, int64_t, int32_t, T*, T*, int32_t*, int32_t, int32_t), T* a,
                T* w, T* v) {
  const std::string s = name;
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, fn(nullptr, 1, 2, w, v, info, 0, 0), s + " a null");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, nullptr, v, info, 0, 0), s + " w null");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, w, v, nullptr, 0, 0), s + " info null");
  expect_status(EB_ERR_ARGUMENT, fn(a, -1, 2, w, v, info, 0, 0), s + " batch negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, -2, w, v, info, 0, 0), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, kAbsurdBatch, 2, w, v, info, 0, 0), s + " batch absurd");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, kAbsurdN, w, v, info, 0, 0), s + " n absurd");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, w, v, info, 99, 0), s + " algorithm unknown");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, w, v, info, -1, 0), s + " algorithm negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, w, v, info, EB_EIGH_CUSOLVER, 0), s + " algorithm cusolver");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, w, v, info, 0, -1), s + " max_sweeps negative");
}

template <class T>
void eigh_range_cases(const char* name,
                      int32_t (*fn)(const T*, int64_t, int32_t, int32_t, int32_t, int32_t, double, double, int32_t, T*,
                                    T*, int32_t*, int32_t*),
                      T* a, T* w, T* v) {
  const std::string s = name;
  covered.push_back(s);
  int32_t* count = info + 8;
  const double nan = std::nan("");
  expect_status(EB_ERR_ARGUMENT, fn(nullptr, 1, 2, EB_RANGE_INDICES, 0, 1, 0, 0, 1, w, v, count, info), s + " a null");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INDICES, 0, 1, 0, 0, 1, nullptr, v, count, info), s + " w null");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INDICES, 0, 1, 0, 0, 1, w, v, nullptr, info), s + " count null");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INDICES, 0, 1, 0, 0, 1, w, v, count, nullptr), s + " info null");
  expect_status(EB_ERR_ARGUMENT, fn(a, -1, 2, EB_RANGE_INDICES, 0, 1, 0, 0, 1, w, v, count, info), s + " batch negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, -2, EB_RANGE_INDICES, 0, 1, 0, 0, 1, w, v, count, info), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, kAbsurdBatch, 2, EB_RANGE_INDICES, 0, 1, 0, 0, 1, w, v, count, info),
                s + " batch absurd");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, kAbsurdN, EB_RANGE_INDICES, 0, 1, 0, 0, 1, w, v, count, info), s + " n absurd");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, 0, 0, 1, 0, 0, 1, w, v, count, info), s + " range unknown");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INDICES, -1, 1, 0, 0, 2, w, v, count, info), s + " lo negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INDICES, 1, 1, 0, 0, 0, w, v, count, info), s + " hi = lo");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INDICES, 0, 3, 0, 0, 3, w, v, count, info), s + " hi past n");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INDICES, 0, 2, 0, 0, 1, w, v, count, info), s + " m not hi - lo");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INTERVAL, 0, 0, nan, 1, 1, w, v, count, info), s + " vl NaN");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INTERVAL, 0, 0, 1, 1, 1, w, v, count, info), s + " vu = vl");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INTERVAL, 0, 0, 0, HUGE_VAL, 1, w, v, count, info), s + " vu inf");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INTERVAL, 0, 0, -1, 1, 3, w, v, count, info), s + " m above n");
  expect_status(EB_ERR_ARGUMENT, fn(a, 1, 2, EB_RANGE_INTERVAL, 0, 0, -1, 1, 0, w, v, count, info), s + " m zero");
}

template <class T>
void reconstruct_cases(const char* name, int32_t (*fn)(const T*, const T*, int64_t, int32_t, T*), T* v, T* fv, T* out) {
  const std::string s = name;
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, fn(nullptr, fv, 1, 2, out), s + " v null");
  expect_status(EB_ERR_ARGUMENT, fn(v, nullptr, 1, 2, out), s + " f null");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, 1, 2, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, -1, 2, out), s + " batch negative");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, 1, -1, out), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, kAbsurdBatch, 2, out), s + " batch absurd");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, 1, kAbsurdN, out), s + " n absurd");
}

template <class T>
void apply_cases(const char* name, int32_t (*fn)(const T*, const T*, const T*, int64_t, int32_t, int32_t, T*), T* v,
                 T* fv, T* x, T* out) {
  const std::string s = name;
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, fn(nullptr, fv, x, 1, 2, 2, out), s + " v null");
  expect_status(EB_ERR_ARGUMENT, fn(v, nullptr, x, 1, 2, 2, out), s + " f null");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, nullptr, 1, 2, 2, out), s + " x null");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, x, 1, 2, 2, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, x, -1, 2, 2, out), s + " batch negative");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, x, 1, -2, 2, out), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, x, 1, 2, -2, out), s + " m negative");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, x, kAbsurdBatch, 2, 2, out), s + " batch absurd");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, x, int64_t(1) << 40, 2, kAbsurdN, out), s + " batch * m absurd");
  expect_status(EB_ERR_ARGUMENT, fn(v, fv, x, 1, kAbsurdN, 1, out), s + " n absurd");
}

template <class T>
void refresh_cases(const char* name, int32_t (*fn)(const T*, const T*, int64_t, int32_t, int32_t, T*, T*, T*), T* a,
                   T* q, T* qo, T* r, T* o) {
  const std::string s = name;
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, fn(nullptr, q, 1, 2, 1, qo, r, o), s + " a null");
  expect_status(EB_ERR_ARGUMENT, fn(a, nullptr, 1, 2, 1, qo, r, o), s + " q null");
  expect_status(EB_ERR_ARGUMENT, fn(a, q, 1, 2, 1, nullptr, r, o), s + " q_out null");
  expect_status(EB_ERR_ARGUMENT, fn(a, q, 1, 2, 1, qo, nullptr, o), s + " rayleigh null");
  expect_status(EB_ERR_ARGUMENT, fn(a, q, 1, 2, 1, qo, r, nullptr), s + " off_ratio null");
  expect_status(EB_ERR_ARGUMENT, fn(a, q, -1, 2, 1, qo, r, o), s + " batch negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, q, 1, -2, 1, qo, r, o), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, q, 1, 2, -1, qo, r, o), s + " steps negative");
  expect_status(EB_ERR_ARGUMENT, fn(a, q, kAbsurdBatch, 2, 1, qo, r, o), s + " batch absurd");
  expect_status(EB_ERR_ARGUMENT, fn(a, q, 1, kAbsurdN, 1, qo, r, o), s + " n absurd");
}

template <class T>
void factor_cases(const char* name, int32_t (*fn)(const T*, int64_t, int32_t, int32_t, int32_t, double, double, T*),
                  T* x, T* fac) {
  const std::string s = name;
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, fn(nullptr, 1, 2, 2, 1, 0, 1, fac), s + " x null");
  expect_status(EB_ERR_ARGUMENT, fn(x, 1, 2, 2, 1, 0, 1, nullptr), s + " factor null");
  expect_status(EB_ERR_ARGUMENT, fn(x, -1, 2, 2, 1, 0, 1, fac), s + " batch negative");
  expect_status(EB_ERR_ARGUMENT, fn(x, 1, -2, 2, 1, 0, 1, fac), s + " rows negative");
  expect_status(EB_ERR_ARGUMENT, fn(x, 1, 2, -2, 0, 0, 1, fac), s + " cols negative");
  expect_status(EB_ERR_ARGUMENT, fn(x, kAbsurdBatch, 2, 2, 1, 0, 1, fac), s + " batch absurd");
  expect_status(EB_ERR_ARGUMENT, fn(x, 1, kAbsurdN, 2, 1, 0, 1, fac), s + " rows absurd (left)");
  expect_status(EB_ERR_ARGUMENT, fn(x, 1, 2, kAbsurdN, 0, 0, 1, fac), s + " cols absurd (right)");
}

template <class T>
void rotate_cases(const char* name,
                  int32_t (*fn)(const T*, int32_t, const T*, const T*, int32_t, int64_t, int32_t, int32_t, T*), T* l,
                  T* g, T* r, T* out) {
  const std::string s = name;
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, fn(l, 0, nullptr, r, 0, 1, 2, 2, out), s + " g null");
  expect_status(EB_ERR_ARGUMENT, fn(l, 0, g, r, 0, 1, 2, 2, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, fn(l, 0, g, r, 0, 1, 2, 2, g), s + " out aliases g");
  expect_status(EB_ERR_ARGUMENT, fn(l, 0, g, r, 0, -1, 2, 2, out), s + " batch negative");
  expect_status(EB_ERR_ARGUMENT, fn(l, 0, g, r, 0, 1, -2, 2, out), s + " m negative");
  expect_status(EB_ERR_ARGUMENT, fn(l, 0, g, r, 0, 1, 2, -2, out), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, fn(l, 0, g, r, 0, kAbsurdBatch, 2, 2, out), s + " batch absurd");
  expect_status(EB_ERR_ARGUMENT, fn(l, 0, g, r, 0, 1, kAbsurdN, 1, out), s + " m absurd");
  expect_status(EB_ERR_ARGUMENT, fn(nullptr, 0, g, nullptr, 0, 1, 1, kAbsurdN, out), s + " n absurd");
}

template <class T>
void diagonal_cases(const char* name,
                    int32_t (*fn)(const T*, T*, T*, T*, int64_t, double, double, double, double, double), T* g, T* m,
                    T* v, T* out) {
  const std::string s = name;
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, fn(nullptr, m, v, out, 4, 0.9, 0.99, 1, 0.5, 1e-8), s + " g null");
  expect_status(EB_ERR_ARGUMENT, fn(g, m, nullptr, out, 4, 0.9, 0.99, 1, 0.5, 1e-8), s + " v null");
  expect_status(EB_ERR_ARGUMENT, fn(g, m, v, nullptr, 4, 0.9, 0.99, 1, 0.5, 1e-8), s + " out null");
  expect_status(EB_ERR_ARGUMENT, fn(g, m, g, out, 4, 0.9, 0.99, 1, 0.5, 1e-8), s + " v aliases g");
  expect_status(EB_ERR_ARGUMENT, fn(g, m, v, out, -4, 0.9, 0.99, 1, 0.5, 1e-8), s + " count negative");
  expect_status(EB_ERR_ARGUMENT, fn(g, m, v, out, INT64_MAX, 0.9, 0.99, 1, 0.5, 1e-8), s + " count absurd");
}

void library_cases() {
  covered.push_back("eb_abi_version");
  expect_status(1, eb_abi_version() >= 1 ? 1 : 0, "eb_abi_version positive");
  covered.push_back("eb_status_message");
  for (int32_t code : {EB_OK, EB_ERR_ARGUMENT, -7, 12345, INT32_MIN}) {
    const char* m = eb_status_message(code);
    expect_status(1, m != nullptr && std::strlen(m) > 0 ? 1 : 0, "eb_status_message " + std::to_string(code));
  }
  covered.push_back("eb_cpu_set_threads");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_set_threads(-1), "eb_cpu_set_threads negative");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_set_threads(INT32_MAX), "eb_cpu_set_threads absurd");
  covered.push_back("eb_cpu_threads");
  expect_status(1, eb_cpu_threads() >= 1 ? 1 : 0, "eb_cpu_threads positive after refusals");
  covered.push_back("eb_cpu_set_portable");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_set_portable(2), "eb_cpu_set_portable 2");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_set_portable(-1), "eb_cpu_set_portable -1");
  covered.push_back("eb_cpu_portable");
  const int32_t portable = eb_cpu_portable();
  expect_status(1, portable == 0 || portable == 1 ? 1 : 0, "eb_cpu_portable in {0, 1}");
  covered.push_back("eb_cpu_describe");
  const int32_t need = eb_cpu_describe(nullptr, 100);
  expect_status(1, need > 1 ? 1 : 0, "eb_cpu_describe null buffer gives the length");
  char small[4] = {'x', 'x', 'x', 'x'};
  expect_status(need, eb_cpu_describe(small, -5), "eb_cpu_describe negative capacity");
  expect_status('x', small[0], "eb_cpu_describe negative capacity writes nothing");
  eb_cpu_describe(small, 4);
  expect_status(0, small[3], "eb_cpu_describe truncates and terminates");
  covered.push_back("eb_cpu_last_call_seconds");
  expect_status(1, eb_cpu_last_call_seconds() >= 0 ? 1 : 0, "eb_cpu_last_call_seconds non-negative");
  covered.push_back("eb_cpu_eigh_stages");
  double stages[7];
  expect_status(EB_ERR_ARGUMENT, eb_cpu_eigh_stages(stages, -1), "eb_cpu_eigh_stages capacity negative");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_eigh_stages(nullptr, 3), "eb_cpu_eigh_stages out null");
  expect_status(7, eb_cpu_eigh_stages(nullptr, 0), "eb_cpu_eigh_stages capacity 0");
  expect_status(7, eb_cpu_eigh_stages(stages, 7), "eb_cpu_eigh_stages");
  covered.push_back("eb_cpu_eigh_choice");
  for (int32_t n : {-1, 0, kAbsurdN})
    for (int32_t bytes : {-1, 3, 4, 8}) {
      const int32_t c = eb_cpu_eigh_choice(n, bytes, 1);
      expect_status(1, ((c >= EB_EIGH_JACOBI && c <= EB_EIGH_SYEVR) || c == EB_EIGH_TWO_STAGE || c == EB_EIGH_TRIDIAG_DC) ? 1 : 0,
                    "eb_cpu_eigh_choice(" + std::to_string(n) + ", " + std::to_string(bytes) + ") a known code");
    }
}

void reset_cases() {
  const double law[2] = {1.0, 0.0};
  const double mu[2] = {1.0, 2.0};
  const double target[2] = {0.0, 0.0};
  covered.push_back("eb_cpu_reset_sim_sums_length");
  expect_status(0, static_cast<int32_t>(eb_cpu_reset_sim_sums_length(-3, 1)), "sums_length d negative");
  expect_status(0, static_cast<int32_t>(eb_cpu_reset_sim_sums_length(kAbsurdN, 1)), "sums_length d absurd");
  covered.push_back("eb_cpu_reset_sim_block_length");
  expect_status(0, static_cast<int32_t>(eb_cpu_reset_sim_block_length(-3, 0)), "block_length d negative");
  expect_status(0, static_cast<int32_t>(eb_cpu_reset_sim_block_length(kAbsurdN, 1)), "block_length d absurd");
  covered.push_back("eb_cpu_reset_sim_range_blocks");
  expect_status(0, static_cast<int32_t>(eb_cpu_reset_sim_range_blocks(2, 0, 100, -1, 10)), "range_blocks first < 0");
  expect_status(0, static_cast<int32_t>(eb_cpu_reset_sim_range_blocks(2, 0, 100, 5, INT64_MAX)), "range_blocks count absurd");
  expect_status(0, static_cast<int32_t>(eb_cpu_reset_sim_range_blocks(2, 0, -100, 0, 10)), "range_blocks n negative");

  const std::string s = "eb_cpu_reset_sim_f64";
  covered.push_back(s);
  auto sim = [&](int32_t kind, const double* lp, int32_t lc, const double* m, const double* t, int32_t dd, int64_t n,
                 int32_t scheme, double* sums, int64_t* ev) {
    return eb_cpu_reset_sim_f64(kind, lp, lc, m, t, dd, 1.0, 1.0, n, 7, scheme, 0.1, 0, sums, ev);
  };
  expect_status(EB_ERR_ARGUMENT, sim(0, nullptr, 1, mu, target, 2, 10, 0, d, &l1), s + " law_params null");
  expect_status(EB_ERR_ARGUMENT, sim(0, law, 1, nullptr, target, 2, 10, 0, d, &l1), s + " mu null");
  expect_status(EB_ERR_ARGUMENT, sim(0, law, 1, mu, nullptr, 2, 10, 0, d, &l1), s + " target null");
  expect_status(EB_ERR_ARGUMENT, sim(0, law, 1, mu, target, 2, 10, 0, nullptr, &l1), s + " sums null");
  expect_status(EB_ERR_ARGUMENT, sim(0, law, 1, mu, target, 2, 10, 0, d, nullptr), s + " events null");
  expect_status(EB_ERR_ARGUMENT, sim(0, law, 1, mu, target, -2, 10, 0, d, &l1), s + " d negative");
  expect_status(EB_ERR_ARGUMENT, sim(0, law, 1, mu, target, 2, -10, 0, d, &l1), s + " trajectories negative");
  expect_status(EB_ERR_ARGUMENT, sim(0, law, -1, mu, target, 2, 10, 0, d, &l1), s + " law_param_count negative");
  expect_status(EB_ERR_ARGUMENT, sim(EB_LAW_EMPIRICAL, law, -5, mu, target, 2, 10, 0, d, &l1),
                s + " empirical count negative");
  expect_status(EB_ERR_ARGUMENT, sim(42, law, 1, mu, target, 2, 10, 0, d, &l1), s + " law unknown");
  expect_status(EB_ERR_ARGUMENT, sim(-1, law, 1, mu, target, 2, 10, 0, d, &l1), s + " law negative");
  expect_status(EB_ERR_ARGUMENT, sim(0, law, 1, mu, target, 2, 10, 7, d, &l1), s + " scheme unknown");
  expect_status(EB_ERR_ARGUMENT,
                eb_cpu_reset_sim_f64(0, law, 1, mu, target, kAbsurdN, 1.0, 1.0, 10, 7, 0, 0.1, 1, d, &l1),
                s + " d absurd (covariance)");

  const std::string r = "eb_cpu_reset_sim_range_f64";
  covered.push_back(r);
  auto range = [&](int32_t kind, const double* m, int32_t dd, int64_t first, int64_t count, double* bs, int64_t cap,
                   double* centres, int64_t* blocks, int64_t* ev) {
    return eb_cpu_reset_sim_range_f64(kind, law, 1, m, target, dd, 1.0, 1.0, 100, 7, 0, 0.1, 0, first, count, bs, cap,
                                      centres, blocks, ev);
  };
  expect_status(EB_ERR_ARGUMENT, range(0, mu, 2, 0, 100, nullptr, 1, d2, &l1, &l2), r + " block_sums null");
  expect_status(EB_ERR_ARGUMENT, range(0, mu, 2, 0, 100, d, 1, nullptr, &l1, &l2), r + " centres null");
  expect_status(EB_ERR_ARGUMENT, range(0, mu, 2, 0, 100, d, 1, d2, nullptr, &l2), r + " blocks null");
  expect_status(EB_ERR_ARGUMENT, range(0, mu, 2, 0, 100, d, 1, d2, &l1, nullptr), r + " events null");
  expect_status(EB_ERR_ARGUMENT, range(0, nullptr, 2, 0, 100, d, 1, d2, &l1, &l2), r + " mu null");
  expect_status(EB_ERR_ARGUMENT, range(0, mu, 2, -1, 100, d, 1, d2, &l1, &l2), r + " first negative");
  expect_status(EB_ERR_ARGUMENT, range(0, mu, 2, 0, INT64_MAX, d, 1, d2, &l1, &l2), r + " count absurd");
  expect_status(EB_ERR_ARGUMENT, range(0, mu, 2, 0, 100, d, -1, d2, &l1, &l2), r + " capacity negative");
  expect_status(EB_ERR_ARGUMENT, range(0, mu, 2, 0, 100, d, 0, d2, &l1, &l2), r + " capacity too small");
  expect_status(EB_ERR_ARGUMENT, range(99, mu, 2, 0, 100, d, 1, d2, &l1, &l2), r + " law unknown");
}

void influence_cases() {
  std::string s = "eb_cpu_influence_ekfac_eigenvalues_f64";
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(nullptr, 2, 1, 2, d2, 2, d3, d4, 1, d5), s + " g null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, 2, 1, 2, d2, 2, nullptr, d4, 1, d5), s + " qs null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, 2, 1, 2, d2, 2, d3, nullptr, 1, d5), s + " qa null, a given");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, 2, 1, 2, d2, 2, d3, d4, 1, nullptr), s + " lambda null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, -2, 1, 2, d2, 2, d3, d4, 1, d5), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, 2, 0, 2, d2, 2, d3, d4, 1, d5), s + " per_example 0");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, 2, 1, -2, d2, 2, d3, d4, 1, d5), s + " d_out negative");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, kAbsurdBatch, 1, 2, d2, 2, d3, d4, 1, d5), s + " n absurd");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, 2, 1, kAbsurdN, d2, 2, d3, d4, 1, d5), s + " d_out absurd");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_ekfac_eigenvalues_f64(d, 2, 1, 2, d2, kAbsurdN, d3, d4, 1, d5), s + " d_in absurd");

  s = "eb_cpu_influence_kronecker_rotate_f64";
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_kronecker_rotate_f64(nullptr, d2, d3, 1, 2, 2, 1, d4), s + " qs null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_kronecker_rotate_f64(d, nullptr, d3, 1, 2, 2, 1, d4), s + " qa null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_kronecker_rotate_f64(d, d2, nullptr, 1, 2, 2, 1, d4), s + " x null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_kronecker_rotate_f64(d, d2, d3, 1, 2, 2, 1, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_kronecker_rotate_f64(d, d2, d3, -1, 2, 2, 1, d4), s + " k negative");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_kronecker_rotate_f64(d, d2, d3, kAbsurdBatch, 2, 2, 1, d4), s + " k absurd");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_kronecker_rotate_f64(d, d2, d3, 1, kAbsurdN, 2, 1, d4), s + " d_out absurd");

  s = "eb_cpu_influence_weighted_product_f64";
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_weighted_product_f64(nullptr, 2, 2, d2, d3, 2, 1, 0, d4), s + " x null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_weighted_product_f64(d, 2, 2, d2, nullptr, 2, 1, 0, d4), s + " y null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_weighted_product_f64(d, 2, 2, d2, d3, 2, 1, 0, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_weighted_product_f64(d, -2, 2, d2, d3, 2, 1, 0, d4), s + " m negative");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_weighted_product_f64(d, kAbsurdN, 2, d2, d3, kAbsurdN, 1, 0, d4), s + " m, n absurd");

  s = "eb_cpu_influence_multiply_f64";
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_multiply_f64(nullptr, 2, 2, 0, d2, 2, 2, 0, d3), s + " a null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_multiply_f64(d, 2, 2, 0, nullptr, 2, 2, 0, d3), s + " b null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_multiply_f64(d, 2, 2, 0, d2, 2, 2, 0, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_multiply_f64(d, 2, 3, 0, d2, 2, 2, 0, d3), s + " inner mismatch");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_multiply_f64(d, -2, 2, 0, d2, 2, 2, 0, d3), s + " a_rows negative");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_influence_multiply_f64(d, kAbsurdN, kAbsurdN, 0, d2, kAbsurdN, kAbsurdN, 0, d3), s + " absurd");
}

void mlp_cases() {
  const int32_t widths[3] = {2, 3, 2};
  const int32_t bad_widths[3] = {2, -3, 2};
  const int32_t orders[4] = {0, 1, 0, 1};
  const int32_t bad_orders[4] = {0, 5, 0, 1};
  const int64_t offsets[2] = {0, 2};
  double y[2] = {0, 1};
  std::string s = "eb_cpu_mlp_train_f64";
  covered.push_back(s);
  auto train = [&](int32_t wc, const int32_t* w, int32_t act, int32_t loss, double* params, int32_t jobs, const double* x,
                   const double* yy, int64_t rows, const int32_t* ord, const int64_t* off, int32_t epochs, int32_t bs) {
    return eb_cpu_mlp_train_f64(wc, w, act, loss, params, jobs, x, yy, rows, ord, off, epochs, bs, 0.1, 0.9);
  };
  expect_status(EB_ERR_ARGUMENT, train(3, nullptr, 0, 0, d, 1, d2, y, 2, orders, offsets, 1, 1), s + " widths null");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, nullptr, 1, d2, y, 2, orders, offsets, 1, 1), s + " params null");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, nullptr, y, 2, orders, offsets, 1, 1), s + " x null");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, d2, nullptr, 2, orders, offsets, 1, 1), s + " y null");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, d2, y, 2, nullptr, offsets, 1, 1), s + " orders null");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, d2, y, 2, orders, nullptr, 1, 1), s + " offsets null");
  expect_status(EB_ERR_ARGUMENT, train(-3, widths, 0, 0, d, 1, d2, y, 2, orders, offsets, 1, 1), s + " width_count negative");
  expect_status(EB_ERR_ARGUMENT, train(INT32_MAX, widths, 0, 0, d, 1, d2, y, 2, orders, offsets, 1, 1), s + " width_count absurd");
  expect_status(EB_ERR_ARGUMENT, train(3, bad_widths, 0, 0, d, 1, d2, y, 2, orders, offsets, 1, 1), s + " a width negative");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 9, 0, d, 1, d2, y, 2, orders, offsets, 1, 1), s + " activation unknown");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 9, d, 1, d2, y, 2, orders, offsets, 1, 1), s + " loss unknown");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, -1, d2, y, 2, orders, offsets, 1, 1), s + " jobs negative");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, d2, y, -2, orders, offsets, 1, 1), s + " rows negative");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, d2, y, INT64_MAX, orders, offsets, 1, 1), s + " rows absurd");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, d2, y, 2, bad_orders, offsets, 1, 1), s + " order entry out of range");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, d2, y, 2, orders, offsets, 0, 1), s + " epochs 0");
  expect_status(EB_ERR_ARGUMENT, train(3, widths, 0, 0, d, 1, d2, y, 2, orders, offsets, 1, 0), s + " batch_size 0");

  s = "eb_cpu_mlp_hvp_f64";
  covered.push_back(s);
  auto hvp = [&](int32_t wc, const int32_t* w, int32_t act, int32_t loss, const double* params, const double* x,
                 const double* yy, int64_t n, const double* v, int64_t k, double* out) {
    return eb_cpu_mlp_hvp_f64(wc, w, act, loss, params, x, yy, n, v, k, out);
  };
  expect_status(EB_ERR_ARGUMENT, hvp(3, nullptr, 0, 0, d, d2, y, 2, d3, 1, d4), s + " widths null");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, nullptr, d2, y, 2, d3, 1, d4), s + " params null");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, d, nullptr, y, 2, d3, 1, d4), s + " x null");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, d, d2, nullptr, 2, d3, 1, d4), s + " y null");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, d, d2, y, 2, nullptr, 1, d4), s + " v null");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, d, d2, y, 2, d3, 1, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, d, d2, y, -2, d3, 1, d4), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, d, d2, y, 2, d3, -1, d4), s + " k negative");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, d, d2, y, INT64_MAX, d3, 1, d4), s + " n absurd");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 0, 0, d, d2, y, 2, d3, INT64_MAX, d4), s + " k absurd");
  expect_status(EB_ERR_ARGUMENT, hvp(3, widths, 7, 0, d, d2, y, 2, d3, 1, d4), s + " activation unknown");
}

void diffusion_cases() {
  std::string s = "eb_cpu_diffusion_variance_f64";
  covered.push_back(s);
  auto var = [&](int32_t model, const double* lam, int64_t n, const double* taus, int64_t t, int32_t log_form,
                 double* out) {
    return eb_cpu_diffusion_variance_f64(model, lam, n, taus, t, 0.01, 10, 1, 1, log_form, out);
  };
  expect_status(EB_ERR_ARGUMENT, var(0, nullptr, 2, d2, 2, 0, d3), s + " lambdas null");
  expect_status(EB_ERR_ARGUMENT, var(0, d, 2, nullptr, 2, 0, d3), s + " taus null");
  expect_status(EB_ERR_ARGUMENT, var(0, d, 2, d2, 2, 0, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, var(0, d, -2, d2, 2, 0, d3), s + " n negative");
  expect_status(EB_ERR_ARGUMENT, var(0, d, 2, d2, -2, 0, d3), s + " t negative");
  expect_status(EB_ERR_ARGUMENT, var(0, d, INT64_MAX, d2, 2, 0, d3), s + " n absurd");
  expect_status(EB_ERR_ARGUMENT, var(0, d, kAbsurdBatch, d2, kAbsurdBatch, 0, d3), s + " n t absurd");
  expect_status(EB_ERR_ARGUMENT, var(5, d, 2, d2, 2, 0, d3), s + " model unknown");
  expect_status(EB_ERR_ARGUMENT, var(0, d, 2, d2, 2, 3, d3), s + " log_form unknown");
  s = "eb_cpu_diffusion_e1_f64";
  covered.push_back(s);
  expect_status(EB_ERR_ARGUMENT, eb_cpu_diffusion_e1_f64(nullptr, 2, d), s + " x null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_diffusion_e1_f64(d, 2, nullptr), s + " out null");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_diffusion_e1_f64(d, -2, d2), s + " count negative");
  expect_status(EB_ERR_ARGUMENT, eb_cpu_diffusion_e1_f64(d, INT64_MAX, d2), s + " count absurd");
}

// ---- allocation failure ---------------------------------------------------------------------------------------

/**
 * Calls fn with the k-th allocation failing, k = 1, 2, ...: each call must return EB_ERR_ALLOCATION when the failure
 * fired, and EB_OK once k passes the call's last allocation. Returns the number of allocations the call makes.
 */
int allocation_failures(const std::string& name, const std::function<int32_t()>& fn) {
  for (int k = 1; k < 100000; ++k) {
    fired = false;
    countdown = k;
    const int32_t status = fn();
    countdown = -1;
    if (!fired) {
      expect_status(EB_OK, status, name + " with no failure injected");
      return k - 1;
    }
    expect_status(EB_ERR_ALLOCATION, status, name + " with allocation " + std::to_string(k) + " failing");
    if (status != EB_ERR_ALLOCATION) return k;
  }
  std::printf("FAIL %s: more than 100000 allocations\n", name.c_str());
  ++failures;
  return -1;
}

void allocation_cases() {
  // Inputs: a 3x3 SPD matrix (eigh, refresh), orthogonal-enough q, small vectors; every call is valid.
  double a[9] = {4, 1, 0, 1, 3, 1, 0, 1, 2}, q[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  float af[9] = {4, 1, 0, 1, 3, 1, 0, 1, 2}, qf[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  double w[3], v[9], out[9], out2[9], r[3], o[1];
  float wf[3], vf[9], outf[9], rf[3], of[1];
  int32_t inf[1];
  std::vector<std::pair<std::string, int>> counts;
  auto run = [&](const std::string& name, const std::function<int32_t()>& fn) {
    counts.emplace_back(name, allocation_failures(name, fn));
  };
  for (int32_t alg : {EB_EIGH_JACOBI, EB_EIGH_TRIDIAG_QL, EB_EIGH_SYEVD, EB_EIGH_SYEVR, EB_EIGH_TWO_STAGE, EB_EIGH_TRIDIAG_DC}) {
    run("eb_cpu_eigh_f64 algorithm " + std::to_string(alg), [&] { return eb_cpu_eigh_f64(a, 1, 3, w, v, inf, alg, 0); });
    run("eb_cpu_eigh_f32 algorithm " + std::to_string(alg), [&] { return eb_cpu_eigh_f32(af, 1, 3, wf, vf, inf, alg, 0); });
  }
  int32_t found[1];
  run("eb_cpu_eigh_range_f64 indices", [&] {
    return eb_cpu_eigh_range_f64(a, 1, 3, EB_RANGE_INDICES, 1, 3, 0, 0, 2, w, v, found, inf);
  });
  run("eb_cpu_eigh_range_f32 interval", [&] {
    return eb_cpu_eigh_range_f32(af, 1, 3, EB_RANGE_INTERVAL, 0, 0, 0.0, 10.0, 3, wf, vf, found, inf);
  });
  // Thread-local scratch grows once and is kept: each kernel runs before any other that shares its scratch.
  run("eb_cpu_spectral_apply_f64", [&] { return eb_cpu_spectral_apply_f64(q, w, a, 1, 3, 3, out); });
  run("eb_cpu_spectral_apply_f32", [&] { return eb_cpu_spectral_apply_f32(qf, wf, af, 1, 3, 3, outf); });
  run("eb_cpu_spectral_reconstruct_f64", [&] { return eb_cpu_spectral_reconstruct_f64(q, w, 1, 3, out); });
  run("eb_cpu_spectral_reconstruct_f32", [&] { return eb_cpu_spectral_reconstruct_f32(qf, wf, 1, 3, outf); });
  run("eb_cpu_refresh_f64", [&] { return eb_cpu_refresh_f64(a, q, 1, 3, 2, out, r, o); });
  run("eb_cpu_refresh_f32", [&] { return eb_cpu_refresh_f32(af, qf, 1, 3, 2, outf, rf, of); });
  run("eb_cpu_factor_accumulate_f64", [&] { return eb_cpu_factor_accumulate_f64(a, 1, 3, 3, 1, 0, 1, out); });
  run("eb_cpu_factor_accumulate_f32", [&] { return eb_cpu_factor_accumulate_f32(af, 1, 3, 3, 1, 0, 1, outf); });
  run("eb_cpu_rotate_f64", [&] { return eb_cpu_rotate_f64(q, 1, a, q, 0, 1, 3, 3, out); });
  run("eb_cpu_rotate_f32", [&] { return eb_cpu_rotate_f32(qf, 1, af, qf, 0, 1, 3, 3, outf); });
  const double law[1] = {2.0}, mu[2] = {1.0, 2.0}, target[2] = {0.5, -0.5};
  std::vector<double> sums(static_cast<size_t>(eb_cpu_reset_sim_sums_length(2, 1)));
  int64_t events = 0, blocks = 0;
  run("eb_cpu_reset_sim_f64", [&] {
    return eb_cpu_reset_sim_f64(0, law, 1, mu, target, 2, 1.0, 1.0, 50, 7, 0, 0.1, 1, sums.data(), &events);
  });
  const int64_t blen = eb_cpu_reset_sim_block_length(2, 0), nblocks = eb_cpu_reset_sim_range_blocks(2, 0, 50, 0, 50);
  std::vector<double> block_sums(static_cast<size_t>(blen * nblocks)), centres(4);
  run("eb_cpu_reset_sim_range_f64", [&] {
    return eb_cpu_reset_sim_range_f64(0, law, 1, mu, target, 2, 1.0, 1.0, 50, 7, 0, 0.1, 0, 0, 50, block_sums.data(),
                                      nblocks, centres.data(), &blocks, &events);
  });
  double lam[4], g[8] = {1, 2, 3, 4, 5, 6, 7, 8}, x2[4] = {1, 2, 3, 4}, qs[4] = {1, 0, 0, 1};
  run("eb_cpu_influence_kronecker_rotate_f64", [&] { return eb_cpu_influence_kronecker_rotate_f64(qs, qs, g, 2, 2, 2, 1, out); });
  run("eb_cpu_influence_ekfac_eigenvalues_f64", [&] {
    return eb_cpu_influence_ekfac_eigenvalues_f64(g, 2, 2, 2, x2, 2, qs, qs, 1.0, lam);
  });
  run("eb_cpu_influence_weighted_product_f64", [&] {
    return eb_cpu_influence_weighted_product_f64(g, 2, 4, g, g, 2, 1.0, 0.0, out);
  });
  run("eb_cpu_influence_multiply_f64", [&] { return eb_cpu_influence_multiply_f64(g, 2, 4, 0, g, 2, 4, 1, out2); });
  const int32_t widths[3] = {2, 3, 2};
  const int32_t orders[4] = {0, 1, 1, 0};
  const int64_t offsets[2] = {0, 4};
  const double y[2] = {0, 1};
  std::vector<double> params(6 + 3 + 6 + 2, 0.1), hv(params.size()), dir(params.size(), 1.0);
  run("eb_cpu_mlp_train_f64", [&] {
    return eb_cpu_mlp_train_f64(3, widths, EB_MLP_TANH, EB_MLP_CROSS_ENTROPY, params.data(), 1, x2, y, 2, orders,
                                offsets, 2, 1, 0.1, 0.9);
  });
  run("eb_cpu_mlp_hvp_f64", [&] {
    return eb_cpu_mlp_hvp_f64(3, widths, EB_MLP_TANH, EB_MLP_CROSS_ENTROPY, params.data(), x2, y, 2, dir.data(), 1,
                              hv.data());
  });
  const double taus[3] = {0.0, 1.0, 10.0};
  run("eb_cpu_diffusion_variance_f64", [&] {
    return eb_cpu_diffusion_variance_f64(0, x2, 3, taus, 3, 0.01, 10, 1, 1, 0, out);
  });
  char text[256];
  run("eb_cpu_describe", [&] {
    const int32_t n = eb_cpu_describe(text, sizeof text);
    return n > 0 ? EB_OK : n;
  });
  int injected = 0;
  for (const auto& c : counts) {
    std::printf("  %-45s %d allocation(s), each failure -> EB_ERR_ALLOCATION\n", c.first.c_str(), c.second);
    injected += c.second;
  }
  std::printf("allocation failures injected: %d across %zu calls\n", injected, counts.size());
}

}  // namespace

int main() {
  eb_cpu_set_threads(1);  // one worker: the allocation order, hence the k-th allocation, is deterministic
  library_cases();
  eigh_cases<double>("eb_cpu_eigh_f64", eb_cpu_eigh_f64, d, d2, d3);
  eigh_cases<float>("eb_cpu_eigh_f32", eb_cpu_eigh_f32, f, f2, f3);
  eigh_range_cases<double>("eb_cpu_eigh_range_f64", eb_cpu_eigh_range_f64, d, d2, d3);
  eigh_range_cases<float>("eb_cpu_eigh_range_f32", eb_cpu_eigh_range_f32, f, f2, f3);
  reconstruct_cases<double>("eb_cpu_spectral_reconstruct_f64", eb_cpu_spectral_reconstruct_f64, d, d2, d3);
  reconstruct_cases<float>("eb_cpu_spectral_reconstruct_f32", eb_cpu_spectral_reconstruct_f32, f, f2, f3);
  apply_cases<double>("eb_cpu_spectral_apply_f64", eb_cpu_spectral_apply_f64, d, d2, d3, d4);
  apply_cases<float>("eb_cpu_spectral_apply_f32", eb_cpu_spectral_apply_f32, f, f2, f3, f4);
  refresh_cases<double>("eb_cpu_refresh_f64", eb_cpu_refresh_f64, d, d2, d3, d4, d5);
  refresh_cases<float>("eb_cpu_refresh_f32", eb_cpu_refresh_f32, f, f2, f3, f4, f5);
  factor_cases<double>("eb_cpu_factor_accumulate_f64", eb_cpu_factor_accumulate_f64, d, d2);
  factor_cases<float>("eb_cpu_factor_accumulate_f32", eb_cpu_factor_accumulate_f32, f, f2);
  rotate_cases<double>("eb_cpu_rotate_f64", eb_cpu_rotate_f64, d, d2, d3, d4);
  rotate_cases<float>("eb_cpu_rotate_f32", eb_cpu_rotate_f32, f, f2, f3, f4);
  diagonal_cases<double>("eb_cpu_diagonal_update_f64", eb_cpu_diagonal_update_f64, d, d2, d3, d4);
  diagonal_cases<float>("eb_cpu_diagonal_update_f32", eb_cpu_diagonal_update_f32, f, f2, f3, f4);
  reset_cases();
  influence_cases();
  mlp_cases();
  diffusion_cases();
  const size_t entry_points = covered.size();
  allocation_cases();
  std::printf("hostile_abi_test: %zu cpu entry points, %d checks, %d failures\n", entry_points, checks, failures);
  return failures == 0 ? 0 : 1;
}
