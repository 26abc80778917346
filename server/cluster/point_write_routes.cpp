// See point_write_routes.hpp. A published operation is JSON: {"route": "<name>", "body": {...}}.
#include "server/cluster/point_write_routes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <random>
#include <thread>

#include "api/envelope.hpp"
#include "api/handler_support.hpp"
#include "server/cluster/batch_write.hpp"
#include "server/cluster/filter_write.hpp"
#include "server/cluster/point_write_split.hpp"
#include "server/cluster/route_on_pool.hpp"
#include "server/cluster/standalone_call.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;
using api::Clock;
using api::HttpMethod;
using api::Request;
using api::Response;

constexpr auto kWaitTimeout = std::chrono::seconds(30);
constexpr int kPublishAttempts = 4;
constexpr const char* kBatchRoute = "batch";

struct WriteRoute {
  const char* name;
  HttpMethod method;
  const char* pattern;
  PointList points;        // what the body's `points` list holds
  bool selects_by_filter;  // a `filter` in place of `points` selects the points written
};

constexpr WriteRoute kWriteRoutes[] = {
    {"upsert", HttpMethod::kPut, "/collections/{collection_name}/points", PointList::kPointsOrBatch,
     false},
    {"delete", HttpMethod::kPost, "/collections/{collection_name}/points/delete", PointList::kIds,
     true},
    {"set_payload", HttpMethod::kPost, "/collections/{collection_name}/points/payload",
     PointList::kIds, true},
    {"overwrite_payload", HttpMethod::kPut, "/collections/{collection_name}/points/payload",
     PointList::kIds, true},
    {"delete_payload", HttpMethod::kPost, "/collections/{collection_name}/points/payload/delete",
     PointList::kIds, true},
    {"clear_payload", HttpMethod::kPost, "/collections/{collection_name}/points/payload/clear",
     PointList::kIds, true},
    {"update_vectors", HttpMethod::kPut, "/collections/{collection_name}/points/vectors",
     PointList::kPoints, false},
    {"delete_vectors", HttpMethod::kPost, "/collections/{collection_name}/points/vectors/delete",
     PointList::kIds, true},
    // Split operation by operation (batch_write.hpp): `points` and `selects_by_filter` unused.
    {kBatchRoute, HttpMethod::kPost, "/collections/{collection_name}/points/batch", PointList::kIds,
     false},
};

// The collection was created with `"sharding_method": "custom"` (points placed by shard key).
bool uses_custom_sharding(const cluster::CollectionPlacement& placement) {
  boost::system::error_code ec;
  json::value config = json::parse(placement.config_json, ec);
  const auto* method =
      !ec && config.is_object() ? config.get_object().if_contains("sharding_method") : nullptr;
  return method && method->is_string() && method->get_string() == "custom";
}

const WriteRoute& route_shape(const std::string& name) {
  for (const WriteRoute& route : kWriteRoutes)
    if (name == route.name) return route;
  return kWriteRoutes[0];  // unreachable: only the names above are wrapped
}

// The (shard id, shard number) of an operation's filter_shard member.
std::optional<std::pair<uint32_t, uint32_t>> filter_shard_of(const json::object& operation) {
  const auto* member = operation.if_contains(kFilterShardMember);
  const auto* shard = member && member->is_object() ? &member->get_object() : nullptr;
  const auto* shard_id = shard ? shard->if_contains("shard_id") : nullptr;
  const auto* shard_number = shard ? shard->if_contains("shard_number") : nullptr;
  if (!shard_id || !shard_id->is_number() || !shard_number || !shard_number->is_number())
    return std::nullopt;
  return std::make_pair(shard_id->to_number<uint32_t>(), shard_number->to_number<uint32_t>());
}

std::string new_operation_id() {
  thread_local std::mt19937_64 generator(std::random_device{}());
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(generator()),
                static_cast<unsigned long long>(generator()));
  return text;
}

}  // namespace

Result<std::unique_ptr<ClusterPointWrites>> ClusterPointWrites::wrap(
    cluster::ClusterNode& node, cluster::AppliedSequences& applied, api::Router& router) {
  std::unique_ptr<ClusterPointWrites> writes(new ClusterPointWrites(node, applied));
  ClusterPointWrites* self = writes.get();
  for (const WriteRoute& route : kWriteRoutes) {
    const std::string name = route.name;
    const bool wrapped = router.wrap(route.method, route.pattern, [&](api::Handler standalone) {
      self->standalone_[name] = std::move(standalone);
      return [self, name](Request& request) { return self->write(name, request); };
    });
    if (!wrapped)
      return Error::internal(std::string("cluster mode: the route ") + route.pattern +
                             " is not registered");
    router.set_async_handler(route.method, route.pattern,
                             [self, name](Request& request, api::Reply reply) {
                               self->write_later(name, request, std::move(reply));
                             });
  }
  // The scroll as registered so far (the standalone one: the cluster's reads wrap it later),
  // left in place.
  if (!router.wrap(HttpMethod::kPost, "/collections/{collection_name}/points/scroll",
                   [&](api::Handler standalone) {
                     self->local_scroll_ = standalone;
                     return standalone;
                   }))
    return Error::internal("cluster mode: the scroll route is not registered");
  return writes;
}

