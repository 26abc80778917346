// Placement changes of Qdrant's cluster operations and the generation that keeps log names.
#include "cluster/placement_changes.hpp"

#include <gtest/gtest.h>

namespace sextant::cluster {
namespace {

CollectionPlacement two_shards() {
  return CollectionPlacement{.name = std::string("c"),
                             .config_json = {},
                             .shard_number = 2,
                             .replicas = {{1}, {2}},
                             .transfers = {},
                             .generation = 5,
                             .revision = 9};
}

TEST(PlacementChanges, ReplicateAddsAPartialReplicaUntilTheTransferEnds) {
  auto started = start_transfer(two_shards(), 0, 1, 3, true, {1, 2, 3});
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started.value().replicas[0], (std::vector<uint64_t>{1, 3}));
  EXPECT_NE(incoming_transfer(started.value(), 0, 3), nullptr);
  EXPECT_EQ(active_replicas(started.value(), 0), (std::vector<uint64_t>{1}));
  auto finished = finish_transfer(started.value(), 0, 3);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished.value().replicas[0], (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(finished.value().transfers.empty());
  EXPECT_EQ(log_name(finished.value()), "c~5");  // the generation, not the revision
}

TEST(PlacementChanges, MoveDropsTheSourceWhenTheTransferEnds) {
  auto started = start_transfer(two_shards(), 1, 2, 1, false, {1, 2});
  ASSERT_TRUE(started.ok());
  auto finished = finish_transfer(started.value(), 1, 1);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished.value().replicas[1], (std::vector<uint64_t>{1}));
}

TEST(PlacementChanges, RefusalsCarryQdrantsTexts) {
  EXPECT_EQ(start_transfer(two_shards(), 7, 1, 2, true, {1, 2}).error().message,
            "Bad request: Shard 7 of c does not exist");
  EXPECT_EQ(start_transfer(two_shards(), 0, 1, 9, true, {1, 2}).error().message,
            "Bad request: Peer 9 does not exist");
  auto started = start_transfer(two_shards(), 0, 1, 2, true, {1, 2, 3});
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(start_transfer(started.value(), 0, 1, 3, true, {1, 2, 3}).error().message,
            "Bad request: Shard 0 is already involved in transfer 1 -> 2");
  EXPECT_EQ(abort_transfer(two_shards(), 0, 1, 2).error().message,
            "Not found: Shard transfer 1 -> 2 for collection c:0 does not exist");
  EXPECT_EQ(abort_transfer(started.value(), 0, 1, 2).value().replicas[0],
            (std::vector<uint64_t>{1}));
}

TEST(PlacementChanges, DropAndRemovePeer) {
  auto grown = start_transfer(two_shards(), 0, 1, 2, true, {1, 2});
  ASSERT_TRUE(grown.ok());
  auto done = finish_transfer(grown.value(), 0, 2);
  ASSERT_TRUE(done.ok());
  auto dropped = drop_replica(done.value(), 0, 1, {1, 2});
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped.value().replicas[0], (std::vector<uint64_t>{2}));
  EXPECT_FALSE(drop_replica(dropped.value(), 0, 2, {1, 2}).ok());  // the last active replica
  EXPECT_TRUE(holds_shards(done.value(), 1));
  EXPECT_FALSE(holds_shards(remove_peer(done.value(), 1), 1));
}

TEST(PlacementChanges, StoredFormKeepsGenerationAndTransfers) {
  auto started = start_transfer(two_shards(), 0, 1, 2, false, {1, 2});
  ASSERT_TRUE(started.ok());
  auto decoded = decode_placement(encode_placement(started.value()));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value().generation, 5u);
  ASSERT_EQ(decoded.value().transfers.size(), 1u);
  EXPECT_FALSE(decoded.value().transfers[0].sync);
  EXPECT_EQ(decoded.value().transfers[0].to, 2u);
}

}  // namespace
}  // namespace sextant::cluster
