#include "api/handlers/point_handlers.hpp"

#include <boost/json/parse.hpp>

#include "api/handler_support.hpp"
#include "api/handlers/shard_selection.hpp"
#include "api/parse/index_params.hpp"
#include "api/parse/json_numbers.hpp"
#include "api/parse/point_parsing.hpp"
#include "api/parse/scroll_request.hpp"
#include "api/parse/unused_fields.hpp"
#include "api/parse/update_operations.hpp"
#include "api/parse/upsert_body.hpp"
#include "api/parse/validation_path.hpp"
#include "api/strict_mode/strict_mode_gate.hpp"
#include "api/write/point_json.hpp"
#include "index/payload/json_path.hpp"
#include "index/payload_index/field_schema.hpp"
#include "query/scroll_points.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

json::value update_result_json(const storage::UpdateResult& result) {
  return json::object{{"operation_id", result.operation_id},
                      {"status", result.completed ? "completed" : "acknowledged"}};
}

// True when an operation lists its points explicitly and the list is empty. Qdrant routes an
// operation to the shards holding its points, and one that reaches no shard is refused as
// "Empty update request" (a filter that matches nothing is still a request).
bool addresses_no_points(const storage::UpdateOperation& operation) {
  const auto selects_none = [](const storage::PointSelector& selector) {
    return !selector.filter && selector.ids.empty();
  };
  return std::visit(
      [&](const auto& op) {
        using Op = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<Op, storage::UpsertPoints>)
          return op.points.empty();
        else if constexpr (requires { op.selector; })
          return selects_none(op.selector);
        else
          return false;
      },
      operation);
}

// POST /points/batch: each operation carries its own `shard_key` ({"upsert": {..., "shard_key"}}).
Status route_batch_writes(const storage::Collection& collection, const json::object& body,
                          std::vector<storage::UpdateOperation>& operations) {
  const json::value* listed = body.if_contains("operations");
  if (!listed || !listed->is_array() || listed->get_array().size() != operations.size()) return {};
  for (size_t i = 0; i < operations.size(); ++i) {
    const json::value& item = listed->get_array()[i];
    json::object inner;
    if (item.is_object() && item.get_object().size() == 1) {
      const json::value& fields = item.get_object().begin()->value();
      if (fields.is_object()) inner = fields.get_object();
    }
    std::vector<storage::UpdateOperation> one;
    one.push_back(std::move(operations[i]));
    auto st = route_writes(collection, inner, one);
    operations[i] = std::move(one.front());
    if (!st.ok()) return st;
  }
  return {};
}

// Shared shape of every write endpoint: resolve the collection, parse the body into
// operations against its schema, submit them, answer with the UpdateResult.
using OperationsParser = std::function<Result<std::vector<storage::UpdateOperation>>(
    const json::object&, const storage::Collection&)>;

// A reader of a route's common body shape straight from the raw body, for hot routes
// (upsert_body.hpp): it answers only for bodies that hold no other field; nullopt leaves the
// body to the DOM parser and the route's OperationsParser.
using FastOperationsReader = std::function<std::optional<std::vector<storage::UpdateOperation>>(
    std::string_view, const storage::Collection&)>;

