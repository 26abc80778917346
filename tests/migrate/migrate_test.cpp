// migrate/: CollectionInfo -> CreateCollection, field-by-field comparison, arguments, cursors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>

#include "migrate/collection_translation.hpp"
#include "migrate/cursor_store.hpp"
#include "migrate/migrate_options.hpp"
#include "migrate/verifier.hpp"

namespace sextant::migrate {
namespace {

namespace json = boost::json;

TEST(CollectionTranslation, CopiesParamsAndConfigsDroppingNullsAndRenamingOptimizer) {
  json::value info = json::parse(R"({
    "status": "green", "points_count": 3,
    "config": {
      "params": {"vectors": {"dense": {"size": 4, "distance": "Dot", "datatype": "float16"}},
                 "sparse_vectors": {"text": {"modifier": "idf"}},
                 "shard_number": 1, "replication_factor": 1, "write_consistency_factor": 1,
                 "on_disk_payload": true},
      "hnsw_config": {"m": 12, "ef_construct": 64, "full_scan_threshold": 10000},
      "optimizer_config": {"deleted_threshold": 0.2, "max_optimization_threads": null},
      "wal_config": {"wal_capacity_mb": 32, "wal_segments_ahead": 0},
      "quantization_config": {"scalar": {"type": "int8", "quantile": null}},
      "metadata": {"owner": "x"}},
    "payload_schema": {
      "city": {"data_type": "keyword", "points": 3},
      "n": {"data_type": "integer", "params": {"type": "integer", "lookup": true, "range": false},
            "points": 3}}})");
  auto plan = plan_collection("docs", info, nullptr);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const json::object& body = plan->create_body;
  EXPECT_EQ(body.at("vectors"), info.at("config").at("params").at("vectors"));
  EXPECT_EQ(body.at("sparse_vectors").at("text").at("modifier"), "idf");
  EXPECT_EQ(body.at("on_disk_payload"), true);
  EXPECT_EQ(body.at("hnsw_config").at("m"), 12);
  EXPECT_FALSE(body.contains("optimizer_config"));
  EXPECT_EQ(body.at("optimizers_config"), json::parse(R"({"deleted_threshold": 0.2})"));
  EXPECT_EQ(body.at("quantization_config"), json::parse(R"({"scalar": {"type": "int8"}})"));
  EXPECT_EQ(body.at("metadata").at("owner"), "x");
  ASSERT_EQ(plan->payload_indexes.size(), 2u);
  std::map<std::string, json::value> indexes;
  for (const auto& index : plan->payload_indexes) indexes[index.field_name] = index.field_schema;
  EXPECT_EQ(indexes["city"], "keyword");
  EXPECT_EQ(indexes["n"], json::parse(R"({"type": "integer", "lookup": true, "range": false})"));
  EXPECT_FALSE(plan->custom_sharding);
}

TEST(CollectionTranslation, CustomShardingCollectsEachShardKeyOnce) {
  json::value info = json::parse(
      R"({"config": {"params": {"vectors": {"size": 2, "distance": "Dot"},
                                "sharding_method": "custom", "shard_number": 2}}})");
  json::value cluster = json::parse(R"({"local_shards": [
      {"shard_id": 1, "shard_key": "eu"}, {"shard_id": 2, "shard_key": "eu"},
      {"shard_id": 3, "shard_key": 7}], "remote_shards": []})");
  auto plan = plan_collection("c", info, cluster);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->custom_sharding);
  ASSERT_EQ(plan->shard_keys.size(), 2u);
  EXPECT_EQ(plan->shard_keys[0], "eu");
  EXPECT_EQ(plan->shard_keys[1], 7);
  EXPECT_EQ(plan->create_body.at("sharding_method"), "custom");
}

TEST(CollectionTranslation, InfoWithoutParamsIsAnError) {
  EXPECT_FALSE(plan_collection("c", json::parse(R"({"config": {}})"), nullptr).ok());
}

