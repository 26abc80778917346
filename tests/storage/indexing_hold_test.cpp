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

TEST(IndexingHoldTest, ASlowerStreamIsStillSeenAsStreaming) {
  IndexingHold hold(policy());
  const Clock::time_point t0{};
  // A client that needs 1.2 s to send each batch: the stream pauses only after twice that.
  Clock::time_point commit = t0;
  for (int i = 0; i < 5; ++i, commit += 1200ms) ASSERT_TRUE(hold.hold_until(commit, commit, 10, 0));
  commit -= 1200ms;
  EXPECT_EQ(hold.quiet_period(), 2400ms);
  EXPECT_TRUE(hold.hold_until(commit + 2s, commit, 10, 0));
  EXPECT_FALSE(hold.hold_until(commit + 2400ms, commit, 10, 0));
}

TEST(IndexingHoldTest, TheQuietPeriodStaysWithinItsBounds) {
  IndexingHold hold(policy());
  const Clock::time_point t0{};
  EXPECT_EQ(hold.quiet_period(), 500ms);
  // Commits 10 ms apart: never below the policy's quiet period.
  for (int i = 0; i < 10; ++i) (void)hold.hold_until(t0 + i * 10ms, t0 + i * 10ms, 10, 0);
  EXPECT_EQ(hold.quiet_period(), 500ms);
  // A pause longer than the longest quiet period is not a gap of the stream.
  (void)hold.hold_until(t0 + 60s, t0 + 60s, 10, 0);
  EXPECT_EQ(hold.quiet_period(), 500ms);
  // Gaps of 4 s: at most max_quiet_period (5 s).
  for (int i = 1; i <= 10; ++i) (void)hold.hold_until(t0 + 60s + i * 4s, t0 + 60s + i * 4s, 10, 0);
  EXPECT_EQ(hold.quiet_period(), 5s);
}

}  // namespace
}  // namespace sextant::storage
