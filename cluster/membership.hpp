// Node membership: every node refreshes its key `node.<peer id>` (value: its REST URL) in a
// JetStream KV bucket whose entries expire after `ttl_ms`, and watches the bucket to learn its
// peers. A peer is live while its key was written less than `ttl_ms` ago (as this node saw it):
// the 3.4 C client's watch sees no event when a key expires, so expiry is measured here.
//
// Invariants:
//   - The heartbeat thread writes at least every ttl_ms / 3, so a live node's key never expires
//     between two writes while its NATS servers are reachable.
//   - peers() always holds this node itself (it knows it is live).
//   - The NatsConnection outlives the Membership.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "cluster/metadata_store.hpp"
#include "cluster/nats_connection.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

struct MembershipOptions {
  uint64_t node_id = 0;
  std::string node_url;  // how peers reach this node's REST API, e.g. http://10.231.77.1:6333
  std::string bucket = "sextant-members";
  int replicas = 1;
  int64_t ttl_ms = 4000;
};

struct Peer {
  std::string url;
};

class Membership {
 public:
  // Opens (or creates) the bucket, writes the first heartbeat and starts the heartbeat thread
  // and the watch.
  static Result<std::unique_ptr<Membership>> start(NatsConnection& connection,
                                                   const MembershipOptions& options);
  ~Membership();
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;

  // The live peers by id, this node included.
  std::map<uint64_t, Peer> peers() const;
  uint64_t node_id() const { return options_.node_id; }
  // Every peer this node has heard of and not seen removed, live or not, this node included.
  std::set<uint64_t> known_peers() const;
  // Removes `peer`'s key from the bucket (DELETE /cluster/peer/{id}); a peer that is still
  // running writes it again with its next heartbeat.
  Status remove(uint64_t peer);
  // The time of this node's last successful heartbeat (for GET /cluster's last_update).
  std::chrono::system_clock::time_point last_heartbeat() const;

 private:
  Membership(std::unique_ptr<MetadataStore> store, MembershipOptions options)
      : store_(std::move(store)), options_(std::move(options)) {}
  void heartbeat_loop();
  void on_entry(const MetadataEntry& entry);

  struct Seen {
    std::string url;
    std::chrono::steady_clock::time_point at;
  };

  std::unique_ptr<MetadataStore> store_;
  MembershipOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::map<uint64_t, Seen> seen_;
  std::chrono::system_clock::time_point last_heartbeat_;
  std::unique_ptr<MetadataWatch> watch_;
  std::thread heartbeat_thread_;
};

}  // namespace sextant::cluster