Status ClusterPointWrites::apply(const std::string& collection, std::string_view operation) {
  boost::system::error_code ec;
  json::value parsed = json::parse(operation, ec);
  if (ec || !parsed.is_object()) return Error::internal("a published operation is damaged");
  const auto& object = parsed.get_object();
  auto* route = object.if_contains("route");
  auto* body = object.if_contains("body");
  if (!route || !route->is_string() || !body || !body->is_object())
    return Error::internal("a published operation is damaged");
  auto handler = standalone_.find(std::string(route->get_string()));
  if (handler == standalone_.end())
    return Error::internal("a published operation names an unknown route");
  json::object selected = body->get_object();
  if (route->get_string() == kBatchRoute) {
    auto shard = filter_shard_of(object);
    if (!shard) return Error::internal("a published operation is damaged");
    return apply_batch(handler->second, local_scroll_, collection, selected, shard->first,
                       shard->second);
  }
  if (object.contains(kFilterShardMember)) {
    // Selected by filter: the points of this operation's shard matching it now, in log order.
    auto shard = filter_shard_of(object);
    if (!shard || !selected.contains("filter"))
      return Error::internal("a published operation is damaged");
    auto ids = resolve_filter_to_ids(local_scroll_, collection, selected.at("filter"), shard->first,
                                     shard->second);
    if (!ids.ok()) return ids.error();
    if (ids.value().empty()) return Status::ok_status();  // no point of this shard matches
    selected = by_ids(selected, std::move(ids.value()));
  }
  const std::string body_text = json::serialize(selected);
  Request request = local_request(HttpMethod::kPost, collection, body_text);
  request.query["wait"] = "true";
  Response response = handler->second(request);
  if (response.status == 200) return Status::ok_status();
  return error_of(response);
}

Result<cluster::PublishAck> ClusterPointWrites::publish(const std::string& log, uint32_t shard_id,
                                                        const std::string& operation,
                                                        const std::string& operation_id) {
  Error last_error = Error::internal("not published");
  for (int attempt = 0; attempt < kPublishAttempts; ++attempt) {
    std::shared_ptr<cluster::ShardLog> shard_log;
    {
      std::lock_guard lock(logs_mutex_);
      auto cached = logs_.find({log, shard_id});
      if (cached != logs_.end()) shard_log = cached->second;
    }
    if (!shard_log) {
      // Opened outside the lock: an open that waits for a stream's leader holds up no other
      // shard's writes.
      auto opened = cluster::ShardLog::open(
          node_.connection(), cluster::ShardLogOptions{log, shard_id, node_.stream_replicas()});
      if (!opened.ok()) {
        last_error = opened.error();
        std::this_thread::sleep_for(std::chrono::milliseconds(250 * (attempt + 1)));
        continue;
      }
      std::lock_guard lock(logs_mutex_);
      auto& cached = logs_[{log, shard_id}];
      if (!cached) cached = std::move(opened.value());
      shard_log = cached;
    }
    // The same operation id on every attempt: a publish whose ack was lost is stored once.
    auto ack = shard_log->publish(operation, operation_id);
    if (ack.ok()) return ack;
    last_error = ack.error();
    {
      std::lock_guard lock(logs_mutex_);
      auto cached = logs_.find({log, shard_id});
      // Opened again on the next attempt, unless another thread did already.
      if (cached != logs_.end() && cached->second == shard_log) logs_.erase(cached);
    }
    // A stream just created, or one whose leader is being elected, answers a moment later.
    std::this_thread::sleep_for(std::chrono::milliseconds(250 * (attempt + 1)));
  }
  return last_error;
}

void ClusterPointWrites::write_later(const std::string& route, Request& request, api::Reply reply) {
  answer_on_pool(waiting_writes_, request, std::move(reply),
                 [this, route](Request& copy) { return write(route, copy); });
}

