#include "storage/indexing_hold.hpp"

#include <algorithm>

namespace sextant::storage {

std::optional<IndexingHold::Clock::time_point> IndexingHold::hold_until(
    Clock::time_point now, Clock::time_point last_commit, uint64_t backlog, uint64_t indexed) {
  const bool streaming = now - last_commit < policy_.quiet_period;
  const bool within_bound = backlog <= std::max(policy_.min_backlog_bound, indexed);
  if (backlog == 0 || !streaming || !within_bound ||
      (holding_since_ && now - *holding_since_ >= policy_.max_hold)) {
    holding_since_.reset();
    return std::nullopt;
  }
  if (!holding_since_) holding_since_ = now;
  return std::min(last_commit + policy_.quiet_period, *holding_since_ + policy_.max_hold);
}

}  // namespace sextant::storage
