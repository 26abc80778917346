// Progress of a migration on stderr. When stderr is a terminal, one line redrawn in place:
//   [#########...........]  41%  41000/100000 points  12345 points/s  ETA 5s
// otherwise (a log, a pipe) a plain line every `interval` and one per finished collection, so a
// log gets a few lines, not a stream of carriage returns.
//
// Thread-safety: add() and note() may be called from any thread; a private thread draws.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace sextant::migrate {

class ProgressDisplay {
 public:
  // `total_points` is what the copy will reach (the sources' counts); `already_done` points
  // were copied by an earlier run and count as done without counting towards points/s.
  ProgressDisplay(uint64_t total_points, uint64_t already_done, bool terminal,
                  std::chrono::seconds interval = std::chrono::seconds(5));
  ~ProgressDisplay();

  void add(uint64_t points) { copied_.fetch_add(points, std::memory_order_relaxed); }
  // A line of its own (a collection finished, an error), printed above the bar.
  void note(const std::string& line);
  // Stops drawing and ends the bar's line.
  void finish();

  uint64_t copied_this_run() const { return copied_.load(std::memory_order_relaxed); }
  double seconds() const;

 private:
  std::string status_line() const;
  void draw_loop();

  const uint64_t total_points_;
  const uint64_t already_done_;
  const bool terminal_;
  const std::chrono::seconds interval_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<uint64_t> copied_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread drawer_;
};

}  // namespace sextant::migrate
