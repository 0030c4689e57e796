// A team of two workers for the reductions' fine-grained steps (tridiagonal_reduce.hpp, band_reduce.hpp): one
// pool call for the whole reduction, then a post of a few microseconds' work per step, with parts pinned to a core.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>

namespace eigenbasis {

// Two workers, one leader (worker 0). post_and_run(parts, job) publishes job(part, worker) for `parts` <= kMaxParts
// parts and returns once all are done. Part k belongs to worker k % 2, which runs its own parts first; the leader
// then runs any part the helper has not claimed (so one thread alone, or a helper that has not come, still
// finishes the job), and the helper runs claimed parts until the leader finishes. Ownership is what makes it fast
// on this machine: the same columns stay with the same core from panel to panel (claiming parts dynamically moved
// them between the cores' caches and made the one-stage reduction at n = 1024 30 % slower). Each part's arithmetic is fixed
// by the caller, so who runs it changes no bit. A part is claimed by stamping it with the job's generation, which
// only grows; the helper reads the generation and the part count in one word, and every part of a job is stamped
// before the next is posted, so a helper that comes late for one job can never claim a part of the next.
class PairTeam {
 public:
  static constexpr int kMaxParts = 8;

  template <class Job>
  void post_and_run(int parts, Job&& job) {
    using J = std::remove_reference_t<Job>;
    const uint64_t g = generation_ + 1;
    generation_ = g;
    job_ = const_cast<void*>(static_cast<const void*>(&job));
    call_ = [](void* j, int p, int worker) { (*static_cast<J*>(j))(p, worker); };
    done_.store(0, std::memory_order_relaxed);
    state_.store(g << 8 | static_cast<uint64_t>(parts), std::memory_order_release);
    run_parts(g, parts, 0, 0);
    run_parts(g, parts, 1, 0);
    for (int spins = 0; done_.load(std::memory_order_acquire) != parts; ++spins) relax(spins);
  }

  void help() {
    uint64_t seen = 0;
    for (int spins = 0;; ++spins) {
      const uint64_t state = state_.load(std::memory_order_acquire);
      if ((state >> 8) != seen) {
        seen = state >> 8;
        run_parts(seen, static_cast<int>(state & 0xff), 1, 1);
        spins = 0;
        continue;
      }
      if (over_.load(std::memory_order_acquire)) return;
      relax(spins);
    }
  }

  void finish() { over_.store(true, std::memory_order_release); }

  /** True for the first caller: the leader. */
  bool arrive() { return arrivals_.fetch_add(1, std::memory_order_acq_rel) == 0; }

 private:
  // Runs the parts of generation g owned by `owner` that nobody has claimed yet.
  void run_parts(uint64_t g, int parts, int owner, int worker) {
    for (int k = owner; k < parts; k += 2) {
      std::atomic<uint64_t>& claim = claims_[k].stamp;
      uint64_t stamp = claim.load(std::memory_order_acquire);
      if (stamp >= g || !claim.compare_exchange_strong(stamp, g, std::memory_order_acq_rel)) continue;
      call_(job_, k, worker);
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  static void relax(int spins) {
    if (spins < 4096) {
      __builtin_ia32_pause();
    } else {
      std::this_thread::yield();  // a loaded machine: give the core to the one we wait on
    }
  }

  struct alignas(64) Claim {
    std::atomic<uint64_t> stamp{0};
  };
  std::atomic<int> arrivals_{0};
  alignas(64) std::atomic<uint64_t> state_{0};  // generation << 8 | parts
  Claim claims_[kMaxParts];
  alignas(64) std::atomic<int> done_{0};
  alignas(64) std::atomic<bool> over_{false};
  uint64_t generation_ = 0;  // the leader's alone
  void* job_ = nullptr;
  void (*call_)(void*, int, int) = nullptr;
};

/**
 * Runs lead(team) on the leader and PairTeam::help on the other worker, through run(2, body) (the caller's pool:
 * concurrently, or one call after another, when the leader then runs every part itself), and returns after both.
 */
template <class Run, class Lead>
void run_pair_team(Run&& run, Lead&& lead) {
  PairTeam team;
  run(2, [&](int64_t) {
    if (team.arrive()) {
      lead(team);
      team.finish();
    } else {
      team.help();
    }
  });
}

}  // namespace eigenbasis
