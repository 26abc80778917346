// One node's applier of one hosted shard: a thread that reads the shard's log in order through a
// consumer positioned right after its stored sequence (ShardConsumer), hands each operation to
// the node's apply function (the same storage write path a standalone write takes), then records
// the last applied stream sequence and tells the other nodes (AppliedSequences).
//
// Recovery: a consumer that fails (its server died, a partition, the stream's leader changed) or
// that delivers nothing for kStallCheck while the log holds operations past the stored sequence
// is dropped, and another is opened right after the stored sequence, until one works. Nothing is
// lost by that: the log keeps every operation, the stored sequence says where to go on.
//
// Where the sequence is kept: a file per shard under the node's storage directory
// (`cluster_applied/<collection token>.<shard>`), written (renamed into place) after each
// operation's data is committed. A process crash between the two replays that one operation,
// and one operation applied twice in a row leaves what applying it once did: every operation
// assigns (upsert, delete, set / overwrite / delete / clear payload, delete vectors), and when a
// filter selects the points again it finds those the first application changed, which it sets
// to the same values, and the others unchanged, so unselected again. Replaying several
// operations would not be safe for filter-selected writes (a later one can change what an
// earlier one's filter selects), hence the store per operation. The file is not fsynced: after
// a power loss it may lag the data by more than one operation; keeping the sequence in the
// collection's LMDB transaction closes that (docs/distributed.md). On start the applier passes
// the stored sequence to the consumer, so delivery resumes right after it; catch-up from a
// snapshot only has to store the snapshot's sequence there first.
//
// Invariants:
//   - Operations are applied in stream order, each at most once per stored sequence; one with
//     a sequence at or below the stored one is skipped, and one after a gap is not applied (a
//     consumer is opened again right after the last applied one).
//   - An operation the apply function refuses (a deterministic error, the same on every replica)
//     is skipped with a log line, so a bad write cannot stop the shard.
//   - The destructor stops the thread; the NatsConnection and AppliedSequences outlive it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "cluster/applied_sequences.hpp"
#include "cluster/nats_connection.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

struct ShardApplierOptions {
  std::string collection;
  uint32_t shard_id = 0;
  uint64_t node_id = 0;
  int replicas = 1;          // of the stream, when this applier creates it
  std::string storage_path;  // where cluster_applied/ lives
};

class ShardApplier {
 public:
  using ApplyFn = std::function<Status(std::string_view operation)>;
  using LogFn = std::function<void(const std::string& line)>;

  ShardApplier(NatsConnection& connection, AppliedSequences& applied, ShardApplierOptions options,
               ApplyFn apply, LogFn log);
  ~ShardApplier();
  ShardApplier(const ShardApplier&) = delete;
  ShardApplier& operator=(const ShardApplier&) = delete;

  // The last sequence this node applied (0: none yet).
  uint64_t applied_sequence() const { return applied_sequence_.load(); }
  // Removes the stored sequence (the node no longer hosts the shard); call after destruction of
  // the applier thread, i.e. on a stopped applier.
  static void forget_stored_sequence(const std::string& storage_path, const std::string& collection,
                                     uint32_t shard_id);

 private:
  void run();
  Status store_sequence(uint64_t sequence);

  NatsConnection& connection_;
  AppliedSequences& applied_;
  ShardApplierOptions options_;
  ApplyFn apply_;
  LogFn log_;
  std::string sequence_path_;
  std::atomic<uint64_t> applied_sequence_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace sextant::cluster
