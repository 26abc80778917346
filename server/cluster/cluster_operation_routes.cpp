// See cluster_operation_routes.hpp.
#include "server/cluster/cluster_operation_routes.hpp"

#include <boost/json.hpp>
#include <chrono>

#include "api/envelope.hpp"
#include "api/handler_support.hpp"
#include "cluster/placement_changes.hpp"
#include "cluster/placement_update.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;
using api::Clock;
using api::HttpMethod;
using api::Request;
using api::Response;

constexpr auto kApplyTimeout = std::chrono::seconds(30);

// A non-negative integer member (the standalone handler checked the body's shape already).
std::optional<uint64_t> member(const json::object& object, std::string_view key) {
  auto* value = object.if_contains(key);
  if (!value) return std::nullopt;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() >= 0) return value->get_int64();
  return std::nullopt;
}

Response missing_field(std::string_view operation, std::string_view field) {
  return api::error_response(400,
                             "Format error in JSON body: " + std::string(operation) +
                                 ": missing field `" + std::string(field) + "`",
                             Clock::now());
}

// The standalone refusal that marks a request the cluster answers (405).
bool refused_as_standalone(const Response& response) { return response.status == 405; }

}  // namespace

Result<std::unique_ptr<ClusterOperationRoutes>> ClusterOperationRoutes::wrap(
    cluster::ClusterNode& node, const cluster::CollectionCatalog& catalog, api::Router& router) {
  std::unique_ptr<ClusterOperationRoutes> routes(new ClusterOperationRoutes(node, catalog));
  ClusterOperationRoutes* self = routes.get();
  const bool wrapped =
      router.wrap(HttpMethod::kPost, "/collections/{collection_name}/cluster",
                  [self](api::Handler inner) {
                    self->standalone_update_ = std::move(inner);
                    return [self](Request& request) { return self->update_cluster(request); };
                  }) &&
      router.wrap(HttpMethod::kDelete, "/cluster/peer/{peer_id}", [self](api::Handler inner) {
        self->standalone_remove_peer_ = std::move(inner);
        return [self](Request& request) { return self->remove_peer(request); };
      });
  if (!wrapped)
    return Error::internal("cluster mode: a cluster route to take over is not registered");
  return routes;
}

Response ClusterOperationRoutes::update_cluster(Request& request) {
  const auto started = Clock::now();
  Response standalone = standalone_update_(request);
  if (!refused_as_standalone(standalone)) return standalone;
  const std::string& name = request.path_params[0];
  auto placement = catalog_.current_placement(name, node_.metadata(), kApplyTimeout);
  if (!placement) return api::error_response_for(Error::collection_not_found(name), started);
  json::value body = json::parse(request.body);  // parsed by the standalone handler already
  const auto& object = body.get_object();
  const std::string operation = object.begin()->key();
  const auto& fields = object.begin()->value();
  if (!fields.is_object()) return standalone;
  const auto& args = fields.get_object();
  std::set<uint64_t> known = node_.membership().known_peers();
  for (const auto& [shard, peers] : catalog_.placements())
    for (const auto& replicas : peers.replicas) known.insert(replicas.begin(), replicas.end());

  cluster::PlacementChange change;
  if (operation == "replicate_shard" || operation == "move_shard" ||
      operation == "abort_transfer") {
    for (const char* field : {"shard_id", "from_peer_id", "to_peer_id"})
      if (!member(args, field)) return missing_field(operation, field);
    const auto shard_id = static_cast<uint32_t>(*member(args, "shard_id"));
    const uint64_t from = *member(args, "from_peer_id");
    const uint64_t to = *member(args, "to_peer_id");
    if (operation == "abort_transfer") {
      change = [=](cluster::CollectionPlacement current) {
        return cluster::abort_transfer(std::move(current), shard_id, from, to);
      };
    } else {
      const bool sync = operation == "replicate_shard";
      change = [=](cluster::CollectionPlacement current) {
        return cluster::start_transfer(std::move(current), shard_id, from, to, sync, known);
      };
    }
  } else if (operation == "drop_replica") {
    for (const char* field : {"shard_id", "peer_id"})
      if (!member(args, field)) return missing_field(operation, field);
    const auto shard_id = static_cast<uint32_t>(*member(args, "shard_id"));
    const uint64_t peer = *member(args, "peer_id");
    change = [=](cluster::CollectionPlacement current) {
      return cluster::drop_replica(std::move(current), shard_id, peer, known);
    };
  } else {
    return standalone;  // not built in cluster mode: the standalone refusal
  }
  auto revision = cluster::update_placement(node_.metadata(), name, change);
  if (!revision.ok()) return api::error_response_for(revision.error(), started);
  Status applied = catalog_.wait_applied(name, revision.value(), kApplyTimeout);
  if (!applied.ok()) return api::error_response_for(applied.error(), started);
  return api::ok_response(true, started);
}

Response ClusterOperationRoutes::remove_peer(Request& request) {
  const auto started = Clock::now();
  Response standalone = standalone_remove_peer_(request);
  if (!refused_as_standalone(standalone)) return standalone;
  const uint64_t peer = std::stoull(request.path_params[0]);  // a u64: checked by the standalone
  const bool force = request.query_param("force") == std::optional<std::string_view>("true");
  const auto placements = catalog_.placements();
  std::vector<std::string> holding;
  for (const auto& [name, placement] : placements)
    if (cluster::holds_shards(placement, peer)) holding.push_back(name);
  std::set<uint64_t> known = node_.membership().known_peers();
  if (holding.empty() && !known.contains(peer))
    return api::error_response_for(
        Error::bad_request("Peer " + std::to_string(peer) + " does not exist"), started);
  if (!holding.empty() && !force)
    return api::error_response_for(Error::bad_request("Cannot remove peer " + std::to_string(peer) +
                                                      " as there are shards on it"),
                                   started);
  for (const auto& name : holding) {
    auto revision = cluster::update_placement(node_.metadata(), name,
                                              [peer](cluster::CollectionPlacement current) {
                                                return Result<cluster::CollectionPlacement>(
                                                    cluster::remove_peer(std::move(current), peer));
                                              });
    if (!revision.ok()) {
      if (revision.error().kind == ErrorKind::kNotFound) continue;  // deleted meanwhile
      return api::error_response_for(revision.error(), started);
    }
    Status applied = catalog_.wait_applied(name, revision.value(), kApplyTimeout);
    if (!applied.ok()) return api::error_response_for(applied.error(), started);
  }
  if (Status removed = node_.membership().remove(peer); !removed.ok())
    return api::error_response_for(removed.error(), started);
  return api::ok_response(true, started);
}

}  // namespace sextant::server
