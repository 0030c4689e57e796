#include "batch_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>

#include <cblas.h>

namespace eigenbasis {

namespace {
int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}
}  // namespace

BatchPool& BatchPool::instance() {
  static BatchPool pool;
  return pool;
}

BatchPool::BatchPool() {
  // Our workers provide the parallelism across a batch, so OpenBLAS runs single-threaded inside them. This is
  // set once, process-wide: changing the count per call (openblas_set_num_threads_local included) wakes
  // OpenBLAS's server threads, which then spin for their timeout and take a core from our workers (measured:
  // a batch of 16 matrices of 64 x 64 on 2 cores ran at 1-worker speed).
  openblas_set_num_threads(1);
  start_workers(hardware_threads());
}

BatchPool::~BatchPool() { stop_workers(); }

int BatchPool::threads() const { return threads_.load(); }

int BatchPool::set_threads(int threads) {
  std::lock_guard<std::mutex> own(run_mutex_);
  int wanted = threads <= 0 ? hardware_threads() : threads;
  if (wanted != threads_.load()) {
    stop_workers();
    start_workers(wanted);
  }
  return threads_.load();
}

void BatchPool::start_workers(int threads) {
  threads_.store(threads);
  stopping_ = false;
  published_.store(generation_, std::memory_order_release);  // no workers yet: nothing to race with
  for (int w = 1; w < threads; ++w) workers_.emplace_back([this, w] { worker_loop(w); });
}

void BatchPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    stopping_ = true;
    published_.store(~uint64_t(0), std::memory_order_release);  // ends the workers' polling
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void BatchPool::drain(int worker) {
  for (;;) {
    int64_t i = next_->fetch_add(1, std::memory_order_relaxed);
    if (i >= count_) return;
    (*body_)(worker, i);
  }
}

namespace {
// A worker that has just finished a batch polls for the next one this long before it sleeps on the condition
// variable: a futex wake costs a sleeping worker 5-40 us under KVM, and the two-stage reduction starts four
// small batches per panel (124 at n = 1024).
constexpr auto kSpinBeforeSleep = std::chrono::microseconds(100);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}
}  // namespace

void BatchPool::worker_loop(int worker) {
  uint64_t seen = 0;
  for (;;) {
    const auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
    for (int spins = 1; published_.load(std::memory_order_acquire) == seen; ++spins) {
      cpu_relax();
      if (spins % 64 == 0 && std::chrono::steady_clock::now() >= spin_until) break;
    }
    {
      std::unique_lock<std::mutex> lock(state_mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (worker >= job_workers_) continue;
      ++busy_;
      idle_.store(false, std::memory_order_release);
    }
    drain(worker);
    {
      std::lock_guard<std::mutex> lock(state_mutex_);
      if (--busy_ == 0) idle_.store(true, std::memory_order_release);
    }
    done_.notify_all();
  }
}

void BatchPool::run(int64_t count, int max_workers, const Body& body) {
  if (count <= 0) return;
  std::unique_lock<std::mutex> own(run_mutex_, std::try_to_lock);
  const int workers = static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>({static_cast<int64_t>(threads_.load()), static_cast<int64_t>(max_workers), count})));
  if (!own.owns_lock() || workers == 1) {
    for (int64_t i = 0; i < count; ++i) body(0, i);
    return;
  }
  std::atomic<int64_t> next{0};
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    body_ = &body;
    count_ = count;
    job_workers_ = workers;
    next_ = &next;
    ++generation_;
    published_.store(generation_, std::memory_order_release);
  }
  wake_.notify_all();
  drain(0);
  // The workers' last indices are usually microseconds from done: poll before sleeping, as they do.
  const auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
  for (int spins = 1; !idle_.load(std::memory_order_acquire); ++spins) {
    cpu_relax();
    if (spins % 64 == 0 && std::chrono::steady_clock::now() >= spin_until) break;
  }
  std::unique_lock<std::mutex> lock(state_mutex_);
  // Every index has been claimed; wait for the workers still finishing theirs. A worker that wakes after this
  // point finds next >= count and claims nothing, but it may still be about to increment busy_, so the job's
  // state must stay valid until it has passed through: we clear it under the lock, after busy_ drops to 0, and
  // a late worker then sees job_workers_ = 0 and goes back to sleep.
  done_.wait(lock, [&] { return busy_ == 0; });
  job_workers_ = 0;
  body_ = nullptr;
  next_ = nullptr;
}

std::shared_mutex& blas_mode_mutex() {
  static std::shared_mutex m;
  return m;
}

OpenBlasThreadsGuard::OpenBlasThreadsGuard(int threads) : lock_(blas_mode_mutex()) {
  openblas_set_num_threads(threads);
}

OpenBlasThreadsGuard::~OpenBlasThreadsGuard() { openblas_set_num_threads(1); }

}  // namespace eigenbasis

// OpenBLAS's own (exported, undeclared in its headers): joins its server threads; its next threaded call starts
// them again. Weak, so a build without threads (or without the symbol) links and parking does nothing.
extern "C" int blas_thread_shutdown_(void) __attribute__((weak));

namespace eigenbasis {

void OpenBlasThreadsGuard::park_openblas_threads() {
  if (blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
}

double pool_pair_round_trip_ns() {
  struct alignas(64) Line {
    std::atomic<int> v{0};
  };
  Line line;                       // 0: waiting for the partner, 1: partner here, -1: given up; then 2t + 2, 2t + 3
  std::atomic<int> arrivals{0};
  double best = -1.0;
  constexpr int kBatches = 3, kTrips = 8;
  using Clock = std::chrono::steady_clock;
  BatchPool::instance().run(2, 2, [&](int, int64_t) {
    if (arrivals.fetch_add(1, std::memory_order_acq_rel) == 0) {
      const Clock::time_point start = Clock::now();
      for (int spins = 0; line.v.load(std::memory_order_acquire) == 0; ++spins) {
        if ((spins & 255) == 255 && Clock::now() - start > std::chrono::microseconds(200)) {
          int expected = 0;
          if (line.v.compare_exchange_strong(expected, -1, std::memory_order_acq_rel)) return;
        }
        __builtin_ia32_pause();
      }
      int t = 0;
      for (int b = 0; b < kBatches; ++b) {
        const Clock::time_point t0 = Clock::now();
        for (int k = 0; k < kTrips; ++k, ++t) {
          line.v.store(2 * t + 2, std::memory_order_release);
          while (line.v.load(std::memory_order_acquire) != 2 * t + 3) __builtin_ia32_pause();
        }
        const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / kTrips;
        if (best < 0 || ns < best) best = ns;
      }
      line.v.store(-2, std::memory_order_release);  // done
    } else {
      int expected = 0;
      if (!line.v.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) return;  // the caller gave up
      for (int t = 0;; ++t) {
        int v;
        while ((v = line.v.load(std::memory_order_acquire)) != 2 * t + 2 && v != -2) __builtin_ia32_pause();
        if (v == -2) return;
        line.v.store(2 * t + 3, std::memory_order_release);
      }
    }
  });
  return best;
}

}  // namespace eigenbasis
