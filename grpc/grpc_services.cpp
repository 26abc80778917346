// The list of services the gRPC server registers.
#include "grpc/grpc_services.hpp"

namespace sextant::grpc_wire {

std::vector<std::unique_ptr<::grpc::Service>> make_services(const ServiceContext& context) {
  std::vector<std::unique_ptr<::grpc::Service>> services;
  services.push_back(make_qdrant_service(context));
  services.push_back(make_health_service(context));
  services.push_back(make_collections_service(context));
  services.push_back(make_snapshots_service(context));
  services.push_back(make_shard_snapshots_service(context));
  services.push_back(make_points_service(context));
  return services;
}

}  // namespace sextant::grpc_wire
