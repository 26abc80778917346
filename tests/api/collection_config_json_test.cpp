// Qdrant's CollectionConfig JSON <-> the typed configuration: a config with every section
// round-trips, a stored (pre-typed) config reads back to the same JSON, and create bodies fill
// the defaults as reported.
#include "api/config/collection_config_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/config/collection_config.hpp"

namespace sextant::api {
namespace {
namespace json = boost::json;
using namespace storage;

CollectionConfig every_section() {
  CollectionConfig config = default_collection_config(CollectionDefaults{});
  CollectionParams& params = config.params;
  VectorParams image;
  image.name = "image";
  image.size = 512;
  image.distance = Distance::kDot;
  image.hnsw_config = HnswConfigDiff{};
  image.hnsw_config->m = 32;
  image.hnsw_config->on_disk = true;
  image.hnsw_config->memory = "cold";
  image.quantization_config = BinaryQuantizationConfig{
      index::BinaryEncoding::kTwoBits, BinaryQueryEncoding::kScalar8Bits, true, {}};
  image.on_disk = false;
  image.memory = "cached";
  image.datatype = Datatype::kFloat16;
  VectorParams colbert;
  colbert.name = "colbert";
  colbert.size = 128;
  colbert.distance = Distance::kManhattan;
  colbert.multivector_comparator = MultivectorComparator::kMaxSim;
  colbert.quantization_disabled = true;
  VectorParams text;
  text.name = "text";
  text.size = 384;
  text.distance = Distance::kEuclid;
  text.quantization_config = TurboQuantizationConfig{index::TurboBits::kBits1_5, {}, "pinned"};
  VectorParams summary;
  summary.name = "summary";
  summary.size = 64;
  summary.quantization_config = ProductQuantizationConfig{32, false, {}};
  params.vectors = {image, colbert, text, summary};
  params.shard_number = 2;
  params.sharding_method = "custom";
  params.replication_factor = 3;
  params.write_consistency_factor = 2;
  params.read_fan_out_factor = 1;
  params.read_fan_out_delay_ms = 40;
  params.on_disk_payload = false;
  params.payload = PayloadStorageParams{"cold"};
  SparseIndexParams index{1000, true, "cached", Datatype::kUint8};
  params.sparse_vectors =
      std::vector<SparseVectorParams>{{"bm25", index, SparseModifier::kIdf}, {"splade", {}, {}}};
  config.hnsw_config.payload_m = 8;
  config.hnsw_config.inline_storage = true;
  OptimizersConfig& optimizer = config.optimizer_config;
  optimizer.deleted_threshold = 0.35;
  optimizer.max_segment_size = uint64_t{200000};
  optimizer.max_optimization_threads = std::string("auto");
  optimizer.prevent_unoptimized = true;
  config.wal_config = WalConfig{64, 2, 3};
  config.quantization_config = ScalarQuantizationConfig{0.99, true, {}};
  StrictModeConfig& strict = config.strict_mode_config.emplace();
  strict.enabled = true;
  strict.max_query_limit = 100;
  strict.search_max_oversampling = 1.5;
  strict.unindexed_filtering_update = false;
  strict.multivector_config =
      std::vector<std::pair<std::string, std::optional<uint64_t>>>{{"colbert", 32}};
  strict.sparse_config =
      std::vector<std::pair<std::string, std::optional<uint64_t>>>{{"bm25", std::nullopt}};
  config.metadata = json::object{{"team", "search"}, {"nested", json::object{{"a", 1}}}};
  return config;
}

TEST(CollectionConfigJson, EverySectionRoundTrips) {
  const CollectionConfig config = every_section();
  const json::object written = collection_config_json(config);
  auto read = collection_config_from_json(written);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_TRUE(read.value() == config) << json::serialize(written);
  EXPECT_EQ(collection_config_json(read.value()), written);

  JsonCollectionConfigCodec codec;
  auto decoded = codec.decode(codec.encode(config));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(decoded.value() == config);
}

TEST(CollectionConfigJson, WritesQdrantsShape) {
  const json::object written = collection_config_json(every_section());
  const json::object& params = written.at("params").as_object();
  const json::object& image = params.at("vectors").at("image").as_object();
  EXPECT_EQ(image.at("quantization_config"),
            json::parse(R"({"binary": {"encoding": "two_bits", "query_encoding": "scalar8bits",
                                       "always_ram": true}})"));
  EXPECT_EQ(params.at("vectors").at("colbert").at("quantization_config"), json::value("Disabled"));
  EXPECT_EQ(params.at("vectors").at("colbert").at("multivector_config"),
            json::parse(R"({"comparator": "max_sim"})"));
  EXPECT_EQ(params.at("vectors").at("summary").at("quantization_config"),
            json::parse(R"({"product": {"compression": "x32", "always_ram": false}})"));
  EXPECT_EQ(params.at("sparse_vectors"),
            json::parse(R"({"bm25": {"index": {"full_scan_threshold": 1000, "on_disk": true,
                            "memory": "cached", "datatype": "uint8"}, "modifier": "idf"},
                            "splade": {}})"));
  EXPECT_EQ(written.at("quantization_config"),
            json::parse(R"({"scalar": {"type": "int8", "quantile": 0.99, "always_ram": true}})"));
  EXPECT_EQ(written.at("optimizer_config").at("max_optimization_threads"), json::value("auto"));
  EXPECT_TRUE(written.at("optimizer_config").at("memmap_threshold").is_null());
  EXPECT_EQ(written.at("strict_mode_config").at("sparse_config"), json::parse(R"({"bm25": {}})"));
}

