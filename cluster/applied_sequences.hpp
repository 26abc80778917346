// How far each replica has applied each shard's log, shared between nodes: a JetStream KV bucket
// (`sextant-applied`) with one key per (collection, shard, node) holding the last applied stream
// sequence. An applier writes its key after each batch; the node that published a write with
// wait=true reads the keys of the shard's replicas until enough of them (every live one, and at
// least write_consistency_factor) reached the write's sequence.
//
// Invariants: a key's value only grows while the collection lives (appliers apply in order);
// the keys of a collection are removed with it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cluster/metadata_store.hpp"
#include "cluster/nats_connection.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

class AppliedSequences {
 public:
  static Result<std::unique_ptr<AppliedSequences>> open(NatsConnection& connection, int replicas);

  Status publish(const std::string& collection, uint32_t shard_id, uint64_t node_id,
                 uint64_t sequence);
  // Waits until at least needed() of `replicas` applied `sequence` of the shard (needed() is
  // asked again on every poll: the live replicas may change while waiting); timeout() error
  // after `timeout`.
  Status wait_for(const std::string& collection, uint32_t shard_id,
                  const std::vector<uint64_t>& replicas, uint64_t sequence,
                  const std::function<size_t()>& needed, std::chrono::milliseconds timeout);
  // Removes the keys of one replica (the node no longer hosts the shard).
  Status forget(const std::string& collection, uint32_t shard_id, uint64_t node_id);

 private:
  explicit AppliedSequences(std::unique_ptr<MetadataStore> store) : store_(std::move(store)) {}
  std::unique_ptr<MetadataStore> store_;
};

}  // namespace sextant::cluster
