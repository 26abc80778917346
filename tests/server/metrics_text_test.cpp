// Prometheus text: Qdrant's names, labels, whitelist and histogram layout.
#include "server/metrics_text.hpp"

#include <gtest/gtest.h>

namespace sextant::server {
namespace {

MetricsInput sample_input() {
  RequestMetrics metrics;
  using std::chrono::milliseconds;
  metrics.record("POST", "/collections/{collection_name}/points/query", 200, milliseconds(3));
  metrics.record("POST", "/collections/{collection_name}/points/query", 200, milliseconds(30));
  metrics.record("POST", "/collections/{collection_name}/points/query", 404, milliseconds(1));
  metrics.record("GET", "/collections", 200, milliseconds(1));  // not whitelisted
  MetricsInput input;
  input.app_version = "1.19.0";
  input.collections_total = 2;
  input.vectors_total = 40;
  input.rest_responses = metrics.snapshot();
  return input;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(MetricsTextTest, ServiceFamilies) {
  std::string text = render_metrics(sample_input());
  EXPECT_TRUE(contains(text,
                       "# HELP app_info information about qdrant server\n"
                       "# TYPE app_info gauge\n"
                       "app_info{name=\"qdrant\",version=\"1.19.0\"} 1\n"));
  EXPECT_TRUE(contains(text, "collections_total 2\n"));
  EXPECT_TRUE(contains(text, "collections_vector_total 40\n"));
  EXPECT_TRUE(contains(text, "app_status_recovery_mode 0\n"));
}

TEST(MetricsTextTest, RestResponsesForWhitelistedEndpointsOnly) {
  std::string text = render_metrics(sample_input());
  const std::string labels =
      "{method=\"POST\",endpoint=\"/collections/{collection_name}/points/query\",status=\"200\"}";
  EXPECT_TRUE(contains(text, "# TYPE rest_responses_total counter\n"));
  EXPECT_TRUE(contains(text, "rest_responses_total" + labels + " 2\n"));
  EXPECT_TRUE(contains(text,
                       "rest_responses_total{method=\"POST\",endpoint=\"/collections/"
                       "{collection_name}/points/query\",status=\"404\"} 1\n"));
  EXPECT_FALSE(contains(text, "endpoint=\"/collections\""));
  // Timings only for 200.
  EXPECT_FALSE(contains(text,
                        "rest_responses_avg_duration_seconds{method=\"POST\",endpoint=\"/"
                        "collections/{collection_name}/points/query\",status=\"404\"}"));
  EXPECT_TRUE(contains(text, "rest_responses_max_duration_seconds" + labels + " 0.03"));
  EXPECT_TRUE(contains(text, "rest_responses_min_duration_seconds" + labels + " 0.003"));
}

TEST(MetricsTextTest, HistogramIsCumulativeWithInf) {
  std::string text = render_metrics(sample_input());
  const std::string base =
      "rest_responses_duration_seconds_bucket{method=\"POST\",endpoint=\"/collections/"
      "{collection_name}/points/query\",status=\"200\",le=\"";
  EXPECT_TRUE(contains(text, base + "0.001\"} 0\n"));
  EXPECT_TRUE(contains(text, base + "0.005\"} 1\n"));
  EXPECT_TRUE(contains(text, base + "0.05\"} 2\n"));
  EXPECT_TRUE(contains(text, base + "50\"} 2\n"));
  EXPECT_TRUE(contains(text, base + "+Inf\"} 2\n"));
  EXPECT_TRUE(contains(text, "rest_responses_duration_seconds_count{method=\"POST\""));
  EXPECT_TRUE(contains(text, "# TYPE rest_responses_duration_seconds histogram\n"));
}

TEST(MetricsTextTest, PrefixAppliesToEveryFamily) {
  MetricsInput input = sample_input();
  input.prefix = "qdrant_";
  std::string text = render_metrics(input);
  EXPECT_TRUE(contains(text, "\nqdrant_collections_total 2\n"));
  EXPECT_TRUE(contains(text, "qdrant_rest_responses_total{"));
  EXPECT_FALSE(contains(text, "\ncollections_total"));
}

TEST(MetricsTextTest, NoRestFamiliesWithoutTraffic) {
  MetricsInput input;
  input.app_version = "1.19.0";
  EXPECT_FALSE(contains(render_metrics(input), "rest_responses"));
}

TEST(MetricsTextTest, PerCollectionSeries) {
  MetricsInput input = sample_input();
  api::CollectionFigures docs;
  docs.name = "docs";
  docs.points = 7;
  docs.vectors_by_name = {{"", 7}, {"title", 5}};
  docs.running_optimizations = 1;
  input.collections.push_back(docs);
  std::string text = render_metrics(input);
  EXPECT_TRUE(contains(text, "collection_points{id=\"docs\"} 7\n"));
  EXPECT_TRUE(contains(text, "collection_vectors{collection=\"docs\",vector=\"\"} 7\n"));
  EXPECT_TRUE(contains(text, "collection_vectors{collection=\"docs\",vector=\"title\"} 5\n"));
  EXPECT_TRUE(contains(text, "collection_running_optimizations{id=\"docs\"} 1\n"));
  EXPECT_TRUE(contains(text, "# TYPE snapshot_created_total counter\n"));
  EXPECT_TRUE(contains(text, "collection_update_queue_length{id=\"docs\"} 0\n"));
}

TEST(MetricsTextTest, PerCollectionResponsesCarryACollectionLabel) {
  RequestMetrics metrics;
  metrics.record("POST", "/collections/{collection_name}/points/count", 200,
                 std::chrono::milliseconds(2), std::string_view("docs"));
  metrics.record("GET", "/telemetry", 200, std::chrono::milliseconds(2));
  MetricsInput input;
  input.rest_responses = metrics.snapshot();
  input.per_collection_responses = metrics.per_collection_snapshot();
  std::string text = render_metrics(input);
  EXPECT_TRUE(contains(text,
                       "rest_responses_total{method=\"POST\",endpoint=\"/collections/"
                       "{collection_name}/points/count\",status=\"200\",collection=\"docs\"} 1\n"));
  input.per_collection_responses.reset();
  EXPECT_FALSE(contains(render_metrics(input), "collection=\"docs\""));
}

TEST(MetricsTextTest, ValueFormatting) {
  EXPECT_EQ(format_metric_value(1.0), "1");
  EXPECT_EQ(format_metric_value(0.005), "0.005");
  EXPECT_EQ(format_metric_value(1234567.0), "1234567");
  EXPECT_EQ(format_metric_value(0.0), "0");
}

TEST(MetricsTextTest, GrpcResponsesForWhitelistedMethodsWithTimingsForEveryStatus) {
  RequestMetrics grpc;
  using std::chrono::milliseconds;
  grpc.record("", "/qdrant.Points/Search", 0, milliseconds(2));
  grpc.record("", "/qdrant.Points/Search", 5, milliseconds(1));     // NOT_FOUND
  grpc.record("", "/qdrant.Collections/List", 0, milliseconds(1));  // not whitelisted
  MetricsInput input = sample_input();
  input.grpc_responses = grpc.snapshot();
  std::string text = render_metrics(input);
  EXPECT_TRUE(contains(text, "# TYPE grpc_responses_total counter\n"));
  EXPECT_TRUE(
      contains(text, "grpc_responses_total{endpoint=\"/qdrant.Points/Search\",status=\"0\"} 1\n"));
  EXPECT_TRUE(
      contains(text, "grpc_responses_total{endpoint=\"/qdrant.Points/Search\",status=\"5\"} 1\n"));
  EXPECT_TRUE(contains(text,
                       "grpc_responses_max_duration_seconds{endpoint=\"/qdrant.Points/"
                       "Search\",status=\"5\"} 0.001"));
  EXPECT_TRUE(
      contains(text, "grpc_responses_duration_seconds_count{endpoint=\"/qdrant.Points/Search\""));
  EXPECT_FALSE(contains(text, "Collections/List"));

  input.per_collection_responses = PerCollectionResponseTable{};
  EXPECT_FALSE(contains(render_metrics(input), "grpc_responses_total"));
}

}  // namespace
}  // namespace sextant::server
