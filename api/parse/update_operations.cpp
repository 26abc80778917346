#include "api/parse/update_operations.hpp"

#include "api/parse/point_parsing.hpp"
#include "api/parse/validation_path.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

Result<json::object> payload_field(const json::object& body) {
  auto payload = body.if_contains("payload");
  if (!payload) return Error::format("missing field `payload`");
  if (!payload->is_object()) return Error::format("invalid type: expected a map for `payload`");
  return payload->get_object();
}

// Delete and clear-payload take the selector itself, an untagged union of {points} and
// {filter}: an id that is not one fails every variant, so the error names the union (as Qdrant's).
Result<storage::PointSelector> points_selector_union(const json::object& body) {
  auto selector = parse_points_selector(body);
  if (!selector.ok() && selector.error().kind == ErrorKind::kFormat && body.contains("points"))
    return Error::format("data did not match any variant of untagged enum PointsSelector");
  return selector;
}

// Payload and vector operations take `points` or `filter` beside their own fields.
Result<storage::PointSelector> selector_of(const json::object& body) {
  if (!body.contains("points") && !body.contains("filter"))
    return Error::bad_request("Either list of point ids or filter must be provided");
  return parse_points_selector(body);
}

}  // namespace

Result<UpdateOperation> parse_upsert(const json::object& body,
                                     const storage::CollectionSchema& schema,
                                     Inference* inference) {
  storage::UpsertPoints op;
  auto points = parse_points_to_upsert(body, schema, inference);
  if (!points.ok()) return points.error();
  op.points = std::move(points.value());
  auto filter = parse_optional_filter(body, "update_filter");
  if (!filter.ok()) return filter.error();
  op.update_filter = filter.value();
  if (auto mode = body.if_contains("update_mode"); mode && !mode->is_null()) {
    if (!mode->is_string()) return Error::format("invalid type for `update_mode`");
    const auto& m = mode->get_string();
    if (m == "upsert")
      op.mode = storage::UpdateMode::kUpsert;
    else if (m == "insert_only")
      op.mode = storage::UpdateMode::kInsertOnly;
    else if (m == "update_only")
      op.mode = storage::UpdateMode::kUpdateOnly;
    else
      return Error::format("unknown variant `" + std::string(m) +
                           "`, expected one of `upsert`, `insert_only`, `update_only`");
  }
  return UpdateOperation(std::move(op));
}

Result<UpdateOperation> parse_delete_points(const json::object& body) {
  auto selector = points_selector_union(body);
  if (!selector.ok()) return selector.error();
  return UpdateOperation(storage::DeletePoints{std::move(selector.value())});
}

Result<UpdateOperation> parse_set_payload(const json::object& body) {
  auto payload = payload_field(body);
  if (!payload.ok()) return payload.error();
  auto selector = selector_of(body);
  if (!selector.ok()) return selector.error();
  storage::SetPayload op{std::move(payload.value()), std::nullopt, std::move(selector.value())};
  if (auto key = body.if_contains("key"); key && !key->is_null()) {
    if (!key->is_string()) return Error::format("invalid type for `key`: expected a string");
    op.key = std::string(key->get_string());
  }
  return UpdateOperation(std::move(op));
}

Result<UpdateOperation> parse_overwrite_payload(const json::object& body) {
  auto payload = payload_field(body);
  if (!payload.ok()) return payload.error();
  auto selector = selector_of(body);
  if (!selector.ok()) return selector.error();
  return UpdateOperation(
      storage::OverwritePayload{std::move(payload.value()), std::move(selector.value())});
}

Result<UpdateOperation> parse_delete_payload(const json::object& body) {
  auto keys = body.if_contains("keys");
  if (!keys) return Error::format("missing field `keys`");
  if (!keys->is_array()) return Error::format("invalid type: expected a sequence for `keys`");
  storage::DeletePayloadKeys op;
  for (const auto& k : keys->get_array()) {
    if (!k.is_string()) return Error::format("invalid type: expected a string key");
    op.keys.emplace_back(k.get_string());
  }
  auto selector = selector_of(body);
  if (!selector.ok()) return selector.error();
  op.selector = std::move(selector.value());
  return UpdateOperation(std::move(op));
}

