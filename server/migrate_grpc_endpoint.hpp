// A `sextant migrate` endpoint given as grpc://host:port or grpcs://host:port: each transport
// it makes is a gRPC client of its own (grpc/client/rest_over_grpc.hpp) that carries migrate's
// REST-form requests as the matching RPCs of Qdrant's gRPC API, so the copier, set-up and
// verification of migrate/ run unchanged over gRPC, at either end.
//
// It lives in server/ because it joins two layers that may not see each other: migrate/ (the
// Transport interface) and grpc/ (the contract and its conversions).
#pragma once

#include <memory>

#include "common/status.hpp"
#include "migrate/http_client.hpp"
#include "migrate/transport.hpp"

namespace sextant::server {

// Fails on a malformed URL or an unreadable --ca-file; connecting is lazy (an unreachable
// server shows in the first request's answer).
Result<std::shared_ptr<migrate::LocalTarget>> open_migrate_grpc_endpoint(
    const migrate::EndpointOptions& options);

}  // namespace sextant::server
