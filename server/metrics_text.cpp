// Prometheus text exposition of the server's figures.
#include "server/metrics_text.hpp"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

namespace sextant::server {
namespace {

// Qdrant's REST_ENDPOINT_WHITELIST (sorted).
// Qdrant's gRPC endpoints reported in /metrics (sorted).
constexpr std::string_view kGrpcEndpointWhitelist[] = {
    "/qdrant.Points/ClearPayload",
    "/qdrant.Points/Count",
    "/qdrant.Points/CreateVectorName",
    "/qdrant.Points/Delete",
    "/qdrant.Points/DeletePayload",
    "/qdrant.Points/DeleteVectorName",
    "/qdrant.Points/Discover",
    "/qdrant.Points/DiscoverBatch",
    "/qdrant.Points/Facet",
    "/qdrant.Points/Get",
    "/qdrant.Points/OverwritePayload",
    "/qdrant.Points/Query",
    "/qdrant.Points/QueryBatch",
    "/qdrant.Points/QueryGroups",
    "/qdrant.Points/Recommend",
    "/qdrant.Points/RecommendBatch",
    "/qdrant.Points/RecommendGroups",
    "/qdrant.Points/Scroll",
    "/qdrant.Points/Search",
    "/qdrant.Points/SearchBatch",
    "/qdrant.Points/SearchGroups",
    "/qdrant.Points/SetPayload",
    "/qdrant.Points/UpdateBatch",
    "/qdrant.Points/UpdateVectors",
    "/qdrant.Points/Upsert",
};

constexpr std::string_view kRestEndpointWhitelist[] = {
    "/collections/{collection_name}/index",
    "/collections/{collection_name}/points",
    "/collections/{collection_name}/points/batch",
    "/collections/{collection_name}/points/count",
    "/collections/{collection_name}/points/delete",
    "/collections/{collection_name}/points/discover",
    "/collections/{collection_name}/points/discover/batch",
    "/collections/{collection_name}/points/facet",
    "/collections/{collection_name}/points/payload",
    "/collections/{collection_name}/points/payload/clear",
    "/collections/{collection_name}/points/payload/delete",
    "/collections/{collection_name}/points/query",
    "/collections/{collection_name}/points/query/batch",
    "/collections/{collection_name}/points/query/groups",
    "/collections/{collection_name}/points/recommend",
    "/collections/{collection_name}/points/recommend/batch",
    "/collections/{collection_name}/points/recommend/groups",
    "/collections/{collection_name}/points/scroll",
    "/collections/{collection_name}/points/search",
    "/collections/{collection_name}/points/search/batch",
    "/collections/{collection_name}/points/search/groups",
    "/collections/{collection_name}/points/search/matrix/offsets",
    "/collections/{collection_name}/points/search/matrix/pairs",
    "/collections/{collection_name}/points/vectors",
    "/collections/{collection_name}/points/vectors/delete",
    "/collections/{collection_name}/vectors/{vector_name}",
};

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string label_text(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first + "=\"" + escape_label(labels[i].second) + "\"";
  }
  return out + "}";
}

struct Sample {
  Labels labels;
  double value = 0;
};

class Writer {
 public:
  explicit Writer(std::string prefix) : prefix_(std::move(prefix)) {}

  void family(std::string_view name, std::string_view help, std::string_view type,
              const std::vector<Sample>& samples) {
    if (samples.empty()) return;
    std::string full = prefix_ + std::string(name);
    out_ += "# HELP " + full + " " + std::string(help) + "\n";
    out_ += "# TYPE " + full + " " + std::string(type) + "\n";
    for (const auto& sample : samples) {
      out_ += full + label_text(sample.labels) + " " + format_metric_value(sample.value) + "\n";
    }
  }

  void gauge(std::string_view name, std::string_view help, double value) {
    family(name, help, "gauge", {Sample{{}, value}});
  }

  void histogram(std::string_view name, std::string_view help,
                 const std::vector<std::pair<Labels, OperationStatistics>>& series) {
    if (series.empty()) return;
    std::string full = prefix_ + std::string(name);
    out_ += "# HELP " + full + " " + std::string(help) + "\n";
    out_ += "# TYPE " + full + " histogram\n";
    for (const auto& [labels, stats] : series) {
      for (size_t i = 0; i < kDurationBucketsSeconds.size(); ++i) {
        Labels with_le = labels;
        with_le.emplace_back("le", format_metric_value(kDurationBucketsSeconds[i]));
        out_ += full + "_bucket" + label_text(with_le) + " " +
                format_metric_value(static_cast<double>(stats.cumulative_buckets[i])) + "\n";
      }
      Labels with_inf = labels;
      with_inf.emplace_back("le", "+Inf");
      out_ += full + "_bucket" + label_text(with_inf) + " " +
              format_metric_value(static_cast<double>(stats.count)) + "\n";
      out_ += full + "_sum" + label_text(labels) + " " + format_metric_value(stats.total_seconds) +
              "\n";
      out_ += full + "_count" + label_text(labels) + " " +
              format_metric_value(static_cast<double>(stats.count)) + "\n";
    }
  }

