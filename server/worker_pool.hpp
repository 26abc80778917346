// A fixed pool of threads that runs request handlers marked Execution::kWorker, so searches,
// writes and embedding never run on (and never stall) the I/O threads.
//
// Jobs run in submission order across the pool. stop() lets queued jobs finish, then joins;
// submit() after stop() is refused (returns false) and the job is dropped.
//
// A caller may instead borrow an idle worker's share of the CPU and run a short job on its own
// thread (an I/O thread answering a small search without two thread hand-offs):
// try_borrow_idle() succeeds only while nothing is queued and the jobs running plus the loans
// out are fewer than the threads, so the CPU work in flight never exceeds the pool's size.
// Every successful try_borrow_idle() is paired with one end_borrow().
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
  [[nodiscard]] bool try_borrow_idle();
  void end_borrow();
  void stop();
  size_t thread_count() const { return threads_.size(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  size_t running_jobs_ = 0;
  size_t borrowed_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace sextant::server
