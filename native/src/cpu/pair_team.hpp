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
// finishes the job). Ownership is what makes it fast on this machine: the same columns stay with the same core
// from panel to panel (claiming parts dynamically moved them between the cores' caches and made the one-stage
// reduction at n = 1024 30 % slower). Each part's arithmetic is fixed by the caller, so who runs it changes no
// bit. A part is claimed by stamping it with the job's generation, which only grows; the helper reads the
// generation, the part count and the job from one cache line, and every part of a job is stamped before the next
// is posted, so a helper that comes late for one job can never claim a part of the next. A post costs three
// cache-line crossings (the post, the helper's claim, its done stamp beside the claim), each about half the
// cores' round trip: 0.1-0.25 us, against 0.5-1.2 us with a shared done counter and the job in its own line.
class PairTeam {
 public:
  static constexpr int kMaxParts = 8;

  template <class Job>
  void post_and_run(int parts, Job&& job) {
    using J = std::remove_reference_t<Job>;
    const uint64_t g = generation_ + 1;
    generation_ = g;
    post_.job = const_cast<void*>(static_cast<const void*>(&job));
    post_.call = [](void* j, int p, int worker) { (*static_cast<J*>(j))(p, worker); };
    post_.state.store(g << 8 | static_cast<uint64_t>(parts), std::memory_order_release);
    for (int k = 0; k < parts; k += 2) run_part(g, k, 0);
    for (int k = 1; k < parts; k += 2) {
      Claim& c = claims_[k];
      if (c.stamp.load(std::memory_order_acquire) < g && run_part(g, k, 0)) continue;  // not claimed: ours now
      for (int spins = 0; c.done.load(std::memory_order_acquire) < g; ++spins) relax(spins);
    }
  }

  void help() {
    uint64_t seen = 0;
    for (int spins = 0;; ++spins) {
      const uint64_t state = post_.state.load(std::memory_order_acquire);
      if ((state >> 8) != seen) {
        seen = state >> 8;
        const int parts = static_cast<int>(state & 0xff);
        for (int k = 1; k < parts; k += 2) {
          if (claims_[k].stamp.load(std::memory_order_relaxed) >= seen || !run_part(seen, k, 1)) continue;
          claims_[k].done.store(seen, std::memory_order_release);
        }
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
  // Claims part k of generation g and runs it; false when someone else had claimed it.
  bool run_part(uint64_t g, int k, int worker) {
    std::atomic<uint64_t>& claim = claims_[k].stamp;
    uint64_t stamp = claim.load(std::memory_order_acquire);
    if (stamp >= g || !claim.compare_exchange_strong(stamp, g, std::memory_order_acq_rel)) return false;
    post_.call(post_.job, k, worker);  // the leader writes the job only after every part of the last one is done
    return true;
  }

  static void relax(int spins) {
    if (spins < 4096) {
      __builtin_ia32_pause();
    } else {
      std::this_thread::yield();  // a loaded machine: give the core to the one we wait on
    }
  }

  struct alignas(64) Post {
    std::atomic<uint64_t> state{0};  // generation << 8 | parts, stored after job and call
    void* job = nullptr;
    void (*call)(void*, int, int) = nullptr;
  };
  struct alignas(64) Claim {
    std::atomic<uint64_t> stamp{0};  // the generation that claimed the part
    std::atomic<uint64_t> done{0};   // the generation whose part the helper has finished
  };
  alignas(64) std::atomic<int> arrivals_{0};
  Post post_;
  Claim claims_[kMaxParts];
  alignas(64) std::atomic<bool> over_{false};
  uint64_t generation_ = 0;  // the leader's alone
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
