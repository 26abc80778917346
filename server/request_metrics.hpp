// Per-endpoint response statistics, the data behind /metrics (rest_responses_*) and the
// `requests.rest` part of /telemetry. Keyed like Qdrant's actix telemetry: "METHOD pattern"
// ("POST /collections/{collection_name}/points/query", or "GET unknown" when no route
// matched) and then by HTTP status.
//
// Each (key, status) keeps: count, total/min/max duration, the last 128 durations (for the
// average) and a cumulative histogram over Qdrant's bucket bounds (1 ms .. 50 s).
//
// The same statistics are also kept per collection for requests on
// /collections/{collection_name}/..., for /metrics?per_collection=true.
//
// Thread-safety: record() and snapshot() may be called from any thread; one mutex guards the
// table (a record is a few additions; contention is negligible next to request handling).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sextant::server {

// Upper bounds of the duration histogram, in seconds (Qdrant's DEFAULT_BUCKET_BOUNDARIES).
inline constexpr std::array<double, 11> kDurationBucketsSeconds = {
    0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 50.0};

struct OperationStatistics {
  uint64_t count = 0;
  double total_seconds = 0;
  double min_seconds = 0;
  double max_seconds = 0;
  double avg_seconds = 0;  // over the last 128 responses
  std::array<uint64_t, kDurationBucketsSeconds.size()> cumulative_buckets{};
  std::chrono::system_clock::time_point last_responded;
};

// key "METHOD pattern" -> status -> statistics
using ResponseTable = std::map<std::string, std::map<int, OperationStatistics>>;

// collection name -> its ResponseTable
using PerCollectionResponseTable = std::map<std::string, ResponseTable>;

class RequestMetrics {
 public:
  // `collection` names the collection the request addressed, if any.
  void record(std::string_view method, std::string_view pattern, int status,
              std::chrono::steady_clock::duration duration,
              std::optional<std::string_view> collection = std::nullopt);
  ResponseTable snapshot() const;
  PerCollectionResponseTable per_collection_snapshot() const;

 private:
  struct Aggregator {
    OperationStatistics stats;
    std::array<uint64_t, kDurationBucketsSeconds.size()> bucket_counts{};
    std::array<double, 128> recent_seconds{};
    size_t recent_next = 0;
    size_t recent_filled = 0;
  };

  using AggregatorTable = std::map<std::string, std::map<int, Aggregator>>;
  static void add(Aggregator& aggregator, double seconds);
  static ResponseTable statistics_of(const AggregatorTable& table);

  mutable std::mutex mutex_;
  AggregatorTable table_;
  std::map<std::string, AggregatorTable, std::less<>> per_collection_;
};

}  // namespace sextant::server
