// A fixed pool of threads for splitting one query's work (exact scans, batch searches) into
// parallel parts. The calling thread takes part too, so a caller that is itself a pool thread
// never waits on work nobody runs.
//
// Work is split only onto idle cores: while as many callers are inside parallel_for as the pool
// has threads (its helpers plus one caller), every core already runs a caller's own parts, so a
// new caller runs all its parts itself and the helpers stop taking further parts of anyone's job
// (a part already taken is finished). Splitting then would only add hand-offs and make every
// caller wait on the others' parts. When callers leave, helpers take parts again.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sextant::storage {

class ParallelPool {
 public:
  explicit ParallelPool(unsigned threads);
  ~ParallelPool();
  ParallelPool(const ParallelPool&) = delete;
  ParallelPool& operator=(const ParallelPool&) = delete;

  unsigned size() const { return static_cast<unsigned>(threads_.size()) + 1; }
  // Runs fn(part) for part in [0, parts) and returns when all have finished.
  void parallel_for(size_t parts, const std::function<void(size_t)>& fn);

 private:
  struct Job {
    const std::function<void(size_t)>* fn;
    size_t parts;
    size_t next = 0;
    size_t finished = 0;
  };
  void run_parts(Job& job, std::unique_lock<std::mutex>& lock, bool helper);
  void worker();
  // With the mutex held: every core already runs a caller, so helpers stay out.
  bool saturated() const { return callers_ >= size(); }

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<Job*> jobs_;
  bool stopping_ = false;
  unsigned callers_ = 0;  // threads inside parallel_for
  std::vector<std::thread> threads_;
};

}  // namespace sextant::storage
