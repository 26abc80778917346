// The REST requests `sextant migrate` sends, carried over Qdrant's gRPC API instead: a client of
// one gRPC endpoint (a Qdrant or Sextant gRPC port) that takes a request in REST form (method,
// target with query string, JSON body) and answers in REST form (an HTTP status and the JSON
// envelope {"result": ..., "status": "ok"} or {"status": {"error": text}}).
//
// The requests it maps, and the RPC each becomes:
//   GET  /collections                      Collections.List
//   GET  /collections/{c}                  Collections.Get
//   PUT  /collections/{c}                  Collections.Create
//   GET  /collections/{c}/cluster          Collections.CollectionClusterInfo
//   PUT  /collections/{c}/shards           Collections.CreateShardKey
//   GET  /aliases                          Collections.ListAliases
//   POST /collections/aliases              Collections.UpdateAliases
//   PUT  /collections/{c}/index            Points.CreateFieldIndex
//   POST /collections/{c}/points/count     Points.Count
//   POST /collections/{c}/points/scroll    Points.Scroll
//   PUT  /collections/{c}/points           Points.Upsert
//   POST /collections/{c}/points/query     Points.Query (nearest dense/sparse/multi, or sample)
//   POST /collections/{c}/points           Points.Get
// Any other request is answered 501 naming it. Body fields outside what migrate sends (filters,
// prefetches, ...) are refused with 400 rather than dropped.
//
// gRPC status codes become HTTP statuses as Qdrant's REST API answers the same errors
// (NOT_FOUND 404, INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
// RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, ...). UNAVAILABLE, DEADLINE_EXCEEDED and
// RESOURCE_EXHAUSTED are retried up to `retries` times with backoff (0.5 s doubling, capped at
// 8 s): every request migrate sends is idempotent.
//
// Thread-safety: none; one client (with its own channel) per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/status.hpp"

namespace sextant::grpc_wire::client {

struct GrpcEndpointOptions {
  std::string url;      // grpc://host:port or grpcs://host:port
  std::string api_key;  // sent as `api-key` metadata when not empty
  std::string ca_file;  // grpcs: PEM certificates to trust instead of the system store
  std::chrono::seconds timeout{60};
  int retries = 5;
};

struct RestAnswer {
  int status = 0;
  std::string body;
};

class RestOverGrpc {
 public:
  // Fails on a URL that is not grpc(s)://host:port or an unreadable ca_file. Connecting is lazy:
  // an unreachable server shows in the first answer (503).
  static Result<std::unique_ptr<RestOverGrpc>> open(const GrpcEndpointOptions& options);
  ~RestOverGrpc();
  RestOverGrpc(const RestOverGrpc&) = delete;
  RestOverGrpc& operator=(const RestOverGrpc&) = delete;

  RestAnswer request(const std::string& method, const std::string& target, const std::string& body);

  // The generated Collections and Points stubs over this client's channel.
  struct Stubs;

 private:
  RestOverGrpc(GrpcEndpointOptions options, std::unique_ptr<Stubs> stubs);

  GrpcEndpointOptions options_;
  std::unique_ptr<Stubs> stubs_;
};

// True for grpc:// and grpcs:// URLs.
bool is_grpc_url(const std::string& url);

}  // namespace sextant::grpc_wire::client
