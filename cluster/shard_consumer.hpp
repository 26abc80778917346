// How one node reads one shard's operation log: a pull consumer on the shard's stream that hands
// out operations in stream order, in batches, each with its stream sequence, starting right after
// the sequence the node's applier last applied.
//
// The consumer keeps no state worth keeping. It is ephemeral (JetStream removes it once nobody
// pulled from it for kInactiveSeconds), in memory, on one server, with no acknowledgements: the
// applier's stored sequence is the only position there is. So when anything goes wrong with it
// (its server died, a partition, a lost pull answer, a leader change of the stream), the applier
// drops it and opens another one right after its stored sequence, which needs nothing from the
// old one. A durable, replicated consumer would be a Raft group per node and shard, whose leader
// election and repositioning (delete, then create: JetStream cannot move a consumer) block the
// applier exactly when a server is lost.
//
// Invariants:
//   - After open(), fetch() returns operations in increasing stream sequence, without gaps other
//     than those the stream itself has, starting right after `applied_sequence` (from the
//     stream's first operation without one).
//   - A consumer's name is unique per open() (node id and a counter), so two opens never share
//     one, and a node's consumers are recognisable by their prefix.
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
  std::string node_id;                       // names the consumer (with a per-open counter)
  std::optional<uint64_t> applied_sequence;  // delivery starts right after it
  int max_batch = 256;                       // most operations one fetch() returns
};

struct ShardLogMessage {
  uint64_t sequence = 0;       // the operation's stream sequence
  std::string_view operation;  // the published bytes, valid while the batch lives
};

// The operations one fetch() returned; owns their storage.
class ShardLogBatch {
 public:
  ShardLogBatch() = default;
  ~ShardLogBatch();
  ShardLogBatch(ShardLogBatch&& other) noexcept = default;
  ShardLogBatch& operator=(ShardLogBatch&& other) noexcept;
  ShardLogBatch(const ShardLogBatch&) = delete;
  ShardLogBatch& operator=(const ShardLogBatch&) = delete;

  // Takes the list's messages (after those already held) and the list itself.
  void append(natsMsgList list);

  const std::vector<ShardLogMessage>& messages() const { return messages_; }
  bool empty() const { return messages_.empty(); }

 private:
  void release();

  std::vector<natsMsgList> lists_;
  std::vector<ShardLogMessage> messages_;
};

class ShardConsumer {
 public:
  // Creates a consumer that delivers the operation right after `applied_sequence` first.
  static Result<std::unique_ptr<ShardConsumer>> open(NatsConnection& connection,
                                                     const ShardConsumerOptions& options);
  ~ShardConsumer();
  ShardConsumer(const ShardConsumer&) = delete;
  ShardConsumer& operator=(const ShardConsumer&) = delete;

  // Up to max_batch operations in order; waits up to `wait_ms` for the first one and returns an
  // empty batch when none came. An error means the consumer is gone or unreachable: open another.
  Result<ShardLogBatch> fetch(int64_t wait_ms);
  // Removes the consumer now rather than after its inactivity threshold (best effort).
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
