// The process's Server: owns the Router, Dispatcher, I/O threads, worker pool, listener and
// session registry, and runs the lifecycle
//
//   start()   bind service.host:http_port (TLS when service.enable_tls, client certificates
//             checked against tls.ca_cert with service.verify_https_client_certificate),
//             start I/O threads,
//             and the gRPC server on service.grpc_port (server/grpc_listener.hpp)
//   wait()    block until SIGTERM or SIGINT (a second signal exits at once)
//   drain()   stop accepting (HTTP and gRPC), close idle connections, let in-flight requests
//             and gRPC calls finish
//             (bounded by a grace period), stop threads
//
// After drain() returns no handler is running, so the caller may shut the Api down.
//
// Invariants: the Api and Config passed in outlive the Server; routes are registered before
// start() and the Router is read-only afterwards.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/api.hpp"
#include "api/router.hpp"
#include "server/config.hpp"

namespace sextant::server {

class Server {
 public:
  Server(const Config& config, api::Api& api);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  api::Router& router();

  // Returns false with `error` set when the address cannot be bound or TLS files are bad.
  bool start(std::string* error);
  void wait();
  void drain(std::chrono::seconds grace_period = std::chrono::seconds(30));

  // The port actually bound (differs from the config when it asked for port 0).
  uint16_t bound_port() const;
  // The gRPC port actually bound; 0 when service.grpc_port is null.
  uint16_t grpc_bound_port() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// Worker threads for request handlers: service.max_workers, 0 -> one per core, unset ->
// storage.performance.max_search_threads (0 -> one per core); at least 2.
size_t worker_thread_count(const Config& config);

}  // namespace sextant::server
