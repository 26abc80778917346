// The read and write rate limiters of every collection (strict mode's `read_rate_limit` and
// `write_rate_limit`), owned by the ApiContext for the server's lifetime. A collection's buckets
// are made on first use from its strict-mode configuration and start full; an update of the
// configuration (`reset`) or a changed limit starts them again, as Qdrant does. Limits are only
// enforced while strict mode is `enabled`.
//
// Refusals are Qdrant's 429 "Rate limiting exceeded: ..." errors; when waiting helps, the text
// ends "Retry after Ns" (which the wire also sends as the Retry-After header).
//
// Thread-safe: one mutex guards the map and the buckets (a check is a few arithmetic steps).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "api/strict_mode/rate_limiter.hpp"
#include "common/status.hpp"
#include "storage/collection_config.hpp"

namespace sextant::api::strict_mode {

enum class RateKind { kRead, kWrite };

class CollectionRateLimits {
 public:
  // `clock` defaults to std::chrono::steady_clock::now.
  explicit CollectionRateLimits(RateClock clock = {});

  // Takes `cost` tokens from the bucket of `kind` of the collection stored in `collection` (its
  // directory: aliases and names reach the same buckets), or returns the 429 error.
  Status consume(const std::string& collection, const storage::StrictModeConfig& config,
                 RateKind kind, uint64_t cost);
  // Forgets the collection's buckets (its strict-mode configuration changed).
  void reset(const std::string& collection);
  // Records a write to the collection; true for its first since the server started. Qdrant 1.19
  // takes the first write's cost from the write bucket twice (see strict_mode_gate.cpp).
  bool note_write(const std::string& collection);

 private:
  struct Buckets {
    std::optional<uint64_t> read_limit, write_limit;
    std::unique_ptr<RateLimiter> read, write;
  };

  RateClock clock_;
  std::mutex mutex_;
  std::map<std::string, Buckets> buckets_;
  std::set<std::string> written_;  // collections written to since the server started
};

// Qdrant's text for a refusal, e.g. "Read rate limit exceeded: Operation requires 3 tokens but
// only 1.5 were available. Retry after 2s".
Error rate_limit_error(RateKind kind, uint64_t cost, const RateDecision& decision);

}  // namespace sextant::api::strict_mode