  std::string take() { return std::move(out_); }

 private:
  std::string prefix_;
  std::string out_;
};

}  // namespace

bool is_grpc_metrics_endpoint(std::string_view method) {
  return std::binary_search(std::begin(kGrpcEndpointWhitelist), std::end(kGrpcEndpointWhitelist),
                            method);
}

bool is_metrics_endpoint(std::string_view pattern) {
  return std::binary_search(std::begin(kRestEndpointWhitelist), std::end(kRestEndpointWhitelist),
                            pattern);
}

std::string format_metric_value(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  if (ec != std::errc()) return "0";
  return std::string(buffer, end);
}

namespace {

// The <wire>_responses_* families of one wire.
struct ResponseSeries {
  std::vector<Sample> totals, averages, minimums, maximums;
  std::vector<std::pair<Labels, OperationStatistics>> histograms;

  void add(const Labels& labels, const OperationStatistics& stats, bool with_timings) {
    totals.push_back({labels, static_cast<double>(stats.count)});
    if (!with_timings) return;
    averages.push_back({labels, stats.avg_seconds});
    minimums.push_back({labels, stats.min_seconds});
    maximums.push_back({labels, stats.max_seconds});
    histograms.emplace_back(labels, stats);
  }
};

// REST keys are "METHOD pattern"; Qdrant reports timings for successful responses only.
void add_rest_responses(ResponseSeries& series, const ResponseTable& table,
                        const std::string* collection) {
  for (const auto& [key, by_status] : table) {
    size_t space = key.find(' ');
    if (space == std::string::npos) continue;
    std::string method = key.substr(0, space);
    std::string endpoint = key.substr(space + 1);
    if (!is_metrics_endpoint(endpoint)) continue;
    for (const auto& [status, stats] : by_status) {
      Labels labels = {
          {"method", method}, {"endpoint", endpoint}, {"status", std::to_string(status)}};
      if (collection) labels.emplace_back("collection", *collection);
      series.add(labels, stats, status == 200);
    }
  }
}

// gRPC keys are full method names, statuses gRPC codes; timings are given for every status.
void add_grpc_responses(ResponseSeries& series, const ResponseTable& table) {
  for (const auto& [endpoint, by_status] : table) {
    if (!is_grpc_metrics_endpoint(endpoint)) continue;
    for (const auto& [status, stats] : by_status)
      series.add({{"endpoint", endpoint}, {"status", std::to_string(status)}}, stats, true);
  }
}

void write_response_series(Writer& writer, const std::string& wire, const ResponseSeries& series) {
  writer.family(wire + "_responses_total", "total number of responses", "counter", series.totals);
  writer.family(wire + "_responses_avg_duration_seconds", "average response duration", "gauge",
                series.averages);
  writer.family(wire + "_responses_min_duration_seconds", "minimum response duration", "gauge",
                series.minimums);
  writer.family(wire + "_responses_max_duration_seconds", "maximum response duration", "gauge",
                series.maximums);
  writer.histogram(wire + "_responses_duration_seconds", "response duration histogram",
                   series.histograms);
}

}  // namespace

