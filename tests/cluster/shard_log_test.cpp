// ShardLog and ShardConsumer against a real nats-server: publish acks and sequences, ordered
// batched delivery, resuming after a consumer restart, operations published while a consumer
// is away, the applied sequence taking precedence, and the log surviving a server restart.
#include "cluster/shard_log.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cluster/shard_consumer.hpp"
#include "tests/cluster/cluster_test_fixture.hpp"

namespace sextant::cluster {
namespace {

using testing::ClusterTest;

TEST(ShardLogNames, EscapeEveryByteNatsForbidsAndKeepDistinctNamesDistinct) {
  const ShardLogNames names = shard_log_names("my-collection", 3);
  EXPECT_EQ(names.stream, "SXT_my-collection_3");
  EXPECT_EQ(names.subject, "sextant.my-collection.3");
  EXPECT_EQ(shard_log_names("a.b *>/", 0).subject, "sextant.a_2Eb_20_2A_3E_2F.0");
  EXPECT_NE(encode_name_token("a_2E"), encode_name_token("a."));
  EXPECT_EQ(shard_consumer_name("node 1"), "node-node_201");
}

// The sequences and payloads of a batch.
std::vector<std::pair<uint64_t, std::string>> contents(const ShardLogBatch& batch) {
  std::vector<std::pair<uint64_t, std::string>> result;
  for (const auto& message : batch.messages()) {
    result.emplace_back(message.sequence, std::string(message.operation));
  }
  return result;
}

class ShardLogTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto log = ShardLog::open(*connection_, {.collection = "docs.v1", .shard_id = 2});
    ASSERT_TRUE(log.ok()) << log.error().message;
    log_ = std::move(log).value();
  }
  void TearDown() override {
    log_.reset();
    ClusterTest::TearDown();
  }

  // Publishes op-<first>..op-<last> and checks each ack's sequence is the next one.
  void publish_range(int first, int last) {
    for (int i = first; i <= last; ++i) {
      auto ack = log_->publish("op-" + std::to_string(i));
      ASSERT_TRUE(ack.ok()) << ack.error().message;
      EXPECT_EQ(ack->sequence, static_cast<uint64_t>(i));
      EXPECT_FALSE(ack->duplicate);
    }
  }

  std::unique_ptr<ShardConsumer> open_consumer(std::optional<uint64_t> applied = std::nullopt,
                                               int max_batch = 256) {
    auto consumer = ShardConsumer::open(*connection_, {.collection = "docs.v1",
                                                       .shard_id = 2,
                                                       .node_id = "n1",
                                                       .applied_sequence = applied,
                                                       .max_batch = max_batch});
    EXPECT_TRUE(consumer.ok()) << (consumer.ok() ? "" : consumer.error().message);
    return consumer.ok() ? std::move(consumer).value() : nullptr;
  }

  // Fetches until `count` operations came (bounded), checking order; returns them.
  std::vector<std::pair<uint64_t, std::string>> drain(ShardConsumer& consumer, size_t count) {
    std::vector<std::pair<uint64_t, std::string>> received;
    for (int attempt = 0; attempt < 50 && received.size() < count; ++attempt) {
      auto batch = consumer.fetch(200);
      EXPECT_TRUE(batch.ok()) << (batch.ok() ? "" : batch.error().message);
      if (!batch.ok()) break;
      for (auto& item : contents(*batch)) received.push_back(item);
    }
    return received;
  }

  std::unique_ptr<ShardLog> log_;
};

TEST_F(ShardLogTest, PublishAcksCarryConsecutiveStreamSequences) {
  publish_range(1, 5);
  auto last = log_->last_sequence();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 5u);
}

TEST_F(ShardLogTest, ARetriedPublishWithTheSameOperationIdIsStoredOnce) {
  auto first = log_->publish("upsert 7", "op-7");
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto retry = log_->publish("upsert 7", "op-7");
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->sequence, first->sequence);
  EXPECT_EQ(*log_->last_sequence(), 1u);
}

TEST_F(ShardLogTest, ConsumerFetchesInOrderInBatchesWithTheirSequences) {
  publish_range(1, 10);
  auto consumer = open_consumer(std::nullopt, 4);
  ASSERT_NE(consumer, nullptr);
  auto batch = consumer->fetch(1000);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_LE(batch->messages().size(), 4u);
  EXPECT_FALSE(batch->empty());
  auto received = contents(*batch);
  for (auto& item : drain(*consumer, 10 - received.size())) received.push_back(item);
  ASSERT_EQ(received.size(), 10u);
  for (size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(received[i].first, i + 1);
    EXPECT_EQ(received[i].second, "op-" + std::to_string(i + 1));
  }
  auto nothing = consumer->fetch(100);
  ASSERT_TRUE(nothing.ok()) << nothing.error().message;
  EXPECT_TRUE(nothing->empty());
}

TEST_F(ShardLogTest, WithoutAnAppliedSequenceDeliveryStartsAtTheFirstOperation) {
  publish_range(1, 6);
  auto consumer = open_consumer(std::nullopt, 6);
  ASSERT_NE(consumer, nullptr);
  ASSERT_EQ(drain(*consumer, 6).size(), 6u);
  publish_range(7, 9);
  ASSERT_EQ(drain(*consumer, 3).size(), 3u);
  consumer.reset();

  // Consumers keep no position: a node that lost its stored sequence replays the whole log.
  consumer = open_consumer();
  ASSERT_NE(consumer, nullptr);
  auto replayed = drain(*consumer, 9);
  ASSERT_EQ(replayed.size(), 9u);
  EXPECT_EQ(replayed.front().first, 1u);
  EXPECT_EQ(replayed.back().first, 9u);
}

