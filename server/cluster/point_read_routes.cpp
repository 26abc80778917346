// See point_read_routes.hpp.
#include "server/cluster/point_read_routes.hpp"

#include <boost/json.hpp>
#include <optional>
#include <set>

#include "api/envelope.hpp"
#include "api/handler_support.hpp"
#include "api/parse/point_parsing.hpp"
#include "server/cluster/peer_client.hpp"
#include "server/cluster/read_merge.hpp"
#include "server/cluster/read_resolve.hpp"
#include "server/cluster/route_on_pool.hpp"
#include "storage/shards.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;
using api::Clock;
using api::HttpMethod;
using api::Request;
using api::Response;

constexpr auto kPeerTimeout = std::chrono::seconds(60);
constexpr uint64_t kCountPageSize = 10000;

struct ReadRoute {
  const char* name;
  HttpMethod method;
  const char* pattern;
};

constexpr ReadRoute kReadRoutes[] = {
    {"search", HttpMethod::kPost, "/collections/{collection_name}/points/search"},
    {"query", HttpMethod::kPost, "/collections/{collection_name}/points/query"},
    {"scroll", HttpMethod::kPost, "/collections/{collection_name}/points/scroll"},
    {"count", HttpMethod::kPost, "/collections/{collection_name}/points/count"},
    {"retrieve", HttpMethod::kPost, "/collections/{collection_name}/points"},
    {"retrieve_one", HttpMethod::kGet, "/collections/{collection_name}/points/{id}"},
};

uint64_t body_number(const json::object& body, std::string_view key, uint64_t fallback) {
  auto* value = body.if_contains(key);
  if (!value) return fallback;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() >= 0) return value->get_int64();
  return fallback;
}

// A node's answer: its `result` on success, or its whole answer to hand back as it is.
struct NodeAnswer {
  std::optional<json::value> result;
  Response failure;
};

}  // namespace

Result<std::unique_ptr<ClusterPointReads>> ClusterPointReads::wrap(cluster::ClusterNode& node,
                                                                   api::Router& router) {
  std::unique_ptr<ClusterPointReads> reads(new ClusterPointReads(node));
  ClusterPointReads* self = reads.get();
  for (const ReadRoute& route : kReadRoutes) {
    const std::string name = route.name;
    const bool wrapped = router.wrap(route.method, route.pattern, [&](api::Handler standalone) {
      self->standalone_[name] = std::move(standalone);
      return [self, name](Request& request) { return self->read(name, request); };
    });
    if (!wrapped)
      return Error::internal(std::string("cluster mode: the route ") + route.pattern +
                             " is not registered");
    router.set_async_handler(route.method, route.pattern,
                             [self, name](Request& request, api::Reply reply) {
                               self->read_later(name, request, std::move(reply));
                             });
  }
  return reads;
}

void ClusterPointReads::read_later(const std::string& route, Request& request, api::Reply reply) {
  answer_on_pool(request.header(kLocalReadHeader) ? local_reads_ : gathering_, request,
                 std::move(reply), [this, route](Request& copy) { return read(route, copy); });
}

