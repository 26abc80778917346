// What a collection's indexing thread is doing and has done, for
// GET /collections/{c}/optimizations and the optimization figures in /metrics and /telemetry.
// Each pass that brings one vector's HNSW graph up to date with a view is a run: begin() when
// the thread starts it, end() when catch_up returns.
//
// Invariants: at most one run is open at a time (one indexing thread per collection); the
// finished runs kept are the newest kMaxFinished, newest first.
// Thread-safety: begin()/end() on the indexing thread, snapshot() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sextant::storage {

struct IndexingRun {
  std::string uuid;         // names the run, as Qdrant names an optimization
  std::string vector_name;  // "" for the default vector
  uint64_t points = 0;      // points of the vector in the view being indexed
  std::chrono::system_clock::time_point started;
  std::optional<std::chrono::system_clock::time_point> finished;
};

struct IndexingSnapshot {
  std::optional<IndexingRun> running;
  std::vector<IndexingRun> finished;  // newest first
  uint64_t runs_total = 0;            // finished runs since the collection opened
  double runs_total_seconds = 0;      // their summed durations
};

class IndexingLog {
 public:
  static constexpr size_t kMaxFinished = 16;

  void begin(std::string vector_name, uint64_t points);
  void end();
  IndexingSnapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::optional<IndexingRun> running_;
  std::deque<IndexingRun> finished_;
  uint64_t runs_total_ = 0;
  double runs_total_seconds_ = 0;
};

}  // namespace sextant::storage