// The configuration as the catalog held it before it was typed (written by the create body
// parser of that time): it must read back to the same JSON.
TEST(CollectionConfigJson, StoredConfigReadsBackUnchanged) {
  const json::object stored = json::parse(R"({
    "params": {"vectors": {"dense": {"size": 3, "distance": "Cosine",
                                     "hnsw_config": {"m": 8}, "datatype": "uint8"}},
               "shard_number": 1, "replication_factor": 1, "write_consistency_factor": 1,
               "on_disk_payload": true,
               "sparse_vectors": {"text": {"modifier": "idf"}}},
    "hnsw_config": {"m": 16, "ef_construct": 100, "full_scan_threshold": 10000,
                    "max_indexing_threads": 0, "on_disk": false},
    "optimizer_config": {"deleted_threshold": 0.2, "vacuum_min_vector_number": 1000,
                         "default_segment_number": 0, "max_segment_size": null,
                         "memmap_threshold": null, "indexing_threshold": 10000,
                         "flush_interval_sec": 5, "max_optimization_threads": null},
    "wal_config": {"wal_capacity_mb": 32, "wal_segments_ahead": 0, "wal_retain_closed": 1},
    "quantization_config": null,
    "strict_mode_config": {"enabled": false},
    "metadata": {"owner": "restart-test"}})")
                                  .as_object();
  auto read = collection_config_from_json(stored);
  ASSERT_TRUE(read.ok()) << read.error().message;
  json::object expected = stored;  // plus the flag Qdrant writes even when unset
  expected["optimizer_config"].as_object()["prevent_unoptimized"] = nullptr;
  EXPECT_EQ(collection_config_json(read.value()), expected);
}

// Before the configuration was typed, strict_mode_config was stored as given: a stored section
// that no longer reads is dropped instead of keeping the collection from opening.
TEST(CollectionConfigJson, UncheckedStoredStrictModeDoesNotBlockOpening) {
  const std::string stored = R"({
    "params": {"vectors": {"size": 3, "distance": "Dot"}},
    "hnsw_config": {"m": 16, "ef_construct": 100, "full_scan_threshold": 10000},
    "optimizer_config": {"deleted_threshold": 0.2, "vacuum_min_vector_number": 1000},
    "wal_config": {"wal_capacity_mb": 32},
    "strict_mode_config": {"enabled": "yes", "max_query_limit": "many"}})";
  JsonCollectionConfigCodec codec;
  auto decoded = codec.decode(stored);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_FALSE(decoded->strict_mode_config.has_value());
  ASSERT_EQ(decoded->params.vectors.size(), 1u);
  EXPECT_EQ(decoded->params.vectors[0].size, 3u);
  // A broken section that every collection needs still fails.
  EXPECT_FALSE(codec.decode(R"({"params": {"vectors": {"size": "three"}}})").ok());
}

TEST(CollectionConfigJson, CreateBodyFillsDefaults) {
  auto config = config_from_create_body(
      json::parse(R"({"vectors": {"size": 4, "distance": "Dot"}})").as_object(), ApiConfig{});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(collection_config_json(config.value()), json::parse(R"({
    "params": {"vectors": {"size": 4, "distance": "Dot"}, "shard_number": 1,
               "replication_factor": 1, "write_consistency_factor": 1, "on_disk_payload": true},
    "hnsw_config": {"m": 16, "ef_construct": 100, "full_scan_threshold": 10000,
                    "max_indexing_threads": 0, "on_disk": false},
    "optimizer_config": {"deleted_threshold": 0.2, "vacuum_min_vector_number": 1000,
                         "default_segment_number": 0, "max_segment_size": null,
                         "memmap_threshold": null, "indexing_threshold": 10000,
                         "flush_interval_sec": 5, "max_optimization_threads": null,
                         "prevent_unoptimized": null},
    "wal_config": {"wal_capacity_mb": 32, "wal_segments_ahead": 0, "wal_retain_closed": 1},
    "quantization_config": null})"));
}

TEST(CollectionConfigJson, UpdateBodyKeepsQdrantsErrors) {
  auto bad = parse_update_body(json::parse(R"({"hnsw_config": {"ef_construct": 2}})").as_object());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("[hnsw_config.ef_construct: value 2 invalid, must be 4 or "
                                     "larger]"),
            std::string::npos);
  auto update = parse_update_body(
      json::parse(R"({"optimizers_config": {"indexing_threshold": 0}, "metadata": {"b": 2}})")
          .as_object());
  ASSERT_TRUE(update.ok()) << update.error().message;
  ASSERT_TRUE(update->optimizers_config);
  EXPECT_EQ(update->optimizers_config->indexing_threshold, CountSetting(uint64_t{0}));
}

}  // namespace
}  // namespace sextant::api
