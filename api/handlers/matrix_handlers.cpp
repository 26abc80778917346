// Distance matrix routes: body -> DistanceMatrixRequest (Qdrant's fields, defaults and
// validation), engine, then the pairs or offsets shape.
#include "api/handlers/matrix_handlers.hpp"

#include <unordered_map>

#include "api/handler_support.hpp"
#include "api/handlers/shard_selection.hpp"
#include "api/parse/json_numbers.hpp"
#include "api/parse/point_parsing.hpp"
#include "api/parse/unused_fields.hpp"
#include "api/parse/validation_path.hpp"
#include "api/strict_mode/strict_mode_gate.hpp"
#include "api/write/point_json.hpp"
#include "query/distance_matrix.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

// `field`: an optional usize of at least `minimum` (Qdrant's validator text when smaller).
Result<std::optional<size_t>> parse_count(const json::object& body, const char* field,
                                          size_t minimum) {
  const json::value* value = body.if_contains(field);
  if (!value || value->is_null()) return std::optional<size_t>{};
  auto count = json_uint(*value);
  if (!count) return Error::format(std::string("invalid type for `") + field + "`: expected usize");
  if (*count < minimum)
    return Error::validation(std::string("[") + field + ": value " + std::to_string(*count) +
                             " invalid, must be " + std::to_string(minimum) + " or larger]");
  return std::optional<size_t>{static_cast<size_t>(*count)};
}

Result<query::DistanceMatrixRequest> parse_matrix_request(const json::object& body) {
  query::DistanceMatrixRequest request;
  auto sample = parse_count(body, "sample", 2);
  if (!sample.ok()) return sample.error();
  if (sample.value()) request.sample = *sample.value();
  auto limit = parse_count(body, "limit", 1);
  if (!limit.ok()) return limit.error();
  if (limit.value()) request.limit = *limit.value();
  if (auto u = body.if_contains("using"); u && !u->is_null()) {
    if (!u->is_string()) return Error::format("invalid type for `using`: expected a string");
    request.using_name = std::string(u->get_string());
  }
  if (auto st = check_shard_key_field(body); !st.ok()) return st.error();
  auto filter = parse_optional_filter(body);
  if (!filter.ok()) return filter.error();
  request.filter = std::move(filter.value());
  return request;
}

Result<query::DistanceMatrix> run_matrix(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto parsed = parse_matrix_request(body.value());
  if (!parsed.ok()) return with_body_path(parsed.error(), "search_request.");
  // Strict mode's limit for a matrix: limit x sample, of the ones the request gives.
  auto given = [&](const char* field) -> std::optional<uint64_t> {
    const json::value* value = body->if_contains(field);
    if (!value || value->is_null()) return std::nullopt;
    return json_uint(*value);
  };
  std::optional<uint64_t> limit = given("limit"), sample = given("sample");
  std::optional<uint64_t> asked = limit && sample ? std::optional<uint64_t>(*limit * *sample)
                                  : limit         ? limit
                                                  : sample;
  if (auto st = strict_mode::gate_scroll_like(*context.rate_limits, *collection.value(), request,
                                              parsed->filter.get(), asked, false);
      !st.ok())
    return st.error();
  auto view = read_view_for(*collection.value(), body.value());
  if (!view.ok()) return view.error();
  return query::search_distance_matrix(*collection.value(), *view.value(), parsed.value(),
                                       context.pool);
}

Result<json::value> matrix_pairs(ApiContext& context, Request& request) {
  auto matrix = run_matrix(context, request);
  if (!matrix.ok()) return matrix.error();
  json::array pairs;
  for (size_t row = 0; row < matrix->sample_ids.size(); ++row) {
    for (const auto& neighbour : matrix->nearests[row]) {
      pairs.push_back(json::object{{"a", point_id_json(matrix->sample_ids[row])},
                                   {"b", point_id_json(neighbour.id)},
                                   {"score", float_json_value(neighbour.score)}});
    }
  }
  return json::value(json::object{{"pairs", std::move(pairs)}});
}

Result<json::value> matrix_offsets(ApiContext& context, Request& request) {
  auto matrix = run_matrix(context, request);
  if (!matrix.ok()) return matrix.error();
  std::unordered_map<std::string, size_t> column_of;
  json::array ids;
  for (size_t i = 0; i < matrix->sample_ids.size(); ++i) {
    column_of[matrix->sample_ids[i].to_string()] = i;
    ids.push_back(point_id_json(matrix->sample_ids[i]));
  }
  json::array rows, columns, scores;
  for (size_t row = 0; row < matrix->nearests.size(); ++row) {
    for (const auto& neighbour : matrix->nearests[row]) {
      rows.push_back(row);
      columns.push_back(column_of.at(neighbour.id.to_string()));
      scores.push_back(float_json_value(neighbour.score));
    }
  }
  return json::value(json::object{{"offsets_row", std::move(rows)},
                                  {"offsets_col", std::move(columns)},
                                  {"scores", std::move(scores)},
                                  {"ids", std::move(ids)}});
}

}  // namespace

void register_matrix_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  router.add({HttpMethod::kPost, "/collections/{collection_name}/points/search/matrix/pairs",
              [ctx](Request& r) { return respond([&] { return matrix_pairs(*ctx, r); }); }});
  router.add({HttpMethod::kPost, "/collections/{collection_name}/points/search/matrix/offsets",
              [ctx](Request& r) { return respond([&] { return matrix_offsets(*ctx, r); }); }});
}

}  // namespace sextant::api
