// Route table: maps (method, path pattern) to a handler. Patterns are Qdrant's paths with
// `{name}` placeholders, e.g. "/collections/{collection_name}/points/search".
//
// The server owns one Router, filled once at start-up by api::register_routes(); after that
// it is read-only and safe to use from every thread. `metric_name` is the pattern itself, so
// metrics are labelled per endpoint, not per concrete path.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"

namespace sextant::api {

using Handler = std::function<Response(Request&)>;
// A handler that answers later: it reads what it needs from the request before it returns (the
// request and its body are gone afterwards) and calls the reply exactly once, from any thread.
using Reply = std::function<void(Response)>;
using AsyncHandler = std::function<void(Request&, Reply)>;

// Where a handler runs. kInline handlers are trivial (no storage, no CPU work) and run on the
// I/O thread; everything else is dispatched to the worker pool. kWorkerOrIdleInline handlers
// (a single search: well under a millisecond for a small body) run on the I/O thread that read
// the request when a worker is idle and the request has no `timeout`, saving the hand-off to a
// worker and back; otherwise they go to the pool like kWorker.
enum class Execution { kInline, kWorker, kWorkerOrIdleInline };

struct Route {
  HttpMethod method;
  std::string pattern;
  Handler handler;
  bool is_write = false;   // rejected for read-only keys
  bool is_health = false;  // served without an api key (/healthz, /livez, /readyz)
  Execution execution = Execution::kWorker;
  // What a JWT with per-collection access needs beyond is_write (Qdrant's AccessRequirements):
  bool needs_global_access = false;      // refused to any per-collection token
  bool needs_collection_extras = false;  // snapshots and the like: refused to "prw" tokens
  // Set for routes whose body may exceed memory: makes the receiver the server streams the
  // body into (Request::received_body) once the head is accepted; no body size limit applies.
  std::function<std::unique_ptr<BodyReceiver>(const Request&)> make_body_receiver = nullptr;
  // Set for routes whose work waits on a queue of its own (the embedding routes): the HTTP
  // session calls it on the I/O thread instead of handing `handler` to a worker, so a request
  // waiting for that queue holds no worker. `handler` stays the synchronous form for callers
  // that need an answer in place.
  AsyncHandler async_handler = nullptr;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route has this path (404)
  bool method_mismatch = false;  // path exists with another method (405 in Qdrant? see router.cpp)
  std::vector<std::string> path_params;
};

class Router {
 public:
  void add(Route route);
  // Replaces the handler of the route registered for (method, pattern) with wrap(old handler),
  // so a mode of the server (cluster mode) can put its own handling in front of a route. Returns
  // false when no such route exists.
  bool wrap(HttpMethod method, std::string_view pattern,
            const std::function<Handler(Handler)>& wrap);
  // Gives the route registered for (method, pattern) an async form (Route::async_handler), kept
  // beside its synchronous handler; false when no route has that method and pattern.
  bool set_async_handler(HttpMethod method, std::string_view pattern, AsyncHandler handler);
  RouteMatch match(HttpMethod method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace sextant::api
