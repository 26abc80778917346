// Publication order: run() stores task_ and resets finished_parts_, then publishes the claim word
// (release); a claimer reads task_ only after its compare-exchange on that word succeeded
// (acquire). run() returns only when every part has finished, so a claimed part's task is alive
// while it runs; a stale claimer's compare-exchange fails because the generation has moved on.
#include "embed/fork_join.hpp"

#include <chrono>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sextant::embed {
namespace {

void pause() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

// How long the helper keeps looking for the next task before it sleeps.
constexpr auto kSpin = std::chrono::microseconds(200);

uint64_t parts_of(uint64_t word) { return (word >> 8) & 0xff; }
uint64_t next_of(uint64_t word) { return word & 0xff; }

}  // namespace

ForkJoin::ForkJoin() : helper_([this] { helper_loop(); }) {}

ForkJoin::~ForkJoin() {
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true);
  }
  wake_.notify_one();
  helper_.join();
}

bool ForkJoin::run_one_part() {
  uint64_t word = claim_.load(std::memory_order_acquire);
  while (next_of(word) < parts_of(word)) {
    if (claim_.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel)) {
      (*task_.load(std::memory_order_acquire))(next_of(word));
      finished_parts_.fetch_add(1, std::memory_order_release);
      return true;
    }
  }
  return false;
}

void ForkJoin::run(size_t parts, const std::function<void(size_t)>& task) {
  if (parts <= 1 || parts > kMaxParts) {
    for (size_t part = 0; part < parts; ++part) task(part);
    return;
  }
  task_.store(&task, std::memory_order_relaxed);
  finished_parts_.store(0, std::memory_order_relaxed);
  ++generation_;
  claim_.store(generation_ << 16 | uint64_t{parts} << 8, std::memory_order_seq_cst);
  if (helper_sleeping_.load()) {
    std::lock_guard lock(mutex_);
    wake_.notify_one();
  }
  while (run_one_part()) {
  }
  for (int spins = 0; finished_parts_.load(std::memory_order_acquire) < parts; ++spins) {
    if (spins < 2000) {
      pause();
    } else {
      std::this_thread::yield();
    }
  }
}

void ForkJoin::helper_loop() {
  while (!stopping_.load()) {
    if (run_one_part()) continue;
    const auto spin_until = std::chrono::steady_clock::now() + kSpin;
    bool found = false;
    for (int spins = 0; !stopping_.load(std::memory_order_relaxed); ++spins) {
      const uint64_t word = claim_.load(std::memory_order_acquire);
      if (next_of(word) < parts_of(word)) {
        found = true;
        break;
      }
      if ((spins & 63) == 63) {
        if (std::chrono::steady_clock::now() > spin_until) break;
        std::this_thread::yield();
      }
      pause();
    }
    if (found || stopping_.load()) continue;
    std::unique_lock lock(mutex_);
    helper_sleeping_.store(true);
    wake_.wait(lock, [&] {
      const uint64_t word = claim_.load();
      return stopping_.load() || next_of(word) < parts_of(word);
    });
    helper_sleeping_.store(false);
  }
}

}  // namespace sextant::embed
