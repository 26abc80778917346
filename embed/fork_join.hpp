// A helper thread that runs parts of one task beside its caller, so a single short batch (one
// sentence) can use a second core: run(parts, task) calls task(0) .. task(parts - 1), each once,
// spread over the caller and the helper, and returns when all have finished.
//
// Parts are claimed through one atomic word holding the task's generation and the next part, so
// the caller never waits for a helper that has not started: if the helper is slow to wake (a
// busy machine), the caller claims and runs every part itself. It only waits for parts the
// helper has claimed, which the helper is then running. The helper spins briefly after each task
// (the encoder forks some thirty times per sentence, microseconds apart), yielding the core to
// anything runnable, and then sleeps on a condition variable, so an idle service costs no CPU.
//
// Thread safety: one caller at a time (each encoder worker owns its ForkJoin). The destructor
// joins the helper.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace sextant::embed {

class ForkJoin {
 public:
  ForkJoin();
  ~ForkJoin();
  ForkJoin(const ForkJoin&) = delete;
  ForkJoin& operator=(const ForkJoin&) = delete;

  // At most kMaxParts parts.
  void run(size_t parts, const std::function<void(size_t)>& task);
  static constexpr size_t kMaxParts = 255;

 private:
  void helper_loop();
  // Claims one part of the task published in `claim_` (false: none left, or no task).
  bool run_one_part();

  // generation << 16 | parts << 8 | next part. A claim is a successful compare-exchange that
  // increments the next part while it is below parts.
  std::atomic<uint64_t> claim_{0};
  std::atomic<const std::function<void(size_t)>*> task_{nullptr};
  std::atomic<size_t> finished_parts_{0};
  uint64_t generation_ = 0;  // caller only
  std::atomic<bool> helper_sleeping_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread helper_;
};

}  // namespace sextant::embed
