// Placement of a collection's shards over the live nodes and its stored form.
#include "cluster/collection_placement.hpp"

#include <gtest/gtest.h>

#include <map>

namespace sextant::cluster {
namespace {

TEST(PlaceShards, SixShardsTimesTwoReplicasSpreadEvenlyOverThreeNodes) {
  auto replicas = place_shards(6, 2, {30, 10, 20});
  ASSERT_EQ(replicas.size(), 6u);
  std::map<uint64_t, int> per_node;
  for (const auto& shard : replicas) {
    ASSERT_EQ(shard.size(), 2u);
    EXPECT_NE(shard[0], shard[1]);
    for (uint64_t node : shard) ++per_node[node];
  }
  EXPECT_EQ(per_node, (std::map<uint64_t, int>{{10, 4}, {20, 4}, {30, 4}}));
  EXPECT_EQ(replicas, place_shards(6, 2, {20, 30, 10}));  // the order of the input is no matter
}

TEST(PlaceShards, ReplicationFactorIsCappedByTheLiveNodes) {
  auto replicas = place_shards(2, 5, {7, 8});
  EXPECT_EQ(replicas, (std::vector<std::vector<uint64_t>>{{7, 8}, {8, 7}}));
  CollectionPlacement placement;
  placement.shard_number = 2;
  placement.replicas = replicas;
  EXPECT_EQ(hosted_shards(placement, 7), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(hosted_shards(placement, 9), (std::vector<uint32_t>{}));
}

TEST(CollectionPlacementCodec, RoundTripsAndRefusesDamagedText) {
  CollectionPlacement placement;
  placement.name = "a.b c";
  placement.config_json = R"({"vectors":{"size":4,"distance":"Dot"},"shard_number":3})";
  placement.shard_number = 3;
  placement.replication_factor = 2;
  placement.write_consistency_factor = 1;
  placement.replicas = place_shards(3, 2, {1, 2, 3});
  auto decoded = decode_placement(encode_placement(placement));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value().name, placement.name);
  EXPECT_EQ(decoded.value().config_json, placement.config_json);
  EXPECT_EQ(decoded.value().replicas, placement.replicas);
  EXPECT_EQ(decoded.value().write_consistency_factor, 1u);
  EXPECT_FALSE(decode_placement("{\"name\": 1}").ok());
  EXPECT_FALSE(decode_placement("not json").ok());
}

TEST(CollectionPlacementNames, EachIncarnationHasLogsOfItsOwn) {
  CollectionPlacement first, second;
  first.name = second.name = "c";
  first.revision = 4;
  second.revision = 9;
  EXPECT_NE(log_name(first), log_name(second));
  EXPECT_EQ(collection_key("c"), collection_key("c"));
  EXPECT_NE(collection_key("a.b"), collection_key("a_b"));
}

}  // namespace
}  // namespace sextant::cluster
