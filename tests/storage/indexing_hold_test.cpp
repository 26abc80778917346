// When the indexing thread holds a backlog back while upserts stream in (indexing_hold.hpp):
// the decisions at given instants, with no clock read and no sleeping.
#include "storage/indexing_hold.hpp"

#include <gtest/gtest.h>

namespace sextant::storage {
namespace {

using namespace std::chrono_literals;
using Clock = IndexingHold::Clock;

IndexingHold::Policy policy() {
  IndexingHold::Policy p;
  p.quiet_period = 500ms;
  p.max_hold = 10s;
  p.min_backlog_bound = 1000;
  return p;
}

TEST(IndexingHoldTest, HoldsABacklogWhileCommitsKeepArriving) {
  IndexingHold hold(policy());
  const Clock::time_point t0{};
  auto until = hold.hold_until(t0 + 100ms, t0, 500, 0);
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, t0 + 500ms);  // decided again once the stream would have paused
}

TEST(IndexingHoldTest, IndexesOnceTheStreamPauses) {
  IndexingHold hold(policy());
  const Clock::time_point t0{};
  ASSERT_TRUE(hold.hold_until(t0 + 100ms, t0, 500, 0));
  EXPECT_FALSE(hold.hold_until(t0 + 500ms, t0, 500, 0));
}

TEST(IndexingHoldTest, NothingToHoldWithoutABacklog) {
  IndexingHold hold(policy());
  const Clock::time_point t0{};
  EXPECT_FALSE(hold.hold_until(t0 + 1ms, t0, 0, 5000));
}

TEST(IndexingHoldTest, NeverHoldsABacklogLargerThanTheGraphAndTheMinimumBound) {
  IndexingHold hold(policy());
  const Clock::time_point t0{};
  EXPECT_TRUE(hold.hold_until(t0 + 1ms, t0, 1000, 0));
  EXPECT_FALSE(hold.hold_until(t0 + 2ms, t0 + 1ms, 1001, 0));
  EXPECT_TRUE(hold.hold_until(t0 + 3ms, t0 + 2ms, 5000, 5000));
  EXPECT_FALSE(hold.hold_until(t0 + 4ms, t0 + 3ms, 5001, 5000));
}

TEST(IndexingHoldTest, AConstantStreamIsHeldAtMostMaxHold) {
  IndexingHold hold(policy());
  const Clock::time_point t0{};
  // Commits every 100 ms without a pause: held until max_hold has passed since the hold began.
  Clock::time_point now = t0;
  for (; now < t0 + 10s; now += 100ms) {
    auto until = hold.hold_until(now, now, 10, 0);
    ASSERT_TRUE(until);
    EXPECT_LE(*until, t0 + 10s);
  }
  EXPECT_FALSE(hold.hold_until(now, now, 10, 0));
  // The indexing ran; the next backlog may be held again, for a new max_hold.
  auto again = hold.hold_until(now + 100ms, now + 100ms, 10, 0);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, now + 600ms);
}

}  // namespace
}  // namespace sextant::storage
