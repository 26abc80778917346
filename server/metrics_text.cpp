// Prometheus text exposition of the server's figures.
#include "server/metrics_text.hpp"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

namespace sextant::server {
namespace {

// Qdrant's REST_ENDPOINT_WHITELIST (sorted).
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
  // A single node holds one active replica of every shard.
  double replicas = input.collections_total > 0 ? 1.0 : 0.0;
  writer.gauge("collection_active_replicas_min",
               "minimum number of active replicas across all shards", replicas);
  writer.gauge("collection_active_replicas_max",
               "maximum number of active replicas across all shards", replicas);
  writer.gauge("collection_dead_replicas", "total amount of shard replicas in non-active state",
               0.0);
  writer.gauge("cluster_enabled", "is cluster support enabled", 0.0);

  std::vector<Sample> totals, averages, minimums, maximums;
  std::vector<std::pair<Labels, OperationStatistics>> histograms;
  for (const auto& [key, by_status] : input.rest_responses) {
    size_t space = key.find(' ');
    if (space == std::string::npos) continue;
    std::string method = key.substr(0, space);
    std::string endpoint = key.substr(space + 1);
    if (!is_metrics_endpoint(endpoint)) continue;
    for (const auto& [status, stats] : by_status) {
      Labels labels = {
          {"method", method}, {"endpoint", endpoint}, {"status", std::to_string(status)}};
      totals.push_back({labels, static_cast<double>(stats.count)});
      if (status != 200) continue;  // Qdrant reports timings for successful responses only
      averages.push_back({labels, stats.avg_seconds});
      minimums.push_back({labels, stats.min_seconds});
      maximums.push_back({labels, stats.max_seconds});
      histograms.emplace_back(labels, stats);
    }
  }
  writer.family("rest_responses_total", "total number of responses", "counter", totals);
  writer.family("rest_responses_avg_duration_seconds", "average response duration", "gauge",
                averages);
  writer.family("rest_responses_min_duration_seconds", "minimum response duration", "gauge",
                minimums);
  writer.family("rest_responses_max_duration_seconds", "maximum response duration", "gauge",
                maximums);
  writer.histogram("rest_responses_duration_seconds", "response duration histogram", histograms);
  return writer.take();
}

}  // namespace sextant::server
