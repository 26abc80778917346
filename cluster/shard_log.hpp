// One shard's operation log: a JetStream stream that totally orders the writes of one
// (collection, shard), replicated by JetStream's Raft. The node that receives a write publishes
// the operation here; JetStream's ack (with the stream sequence) means a quorum of servers stored
// it. Every node hosting a replica of the shard applies the log in order (ShardConsumer).
//
// Invariants:
//   - Stream sequences start at 1 and grow by one per accepted publish; a sequence is never
//     reused, so it identifies an operation for the whole life of the stream.
//   - A publish that carries an operation id is stored at most once per id within the stream's
//     duplicate window (a retry after a lost ack gets the first sequence back).
//   - The NatsConnection outlives the log.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cluster/nats_connection.hpp"
#include "cluster/shard_log_names.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

struct ShardLogOptions {
  std::string collection;
  uint32_t shard_id = 0;
  int replicas = 1;                         // JetStream replicas: R3, or R1 on a one-node cluster
  int64_t duplicate_window_ms = 2 * 60000;  // how long an operation id is remembered
};

struct PublishAck {
  uint64_t sequence = 0;   // the operation's stream sequence
  bool duplicate = false;  // the operation id was seen before: `sequence` is the first copy's
};

class ShardLog {
 public:
  // Binds to the shard's stream, creating it (file storage, limits retention) when absent.
  static Result<std::unique_ptr<ShardLog>> open(NatsConnection& connection,
                                                const ShardLogOptions& options);

  // Appends one operation and waits for JetStream's ack. `operation_id`, when not empty, makes
  // a retried publish idempotent (JetStream's Nats-Msg-Id).
  Result<PublishAck> publish(std::string_view operation, const std::string& operation_id = {});
  // The last sequence the stream holds (0 when empty).
  Result<uint64_t> last_sequence();
  // Deletes the stream with its messages and consumers (the shard is dropped cluster-wide).
  Status destroy();

  const ShardLogNames& names() const { return names_; }

 private:
  ShardLog(NatsConnection& connection, ShardLogNames names)
      : connection_(connection), names_(std::move(names)) {}

  NatsConnection& connection_;
  ShardLogNames names_;
};

}  // namespace sextant::cluster
