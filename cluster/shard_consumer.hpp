// How one node applies one shard's operation log: a durable pull consumer (named after the node)
// on the shard's stream that hands out operations in stream order, in batches, each with its
// stream sequence.
//
// Exactly-once apply: the applier stores the sequence of the last operation it applied in the
// same LMDB transaction as the data, then acknowledges the batch. On start it passes that stored
// sequence as `applied_sequence`, and delivery resumes right after it, whatever the consumer's
// own acknowledgement floor says (a crash between the commit and the ack is the case where they
// differ). Without a stored sequence, delivery resumes after the last acknowledged operation.
//
// Invariants:
//   - After open(), fetch() returns operations in increasing stream sequence, without gaps other
//     than those the stream itself has, starting right after the resume point. A batch left
//     unacknowledged longer than JetStream's ack wait (30 s) is delivered again, so the applier
//     skips any operation at or below the sequence it has stored.
//   - Acknowledgement is cumulative (JetStream's AckAll): acknowledging a batch acknowledges every
//     operation up to its last.
//   - One ShardConsumer per (node, shard) at a time: a second one with the same node id takes the
//     durable consumer over and the first one's fetches stop receiving.
//   - The NatsConnection outlives the consumer, and the consumer every batch it returned.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/nats_connection.hpp"
#include "cluster/shard_log_names.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

struct ShardConsumerOptions {
  std::string collection;
  uint32_t shard_id = 0;
  std::string node_id;                       // one durable consumer per (node, shard)
  std::optional<uint64_t> applied_sequence;  // from the applier's LMDB; see the file comment
  int max_batch = 256;                       // most operations one fetch() returns
  int replicas = 1;  // of the consumer's state; JetStream caps it at the stream's
};

struct ShardLogMessage {
  uint64_t sequence = 0;       // the operation's stream sequence
  std::string_view operation;  // the published bytes, valid while the batch lives
};

// The operations one fetch() returned; owns their storage.
class ShardLogBatch {
 public:
  ShardLogBatch() = default;
  explicit ShardLogBatch(natsMsgList list);
  ~ShardLogBatch();
  ShardLogBatch(ShardLogBatch&& other) noexcept;
  ShardLogBatch& operator=(ShardLogBatch&& other) noexcept;
  ShardLogBatch(const ShardLogBatch&) = delete;
  ShardLogBatch& operator=(const ShardLogBatch&) = delete;

  const std::vector<ShardLogMessage>& messages() const { return messages_; }
  bool empty() const { return messages_.empty(); }
  // The C client's message of the batch's last operation (what acknowledging acts on).
  natsMsg* last_message() const;

 private:
  natsMsgList list_{nullptr, 0};
  std::vector<ShardLogMessage> messages_;
};

class ShardConsumer {
 public:
  // Creates the durable consumer or takes it over, positioned as the file comment says.
  static Result<std::unique_ptr<ShardConsumer>> open(NatsConnection& connection,
                                                     const ShardConsumerOptions& options);
  ~ShardConsumer();
  ShardConsumer(const ShardConsumer&) = delete;
  ShardConsumer& operator=(const ShardConsumer&) = delete;

  // Up to max_batch operations in order; waits up to `wait_ms` for the first one and returns an
  // empty batch when none came.
  Result<ShardLogBatch> fetch(int64_t wait_ms);
  // Acknowledges every operation up to the batch's last, and waits for the server to confirm.
  Status acknowledge(const ShardLogBatch& batch);
  // Removes the durable consumer (the node no longer hosts the shard).
  Status remove();

  const std::string& consumer_name() const { return consumer_name_; }

 private:
  ShardConsumer(NatsConnection& connection, ShardLogNames names, std::string consumer_name,
                natsSubscription* subscription, int max_batch)
      : connection_(connection),
        names_(std::move(names)),
        consumer_name_(std::move(consumer_name)),
        subscription_(subscription),
        max_batch_(max_batch) {}

  NatsConnection& connection_;
  ShardLogNames names_;
  std::string consumer_name_;
  natsSubscription* subscription_;
  int max_batch_;
};

}  // namespace sextant::cluster