// `per_operation`: answer with one UpdateResult per operation (POST /points/batch).
// `by_shard_key`: the body's `shard_key` routes the points written (shard_selection.hpp).
Response write_route(ApiContext& context, Request& request, const OperationsParser& parse,
                     bool per_operation = false, bool by_shard_key = true,
                     const FastOperationsReader& read_fast = {}) {
  return respond([&]() -> Result<json::value> {
    auto wait = wait_flag(request);
    if (!wait.ok()) return wait.error();
    auto collection = context.storage.collection(request.path_params[0]);
    if (!collection.ok()) return collection.error();
    json::object dom_body;  // stays empty when read_fast read the body: it had no other field
    auto operations = [&]() -> Result<std::vector<storage::UpdateOperation>> {
      if (read_fast)
        if (auto read = read_fast(request.body, *collection.value())) return std::move(*read);
      auto body = parse_object_body(request);
      if (!body.ok()) return body.error();
      dom_body = std::move(body.value());
      return parse(dom_body, *collection.value());
    }();
    if (!operations.ok()) return operations.error();
    const json::object& body = dom_body;
    if (by_shard_key) {
      auto st = per_operation ? route_batch_writes(*collection.value(), body, *operations)
                              : route_writes(*collection.value(), body, *operations);
      if (!st.ok()) return st.error();
    }
    if (auto st = strict_mode::gate_update(*context.rate_limits, *collection.value(), request,
                                           operations.value());
        !st.ok())
      return st.error();
    if (!per_operation && operations->size() == 1 && addresses_no_points(operations->front()))
      return Error::bad_request("Empty update request");
    const size_t count = operations->size();
    auto result = collection.value()->update(std::move(operations.value()), wait.value());
    if (!result.ok()) return result.error();
    if (!per_operation) return update_result_json(result.value());
    json::array results;
    for (size_t i = 0; i < count; ++i) {
      storage::UpdateResult each = result.value();
      each.operation_id += i;
      results.push_back(update_result_json(each));
    }
    return json::value(std::move(results));
  });
}

std::optional<std::vector<storage::UpdateOperation>> read_plain_upsert(
    std::string_view body, const storage::Collection& collection) {
  auto points = read_plain_upsert_body(body, collection.schema());
  if (!points) return std::nullopt;
  storage::UpsertPoints op;
  op.points = std::move(*points);
  std::vector<storage::UpdateOperation> ops;
  ops.push_back(std::move(op));
  return ops;
}

OperationsParser single(Result<storage::UpdateOperation> (*parse)(const json::object&)) {
  return [parse](const json::object& body,
                 const storage::Collection&) -> Result<std::vector<storage::UpdateOperation>> {
    auto op = parse(body);
    if (!op.ok()) return op.error();
    std::vector<storage::UpdateOperation> ops;
    ops.push_back(std::move(op.value()));
    return ops;
  };
}

Result<json::value> retrieve_points(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto ids_value = body->if_contains("ids");
  if (!ids_value) return Error::format("missing field `ids`");
  auto ids = parse_point_ids(*ids_value);
  if (!ids.ok()) return ids.error();
  auto payload = parse_with_payload(body.value(), false);  // Qdrant 1.19's retrieve default
  if (!payload.ok()) return payload.error();
  auto vectors = parse_with_vector(body.value(), false);
  if (!vectors.ok()) return vectors.error();
  if (auto st = strict_mode::gate_retrieve(*context.rate_limits, *collection.value(), request,
                                           ids->size());
      !st.ok())
    return st.error();
  storage::ReadOptions options{payload->enabled, vectors.value()};
  auto view = read_view_for(*collection.value(), body.value());
  if (!view.ok()) return view.error();
  json::array out;
  for (const auto& record : storage::retrieve(*view.value(), ids.value(), options))
    out.push_back(record_json(record, payload.value(), vectors->any()));
  add_shard_keys(out, *collection.value(), *view.value());
  return json::value(std::move(out));
}

Result<json::value> get_point(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  const std::string& text = request.path_params[1];
  std::optional<storage::PointId> id;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
      text.size() <= 20) {
    try {
      id = storage::PointId::from_number(std::stoull(text));
    } catch (...) {
    }
  }
  if (!id) id = storage::PointId::parse_uuid(text);
  if (!id) return Error::bad_input("Can not recognize \"" + text + "\" as point id");
  storage::ReadOptions options{true, storage::VectorSelection{true, {}}};
  auto view = collection.value()->view();
  auto records = storage::retrieve(*view, {*id}, options);
  if (records.empty())
    return Error::not_found("Point with id " + id->to_string() + " does not exists!");
  PayloadSelector all{true, {}, {}};
  json::array out{record_json(records[0], all, true)};
  add_shard_keys(out, *collection.value(), *view);
  return std::move(out[0]);
}

