#include "api/handlers/search_handlers.hpp"

#include <chrono>

#include "api/handler_support.hpp"
#include "api/handlers/query_lookup.hpp"
#include "api/handlers/shard_selection.hpp"
#include "api/parse/plain_vector_body.hpp"
#include "api/parse/query_request.hpp"
#include "api/parse/validation_path.hpp"
#include "api/strict_mode/strict_mode_gate.hpp"
#include "api/write/point_json.hpp"
#include "query/execute_query.hpp"
#include "query/unindexed_fields.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

constexpr size_t kMaxBatch = 1024;

// True when the plan orders by a key with an integer or datetime payload index: Qdrant then
// reports each `order_value` as an integer (datetimes in microseconds), otherwise as a float.
bool orders_by_integer_key(const storage::Collection& collection, const query::QueryPlan& plan) {
  const auto* order_by = std::get_if<query::OrderByQuery>(&plan.query);
  if (!order_by) return false;
  const json::object schemas = collection.payload_index_schemas();
  const json::value* schema = schemas.if_contains(order_by->order_by.key);
  if (!schema) return false;
  const json::value* type = schema->is_object() ? schema->get_object().if_contains("type") : schema;
  return type && type->is_string() &&
         (type->get_string() == "integer" || type->get_string() == "datetime");
}

// Queries answered by reading points in order rather than scoring them (no query, order_by,
// random sample): Qdrant turns each record into a scored point of version 0.
bool answers_records(const query::QueryPlan& plan) {
  return std::holds_alternative<query::AllQuery>(plan.query) ||
         std::holds_alternative<query::OrderByQuery>(plan.query) ||
         std::holds_alternative<query::SampleRandomQuery>(plan.query);
}

Result<json::array> run_query(ApiContext& context, const storage::Collection& collection,
                              const storage::ReadView& view, const QueryRequest& request) {
  std::vector<double> order_values;
  auto scored = query::execute_query(collection, view, request.plan, context.pool, &order_values);
  if (!scored.ok()) return scored.error();
  storage::ReadOptions options{request.with_payload.enabled, request.with_vector};
  const bool integer_order =
      !order_values.empty() && orders_by_integer_key(collection, request.plan);
  const bool records = answers_records(request.plan);
  auto reader = view.reader();
  json::array points;
  points.reserve(scored->size());
  for (size_t i = 0; i < scored->size(); ++i) {
    const storage::ScoredOffset& s = (*scored)[i];
    auto record = storage::read_point(reader, s.offset, options);
    json::object point =
        scored_point_json(record, s.score, request.with_payload, request.with_vector.any());
    if (records) point["version"] = 0;
    if (i < order_values.size()) {
      if (integer_order)
        point["order_value"] = static_cast<int64_t>(order_values[i]);
      else
        point["order_value"] = order_values[i];
    }
    points.push_back(std::move(point));
  }
  add_shard_keys(points, collection, view);
  return points;
}

// A query slower than service.slow_query_secs reports the unindexed fields its filters read,
// the top-level filter's and every prefetch's (IssueBoard).
void collect_filters(const query::QueryPlan& plan,
                     std::vector<const index::filter::Filter*>& filters) {
  if (plan.filter) filters.push_back(plan.filter.get());
  for (const auto& prefetch : plan.prefetch) collect_filters(prefetch, filters);
}

void report_if_slow(ApiContext& context, const std::string& collection_name,
                    const storage::Collection& collection, const QueryRequest& request,
                    std::chrono::steady_clock::time_point started) {
  if (!context.issues) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (elapsed <= context.config.slow_query_secs) return;
  std::vector<const index::filter::Filter*> filters;
  collect_filters(request.plan, filters);
  if (filters.empty()) return;
  const std::string name = context.storage.resolve(collection_name).value_or(collection_name);
  const json::object schema = collection.payload_index_schemas();
  for (const auto* filter : filters) {
    for (const auto& field : query::unindexed_fields(*filter, schema)) {
      context.issues->submit_unindexed_field(name, field);
    }
  }
}

using Parser = Result<QueryRequest> (*)(const json::object&, Inference*);

Result<QueryRequest> parse_search(const json::object& body, Inference*) {
  return parse_search_request(body);
}

// A single request's body and what it asks. A Query API body whose `query`, or a legacy search
// body whose `vector`, is a plain dense vector has the vector read straight into floats
// (plain_vector_body.hpp) and only its other fields parsed as a DOM; any other body, or one
// whose fields the parser refuses, is parsed whole the ordinary way, so errors read the same
// either way.
Result<std::pair<json::object, QueryRequest>> parse_single_body(ApiContext& context,
                                                                Request& request, Parser parse,
                                                                std::string_view body_path) {
  if (parse == parse_search) {
    if (auto plain = split_plain_vector_body(request.body, "vector")) {
      auto search = parse_search_request(plain->fields, std::move(plain->vector));
      if (search.ok()) return std::pair(std::move(plain->fields), std::move(search.value()));
    }
  } else if (parse == parse_query_request) {
    if (auto plain = split_plain_vector_body(request.body, "query")) {
      auto query = parse(plain->fields, context.inference);
      if (query.ok()) {
        query::NearestQuery nearest;
        nearest.target = storage::QueryVector(std::move(plain->vector));
        query->plan.query = std::move(nearest);
        return std::pair(std::move(plain->fields), std::move(query.value()));
      }
    }
  }
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto query = parse(body.value(), context.inference);
  if (!query.ok()) return with_body_path(query.error(), body_path);
  return std::pair(std::move(body.value()), std::move(query.value()));
}

