// See collection_routes.hpp.
#include "server/cluster/collection_routes.hpp"

#include <boost/json.hpp>

#include "api/envelope.hpp"
#include "api/handler_support.hpp"
#include "api/parse/point_parsing.hpp"
#include "cluster/placement_changes.hpp"
#include "cluster/placement_update.hpp"
#include "cluster/shard_log.hpp"
#include "server/cluster/peer_client.hpp"
#include "server/cluster/standalone_call.hpp"
#include "server/log.hpp"
#include "storage/shards.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;
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
  // The scroll handler as registered so far (the cluster's reads, which answer requests with
  // kLocalReadHeader from the local collection), left in place.
  if (!router.wrap(HttpMethod::kPost, std::string(kCollectionPattern) + "/points/scroll",
                   [&](api::Handler inner) {
                     routes->local_scroll_ = inner;
                     return inner;
                   }))
    return Error::internal("cluster mode: the scroll route is not registered");
  routes->transfer_thread_ = std::thread([self] { self->transfer_loop(); });
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
  {
    std::lock_guard lock(appliers_mutex_);
    stopping_ = true;
  }
  stop_transfers_.notify_all();
  if (transfer_thread_.joinable()) transfer_thread_.join();
  std::lock_guard lock(appliers_mutex_);
  appliers_.clear();
}

void ClusterCollections::follow_placement(const cluster::CollectionPlacement& placement) {
  const std::string log = cluster::log_name(placement);
  const auto hosted = cluster::hosted_shards(placement, node_.node_id());
  std::vector<std::unique_ptr<cluster::ShardApplier>> stopped;
  std::vector<uint32_t> lost;
  {
    std::lock_guard lock(appliers_mutex_);
    HostedShards& running = appliers_[placement.name];
    if (running.log != log) {  // a new incarnation (or the first sight of this one)
      for (auto& [shard_id, applier] : running.appliers) stopped.push_back(std::move(applier));
      running = HostedShards{log, {}, {}};
    }
    for (auto it = running.appliers.begin(); it != running.appliers.end();) {
      if (std::find(hosted.begin(), hosted.end(), it->first) != hosted.end()) {
        ++it;
        continue;
      }
      lost.push_back(it->first);
      stopped.push_back(std::move(it->second));
      running.catching_up.erase(it->first);
      it = running.appliers.erase(it);
    }
  }
  stopped.clear();  // joins their threads
  for (uint32_t shard_id : lost) {
    cluster::ShardApplier::forget_stored_sequence(storage_path_, log, shard_id);
    (void)applied_.forget(log, shard_id, node_.node_id());
    remove_shard_data(placement.name, shard_id, placement.shard_number);
    log_info("Cluster mode: shard " + std::to_string(shard_id) + " of collection `" +
             placement.name + "` left this node; its points were removed here");
  }
  for (uint32_t shard_id : hosted) {
    {
      std::lock_guard lock(appliers_mutex_);
      HostedShards& running = appliers_[placement.name];
      if (running.appliers.contains(shard_id)) {
        if (!cluster::incoming_transfer(placement, shard_id, node_.node_id()))
          running.catching_up.erase(shard_id);
        continue;
      }
    }
    std::optional<uint64_t> catch_up_to;
    if (cluster::incoming_transfer(placement, shard_id, node_.node_id())) {
      auto shard_log = cluster::ShardLog::open(
          node_.connection(), cluster::ShardLogOptions{log, shard_id, node_.stream_replicas()});
      auto last = shard_log.ok() ? shard_log.value()->last_sequence() : shard_log.error();
      catch_up_to = last.ok() ? last.value() : UINT64_MAX;  // unknown: ask again below
    }
    cluster::ShardApplierOptions options{log, shard_id, node_.node_id(), node_.stream_replicas(),
                                         storage_path_};
    const std::string name = placement.name;
    auto applier = std::make_unique<cluster::ShardApplier>(
        node_.connection(), applied_, options,
        [this, name](std::string_view operation) { return apply_(name, operation); },
        [](const std::string& line) { log_warn(line); });
    std::lock_guard lock(appliers_mutex_);
    HostedShards& running = appliers_[placement.name];
    running.appliers[shard_id] = std::move(applier);
    if (catch_up_to) running.catching_up[shard_id] = *catch_up_to;
  }
}

void ClusterCollections::transfer_loop() {
  std::unique_lock lock(appliers_mutex_);
  while (!stop_transfers_.wait_for(lock, std::chrono::milliseconds(200),
                                   [this] { return stopping_; })) {
    // Targets that caught up (or whose log's end is still unknown) by collection.
    std::vector<std::tuple<std::string, std::string, uint32_t, uint64_t>> pending;
    for (const auto& [name, running] : appliers_)
      for (const auto& [shard_id, until] : running.catching_up)
        pending.emplace_back(name, running.log, shard_id, until);
    lock.unlock();
    for (auto& [name, log, shard_id, until] : pending) {
      if (until == UINT64_MAX) {  // the log could not be asked when the applier started
        auto shard_log = cluster::ShardLog::open(
            node_.connection(), cluster::ShardLogOptions{log, shard_id, node_.stream_replicas()});
        auto last = shard_log.ok() ? shard_log.value()->last_sequence() : shard_log.error();
        if (!last.ok()) continue;
        std::lock_guard relock(appliers_mutex_);
        auto running = appliers_.find(name);
        if (running != appliers_.end() && running->second.catching_up.contains(shard_id))
          running->second.catching_up[shard_id] = last.value();
        continue;
      }
      uint64_t applied = 0;
      {
        std::lock_guard relock(appliers_mutex_);
        auto running = appliers_.find(name);
        if (running == appliers_.end() || !running->second.appliers.contains(shard_id)) continue;
        applied = running->second.appliers.at(shard_id)->applied_sequence();
      }
      if (applied < until) continue;
      const uint64_t self = node_.node_id();
      auto finished = cluster::update_placement(
          node_.metadata(), name, [&, shard = shard_id](cluster::CollectionPlacement placement) {
            return cluster::finish_transfer(std::move(placement), shard, self);
          });
      if (finished.ok() || finished.error().kind == ErrorKind::kNotFound) {
        log_info("Cluster mode: shard " + std::to_string(shard_id) + " of collection `" + name +
                 "` caught up here (sequence " + std::to_string(applied) + "); transfer ended");
        std::lock_guard relock(appliers_mutex_);
        auto running = appliers_.find(name);
        if (running != appliers_.end()) running->second.catching_up.erase(shard_id);
      }
    }
    lock.lock();
  }
}

