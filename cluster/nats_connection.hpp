// One client connection to a NATS cluster and its JetStream context, closed when destroyed.
//
// Every other piece of cluster/ (MetadataStore, ShardLog, ShardConsumer) works through a
// NatsConnection it borrows: the connection must outlive them. The client reconnects on its own
// to any server of the list (and those the cluster advertises) after a server or link goes away;
// JetStream calls made while it is reconnecting fail with an unavailable() error.
//
// Invariants:
//   - raw() and jetstream() are non-null for the object's whole life.
//   - The C client is thread-safe: one connection may be shared by every thread of a node.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace sextant::cluster {

struct ConnectionOptions {
  std::vector<std::string> server_urls;  // e.g. {"nats://10.77.0.1:4222", ...}; at least one
  std::string client_name = "sextant";   // shown in the servers' monitoring pages
  int64_t connect_timeout_ms = 2000;     // per attempt, per server
  int64_t reconnect_wait_ms = 250;       // between rounds of reconnect attempts
  int max_reconnect_attempts = -1;       // -1: keep trying for the connection's whole life
  int64_t jetstream_timeout_ms = 5000;   // how long a JetStream API call waits for its answer
};

class NatsConnection {
 public:
  // Connects to the first server of the list that answers; fails (unavailable) if none does.
  static Result<std::unique_ptr<NatsConnection>> connect(const ConnectionOptions& options);

  ~NatsConnection();
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  natsConnection* raw() const { return connection_; }
  jsCtx* jetstream() const { return jetstream_; }
  int64_t jetstream_timeout_ms() const { return jetstream_timeout_ms_; }
  // The URL of the server the connection is on now (empty while reconnecting).
  std::string connected_url() const;

 private:
  NatsConnection(natsConnection* connection, jsCtx* jetstream, int64_t jetstream_timeout_ms)
      : connection_(connection),
        jetstream_(jetstream),
        jetstream_timeout_ms_(jetstream_timeout_ms) {}

  natsConnection* connection_;
  jsCtx* jetstream_;
  int64_t jetstream_timeout_ms_;
};

}  // namespace sextant::cluster