// One request: `wrap` turns the list of points into the endpoint's result shape.
// `body_path`: where Qdrant's types hold the request's fields, named in validation errors
// (validation_path.hpp).
Result<json::value> single_route(ApiContext& context, Request& request, Parser parse, bool wrap,
                                 std::string_view body_path) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto parsed = parse_single_body(context, request, parse, body_path);
  if (!parsed.ok()) return parsed.error();
  auto& [body, query] = parsed.value();
  if (auto st =
          strict_mode::gate_query_plans(*context.rate_limits, *collection.value(), request,
                                        {&query.plan}, std::nullopt, parse == parse_query_request);
      !st.ok())
    return st.error();
  const auto started = std::chrono::steady_clock::now();
  auto shard_view = read_view_for(*collection.value(), body);
  if (!shard_view.ok()) return shard_view.error();
  auto view = shard_view.value();
  if (auto st = attach_lookups(context, *collection.value(), view, query.plan); !st.ok())
    return st.error();
  auto points = run_query(context, *collection.value(), *view, query);
  if (!points.ok()) return points.error();
  report_if_slow(context, request.path_params[0], *collection.value(), query, started);
  if (wrap) return json::value(json::object{{"points", std::move(points.value())}});
  return json::value(std::move(points.value()));
}

Result<json::value> batch_route(ApiContext& context, Request& request, Parser parse, bool wrap,
                                std::string_view body_path) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto searches = body->if_contains("searches");
  if (!searches) return Error::format("missing field `searches`");
  if (!searches->is_array())
    return Error::format("invalid type: expected a sequence for `searches`");
  if (searches->get_array().size() > kMaxBatch)
    return Error::bad_request("batch holds at most " + std::to_string(kMaxBatch) + " searches");
  std::vector<QueryRequest> parsed;
  for (const auto& item : searches->get_array()) {
    if (!item.is_object()) return Error::format("invalid type: expected a search request object");
    auto query = parse(item.get_object(), context.inference);
    if (!query.ok())
      return with_body_path(query.error(), "searches[" + std::to_string(parsed.size()) + "]." +
                                               std::string(body_path));
    parsed.push_back(std::move(query.value()));
  }
  std::vector<const query::QueryPlan*> plans;
  for (const auto& query : parsed) plans.push_back(&query.plan);
  if (auto st = strict_mode::gate_query_plans(*context.rate_limits, *collection.value(), request,
                                              plans, parsed.size(), parse == parse_query_request);
      !st.ok())
    return st.error();
  const auto started = std::chrono::steady_clock::now();
  // One consistent view for the whole batch, restricted per search to its shard keys.
  auto view = collection.value()->view();
  std::vector<std::shared_ptr<const storage::ReadView>> views;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const json::object& item = searches->get_array()[i].get_object();
    if (auto selector = item.if_contains("shard_key"); !selector || selector->is_null()) {
      views.push_back(view);
      continue;
    }
    auto shard_view = read_view_for(*collection.value(), item);
    if (!shard_view.ok()) return shard_view.error();
    views.push_back(shard_view.value());
  }
  for (size_t i = 0; i < parsed.size(); ++i)
    if (auto st = attach_lookups(context, *collection.value(), views[i], parsed[i].plan); !st.ok())
      return st.error();
  json::array results;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const QueryRequest& query = parsed[i];
    auto points = run_query(context, *collection.value(), *views[i], query);
    if (!points.ok()) return points.error();
    report_if_slow(context, request.path_params[0], *collection.value(), query, started);
    if (wrap)
      results.push_back(json::object{{"points", std::move(points.value())}});
    else
      results.push_back(std::move(points.value()));
  }
  return json::value(std::move(results));
}

}  // namespace

void register_search_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  // A single search or query is short: it may run on the I/O thread when a worker is idle.
  router.add({HttpMethod::kPost, "/collections/{collection_name}/points/query",
              [ctx](Request& r) {
                return respond(
                    [&] { return single_route(*ctx, r, parse_query_request, true, "internal."); });
              },
              false, false, Execution::kWorkerOrIdleInline});
  router.add(
      {HttpMethod::kPost, "/collections/{collection_name}/points/query/batch", [ctx](Request& r) {
         return respond(
             [&] { return batch_route(*ctx, r, parse_query_request, true, "internal."); });
       }});
  router.add({HttpMethod::kPost, "/collections/{collection_name}/points/search",
              [ctx](Request& r) {
                return respond(
                    [&] { return single_route(*ctx, r, parse_search, false, "search_request."); });
              },
              false, false, Execution::kWorkerOrIdleInline});
  router.add(
      {HttpMethod::kPost, "/collections/{collection_name}/points/search/batch", [ctx](Request& r) {
         return respond(
             [&] { return batch_route(*ctx, r, parse_search, false, "search_request."); });
       }});
  router.add(
      {HttpMethod::kPost, "/collections/{collection_name}/points/recommend", [ctx](Request& r) {
         return respond([&] {
           return single_route(*ctx, r, parse_recommend_request, false, "recommend_request.");
         });
       }});
  router.add({HttpMethod::kPost, "/collections/{collection_name}/points/recommend/batch",
              [ctx](Request& r) {
                return respond([&] {
                  return batch_route(*ctx, r, parse_recommend_request, false, "recommend_request.");
                });
              }});
  router.add(
      {HttpMethod::kPost, "/collections/{collection_name}/points/discover", [ctx](Request& r) {
         return respond([&] {
           return single_route(*ctx, r, parse_discover_request, false, "discover_request.");
         });
       }});
  router.add({HttpMethod::kPost, "/collections/{collection_name}/points/discover/batch",
              [ctx](Request& r) {
                return respond([&] {
                  return batch_route(*ctx, r, parse_discover_request, false, "discover_request.");
                });
              }});
}

}  // namespace sextant::api
