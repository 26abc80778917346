// The cluster's metadata: one JetStream key-value bucket every node reads and watches. The
// metadata of collections, their shard maps (shard -> replica nodes), aliases and node
// membership live there (docs/distributed.md names the keys).
//
// Writes are linearised by the bucket's stream (replicated by JetStream's Raft at `replicas`),
// so every key has a revision (the stream sequence of its last write) that only grows. Conflicting
// writers use create() (the key must be absent) or update() (compare-and-set on the revision): a
// lost race is an ordinary outcome (WriteOutcome::conflict), not an error.
//
// Invariants:
//   - The bucket keeps one value per key (history 1); a deleted key reads as absent.
//   - Keys are NATS subject tokens joined by '.': letters, digits, '-', '_', '/', '=' and '.'
//     (no spaces, '*' or '>'); callers encode names that may hold other characters.
//   - The NatsConnection outlives the store and every watch made from it.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cluster/metadata_watch.hpp"
#include "cluster/nats_connection.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

struct MetadataStoreOptions {
  std::string bucket = "sextant-metadata";
  int replicas = 1;  // min(3, cluster size): see replicas_for_cluster_size()
  // Every key expires this long after its last write (0: never). JetStream 2.10's KV (and the
  // 3.4 C client) has the TTL per bucket, not per key: membership heartbeats use a bucket of
  // their own with a TTL, the durable metadata one without.
  int64_t ttl_ms = 0;
};

// JetStream's replica count for a cluster of `node_count` servers: 3 (a quorum survives one
// loss) but never more servers than there are.
int replicas_for_cluster_size(int node_count);

struct WriteOutcome {
  bool conflict = false;  // the key's state was not the one the write was conditional on
  uint64_t revision = 0;  // the key's new revision when written
};

class MetadataStore {
 public:
  // Binds to the bucket, creating it when it does not exist yet (an existing bucket keeps its
  // configuration: the first node to start decides it).
  static Result<std::unique_ptr<MetadataStore>> open(NatsConnection& connection,
                                                     const MetadataStoreOptions& options);
  ~MetadataStore();
  MetadataStore(const MetadataStore&) = delete;
  MetadataStore& operator=(const MetadataStore&) = delete;

  // Writes the value whatever the key held; returns the new revision.
  Result<uint64_t> put(const std::string& key, const std::string& value);
  // The key's value and revision, nullopt when absent or deleted.
  Result<std::optional<MetadataEntry>> get(const std::string& key);
  // Writes only if the key is absent (or deleted); conflict when another value is there.
  Result<WriteOutcome> create(const std::string& key, const std::string& value);
  // Writes only if the key's revision is still `expected_revision`; conflict otherwise.
  Result<WriteOutcome> update(const std::string& key, const std::string& value,
                              uint64_t expected_revision);
  // Deletes the key (a delete marker watchers see); deleting an absent key is not an error.
  Status erase(const std::string& key);
  // Calls `on_change` (on a thread of the watch) with the current entry of every key matching
  // `key_pattern` ('*' one token, '>' the rest; ">" for all), then with every later change in
  // revision order, until the watch is destroyed.
  Result<std::unique_ptr<MetadataWatch>> watch(const std::string& key_pattern,
                                               MetadataWatch::Callback on_change,
                                               MetadataWatchOptions options = {});

  const std::string& bucket() const { return bucket_; }

 private:
  MetadataStore(kvStore* store, std::string bucket) : store_(store), bucket_(std::move(bucket)) {}

  kvStore* store_;
  std::string bucket_;
};

}  // namespace sextant::cluster