std::string render_metrics(const MetricsInput& input) {
  const std::string global_prefix = input.prefix.value_or("");
  Writer writer(global_prefix);
  writer.family("app_info", "information about qdrant server", "gauge",
                {Sample{{{"name", input.app_name}, {"version", input.app_version}}, 1.0}});
  writer.gauge("app_status_recovery_mode", "features enabled in qdrant server",
               input.recovery_mode ? 1.0 : 0.0);
  writer.gauge("collections_total", "number of collections",
               static_cast<double>(input.collections_total));
  writer.gauge("collections_vector_total", "total number of vectors in all collections",
               static_cast<double>(input.vectors_total));
  std::vector<Sample> vectors, excluded, running, points, zero_by_id;
  for (const auto& collection : input.collections) {
    for (const auto& [vector_name, count] : collection.vectors_by_name) {
      vectors.push_back(
          {{{"collection", collection.name}, {"vector", vector_name}}, static_cast<double>(count)});
      excluded.push_back({{{"id", collection.name}, {"vector", vector_name}}, 0.0});
    }
    running.push_back(
        {{{"id", collection.name}}, static_cast<double>(collection.running_optimizations)});
    points.push_back({{{"id", collection.name}}, static_cast<double>(collection.points)});
    zero_by_id.push_back({{{"id", collection.name}}, 0.0});
  }
  std::vector<Sample> queue_lengths;
  for (const auto& collection : input.collections) {
    queue_lengths.push_back(
        {{{"id", collection.name}}, static_cast<double>(collection.pending_updates)});
  }
  writer.family("collection_vectors", "amount of vectors grouped by vector name", "gauge", vectors);
  writer.family("collection_indexed_only_excluded_points",
                "amount of points excluded in indexed_only requests", "gauge", excluded);
  // A single node holds one active replica of every shard.
  double replicas = input.collections_total > 0 ? 1.0 : 0.0;
  writer.gauge("collection_active_replicas_min",
               "minimum number of active replicas across all shards", replicas);
  writer.gauge("collection_active_replicas_max",
               "maximum number of active replicas across all shards", replicas);
  writer.family("collection_running_optimizations",
                "number of currently running optimization tasks per collection", "gauge", running);
  writer.family("collection_points", "approximate amount of points per collection", "gauge",
                points);
  writer.gauge("collection_dead_replicas", "total amount of shard replicas in non-active state",
               0.0);
  writer.family("snapshot_creation_running",
                "amount of snapshot creations that are currently running", "gauge", zero_by_id);
  writer.family("snapshot_recovery_running",
                "amount of snapshot recovery operations currently running", "gauge", zero_by_id);
  writer.family("snapshot_created_total", "total amount of snapshots created", "counter",
                zero_by_id);
  writer.family("collection_shard_transfer_incoming", "incoming shard transfers currently running",
                "gauge", zero_by_id);
  writer.family("collection_shard_transfer_outgoing", "outgoing shard transfers currently running",
                "gauge", zero_by_id);
  writer.family("collection_update_queue_length",
                "number of pending operations in update queues per collection", "gauge",
                queue_lengths);
  writer.family("collection_update_queue_deferred_points",
                "number of points currently hidden during read operations as they're not yet "
                "optimized",
                "gauge", zero_by_id);
  writer.gauge("cluster_enabled", "is cluster support enabled", 0.0);

  const MemoryFigures& memory = input.memory;
  writer.gauge("memory_active_bytes",
               "Total number of bytes in active pages allocated by the application",
               static_cast<double>(memory.active_bytes));
  writer.gauge("memory_allocated_bytes", "Total number of bytes allocated by the application",
               static_cast<double>(memory.allocated_bytes));
  writer.gauge("memory_metadata_bytes", "Total number of bytes dedicated to metadata",
               static_cast<double>(memory.metadata_bytes));
  writer.gauge("memory_resident_bytes",
               "Maximum number of bytes in physically resident data pages mapped",
               static_cast<double>(memory.resident_bytes));
  writer.gauge("memory_retained_bytes", "Total number of bytes in virtual memory mappings",
               static_cast<double>(memory.retained_bytes));
  const ProcessFigures& process = input.process;
  writer.gauge("process_threads", "count of active threads", static_cast<double>(process.threads));
  writer.gauge("process_open_mmaps", "count of open mmaps",
               static_cast<double>(process.open_mmaps));
  writer.gauge("system_max_mmaps", "system wide limit of open mmaps",
               static_cast<double>(process.system_max_mmaps));
  writer.gauge("process_open_fds", "count of currently open file descriptors",
               static_cast<double>(process.open_fds));
  writer.gauge("process_max_fds", "limit for open file descriptors",
               static_cast<double>(process.max_fds));
  writer.family("process_minor_page_faults_total",
                "count of minor page faults which didn't cause a disk access", "counter",
                {Sample{{}, static_cast<double>(process.minor_page_faults)}});
  writer.family("process_major_page_faults_total",
                "count of disk accesses caused by a mmap page fault", "counter",
                {Sample{{}, static_cast<double>(process.major_page_faults)}});

  ResponseSeries response_series;
  if (input.per_collection_responses) {
    for (const auto& [collection, table] : *input.per_collection_responses) {
      add_rest_responses(response_series, table, &collection);
    }
  } else {
    add_rest_responses(response_series, input.rest_responses, nullptr);
  }
  write_response_series(writer, "rest", response_series);
  // gRPC statistics carry no collection: in per-collection mode there are none to give.
  ResponseSeries grpc_series;
  if (!input.per_collection_responses) add_grpc_responses(grpc_series, input.grpc_responses);
  write_response_series(writer, "grpc", grpc_series);
  return writer.take();
}

}  // namespace sextant::server
