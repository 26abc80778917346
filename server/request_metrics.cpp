// Recording of response durations.
#include "server/request_metrics.hpp"

#include <algorithm>

namespace sextant::server {

void RequestMetrics::add(Aggregator& aggregator, double seconds) {
  OperationStatistics& stats = aggregator.stats;
  stats.min_seconds = stats.count == 0 ? seconds : std::min(stats.min_seconds, seconds);
  stats.max_seconds = stats.count == 0 ? seconds : std::max(stats.max_seconds, seconds);
  stats.count += 1;
  stats.total_seconds += seconds;
  stats.last_responded = std::chrono::system_clock::now();
  for (size_t i = 0; i < kDurationBucketsSeconds.size(); ++i) {
    if (seconds <= kDurationBucketsSeconds[i]) {
      aggregator.bucket_counts[i] += 1;
      break;
    }
  }
  aggregator.recent_seconds[aggregator.recent_next] = seconds;
  aggregator.recent_next = (aggregator.recent_next + 1) % aggregator.recent_seconds.size();
  aggregator.recent_filled =
      std::min(aggregator.recent_filled + 1, aggregator.recent_seconds.size());
}

void RequestMetrics::record(std::string_view method, std::string_view pattern, int status,
                            std::chrono::steady_clock::duration duration,
                            std::optional<std::string_view> collection) {
  double seconds = std::chrono::duration<double>(duration).count();
  std::string key;
  key.reserve(method.size() + 1 + pattern.size());
  if (!method.empty()) key.append(method).append(" ");
  key.append(pattern);

  std::lock_guard lock(mutex_);
  add(table_[key][status], seconds);
  if (collection) {
    auto it = per_collection_.find(*collection);
    if (it == per_collection_.end()) {
      it = per_collection_.emplace(std::string(*collection), AggregatorTable()).first;
    }
    add(it->second[key][status], seconds);
  }
}

ResponseTable RequestMetrics::statistics_of(const AggregatorTable& aggregators) {
  ResponseTable table;
  for (const auto& [key, by_status] : aggregators) {
    auto& out = table[key];
    for (const auto& [status, aggregator] : by_status) {
      OperationStatistics stats = aggregator.stats;
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kDurationBucketsSeconds.size(); ++i) {
        cumulative += aggregator.bucket_counts[i];
        stats.cumulative_buckets[i] = cumulative;
      }
      double recent_sum = 0;
      for (size_t i = 0; i < aggregator.recent_filled; ++i) {
        recent_sum += aggregator.recent_seconds[i];
      }
      stats.avg_seconds = aggregator.recent_filled ? recent_sum / aggregator.recent_filled : 0.0;
      out[status] = stats;
    }
  }
  return table;
}

ResponseTable RequestMetrics::snapshot() const {
  std::lock_guard lock(mutex_);
  return statistics_of(table_);
}

PerCollectionResponseTable RequestMetrics::per_collection_snapshot() const {
  std::lock_guard lock(mutex_);
  PerCollectionResponseTable tables;
  for (const auto& [collection, aggregators] : per_collection_) {
    tables[collection] = statistics_of(aggregators);
  }
  return tables;
}

}  // namespace sextant::server
