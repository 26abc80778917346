#include "storage/indexing_hold.hpp"

#include <algorithm>

namespace sextant::storage {

std::optional<IndexingHold::Clock::time_point> IndexingHold::hold_until(
    Clock::time_point now, Clock::time_point last_commit, uint64_t backlog, uint64_t indexed) {
  if (seen_commit_ != last_commit) {
    // A gap longer than the longest quiet period was a pause, not part of a stream.
    if (seen_commit_ && last_commit > *seen_commit_ &&
        last_commit - *seen_commit_ <= policy_.max_quiet_period) {
      const Clock::duration gap = last_commit - *seen_commit_;
      commit_gap_ = commit_gap_ == Clock::duration::zero() ? gap : (3 * commit_gap_ + gap) / 4;
    }
    seen_commit_ = last_commit;
  }
  const Clock::duration quiet = quiet_period();
  const bool streaming = now - last_commit < quiet;
  const bool within_bound = backlog <= std::max(policy_.min_backlog_bound, indexed);
  if (backlog == 0 || !streaming || !within_bound ||
      (holding_since_ && now - *holding_since_ >= policy_.max_hold)) {
    holding_since_.reset();
    return std::nullopt;
  }
  if (!holding_since_) holding_since_ = now;
  return std::min(last_commit + quiet, *holding_since_ + policy_.max_hold);
}

IndexingHold::Clock::duration IndexingHold::quiet_period() const {
  return std::clamp<Clock::duration>(2 * commit_gap_, policy_.quiet_period,
                                     policy_.max_quiet_period);
}

}  // namespace sextant::storage
