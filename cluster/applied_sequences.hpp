// How far each replica has applied each shard's log, shared between nodes. Two channels:
//   - an announcement on a plain NATS subject (`sextant-applied.<collection token>.<shard>.<node>`,
//     the sequence as text) after each applied batch: no JetStream, no disk, delivered to every
//     node at once, so a waiting write wakes as soon as its replicas applied it; lost when a node
//     or link is down;
//   - a JetStream KV bucket (`sextant-applied`) with the same keys, written after the
//     announcement: what a node that missed announcements (it started later, a partition) reads.
// The node that published a write with wait=true waits until enough of the shard's replicas
// (every live one, and at least write_consistency_factor) reached the write's sequence: woken by
// announcements, and reading the bucket every kBucketReadInterval meanwhile.
//
// Invariants: a replica's sequence only grows while the collection lives (appliers apply in
// order), and what a node heard of it is the largest it saw on either channel; the keys of a
// collection are removed with it.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/metadata_store.hpp"
#include "cluster/nats_connection.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

class AppliedSequences {
 public:
  static Result<std::unique_ptr<AppliedSequences>> open(NatsConnection& connection, int replicas);
  ~AppliedSequences();
  AppliedSequences(const AppliedSequences&) = delete;
  AppliedSequences& operator=(const AppliedSequences&) = delete;

  // Announces and stores that `node_id` applied the shard's log up to `sequence`. An error means
  // the bucket was not written (the announcement may have gone): publish again later.
  Status publish(const std::string& collection, uint32_t shard_id, uint64_t node_id,
                 uint64_t sequence);
  // Waits until at least needed() of `replicas` applied `sequence` of the shard (needed() is
  // asked again on every wake-up: the live replicas may change while waiting); timeout() error
  // after `timeout`.
  Status wait_for(const std::string& collection, uint32_t shard_id,
                  const std::vector<uint64_t>& replicas, uint64_t sequence,
                  const std::function<size_t()>& needed, std::chrono::milliseconds timeout);
  // Removes the keys of one replica (the node no longer hosts the shard).
  Status forget(const std::string& collection, uint32_t shard_id, uint64_t node_id);

 private:
  AppliedSequences(NatsConnection& connection, std::unique_ptr<MetadataStore> store)
      : connection_(connection), store_(std::move(store)) {}
  static void on_announcement(natsConnection*, natsSubscription*, natsMsg* message, void* self);
  // Records `sequence` for `key` if larger than what was heard; wakes waiters.
  void heard(const std::string& key, uint64_t sequence);
  uint64_t heard_sequence(const std::string& key);

  NatsConnection& connection_;
  std::unique_ptr<MetadataStore> store_;
  natsSubscription* announcements_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<std::string, uint64_t> heard_;  // key -> largest sequence heard
};

}  // namespace sextant::cluster
