// Strict mode's token bucket driven by a fake clock: burst, refill, cap, refusal texts, and the
// per-collection buckets (enabled only, reset on a configuration change).
#include <gtest/gtest.h>

#include <chrono>
#include <variant>

#include "api/strict_mode/collection_rate_limits.hpp"
#include "api/strict_mode/rate_limiter.hpp"

namespace sextant::api::strict_mode {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  RateClock reader() {
    return [this] { return now; };
  }
};

TEST(StrictModeRateLimiter, StartsFullAndAllowsAMinuteOfBurst) {
  FakeClock clock;
  RateLimiter limiter(100, clock.reader());
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(std::holds_alternative<RateAllowed>(limiter.try_consume(1))) << i;
  auto refused = limiter.try_consume(1);
  ASSERT_TRUE(std::holds_alternative<RateRetry>(refused));
  EXPECT_DOUBLE_EQ(std::get<RateRetry>(refused).tokens_available, 0.0);
  EXPECT_DOUBLE_EQ(std::get<RateRetry>(refused).retry_after_seconds, 0.6);  // 1 / (100 / 60)
}

TEST(StrictModeRateLimiter, RefillsAtTheLimitPerMinute) {
  FakeClock clock;
  RateLimiter limiter(60, clock.reader());  // one token a second
  ASSERT_TRUE(std::holds_alternative<RateAllowed>(limiter.try_consume(60)));
  clock.now += milliseconds(500);
  EXPECT_TRUE(std::holds_alternative<RateRetry>(limiter.try_consume(1)));
  clock.now += milliseconds(500);
  EXPECT_TRUE(std::holds_alternative<RateAllowed>(limiter.try_consume(1)));
  clock.now += seconds(10);
  EXPECT_TRUE(std::holds_alternative<RateAllowed>(limiter.try_consume(10)));
  EXPECT_TRUE(std::holds_alternative<RateRetry>(limiter.try_consume(1)));
}

TEST(StrictModeRateLimiter, NeverHoldsMoreThanOneMinute) {
  FakeClock clock;
  RateLimiter limiter(10, clock.reader());
  clock.now += std::chrono::hours(1);
  ASSERT_TRUE(std::holds_alternative<RateAllowed>(limiter.try_consume(10)));
  EXPECT_TRUE(std::holds_alternative<RateRetry>(limiter.try_consume(1)));
}

TEST(StrictModeRateLimiter, CostAboveCapacityIsAlwaysOverBudget) {
  FakeClock clock;
  RateLimiter limiter(5, clock.reader());
  EXPECT_TRUE(std::holds_alternative<RateOverBudget>(limiter.try_consume(6)));
  EXPECT_DOUBLE_EQ(limiter.tokens(), 5.0);  // nothing taken
}

TEST(StrictModeRateLimiter, AClockGoingBackAddsNothing) {
  FakeClock clock;
  clock.now += seconds(100);
  RateLimiter limiter(60, clock.reader());
  ASSERT_TRUE(std::holds_alternative<RateAllowed>(limiter.try_consume(60)));
  clock.now -= seconds(50);
  EXPECT_TRUE(std::holds_alternative<RateRetry>(limiter.try_consume(1)));
}

storage::StrictModeConfig read_limit(uint64_t per_minute, bool enabled = true) {
  storage::StrictModeConfig config;
  config.enabled = enabled;
  config.read_rate_limit = per_minute;
  return config;
}

TEST(StrictModeCollectionRateLimits, RefusalIsQdrantsTooManyRequests) {
  FakeClock clock;
  CollectionRateLimits limits(clock.reader());
  const auto config = read_limit(2);
  ASSERT_TRUE(limits.consume("c", config, RateKind::kRead, 1).ok());
  ASSERT_TRUE(limits.consume("c", config, RateKind::kRead, 1).ok());
  Status refused = limits.consume("c", config, RateKind::kRead, 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(refused.error().message,
            "Rate limiting exceeded: Read rate limit exceeded: Operation requires 1 tokens but "
            "only 0.0 were available. Retry after 30s");
  Status too_big = limits.consume("c", config, RateKind::kRead, 3);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().message,
            "Rate limiting exceeded: Read rate limit exceeded, request larger than rate limiter "
            "capacity, please try to split your request");
}

TEST(StrictModeCollectionRateLimits, CollectionsAndKindsHaveTheirOwnBuckets) {
  FakeClock clock;
  CollectionRateLimits limits(clock.reader());
  auto config = read_limit(1);
  config.write_rate_limit = 1;
  ASSERT_TRUE(limits.consume("a", config, RateKind::kRead, 1).ok());
  EXPECT_FALSE(limits.consume("a", config, RateKind::kRead, 1).ok());
  EXPECT_TRUE(limits.consume("b", config, RateKind::kRead, 1).ok());
  EXPECT_TRUE(limits.consume("a", config, RateKind::kWrite, 1).ok());
  Status write_refused = limits.consume("a", config, RateKind::kWrite, 1);
  ASSERT_FALSE(write_refused.ok());
  EXPECT_EQ(write_refused.error().message.rfind("Rate limiting exceeded: Write rate limit", 0), 0u);
}

TEST(StrictModeCollectionRateLimits, NothingIsLimitedUnlessEnabled) {
  FakeClock clock;
  CollectionRateLimits limits(clock.reader());
  const auto disabled = read_limit(1, false);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limits.consume("c", disabled, RateKind::kRead, 1).ok());
  storage::StrictModeConfig no_limit;
  no_limit.enabled = true;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limits.consume("c", no_limit, RateKind::kRead, 1).ok());
}

TEST(StrictModeCollectionRateLimits, ResetAndNewLimitsStartFull) {
  FakeClock clock;
  CollectionRateLimits limits(clock.reader());
  ASSERT_TRUE(limits.consume("c", read_limit(1), RateKind::kRead, 1).ok());
  ASSERT_FALSE(limits.consume("c", read_limit(1), RateKind::kRead, 1).ok());
  limits.reset("c");
  EXPECT_TRUE(limits.consume("c", read_limit(1), RateKind::kRead, 1).ok());
  EXPECT_TRUE(limits.consume("c", read_limit(2), RateKind::kRead, 2).ok());
}

}  // namespace
}  // namespace sextant::api::strict_mode
