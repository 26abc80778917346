// The Collections converters: a protobuf request in, the REST body out (what the REST parser
// reads), and a REST result in, the protobuf response out, field by field.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "collections.pb.h"
#include "grpc/collections/collection_info_from_json.hpp"
#include "grpc/proto_json.hpp"
#include "grpc/route_reply.hpp"
#include "snapshots_service.pb.h"

namespace sextant::grpc_wire {
namespace {

boost::json::value json(std::string_view text) { return boost::json::parse(text); }

TEST(CollectionRequestToJson, CreateCollectionBecomesTheRestBody) {
  qdrant::CreateCollection create;
  create.set_collection_name("docs");
  create.set_timeout(7);
  auto& vectors = *create.mutable_vectors_config()->mutable_params_map()->mutable_map();
  vectors["text"].set_size(4);
  vectors["text"].set_distance(qdrant::Cosine);
  vectors["text"].mutable_quantization_config()->mutable_scalar()->set_type(qdrant::Int8);
  vectors["colbert"].set_size(3);
  vectors["colbert"].set_distance(qdrant::Dot);
  vectors["colbert"].set_datatype(qdrant::Float16);
  vectors["colbert"].mutable_multivector_config()->set_comparator(qdrant::MaxSim);
  (*create.mutable_sparse_vectors_config()->mutable_map())["kw"].set_modifier(qdrant::Idf);
  create.mutable_hnsw_config()->set_m(8);
  create.mutable_optimizers_config()->mutable_max_optimization_threads()->set_value(2);
  create.set_sharding_method(qdrant::Custom);
  (*create.mutable_metadata())["team"].set_string_value("search");
  (*create.mutable_metadata())["level"].set_integer_value(3);

  EXPECT_EQ(json(request_body(create, {"collection_name", "timeout"})), json(R"({
    "vectors": {
      "text": {"size": 4, "distance": "Cosine", "quantization_config": {"scalar": {"type": "int8"}}},
      "colbert": {"size": 3, "distance": "Dot", "datatype": "float16",
                  "multivector_config": {"comparator": "max_sim"}}
    },
    "sparse_vectors": {"kw": {"modifier": "idf"}},
    "hnsw_config": {"m": 8},
    "optimizers_config": {"max_optimization_threads": 2},
    "sharding_method": "custom",
    "metadata": {"team": "search", "level": 3}
  })"));
}

TEST(CollectionRequestToJson, UnnamedVectorAndDisabledQuantizationDiff) {
  qdrant::UpdateCollection update;
  update.set_collection_name("docs");
  update.mutable_quantization_config()->mutable_disabled();
  update.mutable_optimizers_config()->mutable_max_optimization_threads()->set_setting(
      qdrant::MaxOptimizationThreads::Auto);
  update.mutable_params()->set_replication_factor(2);
  EXPECT_EQ(json(request_body(update, {"collection_name"})), json(R"({
    "quantization_config": "Disabled",
    "optimizers_config": {"max_optimization_threads": "auto"},
    "params": {"replication_factor": 2}
  })"));

  qdrant::CreateCollection create;
  create.mutable_vectors_config()->mutable_params()->set_size(2);
  create.mutable_vectors_config()->mutable_params()->set_distance(qdrant::Euclid);
  EXPECT_EQ(json(request_body(create, {"collection_name"})),
            json(R"({"vectors": {"size": 2, "distance": "Euclid"}})"));
}

TEST(CollectionRequestToJson, AliasActionsAndShardKeys) {
  qdrant::ChangeAliases change;
  auto* create = change.add_actions()->mutable_create_alias();
  create->set_collection_name("docs");
  create->set_alias_name("latest");
  change.add_actions()->mutable_delete_alias()->set_alias_name("old");
  EXPECT_EQ(json(request_body(change, {"timeout"})), json(R"({"actions": [
    {"create_alias": {"collection_name": "docs", "alias_name": "latest"}},
    {"delete_alias": {"alias_name": "old"}}]})"));