TEST(Verifier, PayloadNumbersCompareByValueAndStructureExactly) {
  EXPECT_TRUE(payload_equal(json::parse(R"({"a": 1, "b": [1.5, "x"]})"),
                            json::parse(R"({"b": [1.5, "x"], "a": 1.0})")));
  EXPECT_FALSE(payload_equal(json::parse(R"({"a": 1})"), json::parse(R"({"a": 1.0001})")));
  EXPECT_FALSE(payload_equal(json::parse(R"({"a": null})"), json::parse(R"({})")));
  EXPECT_FALSE(payload_equal(json::parse(R"([1, 2])"), json::parse(R"([2, 1])")));
}

TEST(Verifier, VectorsCompareWithinToleranceAndSparseInAnyOrder) {
  EXPECT_TRUE(vectors_equal(json::parse(R"({"d": [0.1, 0.2], "m": [[1, 2], [3, 4]]})"),
                            json::parse(R"({"m": [[1, 2], [3, 4.000001]], "d": [0.1, 0.2]})"),
                            1e-5));
  EXPECT_FALSE(vectors_equal(json::parse("[0.1, 0.2]"), json::parse("[0.1, 0.21]"), 1e-5));
  EXPECT_TRUE(vectors_equal(json::parse(R"({"indices": [3, 1], "values": [0.5, 0.25]})"),
                            json::parse(R"({"indices": [1, 3], "values": [0.25, 0.5]})"), 1e-5));
  EXPECT_FALSE(vectors_equal(json::parse(R"({"indices": [1], "values": [0.5]})"),
                             json::parse(R"({"indices": [2], "values": [0.5]})"), 1e-5));
  EXPECT_FALSE(vectors_equal(json::parse(R"({"a": [1]})"), json::parse(R"({"b": [1]})"), 1e-5));
}

TEST(MigrateOptions, FlagsWinOverEnvironmentAndBothFormsParse) {
  auto environment = [](const std::string& name) {
    return name == "SEXTANT_MIGRATE_FROM_API_KEY" ? std::string("env-key") : std::string();
  };
  auto options = parse_migrate_args({"--from", "http://a:1", "--to=https://b", "--batch-size=64",
                                     "--collections", "x,y", "--to-api-key", "k2"},
                                    environment);
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->source.api_key, "env-key");
  EXPECT_EQ(options->target.api_key, "k2");
  EXPECT_EQ(options->target.url, "https://b");
  EXPECT_EQ(options->batch_size, 64u);
  EXPECT_EQ(options->collections, (std::vector<std::string>{"x", "y"}));
}

TEST(MigrateOptions, MissingEndsAndBadNumbersAreUsageErrors) {
  auto none = [](const std::string&) { return std::string(); };
  auto missing = parse_migrate_args({"--from", "http://a"}, none);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "--to URL (or --to-storage PATH) is required");
  EXPECT_FALSE(parse_migrate_args({"--from", "a", "--to", "b", "--batch-size", "0"}, none).ok());
  EXPECT_FALSE(parse_migrate_args({"--from", "a", "--to", "b", "--bogus"}, none).ok());
  EXPECT_TRUE(parse_migrate_args({"--help"}, none)->help);
}

TEST(CursorStore, CursorsSurviveReopeningAndAnotherPairIsRefused) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("sextant-migrate-state-" + std::to_string(getpid()) + ".json");
  {
    auto store = CursorStore::open(path, "http://a", "http://b");
    ASSERT_TRUE(store.ok());
    EXPECT_FALSE((*store)->resumed());
    CollectionCursor cursor;
    cursor.created = true;
    cursor.next_offset = "5f1b1b4e-2c1a-4f7e-9a61-0c3d9d3c2a10";
    cursor.points_copied = 300;
    ASSERT_TRUE((*store)->put("docs", cursor).ok());
  }
  auto reopened = CursorStore::open(path, "http://a", "http://b");
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->resumed());
  CollectionCursor cursor = (*reopened)->get("docs");
  EXPECT_TRUE(cursor.recorded);
  EXPECT_TRUE(cursor.created);
  EXPECT_FALSE(cursor.done);
  EXPECT_EQ(cursor.points_copied, 300u);
  EXPECT_EQ(cursor.next_offset, "5f1b1b4e-2c1a-4f7e-9a61-0c3d9d3c2a10");
  EXPECT_FALSE((*reopened)->get("other").recorded);
  EXPECT_FALSE(CursorStore::open(path, "http://a", "http://c").ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace sextant::migrate