Result<UpdateOperation> parse_clear_payload(const json::object& body) {
  auto selector = points_selector_union(body);
  if (!selector.ok()) return selector.error();
  return UpdateOperation(storage::ClearPayload{std::move(selector.value())});
}

Result<UpdateOperation> parse_update_vectors(const json::object& body,
                                             const storage::CollectionSchema& schema,
                                             Inference* inference) {
  auto points = body.if_contains("points");
  if (!points) return Error::format("missing field `points`");
  if (!points->is_array()) return Error::format("invalid type: expected a sequence for `points`");
  if (points->get_array().empty())
    return Error::validation("[points: must specify points to update]");
  storage::UpdateVectors op;
  for (const auto& item : points->get_array()) {
    if (!item.is_object()) return Error::format("invalid type: expected struct PointVectors");
    const auto& object = item.get_object();
    auto id_value = object.if_contains("id");
    if (!id_value) return Error::format("missing field `id`");
    auto id = parse_point_id(*id_value);
    if (!id.ok()) return id.error();
    auto vector = object.if_contains("vector");
    if (!vector) return Error::format("missing field `vector`");
    auto vectors = parse_point_vectors(*vector, schema, inference);
    if (!vectors.ok())  // Qdrant: `points[i].?` for a named vector of the i-th point
      return with_vector_path(vectors.error(),
                              "points[" + std::to_string(op.points.size()) + "].?");
    if (vectors->empty())
      return Error::validation("[points[].vector: must specify vectors to update for point]");
    if (auto st = validate_point_vectors(vectors.value(), schema); !st.ok()) return st.error();
    op.points.push_back(storage::PointWrite{id.value(), std::move(vectors.value()), {}});
  }
  auto filter = parse_optional_filter(body, "update_filter");
  if (!filter.ok()) return filter.error();
  op.update_filter = filter.value();
  return UpdateOperation(std::move(op));
}

Result<UpdateOperation> parse_delete_vectors(const json::object& body,
                                             const storage::CollectionSchema& schema) {
  auto names = body.if_contains("vector");
  if (!names) return Error::format("missing field `vector`");
  if (!names->is_array()) return Error::format("invalid type: expected a sequence for `vector`");
  storage::DeleteVectors op;
  for (const auto& n : names->get_array()) {
    if (!n.is_string()) return Error::format("invalid type: expected a vector name");
    std::string name(n.get_string());
    if (!schema.find_dense(name) && !schema.find_sparse(name))
      return Error::vector_name_not_found(name);
    op.names.push_back(std::move(name));
  }
  if (op.names.empty()) return Error::validation("[vector: must not be empty]");
  auto selector = selector_of(body);
  if (!selector.ok()) return selector.error();
  op.selector = std::move(selector.value());
  return UpdateOperation(std::move(op));
}

Result<std::vector<UpdateOperation>> parse_batch(const json::object& body,
                                                 const storage::CollectionSchema& schema,
                                                 Inference* inference) {
  auto operations = body.if_contains("operations");
  if (!operations) return Error::format("missing field `operations`");
  if (!operations->is_array())
    return Error::format("invalid type: expected a sequence for `operations`");
  std::vector<UpdateOperation> parsed;
  for (const auto& item : operations->get_array()) {
    if (!item.is_object() || item.get_object().size() != 1)
      return Error::format("data did not match any variant of untagged enum UpdateOperation");
    const auto& [kind, args] = *item.get_object().begin();
    if (!args.is_object()) return Error::format("invalid type: expected an operation object");
    const auto& a = args.get_object();
    Result<UpdateOperation> op = Error::format("unknown variant `" + std::string(kind) + "`");
    if (kind == "upsert")
      op = parse_upsert(a, schema, inference);
    else if (kind == "delete")
      op = parse_delete_points(a);
    else if (kind == "set_payload")
      op = parse_set_payload(a);
    else if (kind == "overwrite_payload")
      op = parse_overwrite_payload(a);
    else if (kind == "delete_payload")
      op = parse_delete_payload(a);
    else if (kind == "clear_payload")
      op = parse_clear_payload(a);
    else if (kind == "update_vectors")
      op = parse_update_vectors(a, schema, inference);
    else if (kind == "delete_vectors")
      op = parse_delete_vectors(a, schema);
    if (!op.ok()) return op.error();
    parsed.push_back(std::move(op.value()));
  }
  return parsed;
}

}  // namespace sextant::api
