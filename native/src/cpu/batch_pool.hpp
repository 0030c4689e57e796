// A persistent pool of batch workers. Batched kernels split their batch across it, with OpenBLAS held to one
// thread, so the two levels of parallelism never multiply.
#pragma once

#include <atomic>
#include <cstddef>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace eigenbasis {

/** Per-worker scratch above this is released after each call, so one huge matrix does not pin its memory. */
constexpr size_t kKeepWorkspaceBytes = size_t(64) << 20;

class BatchPool {
 public:
  /** body(worker, index) is called once for every index in [0, count); worker is in [0, workers). */
  using Body = std::function<void(int worker, int64_t index)>;

  static BatchPool& instance();

  /** Number of workers, the calling thread included. */
  int threads() const;

  /** Resizes the pool (0 = hardware concurrency); returns the size in effect. Waits for a running batch. */
  int set_threads(int threads);

  /**
   * Runs body over [0, count) on up to max_workers workers (the caller is worker 0) and returns when all are
   * done. When another caller holds the pool, the batch runs on the calling thread alone, so concurrent Java
   * callers never deadlock or oversubscribe the cores. body must not throw.
   */
  void run(int64_t count, int max_workers, const Body& body);

  ~BatchPool();

 private:
  BatchPool();
  void start_workers(int threads);
  void stop_workers();
  void worker_loop(int worker);
  void drain(int worker);

  std::mutex run_mutex_;  // held by the one caller that owns the pool for a batch
  std::mutex state_mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::thread> workers_;
  // Read by every kernel without a lock (threads(), run()) while set_threads may write it: atomic, or the read
  // is a data race (undefined behaviour in C++, found by the concurrency stress review).
  std::atomic<int> threads_{1};
  uint64_t generation_ = 0;
  std::atomic<uint64_t> published_{0};  // generation_ for the workers' lock-free polling
  std::atomic<bool> idle_{true};        // busy_ == 0, for the caller's polling
  bool stopping_ = false;
  // The job in flight, guarded by state_mutex_ except next_ (claimed by fetch_add under the lock-free path).
  const Body* body_ = nullptr;
  int64_t count_ = 0;
  int job_workers_ = 0;
  int busy_ = 0;
  std::atomic<int64_t>* next_ = nullptr;
};

/**
 * The time one cache line takes to go from one pool worker to another and back, in nanoseconds: the fastest of
 * three batches of eight round trips between worker 0 (the caller) and another worker, about 25 round trips in
 * all. Returns a negative value when no second worker ran beside the caller within 200 microseconds (one thread,
 * or another caller holds the pool). On the CI machine's two cores it reads 170-190 ns when they share an L3 and
 * 480-510 ns when the host has put them on two chiplets, which changes from minute to minute; kernels whose two
 * workers hand data back and forth at a fine grain (the bulge chase) pick their worker count by it.
 */
double pool_pair_round_trip_ns();

/**
 * OpenBLAS's thread count is process-wide (openblas_set_num_threads_local too, in this build), and its results
 * depend in the last bits on that count. So that a call always computes the same bits, whatever runs beside it,
 * every call that uses BLAS or LAPACK holds this lock: shared while OpenBLAS runs on one thread (BlasSingle),
 * exclusive while one large matrix runs with OpenBLAS threaded (OpenBlasThreadsGuard). Our own kernels use no
 * BLAS and take no lock.
 */
std::shared_mutex& blas_mode_mutex();

/** Holds OpenBLAS at one thread for the lifetime of the guard (shared with other such calls). */
class BlasSingle {
 public:
  BlasSingle() : lock_(blas_mode_mutex()) {}

 private:
  std::shared_lock<std::shared_mutex> lock_;
};

/** Lets OpenBLAS use `threads` threads for the lifetime of the guard, exclusively; then one again. */
class OpenBlasThreadsGuard {
 public:
  explicit OpenBlasThreadsGuard(int threads);
  ~OpenBlasThreadsGuard();

  /**
   * Stops OpenBLAS's server threads, which otherwise spin for tens of milliseconds after a threaded call on the
   * cores our pool is about to use (measured: our products at n = 1024 took 25 ms after threaded ?stedc, 13 ms
   * with the threads asleep). Call only while holding the guard; OpenBLAS restarts them on its next threaded call.
   */
  static void park_openblas_threads();
  OpenBlasThreadsGuard(const OpenBlasThreadsGuard&) = delete;
  OpenBlasThreadsGuard& operator=(const OpenBlasThreadsGuard&) = delete;

 private:
  std::unique_lock<std::shared_mutex> lock_;
};

/**
 * Runs body(i) for every i in [0, count) on the pool with OpenBLAS held at one thread; a std::bad_alloc in a body
 * is caught (the pool's bodies must not throw) and reported by returning false, for the caller's EB_ERR_ALLOCATION.
 */
template <class Fn>
bool for_each_on_pool(int64_t count, Fn&& body) {
  std::atomic<bool> out_of_memory{false};
  BatchPool& pool = BatchPool::instance();
  BlasSingle single;
  pool.run(count, pool.threads(), [&](int, int64_t i) {
    try {
      body(i);
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    }
  });
  return !out_of_memory;
}

}  // namespace eigenbasis
