#include "api/strict_mode/rate_limiter.hpp"

#include <algorithm>
#include <utility>

namespace sextant::api::strict_mode {

RateLimiter::RateLimiter(uint64_t per_minute, RateClock clock)
    : per_minute_(per_minute),
      tokens_per_second_(static_cast<double>(per_minute) / 60.0),
      tokens_(static_cast<double>(per_minute)),
      clock_(std::move(clock)),
      last_check_(clock_()) {}

RateDecision RateLimiter::try_consume(double cost) {
  const double capacity = static_cast<double>(per_minute_);
  if (cost > capacity) return RateOverBudget{};
  const auto now = clock_();
  if (now > last_check_) {
    const double elapsed_seconds = std::chrono::duration<double>(now - last_check_).count();
    tokens_ = std::min(capacity, tokens_ + tokens_per_second_ * elapsed_seconds);
  }
  last_check_ = now;
  if (tokens_ >= cost) {
    tokens_ -= cost;
    return RateAllowed{};
  }
  const double missing = cost - tokens_;
  return RateRetry{tokens_, missing / tokens_per_second_};
}

}  // namespace sextant::api::strict_mode
