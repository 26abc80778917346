// MetadataStore against a real nats-server: values and revisions, create-if-absent and
// compare-and-set conflicts, the watch's order, and a bucket TTL (membership heartbeats).
#include "cluster/metadata_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/cluster_test_fixture.hpp"

namespace sextant::cluster {
namespace {

using testing::ClusterTest;

class MetadataStoreTest : public ClusterTest {
 protected:
  std::unique_ptr<MetadataStore> open_store(MetadataStoreOptions options = {}) {
    auto store = MetadataStore::open(*connection_, options);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }
};

TEST(ReplicasForClusterSize, ThreeButNeverMoreThanTheServers) {
  EXPECT_EQ(replicas_for_cluster_size(1), 1);
  EXPECT_EQ(replicas_for_cluster_size(2), 2);
  EXPECT_EQ(replicas_for_cluster_size(3), 3);
  EXPECT_EQ(replicas_for_cluster_size(10), 3);
}

TEST_F(MetadataStoreTest, PutThenGetReturnsTheValueAndAGrowingRevision) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  auto first = store->put("collections.c1", "config-1");
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = store->put("collections.c1", "config-2");
  ASSERT_TRUE(second.ok());
  EXPECT_GT(*second, *first);

  auto entry = store->get("collections.c1");
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->value, "config-2");
  EXPECT_EQ((*entry)->revision, *second);

  auto missing = store->get("collections.none");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(MetadataStoreTest, ReopeningBindsToTheSameBucket) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("aliases.a", "c1").ok());
  auto again = open_store();
  ASSERT_NE(again, nullptr);
  auto entry = again->get("aliases.a");
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->value, "c1");
}

TEST_F(MetadataStoreTest, CreateConflictsWhileTheKeyExistsAndSucceedsAfterErase) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  auto created = store->create("shards.c1", "map-1");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE(created->conflict);

  auto again = store->create("shards.c1", "map-2");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->conflict);
  EXPECT_EQ(store->get("shards.c1")->value().value, "map-1");

  ASSERT_TRUE(store->erase("shards.c1").ok());
  EXPECT_FALSE(store->get("shards.c1")->has_value());
  auto recreated = store->create("shards.c1", "map-3");
  ASSERT_TRUE(recreated.ok()) << recreated.error().message;
  EXPECT_FALSE(recreated->conflict);
  EXPECT_GT(recreated->revision, created->revision);
}

TEST_F(MetadataStoreTest, UpdateIsACompareAndSetOnTheRevision) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  auto initial = store->put("shards.c1", "v1");
  ASSERT_TRUE(initial.ok());

  // Two writers read revision `initial`; the first to write wins, the second conflicts.
  auto winner = store->update("shards.c1", "from-a", *initial);
  ASSERT_TRUE(winner.ok()) << winner.error().message;
  EXPECT_FALSE(winner->conflict);
  auto loser = store->update("shards.c1", "from-b", *initial);
  ASSERT_TRUE(loser.ok()) << loser.error().message;
  EXPECT_TRUE(loser->conflict);
  EXPECT_EQ(store->get("shards.c1")->value().value, "from-a");

  // The loser retries on the revision it reads now.
  auto retried = store->update("shards.c1", "from-b", winner->revision);
  ASSERT_TRUE(retried.ok());
  EXPECT_FALSE(retried->conflict);
  EXPECT_EQ(store->get("shards.c1")->value().value, "from-b");
}

TEST_F(MetadataStoreTest, WatchDeliversTheCurrentStateThenChangesInRevisionOrder) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("nodes.n1", "up").ok());
  ASSERT_TRUE(store->put("other.key", "not watched").ok());

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<MetadataEntry> seen;
  auto watch = store->watch("nodes.>", [&](const MetadataEntry& entry) {
    std::lock_guard lock(mutex);
    seen.push_back(entry);
    changed.notify_all();
  });
  ASSERT_TRUE(watch.ok()) << watch.error().message;

  ASSERT_TRUE(store->put("nodes.n2", "up").ok());
  ASSERT_TRUE(store->put("nodes.n1", "down").ok());
  ASSERT_TRUE(store->erase("nodes.n2").ok());

  std::unique_lock lock(mutex);
  ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return seen.size() >= 4; }))
      << "saw " << seen.size() << " entries";
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].key, "nodes.n1");
  EXPECT_EQ(seen[0].value, "up");
  EXPECT_EQ(seen[1].key, "nodes.n2");
  EXPECT_EQ(seen[2].key, "nodes.n1");
  EXPECT_EQ(seen[2].value, "down");
  EXPECT_EQ(seen[3].key, "nodes.n2");
  EXPECT_TRUE(seen[3].deleted);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i].revision, seen[i - 1].revision);
  EXPECT_TRUE((*watch)->initial_state_delivered());
}

TEST_F(MetadataStoreTest, AWatchGoesOnSeeingChangesAfterItsServerRestarted) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> values;
  MetadataWatchOptions options;
  options.resync_after_silence = std::chrono::milliseconds(1000);
  auto watch = store->watch(
      "nodes.>",
      [&](const MetadataEntry& entry) {
        std::lock_guard lock(mutex);
        values.push_back(entry.value);
        changed.notify_all();
      },
      options);
  ASSERT_TRUE(watch.ok()) << watch.error().message;
  const auto saw = [&](const std::string& value) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(15), [&] {
      return std::find(values.begin(), values.end(), value) != values.end();
    });
  };
  ASSERT_TRUE(store->put("nodes.n1", "before").ok());
  ASSERT_TRUE(saw("before"));

  // The watcher's consumer lived on the server: it is gone with it, and the server stays away
  // long enough for the client to give up on it.
  server_->stop();
  std::this_thread::sleep_for(std::chrono::seconds(6));
  ASSERT_TRUE(server_->start());
  bool written = false;
  for (int attempt = 0; attempt < 75 && !written; ++attempt) {  // the client reconnects
    written = store->put("nodes.n1", "after").ok();
    if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(written) << "no write within 15 s of the restart";
  EXPECT_TRUE(saw("after")) << "the watch saw nothing written after the restart";
}

TEST_F(MetadataStoreTest, KeysOfABucketWithATtlExpireWithoutANewWrite) {
  MetadataStoreOptions options;
  options.bucket = "sextant-membership";
  options.ttl_ms = 1000;
  auto store = open_store(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("nodes.n1", "heartbeat").ok());
  ASSERT_TRUE(store->get("nodes.n1")->has_value());
  bool expired = false;
  for (int attempt = 0; attempt < 60 && !expired; ++attempt) {  // at most 6 s
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto entry = store->get("nodes.n1");
    ASSERT_TRUE(entry.ok());
    expired = !entry->has_value();
  }
  EXPECT_TRUE(expired) << "a heartbeat outlived the bucket's 1 s TTL by 5 s";
}

}  // namespace
}  // namespace sextant::cluster
