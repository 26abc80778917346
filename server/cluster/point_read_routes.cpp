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
  }
  return reads;
}

Response ClusterPointReads::read(const std::string& route, Request& request) {
  const auto started = Clock::now();
  api::Handler& standalone = standalone_.at(route);
  if (request.header(kLocalReadHeader)) return standalone(request);
  auto placement =
      catalog_ ? catalog_->current_placement(request.path_params[0], node_.metadata(), kPeerTimeout)
               : std::nullopt;
  if (!placement) return standalone(request);

  // One live replica per shard, this node first, then as few peers as cover the rest.
  const auto peers = node_.membership().peers();
  const uint64_t self = node_.node_id();
  std::set<uint64_t> chosen;
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
    const auto& replicas = placement->replicas[shard];
    auto already = std::find_if(replicas.begin(), replicas.end(),
                                [&](uint64_t peer) { return chosen.contains(peer); });
    if (already != replicas.end()) continue;
    if (std::find(replicas.begin(), replicas.end(), self) != replicas.end()) {
      chosen.insert(self);
      continue;
    }
    auto live = std::find_if(replicas.begin(), replicas.end(),
                             [&](uint64_t peer) { return peers.contains(peer); });
    if (live == replicas.end())
      return api::error_response_for(
          Error{ErrorKind::kUnavailable, "Service internal error: no live replica of shard " +
                                             std::to_string(shard) + " of collection `" +
                                             placement->name + "`"},
          started);
    chosen.insert(*live);
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

  if (route == "retrieve_one") {
    NodeAnswer answer = ask(*chosen.begin(), {});
    if (!answer.result) return answer.failure;
    return api::ok_response(*answer.result, started);
  }
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return standalone(request);  // its parse error
  json::object& object = body.get_object();

  if (route == "count") {
    // Distinct ids of the filter's points over the chosen nodes (their shards overlap).
    json::object scroll{{"limit", kCountPageSize}, {"with_payload", false}, {"with_vector", false}};
    if (auto* filter = object.if_contains("filter")) scroll["filter"] = *filter;
    const std::string scroll_path = request.path.substr(0, request.path.rfind('/')) + "/scroll";
    std::set<std::string> ids;
    for (uint64_t node : chosen) {
      json::value offset = nullptr;
      do {
        if (!offset.is_null()) scroll["offset"] = offset;
        NodeAnswer answer = ask_route(node, "scroll", scroll_path, json::serialize(scroll));
        if (!answer.result) return answer.failure;
        const auto& page = answer.result->as_object();
        for (const auto& point : page.at("points").as_array())
          ids.insert(json::serialize(point.as_object().at("id")));
        offset = page.contains("next_page_offset") ? page.at("next_page_offset") : nullptr;
      } while (!offset.is_null());
      scroll.erase("offset");
    }
    return api::ok_response(json::object{{"count", ids.size()}}, started);
  }

  const uint64_t limit = body_number(object, "limit", 10);
  const uint64_t offset = body_number(object, "offset", 0);
  if (route == "search" || route == "query") {
    object["limit"] = limit + offset;
    object.erase("offset");
  }
  const std::string text = json::serialize(object);
  std::vector<json::value> results;
  for (uint64_t node : chosen) {
    NodeAnswer answer = ask(node, text);
    if (!answer.result) return answer.failure;
    results.push_back(std::move(*answer.result));
  }
  if (route == "search") {
    std::vector<json::array> lists;
    for (auto& result : results) lists.push_back(result.as_array());
    return api::ok_response(merge_scored(lists, offset, limit), started);
  }
  if (route == "query") {
    std::vector<json::array> lists;
    for (auto& result : results) lists.push_back(result.as_object().at("points").as_array());
    return api::ok_response(json::object{{"points", merge_scored(lists, offset, limit)}}, started);
  }
  if (route == "scroll") {
    std::vector<json::object> pages;
    for (auto& result : results) pages.push_back(result.as_object());
    return api::ok_response(merge_scroll(pages, limit), started);
  }
  // retrieve
  std::vector<json::array> lists;
  for (auto& result : results) lists.push_back(result.as_array());
  json::array requested;
  if (auto* ids = object.if_contains("ids"); ids && ids->is_array()) requested = ids->get_array();
  return api::ok_response(merge_retrieved(lists, requested), started);
}

}  // namespace sextant::server
