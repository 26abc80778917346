// The indexing thread's run log.
#include "storage/indexing_log.hpp"

#include <cstdio>
#include <random>

namespace sextant::storage {
namespace {

std::string random_uuid() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  const uint64_t high = generator(), low = generator();
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0x0fff),
                static_cast<unsigned>(0x8000 | ((low >> 48) & 0x3fff)),
                static_cast<unsigned long long>(low & 0xffffffffffffull));
  return text;
}

}  // namespace

void IndexingLog::begin(std::string vector_name, uint64_t points) {
  IndexingRun run;
  run.uuid = random_uuid();
  run.vector_name = std::move(vector_name);
  run.points = points;
  run.started = std::chrono::system_clock::now();
  std::lock_guard lock(mutex_);
  running_ = std::move(run);
}

void IndexingLog::end() {
  std::lock_guard lock(mutex_);
  if (!running_) return;
  running_->finished = std::chrono::system_clock::now();
  runs_total_seconds_ +=
      std::chrono::duration<double>(*running_->finished - running_->started).count();
  finished_.push_front(std::move(*running_));
  running_.reset();
  if (finished_.size() > kMaxFinished) finished_.pop_back();
  ++runs_total_;
}

IndexingSnapshot IndexingLog::snapshot() const {
  std::lock_guard lock(mutex_);
  IndexingSnapshot snapshot;
  snapshot.running = running_;
  snapshot.finished.assign(finished_.begin(), finished_.end());
  snapshot.runs_total = runs_total_;
  snapshot.runs_total_seconds = runs_total_seconds_;
  return snapshot;
}

}  // namespace sextant::storage