TEST_F(ShardLogTest, TwoConsumersOfOneNodeReadTheLogIndependently) {
  publish_range(1, 5);
  auto first = open_consumer(std::nullopt, 2);
  auto second = open_consumer(3, 2);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first->consumer_name(), second->consumer_name());
  auto from_second = drain(*second, 2);
  auto from_first = drain(*first, 5);
  ASSERT_EQ(from_second.size(), 2u);
  EXPECT_EQ(from_second.front().first, 4u);
  ASSERT_EQ(from_first.size(), 5u);
  EXPECT_EQ(from_first.front().first, 1u);
  ASSERT_TRUE(first->remove().ok());
  ASSERT_TRUE(first->remove().ok()) << "removing a removed consumer is not an error";
}

TEST_F(ShardLogTest, OperationsPublishedWhileTheConsumerIsAwayArriveInOrderAfterwards) {
  publish_range(1, 2);
  auto consumer = open_consumer();
  ASSERT_NE(consumer, nullptr);
  ASSERT_EQ(drain(*consumer, 2).size(), 2u);
  consumer.reset();

  publish_range(3, 40);  // the node is away
  consumer = open_consumer(2, 16);
  ASSERT_NE(consumer, nullptr);
  auto received = drain(*consumer, 38);
  ASSERT_EQ(received.size(), 38u);
  for (size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(received[i].first, i + 3);
    EXPECT_EQ(received[i].second, "op-" + std::to_string(i + 3));
  }
}

TEST_F(ShardLogTest, ALoneOperationIsDeliveredWithoutWaitingForAFullBatch) {
  auto consumer = open_consumer(std::nullopt, 256);
  ASSERT_NE(consumer, nullptr);
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(log_->publish("op-1").ok());
  });
  const auto started = std::chrono::steady_clock::now();
  auto batch = consumer->fetch(10000);
  const auto waited = std::chrono::steady_clock::now() - started;
  publisher.join();
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  ASSERT_EQ(batch->messages().size(), 1u);
  // Not held until the batch of 256 filled or the 10 s ran out: a write waits for this.
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST_F(ShardLogTest, TheAppliedSequenceFromStorageDecidesWhereDeliveryResumes) {
  publish_range(1, 8);
  auto consumer = open_consumer(std::nullopt, 3);
  ASSERT_NE(consumer, nullptr);
  ASSERT_GE(drain(*consumer, 3).size(), 3u);  // a batch holds what was ready: 3 or fewer
  consumer.reset();

  // The applier committed through 5 before it stopped: resume at 6.
  consumer = open_consumer(5);
  ASSERT_NE(consumer, nullptr);
  auto received = drain(*consumer, 3);
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received.front().first, 6u);
  EXPECT_EQ(received.back().first, 8u);

  // A replica restored from an older snapshot replays from the snapshot's sequence.
  consumer.reset();
  consumer = open_consumer(2);
  ASSERT_NE(consumer, nullptr);
  auto replayed = drain(*consumer, 6);
  ASSERT_EQ(replayed.size(), 6u);
  EXPECT_EQ(replayed.front().first, 3u);
}

TEST_F(ShardLogTest, TheLogSurvivesAServerRestartAndIsReadOnFromTheAppliedSequence) {
  publish_range(1, 4);
  auto consumer = open_consumer(std::nullopt, 2);
  ASSERT_NE(consumer, nullptr);
  ASSERT_GE(drain(*consumer, 2).size(), 2u);  // a fetch may bring more than asked
  consumer.reset();
  log_.reset();
  connection_.reset();
  ASSERT_TRUE(server_->restart());
  connection_ = connect();
  ASSERT_NE(connection_, nullptr);

  auto log = ShardLog::open(*connection_, {.collection = "docs.v1", .shard_id = 2});
  ASSERT_TRUE(log.ok()) << log.error().message;
  log_ = std::move(log).value();
  EXPECT_EQ(*log_->last_sequence(), 4u);
  consumer = open_consumer(2);
  ASSERT_NE(consumer, nullptr);
  auto received = drain(*consumer, 2);
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received.front().first, 3u);
  publish_range(5, 5);
}

TEST_F(ShardLogTest, DestroyRemovesTheStreamAndItsOperations) {
  publish_range(1, 3);
  ASSERT_TRUE(log_->destroy().ok());
  auto last = log_->last_sequence();
  EXPECT_FALSE(last.ok());
  ASSERT_TRUE(log_->destroy().ok()) << "deleting a deleted log is not an error";
  auto reopened = ShardLog::open(*connection_, {.collection = "docs.v1", .shard_id = 2});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->last_sequence(), 0u);
}

TEST(NatsConnection, NoServerListeningIsAnUnavailableError) {
  ConnectionOptions options;
  options.server_urls = {"nats://127.0.0.1:1"};
  options.connect_timeout_ms = 500;
  auto connection = NatsConnection::connect(options);
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.error().kind, ErrorKind::kUnavailable) << connection.error().message;
  EXPECT_FALSE(NatsConnection::connect(ConnectionOptions{}).ok());
}

}  // namespace
}  // namespace sextant::cluster