Result<json::value> scroll_points(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request, true);
  if (!body.ok()) return body.error();
  auto parsed = parse_scroll_request(body.value());
  if (!parsed.ok()) return with_body_path(parsed.error(), "scroll_request.");
  std::optional<uint64_t> given_limit;  // strict mode checks the limit only when given
  if (auto limit = body->if_contains("limit"); limit && !limit->is_null())
    given_limit = parsed->scroll.limit;
  if (auto st = strict_mode::gate_scroll_like(*context.rate_limits, *collection.value(), request,
                                              parsed->scroll.filter.get(), given_limit, false);
      !st.ok())
    return st.error();
  auto view = read_view_for(*collection.value(), body.value());
  if (!view.ok()) return view.error();
  auto result = query::scroll_points(*collection.value(), parsed->scroll, view.value());
  if (!result.ok()) return result.error();
  json::array points;
  for (size_t i = 0; i < result->points.size(); ++i) {
    auto record = record_json(result->points[i], parsed->with_payload, parsed->with_vector.any());
    if (i < result->order_values.size()) {
      double value = result->order_values[i];
      if (result->order_values_are_integers)
        record["order_value"] = static_cast<int64_t>(value);
      else
        record["order_value"] = value;
    }
    points.push_back(std::move(record));
  }
  add_shard_keys(points, *collection.value(), *view.value());
  json::object out{{"points", std::move(points)}};
  out["next_page_offset"] =
      result->next_page_offset ? point_id_json(*result->next_page_offset) : json::value(nullptr);
  return json::value(std::move(out));
}

Result<json::value> count_points(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request, true);
  if (!body.ok()) return body.error();
  auto filter = parse_optional_filter(body.value());
  if (!filter.ok()) return with_body_path(filter.error(), "count_request.");
  if (auto exact = body->if_contains("exact"); exact && !exact->is_null() && !exact->is_bool())
    return Error::format("invalid type for `exact`: expected a boolean");
  const json::value* exact = body->if_contains("exact");
  if (auto st = strict_mode::gate_scroll_like(*context.rate_limits, *collection.value(), request,
                                              filter.value().get(), std::nullopt,
                                              !exact || exact->is_null() || exact->get_bool());
      !st.ok())
    return st.error();
  auto view = read_view_for(*collection.value(), body.value());
  if (!view.ok()) return view.error();
  return json::value(json::object{{"count", storage::count(*view.value(), filter.value().get())}});
}

Result<storage::UpdateOperation> parse_create_index(const json::object& body) {
  auto name = body.if_contains("field_name");
  if (!name || !name->is_string()) return Error::format("missing field `field_name`");
  storage::CreatePayloadIndex op;
  op.field_name = std::string(name->get_string());
  if (!index::payload::JsonPath::parse(op.field_name))
    return Error::format("Invalid json path: '" + op.field_name + "'");
  auto schema = body.if_contains("field_schema");
  if (!schema || schema->is_null())
    return Error::bad_input("Unable to infer type for the field '" + op.field_name +
                            "'. Please specify `field_type`");
  auto parsed = index::payload_index::parse_field_schema(*schema);
  if (!parsed) return Error::format(parsed.error().message);
  if (parsed->type == index::payload_index::FieldType::kInteger && !parsed->integer_lookup &&
      !parsed->integer_range)
    return Error::validation(
        "[field_schema.lookup: Validation error: the 'lookup' and 'range' capabilities can't be "
        "both disabled [{}]]");
  op.field_schema = schema->is_string()
                        ? json::object{{"type", schema->get_string()}}
                        : canonical_index_params(parsed->type, schema->get_object());
  return storage::UpdateOperation(std::move(op));
}

}  // namespace

