// When a collection's indexing thread holds graph inserts back during a bulk load.
//
// Inserting into an HNSW graph costs far more CPU than committing the points, and the indexing
// thread competes for the same cores as the writer and the HTTP sessions. While upserts keep
// arriving (the last commit came less than the quiet period ago: twice the usual gap between
// commits, within [`quiet_period`, `max_quiet_period`], so a client that takes longer to send
// each batch is still seen as streaming), the backlog of vectors not yet in the graph
// is left to grow, and is inserted in one go once the stream pauses, as Qdrant's optimizer
// indexes a segment only once it is large enough. Results do not change meanwhile: a vector
// index scans the vectors its graph lacks exactly and merges them (vector_index.hpp), and a
// vector without a graph yet is scanned exactly. The collection reports status yellow while a
// backlog is held.
//
// Invariants (so that a constant stream of writes never starves indexing):
// - one hold lasts at most `max_hold` from the decision that began it;
// - a backlog larger than max(`min_backlog_bound`, vectors in the graphs) is never held, so the
//   exact part of a search stays at most about as large as the graph's part.
// Thread-safety: used by the indexing thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace sextant::storage {

class IndexingHold {
 public:
  using Clock = std::chrono::steady_clock;
  struct Policy {
    Clock::duration quiet_period = std::chrono::milliseconds(500);
    Clock::duration max_quiet_period = std::chrono::seconds(5);
    Clock::duration max_hold = std::chrono::seconds(60);
    uint64_t min_backlog_bound = 100000;
  };

  IndexingHold() = default;
  explicit IndexingHold(Policy policy) : policy_(policy) {}

  // `last_commit`: when the newest commit was published (call at each commit to learn the
  // gaps between them); `backlog`: vectors the graphs lack (or hold but should not);
  // `indexed`: vectors they hold. Returns when to decide again if the backlog is to be held
  // now; nullopt: index it now.
  std::optional<Clock::time_point> hold_until(Clock::time_point now, Clock::time_point last_commit,
                                              uint64_t backlog, uint64_t indexed);

  // How long after a commit the stream counts as paused, from the gaps seen so far.
  Clock::duration quiet_period() const;

 private:
  Policy policy_;
  std::optional<Clock::time_point> holding_since_;  // the decision that began the current hold
  std::optional<Clock::time_point> seen_commit_;    // the newest commit seen
  Clock::duration commit_gap_{};                    // smoothed gap between commits of a stream
};

}  // namespace sextant::storage
