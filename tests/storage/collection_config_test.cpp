// The typed collection configuration: defaults of a new collection, the merge rules of an
// update, and per-vector overrides over the collection-wide hnsw and quantization settings.
#include "storage/collection_config.hpp"

#include <gtest/gtest.h>

#include "storage/schema_from_config.hpp"

namespace sextant::storage {
namespace {

VectorParams vector_named(const std::string& name, uint64_t size, Distance distance) {
  VectorParams params;
  params.name = name;
  params.size = size;
  params.distance = distance;
  return params;
}

CollectionConfig two_vector_config() {
  CollectionConfig config = default_collection_config(CollectionDefaults{});
  config.params.vectors.push_back(vector_named("image", 4, Distance::kDot));
  config.params.vectors.push_back(vector_named("text", 8, Distance::kCosine));
  config.params.sparse_vectors = std::vector<SparseVectorParams>{{"bm25", {}, {}}};
  return config;
}

TEST(CollectionConfig, DefaultsComeFromTheServerDefaults) {
  CollectionDefaults defaults;
  defaults.hnsw_m = 32;
  defaults.indexing_threshold_kb = 0;
  defaults.default_segment_number = 2;
  defaults.on_disk_payload = false;
  const CollectionConfig config = default_collection_config(defaults);
  EXPECT_EQ(config.hnsw_config.m, 32u);
  EXPECT_EQ(config.hnsw_config.ef_construct, 100u);
  EXPECT_FALSE(config.hnsw_config.on_disk);
  EXPECT_EQ(config.optimizer_config.indexing_threshold, CountSetting(uint64_t{0}));
  EXPECT_EQ(config.optimizer_config.default_segment_number, 2u);
  EXPECT_EQ(config.optimizer_config.max_segment_size, CountSetting());
  EXPECT_FALSE(config.params.on_disk_payload);
  EXPECT_EQ(config.params.shard_number, 1u);
  EXPECT_EQ(config.wal_config.wal_capacity_mb, 32u);
  EXPECT_EQ(config.wal_config.wal_retain_closed, 1u);
  EXPECT_FALSE(config.strict_mode_config);  // none unless asked for, as Qdrant's default
  EXPECT_FALSE(config.quantization_config);
  EXPECT_FALSE(config.metadata);

  const CollectionSchema schema = schema_from_config(config);
  EXPECT_TRUE(schema.dense.empty());
  EXPECT_EQ(schema.indexing_threshold_kb, 0u);
  EXPECT_FALSE(schema.on_disk_payload);
}

TEST(CollectionConfig, UpdateSetsOnlyWhatItGives) {
  const CollectionConfig before = two_vector_config();
  CollectionConfigUpdate update;
  update.hnsw_config = HnswConfigDiff{};
  update.hnsw_config->ef_construct = 200;
  update.optimizers_config = OptimizersConfigDiff{};
  update.optimizers_config->indexing_threshold = CountSetting(uint64_t{500});
  update.params = CollectionParamsDiff{};
  update.params->replication_factor = 3;
  update.metadata = boost::json::object{{"b", 2}};
  auto after = apply_update(before, update);
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->hnsw_config.ef_construct, 200u);
  EXPECT_EQ(after->hnsw_config.m, before.hnsw_config.m);
  EXPECT_EQ(after->optimizer_config.indexing_threshold, CountSetting(uint64_t{500}));
  EXPECT_EQ(after->optimizer_config.deleted_threshold, before.optimizer_config.deleted_threshold);
  EXPECT_EQ(after->params.replication_factor, 3u);
  EXPECT_EQ(after->params.shard_number, 1u);
  EXPECT_EQ(after->wal_config, before.wal_config);
  EXPECT_EQ(after->params.vectors, before.params.vectors);
  ASSERT_TRUE(after->metadata);
  EXPECT_EQ(*after->metadata, (boost::json::object{{"b", 2}}));
}

TEST(CollectionConfig, MetadataAndStrictModeMergeKeyByKey) {
  CollectionConfig before = two_vector_config();
  before.metadata = boost::json::object{{"a", 1}, {"b", 1}};
  before.strict_mode_config = StrictModeConfig{};
  before.strict_mode_config->max_query_limit = 100;
  CollectionConfigUpdate update;
  update.metadata = boost::json::object{{"b", 2}};
  update.strict_mode_config = StrictModeConfig{};
  update.strict_mode_config->enabled = true;
  auto after = apply_update(before, update);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after->metadata, (boost::json::object{{"a", 1}, {"b", 2}}));
  EXPECT_EQ(after->strict_mode_config->enabled, std::optional<bool>(true));
  EXPECT_EQ(after->strict_mode_config->max_query_limit, std::optional<uint64_t>(100));
}

TEST(CollectionConfig, QuantizationUpdateReplacesOrDisables) {
  CollectionConfig before = two_vector_config();
  before.quantization_config = ScalarQuantizationConfig{0.99, true, {}};
  CollectionConfigUpdate replace;
  replace.quantization_config = BinaryQuantizationConfig{};
  auto replaced = apply_update(before, replace);
  ASSERT_TRUE(replaced.ok());
  EXPECT_TRUE(std::holds_alternative<BinaryQuantizationConfig>(*replaced->quantization_config));
  CollectionConfigUpdate disable;
  disable.quantization_disabled = true;
  auto disabled = apply_update(before, disable);
  ASSERT_TRUE(disabled.ok());
  EXPECT_FALSE(disabled->quantization_config);
  auto unchanged = apply_update(before, CollectionConfigUpdate{});
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(*unchanged, before);
}