Response ClusterPointReads::read(const std::string& route, Request& request) {
  const auto started = Clock::now();
  api::Handler& standalone = standalone_.at(route);
  if (request.header(kLocalReadHeader)) return standalone(request);
  auto placement =
      catalog_ ? catalog_->current_placement(request.path_params[0], node_.metadata(), kPeerTimeout)
               : std::nullopt;
  if (!placement) return standalone(request);

  // The replicas each shard is read from: one (the default) or as many as `consistency` asks
  // (read_resolve.hpp), this node first, then peers already asked, then the others. Replicas
  // still being filled by a transfer are never asked.
  const auto peers = node_.membership().peers();
  const uint64_t self = node_.node_id();
  const ReadConsistency consistency = parse_read_consistency(request.query_param("consistency"));
  std::set<uint64_t> chosen;
  std::map<uint32_t, std::vector<uint64_t>> readers;  // shard -> the nodes read for it
  std::map<uint32_t, ResolveCondition> conditions;
  bool resolving = false;  // some shard is read from more than one replica
  std::vector<uint32_t> shards_to_read;
  if (route == "retrieve_one") {
    const std::string& id_text = request.path_params[1];
    json::value id = id_text.find_first_not_of("0123456789") == std::string::npos
                         ? json::value(std::strtoull(id_text.c_str(), nullptr, 10))
                         : json::value(id_text);
    auto parsed = api::parse_point_id(id);
    if (!parsed.ok()) return standalone(request);  // its answer to a malformed id
    shards_to_read.push_back(storage::route_point(parsed.value(), placement->shard_number));
  } else {
    for (uint32_t shard = 0; shard < placement->shard_number; ++shard)
      shards_to_read.push_back(shard);
  }
  for (uint32_t shard : shards_to_read) {
    const auto requirement = replica_requirement(consistency, placement->replicas[shard].size());
    std::vector<uint64_t> live;
    for (uint64_t peer : cluster::active_replicas(*placement, shard))
      if (peers.contains(peer)) live.push_back(peer);
    std::stable_sort(live.begin(), live.end(), [&](uint64_t a, uint64_t b) {
      const auto rank = [&](uint64_t peer) {
        return peer == self ? 0 : chosen.contains(peer) ? 1 : 2;
      };
      return rank(a) < rank(b);
    });
    if (live.empty() || live.size() < requirement.replicas) {
      if (requirement.replicas <= 1)
        return api::error_response_for(
            Error{ErrorKind::kUnavailable, "Service internal error: no live replica of shard " +
                                               std::to_string(shard) + " of collection `" +
                                               placement->name + "`"},
            started);
      return api::error_response_for(
          Error::internal("The replica set for shard " + std::to_string(shard) + " on peer " +
                          std::to_string(self) + " does not have enough active replicas"),
          started);
    }
    const size_t asked = std::max<size_t>(requirement.replicas, 1);
    std::vector<uint64_t> nodes(live.begin(), live.begin() + static_cast<std::ptrdiff_t>(asked));
    if (nodes.size() > 1) resolving = true;
    for (uint64_t peer : nodes) chosen.insert(peer);
    readers[shard] = std::move(nodes);
    conditions[shard] = requirement.condition;
  }
  if (!resolving) {
    // One replica per shard: as few nodes as cover every shard (a node answers for all it hosts).
    chosen.clear();
    for (auto& [shard, nodes] : readers) {
      const auto& replicas = placement->replicas[shard];
      if (std::any_of(replicas.begin(), replicas.end(), [&, shard = shard](uint64_t peer) {
            return chosen.contains(peer) && !cluster::incoming_transfer(*placement, shard, peer);
          }))
        continue;
      chosen.insert(nodes.front());
    }
  }

  std::map<std::string, std::string> headers{{kLocalReadHeader, "1"}};
  for (const char* credential : {"api-key", "authorization"})
    if (auto value = request.header(credential)) headers[credential] = std::string(*value);
  // Asks `node` for its local answer to `route_name` at `path` with `body`.
  const auto ask_route = [&](uint64_t node, const std::string& route_name, const std::string& path,
                             const std::string& body) -> NodeAnswer {
    Response response;
    if (node == self) {
      Request local = request;
      local.body = body;
      response = standalone_.at(route_name)(local);
    } else {
      const std::string method = route_name == "retrieve_one" ? "GET" : "POST";
      auto answered = peer_request(peers.at(node).url, method, path, body, headers, kPeerTimeout);
      if (!answered.ok()) return {std::nullopt, api::error_response_for(answered.error(), started)};
      response.status = answered.value().status;
      response.body = std::move(answered.value().body);
    }
    if (response.status != 200) return {std::nullopt, std::move(response)};
    boost::system::error_code ec;
    json::value parsed = json::parse(response.body, ec);
    if (ec || !parsed.is_object() || !parsed.get_object().contains("result"))
      return {std::nullopt, std::move(response)};
    return {parsed.get_object().at("result"), {}};
  };
  const auto ask = [&](uint64_t node, const std::string& body) {
    return ask_route(node, route, request.path, body);
  };

  // The shard a point of an answer belongs to (points route alike on every node).
  const auto shard_of = [&](const json::value& point) -> std::optional<uint32_t> {
    if (!point.is_object() || !point.as_object().contains("id")) return std::nullopt;
    auto parsed = api::parse_point_id(point.as_object().at("id"));
    if (!parsed.ok()) return std::nullopt;
    return storage::route_point(parsed.value(), placement->shard_number);
  };
  // Per shard read from several replicas: each reader's points of that shard, resolved; per
  // shard read from one: its reader's points of that shard. `lists` gets one list per reader and
  // shard, each in the reader's order.
  const auto resolve_lists = [&](const std::map<uint64_t, json::array>& by_node) {
    std::vector<json::array> lists;
    for (const auto& [shard, nodes] : readers) {
      std::vector<json::array> answers;
      for (uint64_t node : nodes) {
        json::array of_shard;
        for (const auto& point : by_node.at(node))
          if (shard_of(point) == shard) of_shard.push_back(point);
        answers.push_back(std::move(of_shard));
      }
      for (auto& list : resolve_points(answers, conditions.at(shard)))
        lists.push_back(std::move(list));
    }
    return lists;
  };

  if (route == "retrieve_one") {
    if (!resolving) {
      NodeAnswer answer = ask(*chosen.begin(), {});
      if (!answer.result) return answer.failure;
      return api::ok_response(*answer.result, started);
    }
    std::map<uint64_t, json::array> by_node;
    std::optional<Response> missing;  // a replica's "not found", answered when none is kept
    for (uint64_t node : chosen) {
      NodeAnswer answer = ask(node, {});
      if (!answer.result && answer.failure.status != 404) return answer.failure;
      if (!answer.result) missing = answer.failure;
      by_node[node] = answer.result ? json::array{*answer.result} : json::array{};
    }
    for (auto& list : resolve_lists(by_node))
      if (!list.empty()) return api::ok_response(list.front(), started);
    if (missing) return *missing;
    return api::error_response_for(
        Error::not_found("No point with id " + request.path_params[1] + " found"), started);
  }
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return standalone(request);  // its parse error
  json::object& object = body.get_object();

  if (route == "count") {
    // Distinct ids of the filter's points per node (their shards overlap), counted by shard:
    // a shard read from several replicas counts as read_resolve.hpp resolves counts.
    json::object scroll{{"limit", kCountPageSize}, {"with_payload", false}, {"with_vector", false}};
    if (auto* filter = object.if_contains("filter")) scroll["filter"] = *filter;
    const std::string scroll_path = request.path.substr(0, request.path.rfind('/')) + "/scroll";
    std::map<uint64_t, std::map<uint32_t, std::set<std::string>>> ids;  // node -> shard -> ids
    for (uint64_t node : chosen) {
      json::value offset = nullptr;
      do {
        if (!offset.is_null()) scroll["offset"] = offset;
        NodeAnswer answer = ask_route(node, "scroll", scroll_path, json::serialize(scroll));
        if (!answer.result) return answer.failure;
        const auto& page = answer.result->as_object();
        for (const auto& point : page.at("points").as_array())
          if (auto shard = shard_of(point))
            ids[node][*shard].insert(json::serialize(point.as_object().at("id")));
        offset = page.contains("next_page_offset") ? page.at("next_page_offset") : nullptr;
      } while (!offset.is_null());
      scroll.erase("offset");
    }
    uint64_t count = 0;
    for (const auto& [shard, nodes] : readers) {
      std::vector<uint64_t> counts;
      if (resolving) {
        for (uint64_t node : nodes) counts.push_back(ids[node][shard].size());
      } else {
        // One replica per shard: whichever chosen node hosts it.
        for (uint64_t node : chosen)
          if (ids[node].contains(shard) ||
              std::find(placement->replicas[shard].begin(), placement->replicas[shard].end(),
                        node) != placement->replicas[shard].end()) {
            counts.push_back(ids[node][shard].size());
            break;
          }
      }
      count += resolve_count(counts, conditions.at(shard));
    }
    return api::ok_response(json::object{{"count", count}}, started);
  }

  const uint64_t limit = body_number(object, "limit", 10);
  const uint64_t offset = body_number(object, "offset", 0);
  if (route == "search" || route == "query") {
    object["limit"] = limit + offset;
    object.erase("offset");
  }
  const std::string text = json::serialize(object);
  std::map<uint64_t, json::value> results;
  for (uint64_t node : chosen) {
    NodeAnswer answer = ask(node, text);
    if (!answer.result) return answer.failure;
    results[node] = std::move(*answer.result);
  }
  // The answers' point lists: as the nodes gave them, or resolved per shard.
  const auto point_lists = [&](auto&& points_of) {
    std::map<uint64_t, json::array> by_node;
    for (auto& [node, result] : results) by_node[node] = points_of(result);
    if (resolving) return resolve_lists(by_node);
    std::vector<json::array> lists;
    for (auto& [node, points] : by_node) lists.push_back(std::move(points));
    return lists;
  };
  if (route == "search") {
    auto lists = point_lists([](json::value& result) { return result.as_array(); });
    return api::ok_response(merge_scored(lists, offset, limit), started);
  }
  if (route == "query") {
    auto lists =
        point_lists([](json::value& result) { return result.as_object().at("points").as_array(); });
    return api::ok_response(json::object{{"points", merge_scored(lists, offset, limit)}}, started);
  }
  if (route == "scroll") {
    std::vector<json::object> pages;
    if (!resolving) {
      for (auto& [node, result] : results) pages.push_back(result.as_object());
    } else {
      auto lists = point_lists(
          [](json::value& result) { return result.as_object().at("points").as_array(); });
      for (auto& list : lists) pages.push_back(json::object{{"points", std::move(list)}});
      for (auto& [node, result] : results)  // the nodes' next offsets bound the unseen ids
        pages.push_back(
            json::object{{"points", json::array{}},
                         {"next_page_offset", result.as_object().contains("next_page_offset")
                                                  ? result.as_object().at("next_page_offset")
                                                  : json::value(nullptr)}});
    }
    return api::ok_response(merge_scroll(pages, limit), started);
  }
  // retrieve
  auto lists = point_lists([](json::value& result) { return result.as_array(); });
  json::array requested;
  if (auto* ids = object.if_contains("ids"); ids && ids->is_array()) requested = ids->get_array();
  return api::ok_response(merge_retrieved(lists, requested), started);
}

}  // namespace sextant::server
