// The gRPC server on service.host:service.grpc_port, next to the HTTP listener.
//
// It registers the services of grpc/grpc_services.hpp and hands them a ServiceContext whose
// engine calls go through the same Dispatcher as HTTP requests: a RequestHead built from the
// call's method, path and query, with the call's metadata (api-key, authorization) as headers,
// so auth, read-only keys, JWT access, strict mode and the handlers are the REST ones. Service
// work runs on the server's worker pool. TLS (service.enable_tls with tls.cert, tls.key,
// tls.ca_cert, service.verify_https_client_certificate), the receive limit
// (service.max_request_size_mb), gzip (answers compressed for clients that accept gzip)
// and keep-alive pings are set up here; every call's outcome is recorded in `metrics` keyed by
// its full method name ("/qdrant.Points/Search") and gRPC status code.
//
// Invariants: the Dispatcher, WorkerPool and RequestMetrics outlive the listener; shutdown()
// is called before the worker pool stops (in-flight calls still need it to finish).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "server/config.hpp"
#include "server/dispatcher.hpp"
#include "server/request_metrics.hpp"
#include "server/worker_pool.hpp"

namespace sextant::server {

class GrpcListener {
 public:
  GrpcListener(const Config& config, const Dispatcher& dispatcher, WorkerPool& workers,
               RequestMetrics& metrics);
  ~GrpcListener();
  GrpcListener(const GrpcListener&) = delete;
  GrpcListener& operator=(const GrpcListener&) = delete;

  // Does nothing (and succeeds) when service.grpc_port is null. Returns false with `error`
  // set when the port cannot be bound or the TLS files cannot be read.
  bool start(std::string* error);
  // Stops accepting calls; in-flight calls get until `deadline` to finish, then are cancelled.
  void shutdown(std::chrono::system_clock::time_point deadline);

  // The port bound, 0 when gRPC is disabled or not started.
  uint16_t bound_port() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace sextant::server