TEST(CollectionConfig, UpdateOfAnUnknownVectorIsAnError) {
  const CollectionConfig before = two_vector_config();
  CollectionConfigUpdate update;
  update.vectors.push_back(VectorParamsDiff{});
  update.vectors.back().name = "audio";
  auto after = apply_update(before, update);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(after.error().message.find("Not existing vector name error: audio"), std::string::npos);

  CollectionConfigUpdate sparse;
  sparse.sparse_vectors.push_back({"splade", {}, SparseModifier::kIdf});
  EXPECT_FALSE(apply_update(before, sparse).ok());
  sparse.sparse_vectors.back().name = "bm25";
  auto updated = apply_update(before, sparse);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->params.sparse_vectors->front().modifier, SparseModifier::kIdf);
  EXPECT_TRUE(schema_from_config(updated.value()).sparse.front().idf_modifier);
}

TEST(CollectionConfig, VectorHnswUpdateMergesIntoItsOverrides) {
  CollectionConfig before = two_vector_config();
  before.params.vectors[0].hnsw_config = HnswConfigDiff{};
  before.params.vectors[0].hnsw_config->m = 8;
  CollectionConfigUpdate update;
  VectorParamsDiff diff;
  diff.name = "image";
  diff.hnsw_config_given = true;
  diff.hnsw_config = HnswConfigDiff{};
  diff.hnsw_config->ef_construct = 50;
  diff.on_disk = true;
  update.vectors.push_back(diff);
  VectorParamsDiff given_as_null;
  given_as_null.name = "text";
  given_as_null.hnsw_config_given = true;
  update.vectors.push_back(given_as_null);
  auto after = apply_update(before, update);
  ASSERT_TRUE(after.ok());
  const VectorParams& image = after->params.vectors[0];
  ASSERT_TRUE(image.hnsw_config);
  EXPECT_EQ(image.hnsw_config->m, std::optional<uint64_t>(8));
  EXPECT_EQ(image.hnsw_config->ef_construct, std::optional<uint64_t>(50));
  EXPECT_EQ(image.on_disk, std::optional<bool>(true));
  EXPECT_EQ(after->params.vectors[1].hnsw_config, HnswConfigDiff{});
}

TEST(CollectionConfig, VectorOverridesWinOverTheCollectionSettings) {
  CollectionConfig config = two_vector_config();
  config.hnsw_config.m = 24;
  config.hnsw_config.full_scan_threshold = 5000;
  config.quantization_config = ScalarQuantizationConfig{0.95, {}, {}};
  VectorParams& image = config.params.vectors[0];
  image.hnsw_config = HnswConfigDiff{};
  image.hnsw_config->m = 48;
  image.hnsw_config->payload_m = 12;
  image.quantization_config = ProductQuantizationConfig{16, true, {}};
  config.params.vectors[1].quantization_disabled = true;
  config.params.vectors.push_back(vector_named("audio", 2, Distance::kEuclid));

  const CollectionSchema schema = schema_from_config(config);
  ASSERT_EQ(schema.dense.size(), 3u);
  const DenseVectorSpec& own = schema.dense[0];
  EXPECT_EQ(own.name, "image");
  EXPECT_EQ(own.dim, 4u);
  EXPECT_EQ(own.distance, Distance::kDot);
  EXPECT_EQ(own.hnsw.m, 48u);
  EXPECT_EQ(own.hnsw.payload_m, 12u);
  EXPECT_EQ(own.hnsw.full_scan_threshold_kb, 5000u);
  const auto* product = std::get_if<ProductQuantization>(&own.quantization);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->compression, 16u);
  EXPECT_TRUE(product->always_ram);

  EXPECT_TRUE(std::holds_alternative<std::monostate>(schema.dense[1].quantization));
  EXPECT_EQ(schema.dense[1].hnsw.m, 24u);

  const auto* inherited = std::get_if<ScalarQuantization>(&schema.dense[2].quantization);
  ASSERT_NE(inherited, nullptr);
  EXPECT_FLOAT_EQ(inherited->quantile, 0.95f);
  EXPECT_FALSE(inherited->always_ram);
}

TEST(CollectionConfig, InlineStorageWarningsNameTheVectorsItCannotApplyTo) {
  CollectionConfig config = two_vector_config();
  EXPECT_TRUE(collection_warnings(config).empty());
  config.hnsw_config.inline_storage = true;
  config.params.vectors[0].quantization_config = BinaryQuantizationConfig{};
  config.params.vectors[1].multivector_comparator = MultivectorComparator::kMaxSim;
  config.params.vectors.push_back(vector_named("audio", 2, Distance::kEuclid));
  const std::vector<std::string> expected = {
      "The `hnsw_config.inline_storage` option for vector 'text' is not compatible with "
      "multivectors. This option will be ignored.",
      "The `hnsw_config.inline_storage` option for vector 'audio' requires quantization to be "
      "enabled. This option will be ignored."};
  EXPECT_EQ(collection_warnings(config), expected);
  config.quantization_config = ScalarQuantizationConfig{};  // covers 'audio' too
  EXPECT_EQ(collection_warnings(config), std::vector<std::string>{expected[0]});
}

TEST(CollectionConfig, DisablingAVectorsQuantizationFallsBackToTheCollections) {
  CollectionConfig before = two_vector_config();
  before.params.vectors[0].quantization_config = BinaryQuantizationConfig{};
  CollectionConfigUpdate update;
  VectorParamsDiff disable;
  disable.name = "image";
  disable.quantization_disabled = true;
  update.vectors.push_back(disable);
  auto after = apply_update(before, update);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->params.vectors[0].quantization_config);
  EXPECT_FALSE(after->params.vectors[0].quantization_disabled);
}

}  // namespace
}  // namespace sextant::storage
