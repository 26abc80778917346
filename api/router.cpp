// Linear matching over a few dozen routes: cheaper than any tree at this size, and the order
// of registration breaks ties (literal segments are registered before placeholders where the
// two would overlap, e.g. /collections/aliases before /collections/{name}).
#include "api/router.hpp"

#include "api/handler_support.hpp"

namespace sextant::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool match_pattern(std::string_view pattern, std::string_view path,
                   std::vector<std::string>* params) {
  auto pattern_segments = split_path(pattern);
  auto path_segments = split_path(path);
  if (pattern_segments.size() != path_segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < pattern_segments.size(); ++i) {
    auto p = pattern_segments[i];
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      params->emplace_back(path_segments[i]);
    } else if (p != path_segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(Route route) {
  // Qdrant validates the collection name of every such path before the body or the collection.
  constexpr std::string_view kCollectionPrefix = "/collections/{collection_name}";
  if (route.pattern.starts_with(kCollectionPrefix)) {
    route.handler = [handler = std::move(route.handler)](Request& request) {
      if (!request.path_params.empty()) {
        if (auto st = validate_collection_name_length(request.path_params[0]); !st.ok())
          return error_response_for(st.error(), Clock::now());
      }
      return handler(request);
    };
  }
  routes_.push_back(std::move(route));
}

bool Router::wrap(HttpMethod method, std::string_view pattern,
                  const std::function<Handler(Handler)>& wrap) {
  for (auto& route : routes_) {
    if (route.method != method || route.pattern != pattern) continue;
    route.handler = wrap(std::move(route.handler));
    route.async_handler = nullptr;
    return true;
  }
  return false;
}

bool Router::set_async_handler(HttpMethod method, std::string_view pattern, AsyncHandler handler) {
  for (auto& route : routes_) {
    if (route.method != method || route.pattern != pattern) continue;
    route.async_handler = std::move(handler);
    return true;
  }
  return false;
}

RouteMatch Router::match(HttpMethod method, std::string_view path) const {
  RouteMatch result;
  std::vector<std::string> params;
  for (const auto& route : routes_) {
    if (!match_pattern(route.pattern, path, &params)) continue;
    if (route.method == method ||
        (method == HttpMethod::kHead && route.method == HttpMethod::kGet)) {
      result.route = &route;
      result.path_params = std::move(params);
      result.method_mismatch = false;
      return result;
    }
    result.method_mismatch = true;
  }
  return result;
}

}  // namespace sextant::api
