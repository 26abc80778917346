// ProgressDisplay: the bar (terminal) or the periodic lines (anything else).
#include "migrate/progress_display.hpp"

#include <algorithm>
#include <cstdio>

namespace sextant::migrate {

ProgressDisplay::ProgressDisplay(uint64_t total_points, uint64_t already_done, bool terminal,
                                 std::chrono::seconds interval)
    : total_points_(total_points),
      already_done_(already_done),
      terminal_(terminal),
      interval_(interval) {
  drawer_ = std::thread([this] { draw_loop(); });
}

ProgressDisplay::~ProgressDisplay() { finish(); }

double ProgressDisplay::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::string ProgressDisplay::status_line() const {
  uint64_t copied = copied_this_run();
  uint64_t done = std::min(total_points_, already_done_ + copied);
  double elapsed = std::max(seconds(), 1e-3);
  double rate = copied / elapsed;
  double fraction = total_points_ ? static_cast<double>(done) / total_points_ : 1.0;
  char text[160];
  std::string eta = "-";
  if (rate > 0 && done < total_points_) {
    eta = std::to_string(static_cast<uint64_t>((total_points_ - done) / rate)) + "s";
  }
  std::snprintf(text, sizeof text, "%3d%%  %llu/%llu points  %.0f points/s  ETA %s",
                static_cast<int>(fraction * 100), static_cast<unsigned long long>(done),
                static_cast<unsigned long long>(total_points_), rate, eta.c_str());
  if (!terminal_) return std::string("progress: ") + text;
  constexpr int kWidth = 24;
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar;
  bar.reserve(kWidth + 3 + sizeof text);
  bar.push_back('[');
  bar.append(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  bar.append("] ");
  bar.append(text);
  return bar;
}

void ProgressDisplay::note(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s\n%s", line.c_str(), status_line().c_str());
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

void ProgressDisplay::draw_loop() {
  auto period = terminal_ ? std::chrono::milliseconds(250)
                          : std::chrono::duration_cast<std::chrono::milliseconds>(interval_);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    if (terminal_) {
      std::fprintf(stderr, "\r\033[K%s", status_line().c_str());
    } else {
      std::fprintf(stderr, "%s\n", status_line().c_str());
    }
    std::fflush(stderr);
  }
}

void ProgressDisplay::finish() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  drawer_.join();
  std::fprintf(stderr, terminal_ ? "\r\033[K%s\n" : "%s\n", status_line().c_str());
  std::fflush(stderr);
}

}  // namespace sextant::migrate
