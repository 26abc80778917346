#include "storage/parallel.hpp"

#include <algorithm>

namespace sextant::storage {

ParallelPool::ParallelPool(unsigned threads) {
  for (unsigned i = 1; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { worker(); });
}

ParallelPool::~ParallelPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void ParallelPool::run_parts(Job& job, std::unique_lock<std::mutex>& lock, bool helper) {
  while (job.next < job.parts && !(helper && saturated())) {
    size_t part = job.next++;
    if (job.next == job.parts) jobs_.erase(std::find(jobs_.begin(), jobs_.end(), &job));
    lock.unlock();
    (*job.fn)(part);
    lock.lock();
    if (++job.finished == job.parts) done_.notify_all();
  }
}

void ParallelPool::parallel_for(size_t parts, const std::function<void(size_t)>& fn) {
  if (parts == 0) return;
  if (parts == 1 || threads_.empty()) {
    for (size_t i = 0; i < parts; ++i) fn(i);
    return;
  }
  std::unique_lock lock(mutex_);
  ++callers_;
  if (saturated()) {
    lock.unlock();
    for (size_t i = 0; i < parts; ++i) fn(i);
    lock.lock();
    --callers_;
    wake_.notify_all();  // helpers may take parts again
    return;
  }
  Job job{&fn, parts};
  jobs_.push_back(&job);
  wake_.notify_all();
  run_parts(job, lock, false);
  done_.wait(lock, [&] { return job.finished == job.parts; });
  --callers_;
  if (!jobs_.empty()) wake_.notify_all();
}

void ParallelPool::worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || (!jobs_.empty() && !saturated()); });
    if (stopping_) return;
    run_parts(*jobs_.front(), lock, true);
  }
}

}  // namespace sextant::storage
