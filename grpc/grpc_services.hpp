// The services the gRPC server registers: one list, so that adding a service is one line here.
//
// Each factory builds a service object of the callback API around the shared ServiceContext;
// the server registers every object of make_services() on its grpc::ServerBuilder and keeps
// them alive until the gRPC server has shut down.
//
// Invariants: the ServiceContext outlives every service made from it.
#pragma once

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "grpc/unary_call.hpp"

namespace sextant::grpc_wire {

// qdrant.Qdrant (HealthCheck) and grpc.health.v1.Health (Check): grpc/health/.
std::unique_ptr<::grpc::Service> make_qdrant_service(const ServiceContext& context);
std::unique_ptr<::grpc::Service> make_health_service(const ServiceContext& context);

// qdrant.Collections: grpc/collections/. qdrant.Snapshots and qdrant.ShardSnapshots:
// grpc/snapshots/.
std::unique_ptr<::grpc::Service> make_collections_service(const ServiceContext& context);
std::unique_ptr<::grpc::Service> make_snapshots_service(const ServiceContext& context);
std::unique_ptr<::grpc::Service> make_shard_snapshots_service(const ServiceContext& context);

// qdrant.Points: grpc/points/points_service.cpp.
std::unique_ptr<::grpc::Service> make_points_service(const ServiceContext& context);

std::vector<std::unique_ptr<::grpc::Service>> make_services(const ServiceContext& context);

}  // namespace sextant::grpc_wire