void register_point_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  auto add_write = [&](HttpMethod method, const char* path, OperationsParser parse,
                       bool per_operation = false, bool by_shard_key = true) {
    router.add({method, path,
                [ctx, parse, per_operation, by_shard_key](Request& r) {
                  return write_route(*ctx, r, parse, per_operation, by_shard_key);
                },
                true});
  };
  // Upserts of the common shape are read without a DOM (upsert_body.hpp).
  router.add({HttpMethod::kPut, "/collections/{collection_name}/points",
              [ctx](Request& r) {
                return write_route(
                    *ctx, r,
                    [ctx](const json::object& body, const storage::Collection& c)
                        -> Result<std::vector<storage::UpdateOperation>> {
                      auto op = parse_upsert(body, c.schema(), ctx->inference);
                      if (!op.ok()) return op.error();
                      std::vector<storage::UpdateOperation> ops;
                      ops.push_back(std::move(op.value()));
                      return ops;
                    },
                    false, true, read_plain_upsert);
              },
              true});
  add_write(HttpMethod::kPost, "/collections/{collection_name}/points/delete",
            single(parse_delete_points));
  add_write(HttpMethod::kPost, "/collections/{collection_name}/points/payload",
            single(parse_set_payload));
  add_write(HttpMethod::kPut, "/collections/{collection_name}/points/payload",
            single(parse_overwrite_payload));
  add_write(HttpMethod::kPost, "/collections/{collection_name}/points/payload/delete",
            single(parse_delete_payload));
  add_write(HttpMethod::kPost, "/collections/{collection_name}/points/payload/clear",
            single(parse_clear_payload));
  add_write(HttpMethod::kPut, "/collections/{collection_name}/points/vectors",
            [ctx](const json::object& body,
                  const storage::Collection& c) -> Result<std::vector<storage::UpdateOperation>> {
              auto op = parse_update_vectors(body, c.schema(), ctx->inference);
              if (!op.ok()) return op.error();
              std::vector<storage::UpdateOperation> ops;
              ops.push_back(std::move(op.value()));
              return ops;
            });
  add_write(HttpMethod::kPost, "/collections/{collection_name}/points/vectors/delete",
            [](const json::object& body,
               const storage::Collection& c) -> Result<std::vector<storage::UpdateOperation>> {
              auto op = parse_delete_vectors(body, c.schema());
              if (!op.ok()) return op.error();
              std::vector<storage::UpdateOperation> ops;
              ops.push_back(std::move(op.value()));
              return ops;
            });
  add_write(
      HttpMethod::kPost, "/collections/{collection_name}/points/batch",
      [ctx](const json::object& body, const storage::Collection& c) {
        return parse_batch(body, c.schema(), ctx->inference);
      },
      true);
  // A new payload index solves the UNINDEXED_FIELD issue of its field. Index changes take no
  // shard key.
  router.add({HttpMethod::kPut, "/collections/{collection_name}/index",
              [ctx](Request& r) {
                Response response = write_route(*ctx, r, single(parse_create_index), false, false);
                if (response.status == 200 && ctx->issues) {
                  boost::system::error_code ec;
                  auto body = json::parse(r.body, ec);
                  const json::value* field =
                      body.is_object() ? body.get_object().if_contains("field_name") : nullptr;
                  auto name = ctx->storage.resolve(r.path_params[0]);
                  if (!ec && field && field->is_string() && name) {
                    ctx->issues->solve_unindexed_field(*name, std::string(field->get_string()));
                  }
                }
                return response;
              },
              true});
  router.add({HttpMethod::kDelete, "/collections/{collection_name}/index/{field_name}",
              [ctx](Request& r) {
                return respond([&]() -> Result<json::value> {
                  auto wait = wait_flag(r);
                  if (!wait.ok()) return wait.error();
                  auto collection = ctx->storage.collection(r.path_params[0]);
                  if (!collection.ok()) return collection.error();
                  std::vector<storage::UpdateOperation> ops;
                  ops.push_back(storage::DeletePayloadIndex{r.path_params[1]});
                  auto result = collection.value()->update(std::move(ops), wait.value());
                  if (!result.ok()) return result.error();
                  return update_result_json(result.value());
                });
              },
              true});

  router.add({HttpMethod::kPost, "/collections/{collection_name}/points",
              [ctx](Request& r) { return respond([&] { return retrieve_points(*ctx, r); }); }});
  router.add({HttpMethod::kGet, "/collections/{collection_name}/points/{id}",
              [ctx](Request& r) { return respond([&] { return get_point(*ctx, r); }); }});
  router.add({HttpMethod::kPost, "/collections/{collection_name}/points/scroll",
              [ctx](Request& r) { return respond([&] { return scroll_points(*ctx, r); }); }});
  router.add({HttpMethod::kPost, "/collections/{collection_name}/points/count",
              [ctx](Request& r) { return respond([&] { return count_points(*ctx, r); }); }});
}

}  // namespace sextant::api
