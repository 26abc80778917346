// Worker pool: one queue, N threads. A job that throws is logged and does not kill its thread.
#include "server/worker_pool.hpp"

#include <exception>
#include <string>

#include "server/log.hpp"

namespace sextant::server {

WorkerPool::WorkerPool(size_t thread_count) {
  if (thread_count == 0) thread_count = 1;
  threads_.reserve(thread_count);
  for (size_t i = 0; i < thread_count; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

bool WorkerPool::try_borrow_idle() {
  std::lock_guard lock(mutex_);
  if (stopping_ || !jobs_.empty() || running_jobs_ + borrowed_ >= threads_.size()) return false;
  ++borrowed_;
  return true;
}

void WorkerPool::end_borrow() {
  std::lock_guard lock(mutex_);
  --borrowed_;
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
      ++running_jobs_;
    }
    try {
      job();
    } catch (const std::exception& e) {
      log_error(std::string("worker job failed: ") + e.what());
    } catch (...) {
      log_error("worker job failed with a non-standard exception");
    }
    job = nullptr;  // what the job holds is released before the pool counts it as done
    std::lock_guard lock(mutex_);
    --running_jobs_;
  }
}

}  // namespace sextant::server
