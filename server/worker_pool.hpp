// A fixed pool of threads that runs request handlers marked Execution::kWorker, so searches,
// writes and embedding never run on (and never stall) the I/O threads.
//
// Jobs run in submission order across the pool. stop() lets queued jobs finish, then joins;
// submit() after stop() is refused (returns false) and the job is dropped.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sextant::server {

class WorkerPool {
 public:
  explicit WorkerPool(size_t thread_count);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool submit(std::function<void()> job);
  void stop();
  size_t thread_count() const { return threads_.size(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sextant::server
