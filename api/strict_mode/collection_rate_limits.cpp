#include "api/strict_mode/collection_rate_limits.hpp"

#include <cmath>
#include <cstdio>
#include <utility>

namespace sextant::api::strict_mode {

CollectionRateLimits::CollectionRateLimits(RateClock clock) : clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

Status CollectionRateLimits::consume(const std::string& collection,
                                     const storage::StrictModeConfig& config, RateKind kind,
                                     uint64_t cost) {
  if (!config.enabled.value_or(false)) return {};
  const std::optional<uint64_t> limit =
      kind == RateKind::kRead ? config.read_rate_limit : config.write_rate_limit;
  if (!limit) return {};
  std::lock_guard lock(mutex_);
  Buckets& buckets = buckets_[collection];
  std::optional<uint64_t>& known =
      kind == RateKind::kRead ? buckets.read_limit : buckets.write_limit;
  std::unique_ptr<RateLimiter>& bucket = kind == RateKind::kRead ? buckets.read : buckets.write;
  if (!bucket || known != limit) {
    bucket = std::make_unique<RateLimiter>(*limit, clock_);
    known = limit;
  }
  RateDecision decision = bucket->try_consume(static_cast<double>(cost));
  if (std::holds_alternative<RateAllowed>(decision)) return {};
  return rate_limit_error(kind, cost, decision);
}

void CollectionRateLimits::reset(const std::string& collection) {
  std::lock_guard lock(mutex_);
  buckets_.erase(collection);
}

bool CollectionRateLimits::note_write(const std::string& collection) {
  std::lock_guard lock(mutex_);
  return written_.insert(collection).second;
}

Error rate_limit_error(RateKind kind, uint64_t cost, const RateDecision& decision) {
  const std::string type = kind == RateKind::kRead ? "Read" : "Write";
  Error error{ErrorKind::kRateLimited, "Rate limiting exceeded: " + type + " rate limit exceeded"};
  if (std::holds_alternative<RateOverBudget>(decision)) {
    error.message +=
        ", request larger than rate limiter capacity, please try to split your request";
    return error;
  }
  const RateRetry& retry = std::get<RateRetry>(decision);
  // Qdrant rounds the wait up to whole seconds, computed in single precision.
  const auto retry_seconds =
      static_cast<uint32_t>(std::ceil(static_cast<float>(retry.retry_after_seconds)));
  char available[64];
  std::snprintf(available, sizeof available, "%.1f", retry.tokens_available);
  error.message += ": Operation requires " + std::to_string(cost) + " tokens but only " +
                   available + " were available. Retry after " + std::to_string(retry_seconds) +
                   "s";
  return error;
}

}  // namespace sextant::api::strict_mode
