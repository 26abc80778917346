// A token bucket limiting operations per minute, as Qdrant's strict-mode `read_rate_limit` and
// `write_rate_limit`: the bucket holds at most `per_minute` tokens (a full minute's burst), starts
// full, and refills continuously at per_minute / 60 tokens a second. An operation costs a number
// of tokens (a read: its searched vectors and filter conditions; a write: the points it touches).
//
// Invariants: 0 <= tokens <= per_minute; the clock is only read, never assumed monotonic beyond
// what it returns (a clock going back adds nothing). Not thread-safe: CollectionRateLimits holds a
// mutex around each bucket.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <variant>

namespace sextant::api::strict_mode {

using RateClock = std::function<std::chrono::steady_clock::time_point()>;

// Refused: the bucket held `tokens_available`; `retry_after_seconds` is when enough will be there.
struct RateRetry {
  double tokens_available = 0;
  double retry_after_seconds = 0;
};
// Refused for good: the cost is above the bucket's capacity.
struct RateOverBudget {};
struct RateAllowed {};
using RateDecision = std::variant<RateAllowed, RateRetry, RateOverBudget>;

class RateLimiter {
 public:
  RateLimiter(uint64_t per_minute, RateClock clock);

  RateDecision try_consume(double cost);
  double tokens() const { return tokens_; }
  uint64_t per_minute() const { return per_minute_; }

 private:
  uint64_t per_minute_;
  double tokens_per_second_;
  double tokens_;
  RateClock clock_;
  std::chrono::steady_clock::time_point last_check_;
};

}  // namespace sextant::api::strict_mode