void ClusterCollections::remove_shard_data(const std::string& name, uint32_t shard_id,
                                           uint32_t shard_number) {
  // Scroll the local collection's ids (every shard), delete those routed to `shard_id`.
  json::value offset = nullptr;
  json::array ids;
  do {
    json::object scroll{{"limit", 1000}, {"with_payload", false}, {"with_vector", false}};
    if (!offset.is_null()) scroll["offset"] = offset;
    const std::string body = json::serialize(scroll);
    Request request = local_request(HttpMethod::kPost, name, body);
    request.path = "/collections/" + name + "/points/scroll";
    request.headers[kLocalReadHeader] = "1";
    Response response = local_scroll_(request);
    if (response.status != 200) return;
    boost::system::error_code ec;
    json::value parsed = json::parse(response.body, ec);
    if (ec) return;
    const auto& page = parsed.at("result").as_object();
    for (const auto& point : page.at("points").as_array()) {
      auto id = api::parse_point_id(point.as_object().at("id"));
      if (id.ok() && storage::route_point(id.value(), shard_number) == shard_id)
        ids.push_back(point.as_object().at("id"));
    }
    offset = page.contains("next_page_offset") ? page.at("next_page_offset") : nullptr;
  } while (!offset.is_null());
  for (size_t start = 0; start < ids.size(); start += 1000) {
    json::array chunk(
        ids.begin() + static_cast<std::ptrdiff_t>(start),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), start + 1000)));
    const std::string operation = json::serialize(
        json::object{{"route", "delete"}, {"body", json::object{{"points", std::move(chunk)}}}});
    if (Status deleted = apply_(name, operation); !deleted.ok())
      log_warn("Cluster mode: removing shard " + std::to_string(shard_id) + " of `" + name +
               "` here failed: " + deleted.error().message);
  }
}

void ClusterCollections::stop_appliers(const std::string& name) {
  HostedShards stopped;
  {
    std::lock_guard lock(appliers_mutex_);
    auto running = appliers_.find(name);
    if (running == appliers_.end()) return;
    stopped = std::move(running->second);
    appliers_.erase(running);
  }
  std::vector<uint32_t> shards;
  for (auto& [shard_id, applier] : stopped.appliers) {
    shards.push_back(shard_id);
    applier.reset();  // joins the thread
  }
  for (uint32_t shard_id : shards) {
    cluster::ShardApplier::forget_stored_sequence(storage_path_, stopped.log, shard_id);
    (void)applied_.forget(stopped.log, shard_id, node_.node_id());
  }
}

Status ClusterCollections::create_locally(const cluster::CollectionPlacement& placement) {
  Request request = local_request(HttpMethod::kPut, placement.name, placement.config_json);
  Response response = standalone_create_(request);
  // 409: the collection is here already (a restart replays the bucket's current state).
  if (response.status != 200 && response.status != 409) return error_of(response);
  follow_placement(placement);
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
    if (std::find(hosted.begin(), hosted.end(), shard_id) == hosted.end()) continue;
    json::object described = shard.as_object();
    if (cluster::incoming_transfer(*placement, shard_id, self)) described["state"] = "Partial";
    local_shards.push_back(std::move(described));
  }
  boost::json::array remote_shards;
  for (uint32_t shard_id = 0; shard_id < placement->replicas.size(); ++shard_id) {
    for (uint64_t peer : placement->replicas[shard_id]) {
      if (peer == self) continue;
      remote_shards.push_back(boost::json::object{
          {"shard_id", shard_id},
          {"peer_id", peer},
          {"state", !peers.contains(peer)                                    ? "Dead"
                    : cluster::incoming_transfer(*placement, shard_id, peer) ? "Partial"
                                                                             : "Active"}});
    }
  }
  boost::json::array transfers;
  for (const auto& transfer : placement->transfers)
    transfers.push_back(boost::json::object{{"shard_id", transfer.shard_id},
                                            {"from", transfer.from},
                                            {"to", transfer.to},
                                            {"sync", transfer.sync}});
  return api::ok_response(boost::json::object{{"peer_id", self},
                                              {"shard_count", placement->shard_number},
                                              {"local_shards", std::move(local_shards)},
                                              {"remote_shards", std::move(remote_shards)},
                                              {"shard_transfers", std::move(transfers)}},
                          started);
}

}  // namespace sextant::server
