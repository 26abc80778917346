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

void ParallelPool::run_parts(Job& job, std::unique_lock<std::mutex>& lock) {
  while (job.next < job.parts) {
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
  Job job{&fn, parts};
  std::unique_lock lock(mutex_);
  jobs_.push_back(&job);
  wake_.notify_all();
  run_parts(job, lock);
  done_.wait(lock, [&] { return job.finished == job.parts; });
}

void ParallelPool::worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    run_parts(*jobs_.front(), lock);
  }
}

}  // namespace sextant::storage
