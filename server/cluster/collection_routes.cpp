// See collection_routes.hpp.
#include "server/cluster/collection_routes.hpp"

#include <boost/json.hpp>

#include "api/envelope.hpp"
#include "api/handler_support.hpp"
#include "cluster/shard_log.hpp"
#include "server/cluster/standalone_call.hpp"
#include "server/log.hpp"

namespace sextant::server {
namespace {

using api::Clock;
using api::HttpMethod;
using api::Request;
using api::Response;

constexpr auto kApplyTimeout = std::chrono::seconds(30);
constexpr std::string_view kCollectionPattern = "/collections/{collection_name}";

// A uint32 member of the create body, when present as a non-negative integer.
std::optional<uint32_t> body_count(const boost::json::object& body, std::string_view key) {
  auto* value = body.if_contains(key);
  if (!value) return std::nullopt;
  if (value->is_uint64() && value->get_uint64() <= UINT32_MAX)
    return static_cast<uint32_t>(value->get_uint64());
  if (value->is_int64() && value->get_int64() >= 0 && value->get_int64() <= UINT32_MAX)
    return static_cast<uint32_t>(value->get_int64());
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<ClusterCollections>> ClusterCollections::start(
    cluster::ClusterNode& node, cluster::AppliedSequences& applied, std::string storage_path,
    ApplyFn apply, api::Router& router) {
  std::unique_ptr<ClusterCollections> routes(
      new ClusterCollections(node, applied, std::move(storage_path), std::move(apply)));
  ClusterCollections* self = routes.get();
  const auto wrap = [&](HttpMethod method, std::string_view pattern, api::Handler* standalone,
                        Response (ClusterCollections::*clustered)(Request&)) {
    return router.wrap(method, pattern, [&](api::Handler inner) {
      *standalone = inner;
      return [self, clustered](Request& request) { return (self->*clustered)(request); };
    });
  };
  const std::string cluster_pattern = std::string(kCollectionPattern) + "/cluster";
  if (!wrap(HttpMethod::kPut, kCollectionPattern, &routes->standalone_create_,
            &ClusterCollections::create) ||
      !wrap(HttpMethod::kDelete, kCollectionPattern, &routes->standalone_delete_,
            &ClusterCollections::remove) ||
      !wrap(HttpMethod::kGet, cluster_pattern, &routes->standalone_cluster_info_,
            &ClusterCollections::cluster_info))
    return Error::internal("cluster mode: a collection route to take over is not registered");
  cluster::CollectionApplier applier{
      [self](const cluster::CollectionPlacement& placement) {
        return self->create_locally(placement);
      },
      [self](const std::string& name) { return self->drop_locally(name); }};
  auto catalog = cluster::CollectionCatalog::start(node.metadata(), std::move(applier));
  // (The catalog's watch may already be applying placements: everything it uses is set.)
  if (!catalog.ok()) return catalog.error();
  routes->catalog_ = std::move(catalog.value());
  return routes;
}

ClusterCollections::~ClusterCollections() {
  catalog_.reset();  // no applier starts after this
  std::lock_guard lock(appliers_mutex_);
  appliers_.clear();
}

void ClusterCollections::start_appliers(const cluster::CollectionPlacement& placement) {
  const std::string log = cluster::log_name(placement);
  std::vector<std::unique_ptr<cluster::ShardApplier>> appliers;
  for (uint32_t shard_id : cluster::hosted_shards(placement, node_.node_id())) {
    cluster::ShardApplierOptions options{log, shard_id, node_.node_id(), node_.stream_replicas(),
                                         storage_path_};
    const std::string name = placement.name;
    appliers.push_back(std::make_unique<cluster::ShardApplier>(
        node_.connection(), applied_, options,
        [this, name](std::string_view operation) { return apply_(name, operation); },
        [](const std::string& line) { log_warn(line); }));
  }
  std::lock_guard lock(appliers_mutex_);
  appliers_[placement.name] = {log, std::move(appliers)};
}

void ClusterCollections::stop_appliers(const std::string& name) {
  std::pair<std::string, std::vector<std::unique_ptr<cluster::ShardApplier>>> stopped;
  {
    std::lock_guard lock(appliers_mutex_);
    auto running = appliers_.find(name);
    if (running == appliers_.end()) return;
    stopped = std::move(running->second);
    appliers_.erase(running);
  }
  std::vector<uint32_t> shards;
  stopped.second.clear();  // joins the threads
  auto placement = catalog_ ? catalog_->placement(name) : std::nullopt;
  if (!placement) return;
  for (uint32_t shard_id : cluster::hosted_shards(*placement, node_.node_id())) {
    cluster::ShardApplier::forget_stored_sequence(storage_path_, stopped.first, shard_id);
    (void)applied_.forget(stopped.first, shard_id, node_.node_id());
  }
}

Status ClusterCollections::create_locally(const cluster::CollectionPlacement& placement) {
  Request request = local_request(HttpMethod::kPut, placement.name, placement.config_json);
  Response response = standalone_create_(request);
  // 409: the collection is here already (a restart replays the bucket's current state).
  if (response.status != 200 && response.status != 409) return error_of(response);
  start_appliers(placement);
  return Status::ok_status();
}

Status ClusterCollections::drop_locally(const std::string& name) {
  stop_appliers(name);
  Request request = local_request(HttpMethod::kDelete, name, {});
  Response response = standalone_delete_(request);
  if (response.status == 200 || response.status == 404) return Status::ok_status();
  return error_of(response);
}

Response ClusterCollections::create(Request& request) {
  const auto started = Clock::now();
  const std::string& name = request.path_params[0];
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(request.body, ec);
  // Not a JSON object: the standalone handler answers the parse error (and creates nothing).
  if (ec || !body.is_object()) return standalone_create_(request);
  if (catalog_->placement(name))
    return api::error_response_for(
        Error::already_exists("Collection `" + name + "` already exists!"), started);
  auto& config = body.get_object();
  std::vector<uint64_t> live_nodes;
  for (const auto& [id, peer] : node_.membership().peers()) live_nodes.push_back(id);
  cluster::CollectionPlacement placement;
  placement.name = name;
  placement.shard_number =
      body_count(config, "shard_number").value_or(static_cast<uint32_t>(live_nodes.size()));
  placement.replication_factor = body_count(config, "replication_factor").value_or(1);
  placement.write_consistency_factor = body_count(config, "write_consistency_factor").value_or(1);
  config["shard_number"] = placement.shard_number;
  placement.config_json = boost::json::serialize(config);
  placement.replicas =
      cluster::place_shards(placement.shard_number, placement.replication_factor, live_nodes);
  auto written =
      node_.metadata().create(cluster::collection_key(name), cluster::encode_placement(placement));
  if (!written.ok()) return api::error_response_for(written.error(), started);
  if (written.value().conflict)
    return api::error_response_for(
        Error::already_exists("Collection `" + name + "` already exists!"), started);
  Status applied = catalog_->wait_applied(name, written.value().revision, kApplyTimeout);
  if (!applied.ok()) {
    if (applied.error().kind != ErrorKind::kUnavailable)
      (void)node_.metadata().erase(cluster::collection_key(name));  // an invalid configuration
    return api::error_response_for(applied.error(), started);
  }
  return api::ok_response(true, started);
}

Response ClusterCollections::remove(Request& request) {
  const auto started = Clock::now();
  const std::string& name = request.path_params[0];
  auto current = node_.metadata().get(cluster::collection_key(name));
  if (!current.ok()) return api::error_response_for(current.error(), started);
  if (!current.value()) return standalone_delete_(request);  // not the cluster's: local answer
  if (Status erased = node_.metadata().erase(cluster::collection_key(name)); !erased.ok())
    return api::error_response_for(erased.error(), started);
  Status applied = catalog_->wait_applied(name, current.value()->revision + 1, kApplyTimeout);
  if (!applied.ok()) return api::error_response_for(applied.error(), started);
  // The collection's shard logs go with it (best effort: a leftover log of an old incarnation
  // is never read, its name carries the placement's revision).
  if (auto placement = cluster::decode_placement(current.value()->value); placement.ok()) {
    placement.value().revision = current.value()->revision;
    if (placement.value().generation == 0) placement.value().generation = current.value()->revision;
    for (uint32_t shard_id = 0; shard_id < placement.value().shard_number; ++shard_id) {
      auto log = cluster::ShardLog::open(
          node_.connection(), cluster::ShardLogOptions{cluster::log_name(placement.value()),
                                                       shard_id, node_.stream_replicas()});
      if (log.ok()) (void)log.value()->destroy();
    }
  }
  return api::ok_response(true, started);
}

Response ClusterCollections::cluster_info(Request& request) {
  const auto started = Clock::now();
  Response local = standalone_cluster_info_(request);
  auto placement = catalog_->placement(request.path_params[0]);
  if (local.status != 200 || !placement) return local;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(local.body, ec);
  if (ec) return local;
  const auto& result = parsed.at("result").as_object();
  const auto peers = node_.membership().peers();
  const uint64_t self = node_.node_id();
  boost::json::array local_shards;
  for (const auto& shard : result.at("local_shards").as_array()) {
    const auto shard_id = shard.at("shard_id").to_number<uint32_t>();
    const auto hosted = cluster::hosted_shards(*placement, self);
    if (std::find(hosted.begin(), hosted.end(), shard_id) != hosted.end())
      local_shards.push_back(shard);
  }
  boost::json::array remote_shards;
  for (uint32_t shard_id = 0; shard_id < placement->replicas.size(); ++shard_id) {
    for (uint64_t peer : placement->replicas[shard_id]) {
      if (peer == self) continue;
      remote_shards.push_back(
          boost::json::object{{"shard_id", shard_id},
                              {"peer_id", peer},
                              {"state", peers.contains(peer) ? "Active" : "Dead"}});
    }
  }
  return api::ok_response(boost::json::object{{"peer_id", self},
                                              {"shard_count", placement->shard_number},
                                              {"local_shards", std::move(local_shards)},
                                              {"remote_shards", std::move(remote_shards)},
                                              {"shard_transfers", boost::json::array{}}},
                          started);
}

}  // namespace sextant::server
