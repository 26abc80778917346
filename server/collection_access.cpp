// Route-level JWT collection checks and the value_exists lookup.
#include "server/collection_access.hpp"

#include <boost/json.hpp>
#include <exception>

namespace sextant::server {
namespace {

// Index of the {collection_name} placeholder among the pattern's placeholders, if any.
std::optional<size_t> collection_param_index(const std::string& pattern) {
  size_t placeholder = 0;
  size_t position = 0;
  while ((position = pattern.find('{', position)) != std::string::npos) {
    if (pattern.compare(position, 17, "{collection_name}") == 0) return placeholder;
    ++placeholder;
    ++position;
  }
  return std::nullopt;
}

api::Response forbidden(const std::string& what, api::Clock::time_point started) {
  return api::error_response(403, "Forbidden: " + what, started);
}

api::Response plain(int status, std::string body) {
  api::Response response;
  response.status = status;
  response.content_type.clear();
  response.body = std::move(body);
  return response;
}

}  // namespace

std::optional<api::Response> check_collection_access(const api::Route& route,
                                                     const std::vector<std::string>& path_params,
                                                     const std::string& access_json,
                                                     api::Clock::time_point started) {
  boost::system::error_code ec;
  auto access = boost::json::parse(access_json, ec);
  if (ec || !access.is_array()) return std::nullopt;  // global access: nothing to decide here

  if (route.needs_global_access) return forbidden("Global access is required", started);
  auto index = collection_param_index(route.pattern);
  if (!index || *index >= path_params.size()) {
    if (route.is_write) return forbidden("Global access is required", started);
    return std::nullopt;
  }
  if (route.pattern == "/collections/{collection_name}" && route.method != api::HttpMethod::kGet) {
    return forbidden("Global access is required", started);
  }
  const std::string& collection = path_params[*index];
  for (const auto& entry : access.as_array()) {
    const auto* object = entry.if_object();
    if (!object) continue;
    const auto* name = object->if_contains("collection");
    if (!name || !name->is_string() || name->as_string() != collection) continue;
    const auto* mode = object->if_contains("access");
    bool read_only = mode && mode->is_string() && mode->as_string() == "r";
    bool points_only = mode && mode->is_string() && mode->as_string() == "prw";
    if (route.needs_collection_extras && points_only) {
      return forbidden("Only points access is allowed for collection " + collection, started);
    }
    if (route.is_write && read_only) {
      return forbidden("Write access to collection " + collection + " is required", started);
    }
    return std::nullopt;
  }
  return forbidden("Access to collection " + collection + " is required", started);
}

std::optional<api::Response> check_value_exists(const api::Router& router,
                                                const std::string& value_exists_json,
                                                api::Clock::time_point started) {
  boost::system::error_code ec;
  auto claim = boost::json::parse(value_exists_json, ec);
  if (ec || !claim.is_object()) return std::nullopt;
  const auto& object = claim.as_object();
  const auto* collection = object.if_contains("collection");
  const auto* matches = object.if_contains("matches");
  if (!collection || !collection->is_string() || !matches || !matches->is_array()) {
    return std::nullopt;
  }

  boost::json::array must;
  for (const auto& pair : matches->as_array()) {
    const auto* key = pair.is_object() ? pair.as_object().if_contains("key") : nullptr;
    const auto* value = pair.is_object() ? pair.as_object().if_contains("value") : nullptr;
    if (!key || !value) continue;
    must.push_back(
        boost::json::object{{"key", *key}, {"match", boost::json::object{{"value", *value}}}});
  }
  std::string body = boost::json::serialize(
      boost::json::object{{"filter", boost::json::object{{"must", std::move(must)}}},
                          {"limit", 1},
                          {"with_payload", false},
                          {"with_vector", false}});

  std::string name(collection->as_string());
  api::RouteMatch match =
      router.match(api::HttpMethod::kPost, "/collections/" + name + "/points/scroll");
  if (!match.route) {
    return api::error_response(500, "Service internal error: no scroll route for JWT validation",
                               started);
  }
  api::Request request;
  request.method = api::HttpMethod::kPost;
  request.path = "/collections/" + name + "/points/scroll";
  request.path_params = {name};
  request.headers["content-type"] = "application/json";
  request.body = body;
  api::Response response;
  try {
    response = match.route->handler(request);
  } catch (const std::exception& e) {
    return api::error_response(500, std::string("Service internal error: ") + e.what(), started);
  }
  if (response.status == 404) return plain(403, "Invalid JWT, stateful validation failed");
  if (response.status != 200) return response;
  auto parsed = boost::json::parse(response.body, ec);
  const boost::json::value* points = nullptr;
  if (!ec && parsed.is_object()) {
    if (const auto* result = parsed.as_object().if_contains("result");
        result && result->is_object()) {
      points = result->as_object().if_contains("points");
    }
  }
  if (!points || !points->is_array() || points->as_array().empty()) {
    return plain(401, "Invalid JWT, stateful validation failed");
  }
  return std::nullopt;
}

}  // namespace sextant::server
