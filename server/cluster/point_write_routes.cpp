// See point_write_routes.hpp. A published operation is JSON: {"route": "<name>", "body": {...}}.
#include "server/cluster/point_write_routes.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <random>
#include <thread>

#include "api/envelope.hpp"
#include "api/handler_support.hpp"
#include "server/cluster/filter_write.hpp"
#include "server/cluster/point_write_split.hpp"
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
};

const WriteRoute& route_shape(const std::string& name) {
  for (const WriteRoute& route : kWriteRoutes)
    if (name == route.name) return route;
  return kWriteRoutes[0];  // unreachable: only the names above are wrapped
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
  if (auto* filter_shard = object.if_contains(kFilterShardMember)) {
    // Selected by filter: the points of this operation's shard matching it now, in log order.
    const auto* shard = filter_shard->is_object() ? &filter_shard->get_object() : nullptr;
    const auto* shard_id = shard ? shard->if_contains("shard_id") : nullptr;
    const auto* shard_number = shard ? shard->if_contains("shard_number") : nullptr;
    if (!shard_id || !shard_id->is_number() || !shard_number || !shard_number->is_number() ||
        !selected.contains("filter"))
      return Error::internal("a published operation is damaged");
    auto ids =
        resolve_filter_to_ids(local_scroll_, collection, selected.at("filter"),
                              shard_id->to_number<uint32_t>(), shard_number->to_number<uint32_t>());
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
  // The request's body is a view into the session's buffer: the copy owns it.
  auto body = std::make_shared<std::string>(request.body);
  auto copy = std::make_shared<Request>(request);
  copy->body = *body;
  boost::asio::post(waiting_writes_, [this, route, body, copy, reply = std::move(reply)] {
    try {
      reply(write(route, *copy));
    } catch (const std::exception& e) {
      reply(api::error_response(500, std::string("Service internal error: ") + e.what()));
    }
  });
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
  // Operations to publish: by shard, the request's body restricted to the shard's points, or
  // for a write selecting points by filter, the whole body on every shard (resolved to the
  // shard's ids when applied: filter_write.hpp).
  std::map<uint32_t, json::object> operations;
  const WriteRoute& shape = route_shape(route);
  if (shape.selects_by_filter && selects_by_filter(body.get_object())) {
    const json::object& object = body.get_object();
    if (Status checked = check_filter(local_scroll_, name, object.at("filter")); !checked.ok())
      return api::error_response_for(checked.error(), started);
    for (uint32_t shard_id = 0; shard_id < placement->shard_number; ++shard_id)
      operations[shard_id] = json::object{
          {"route", route},
          {"body", object},
          {kFilterShardMember, filter_shard_member(shard_id, placement->shard_number)}};
  } else {
    auto split = split_by_shard(body.get_object(), shape.points, placement->shard_number);
    if (!split.ok()) return api::error_response_for(split.error(), started);
    // A write that lists no point writes nothing: the local handler answers it (an empty
    // update request is refused as on one node).
    if (split.value().empty()) return standalone_.at(route)(request);
    for (auto& [shard_id, shard_body] : split.value())
      operations[shard_id] = json::object{{"route", route}, {"body", std::move(shard_body)}};
  }
  const std::string log = cluster::log_name(*placement);
  const std::string operation_id = new_operation_id();
  std::vector<std::pair<uint32_t, uint64_t>> published;  // shard, sequence
  for (auto& [shard_id, shard_operation] : operations) {
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
  return api::ok_response(json::object{{"operation_id", highest_sequence},
                                       {"status", wait ? "completed" : "acknowledged"}},
                          started);
}

}  // namespace sextant::server