  qdrant::CreateShardKey key;
  key.mutable_shard_key()->set_number(7);
  key.set_shards_number(2);
  EXPECT_EQ(message_to_json(key), json(R"({"shard_key": 7, "shards_number": 2})"));
}

TEST(CollectionInfoFromJson, RestCollectionInfoBecomesTheMessage) {
  qdrant::CollectionInfo info;
  std::string error;
  ASSERT_TRUE(collection_info_from_json(json(R"({
    "status": "yellow", "optimizer_status": {"error": "disk full"},
    "segments_count": 3, "points_count": 10, "indexed_vectors_count": 4,
    "config": {
      "params": {"vectors": {"a": {"size": 4, "distance": "Manhattan", "on_disk": true}},
                 "shard_number": 1, "sharding_method": "auto", "replication_factor": 1,
                 "write_consistency_factor": 1, "on_disk_payload": true,
                 "sparse_vectors": {"s": {"index": {"on_disk": false}}}},
      "hnsw_config": {"m": 16, "ef_construct": 100, "full_scan_threshold": 10000},
      "optimizer_config": {"deleted_threshold": 0.2, "max_optimization_threads": null,
                           "max_segment_size": null, "indexing_threshold": 10000},
      "wal_config": {"wal_capacity_mb": 32, "wal_segments_ahead": 0},
      "quantization_config": null, "metadata": {"owner": {"team": "search"}}
    },
    "payload_schema": {
      "city": {"data_type": "keyword", "params": {"type": "keyword", "is_tenant": true},
               "points": 9},
      "n": {"data_type": "integer", "points": 2}
    },
    "warnings": [{"message": "slow"}],
    "update_queue": {"length": 5}
  })"),
                                        &info, &error))
      << error;
  EXPECT_EQ(info.status(), qdrant::Yellow);
  EXPECT_FALSE(info.optimizer_status().ok());
  EXPECT_EQ(info.optimizer_status().error(), "disk full");
  EXPECT_EQ(info.segments_count(), 3u);
  EXPECT_EQ(info.points_count(), 10u);
  EXPECT_EQ(info.indexed_vectors_count(), 4u);
  const auto& params = info.config().params();
  const auto& a = params.vectors_config().params_map().map().at("a");
  EXPECT_EQ(a.size(), 4u);
  EXPECT_EQ(a.distance(), qdrant::Manhattan);
  EXPECT_TRUE(a.on_disk());
  EXPECT_EQ(params.sharding_method(), qdrant::Auto);
  EXPECT_TRUE(params.sparse_vectors_config().map().contains("s"));
  EXPECT_EQ(info.config().hnsw_config().m(), 16u);
  EXPECT_FALSE(info.config().optimizer_config().has_max_optimization_threads());
  EXPECT_EQ(info.config().wal_config().wal_capacity_mb(), 32u);
  EXPECT_FALSE(info.config().has_quantization_config());
  EXPECT_EQ(info.config().metadata().at("owner").struct_value().fields().at("team").string_value(),
            "search");
  const auto& city = info.payload_schema().at("city");
  EXPECT_EQ(city.data_type(), qdrant::Keyword);
  EXPECT_TRUE(city.params().keyword_index_params().is_tenant());
  EXPECT_EQ(city.points(), 9u);
  EXPECT_EQ(info.payload_schema().at("n").data_type(), qdrant::Integer);
  ASSERT_EQ(info.warnings_size(), 1);
  EXPECT_EQ(info.warnings(0).message(), "slow");
  EXPECT_EQ(info.update_queue().length(), 5u);
}

TEST(CollectionInfoFromJson, NumericOptimizerThreadsFillTheDeprecatedFieldToo) {
  qdrant::CollectionInfo info;
  std::string error;
  ASSERT_TRUE(collection_info_from_json(json(R"({"status": "green", "optimizer_status": "ok",
               "config": {"optimizer_config": {"max_optimization_threads": 3}}})"),
                                        &info, &error));
  EXPECT_TRUE(info.optimizer_status().ok());
  EXPECT_EQ(info.config().optimizer_config().max_optimization_threads().value(), 3u);
  EXPECT_EQ(info.config().optimizer_config().deprecated_max_optimization_threads(), 3u);
}

TEST(RouteReply, SnapshotDescriptionsWithTimestamps) {
  DecodedReply reply;
  reply.result = json(R"([{"name": "c-1.snapshot", "creation_time": "2024-05-06T07:08:09.5",
                           "size": 4096, "checksum": "ab"}])");
  reply.time_seconds = 0.25;
  qdrant::ListSnapshotsResponse response;
  ASSERT_TRUE(fill_response(reply, &response, "snapshot_descriptions").ok());
  ASSERT_EQ(response.snapshot_descriptions_size(), 1);
  const auto& description = response.snapshot_descriptions(0);
  EXPECT_EQ(description.name(), "c-1.snapshot");
  EXPECT_EQ(description.creation_time().seconds(), 1714979289);
  EXPECT_EQ(description.creation_time().nanos(), 500000000);
  EXPECT_EQ(description.size(), 4096);
  EXPECT_EQ(description.checksum(), "ab");
  EXPECT_DOUBLE_EQ(response.time(), 0.25);
}

TEST(RouteReply, ErrorsKeepTheRouteStatusAndText) {
  DecodedReply reply =
      decode_reply({404, R"({"status":{"error":"Not found: Collection `x` doesn't exist!"}})"});
  qdrant::CollectionOperationResponse response;
  ::grpc::Status status = fill_response(reply, &response, "result");
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "Not found: Collection `x` doesn't exist!");
  EXPECT_EQ(status_code_for_http(405), ::grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(status_code_for_http(429), ::grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status_code_for_http(409), ::grpc::StatusCode::ALREADY_EXISTS);
}

TEST(ProtoJson, WrongKindsAreRefusedNotCrashed) {
  qdrant::CollectionInfo info;
  std::string error;
  EXPECT_FALSE(json_to_message(json(R"({"segments_count": "many"})"), &info, &error));
  EXPECT_NE(error.find("segments_count"), std::string::npos);
  EXPECT_FALSE(json_to_message(json(R"({"status": "purple"})"), &info, &error));
  EXPECT_FALSE(json_to_message(json(R"({"config": []})"), &info, &error));
  EXPECT_TRUE(json_to_message(json(R"({"unknown": 1, "points_count": null})"), &info, &error));
}

}  // namespace
}  // namespace sextant::grpc_wire