Result<std::map<uint32_t, json::object>> ClusterPointWrites::operations_to_publish(
    const std::string& route, const json::object& body, const std::string& collection,
    uint32_t shard_number) {
  std::map<uint32_t, json::object> operations;
  if (route == kBatchRoute) {
    // One operation per shard holding the batch's parts for it; filters are resolved per shard
    // when applied, so each carries the shard it is for (batch_write.hpp).
    auto parts = split_batch_by_shard(body, shard_number, [&](const json::value& filter) {
      return check_filter(local_scroll_, collection, filter);
    });
    if (!parts.ok()) return parts.error();
    for (auto& [shard_id, part] : parts.value())
      operations[shard_id] =
          json::object{{"route", route},
                       {"body", std::move(part)},
                       {kFilterShardMember, filter_shard_member(shard_id, shard_number)}};
    return operations;
  }
  const WriteRoute& shape = route_shape(route);
  if (shape.selects_by_filter && selects_by_filter(body)) {
    // The whole body on every shard, resolved to the shard's ids when applied (filter_write.hpp).
    if (Status checked = check_filter(local_scroll_, collection, body.at("filter")); !checked.ok())
      return checked.error();
    for (uint32_t shard_id = 0; shard_id < shard_number; ++shard_id)
      operations[shard_id] =
          json::object{{"route", route},
                       {"body", body},
                       {kFilterShardMember, filter_shard_member(shard_id, shard_number)}};
    return operations;
  }
  // By shard, the body restricted to the shard's points.
  auto split = split_by_shard(body, shape.points, shard_number);
  if (!split.ok()) return split.error();
  for (auto& [shard_id, shard_body] : split.value())
    operations[shard_id] = json::object{{"route", route}, {"body", std::move(shard_body)}};
  return operations;
}

Response ClusterPointWrites::write(const std::string& route, Request& request) {
  const auto started = Clock::now();
  const std::string& name = request.path_params[0];
  auto placement =
      catalog_ ? catalog_->current_placement(name, node_.metadata(), kWaitTimeout) : std::nullopt;
  if (!placement) return standalone_.at(route)(request);  // not the cluster's: local answer
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return standalone_.at(route)(request);  // its parse error
  const json::object& object = body.get_object();
  if (names_shard_key(object))
    return api::error_response_for(
        Error::bad_request("Writes naming a shard_key are not supported in cluster mode yet"),
        started);
  if (uses_custom_sharding(*placement))
    return api::error_response_for(
        Error::bad_request(
            "Writes to a collection with custom sharding are not supported in cluster mode yet"),
        started);
  auto operations = operations_to_publish(route, object, name, placement->shard_number);
  if (!operations.ok()) return api::error_response_for(operations.error(), started);
  // A write that reaches no shard (it lists no point) writes nothing: the local handler answers
  // it (an empty update request is refused as on one node).
  if (operations.value().empty()) return standalone_.at(route)(request);
  const std::string log = cluster::log_name(*placement);
  const std::string operation_id = new_operation_id();
  std::vector<std::pair<uint32_t, uint64_t>> published;  // shard, sequence
  for (auto& [shard_id, shard_operation] : operations.value()) {
    const std::string operation = json::serialize(shard_operation);
    auto ack = publish(log, shard_id, operation, operation_id + "-" + std::to_string(shard_id));
    if (!ack.ok()) return api::error_response_for(ack.error(), started);
    published.emplace_back(shard_id, ack.value().sequence);
  }
  const bool wait = request.query_param("wait") == std::optional<std::string_view>("true");
  uint64_t highest_sequence = 0;
  for (const auto& [shard_id, sequence] : published) {
    highest_sequence = std::max(highest_sequence, sequence);
    if (!wait) continue;
    // As Qdrant: every live replica applies the write before it completes, and at least
    // write_consistency_factor of them must have. A replica still being filled by a transfer
    // is not waited for (as Qdrant's Partial replicas).
    const auto replicas = cluster::active_replicas(*placement, shard_id);
    const auto needed = [&] {
      const auto peers = node_.membership().peers();
      const size_t live = std::count_if(replicas.begin(), replicas.end(),
                                        [&](uint64_t peer) { return peers.contains(peer); });
      return std::max<size_t>(live, std::max<uint32_t>(placement->write_consistency_factor, 1));
    };
    Status applied = applied_.wait_for(log, shard_id, replicas, sequence, needed, kWaitTimeout);
    if (!applied.ok()) return api::error_response_for(applied.error(), started);
  }
  const json::object result{{"operation_id", highest_sequence},
                            {"status", wait ? "completed" : "acknowledged"}};
  if (route != kBatchRoute) return api::ok_response(result, started);
  // A batch answers one UpdateResult per operation, as one node does.
  json::array results;
  for (size_t i = 0; i < object.at("operations").get_array().size(); ++i) results.push_back(result);
  return api::ok_response(std::move(results), started);
}

}  // namespace sextant::server
