// Shards as partitions of one collection: shard keys get fresh shard ids, upserts record each
// point's shard, restricted views see only the selected shards' points (and survive nothing
// but their base's commit), per-shard counts follow writes, and dropping a key drops its points.
#include "storage/shards.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "storage/collection.hpp"
#include "storage/point_queries.hpp"

namespace sextant::storage {
namespace {

namespace fs = std::filesystem;

CollectionSchema two_dim_schema() {
  CollectionSchema schema;
  DenseVectorSpec spec;
  spec.name = "";
  spec.dim = 2;
  spec.distance = Distance::kDot;
  schema.dense.push_back(spec);
  return schema;
}

class Shards : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-shards-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto collection = Collection::open(dir_.string(), two_dim_schema());
    ASSERT_TRUE(collection.ok()) << collection.error().message;
    collection_ = collection.value();
  }
  void TearDown() override {
    collection_->close();
    collection_.reset();
    fs::remove_all(dir_);
  }

  void apply(UpdateOperation operation) {
    std::vector<UpdateOperation> ops;
    ops.push_back(std::move(operation));
    auto result = collection_->update(std::move(ops), true);
    ASSERT_TRUE(result.ok()) << result.error().message;
  }
  std::vector<uint32_t> shards_of(const ShardKey& key) {
    auto entries = read_shard_keys(*collection_->view());
    EXPECT_TRUE(entries.ok());
    std::vector<uint32_t> ids;
    for (const auto& entry : entries.value())
      if (entry.key == key) ids.push_back(entry.shard_id);
    return ids;
  }
  // Writes ids [first, first + count) under the shards of `key`, routed as the API routes them.
  void upsert(const ShardKey& key, uint64_t first, uint64_t count) {
    const auto key_shards = shards_of(key);
    UpsertPoints upsert;
    for (uint64_t id = first; id < first + count; ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      point.vectors.dense[""] = {1.0f, float(id)};
      upsert.shard_ids.push_back(key_shards[route_point(point.id, key_shards.size())]);
      upsert.points.push_back(std::move(point));
    }
    apply(std::move(upsert));
  }
  uint64_t visible(const std::vector<uint32_t>& shard_ids) {
    auto view = restrict_to_shards(collection_->view(), {shard_ids.begin(), shard_ids.end()});
    EXPECT_TRUE(view.ok());
    return count(*view.value(), nullptr);
  }

  fs::path dir_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(Shards, KeysGetFreshShardIdsThatAreNeverReused) {
  apply(CreateShardKey{ShardKey(std::string("a")), 2});
  apply(CreateShardKey{ShardKey(uint64_t(7)), 1});
  EXPECT_EQ(shards_of(std::string("a")), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(shards_of(uint64_t(7)), (std::vector<uint32_t>{3}));
  apply(DeleteShardKey{shards_of(std::string("a"))});
  apply(CreateShardKey{ShardKey(std::string("b")), 1});
  EXPECT_TRUE(shards_of(std::string("a")).empty());
  EXPECT_EQ(shards_of(std::string("b")), (std::vector<uint32_t>{4}));
}

TEST_F(Shards, RestrictedViewsSeeOnlyTheirShards) {
  apply(CreateShardKey{ShardKey(std::string("a")), 2});
  apply(CreateShardKey{ShardKey(std::string("b")), 1});
  upsert(std::string("a"), 0, 50);
  upsert(std::string("b"), 100, 20);
  EXPECT_EQ(visible(shards_of(std::string("a"))), 50u);
  EXPECT_EQ(visible(shards_of(std::string("b"))), 20u);
  EXPECT_EQ(visible({}), 0u);
  EXPECT_EQ(count(*collection_->view(), nullptr), 70u);

  auto shards = local_shards(*collection_->view(), true, 1);
  ASSERT_TRUE(shards.ok());
  ASSERT_EQ(shards->size(), 3u);
  EXPECT_EQ((*shards)[0].points_count + (*shards)[1].points_count, 50u);
  EXPECT_EQ((*shards)[2].points_count, 20u);
}

TEST_F(Shards, WritingAPointUnderAnotherKeyMovesIt) {
  apply(CreateShardKey{ShardKey(std::string("a")), 1});
  apply(CreateShardKey{ShardKey(std::string("b")), 1});
  upsert(std::string("a"), 0, 10);
  upsert(std::string("b"), 5, 10);  // ids 5..9 move from "a" to "b"
  EXPECT_EQ(visible(shards_of(std::string("a"))), 5u);
  EXPECT_EQ(visible(shards_of(std::string("b"))), 10u);
  EXPECT_EQ(shard_of_point(*collection_->view(), PointId::from_number(7)),
            shards_of(std::string("b")).front());
}

TEST_F(Shards, DroppingAKeyDeletesItsPoints) {
  apply(CreateShardKey{ShardKey(std::string("a")), 1});
  apply(CreateShardKey{ShardKey(std::string("b")), 1});
  upsert(std::string("a"), 0, 30);
  upsert(std::string("b"), 100, 5);
  apply(DeleteShardKey{shards_of(std::string("a"))});
  EXPECT_EQ(count(*collection_->view(), nullptr), 5u);
  EXPECT_FALSE(shard_of_point(*collection_->view(), PointId::from_number(3)).has_value());
}

TEST(RoutePoint, SpreadsIdsOverEveryShardStably) {
  std::vector<uint32_t> per_shard(4);
  for (uint64_t id = 0; id < 4000; ++id) ++per_shard[route_point(PointId::from_number(id), 4)];
  for (uint32_t n : per_shard) EXPECT_GT(n, 800u);
  EXPECT_EQ(route_point(PointId::from_number(12345), 4),
            route_point(PointId::from_number(12345), 4));
  EXPECT_EQ(route_point(PointId::from_number(12345), 1), 0u);
}

}  // namespace
}  // namespace sextant::storage
