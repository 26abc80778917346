// Implements the fuzzing entry points on top of api/ parsers (see entry_points.hpp).
#include "fuzz/entry_points.hpp"

#include <boost/json.hpp>
#include <string>

#include "api/config/collection_config.hpp"
#include "api/config/collection_config_json.hpp"
#include "api/handler_support.hpp"
#include "api/parse/filter_parser.hpp"
#include "api/parse/group_request.hpp"
#include "api/parse/point_parsing.hpp"
#include "api/parse/query_request.hpp"
#include "api/parse/scroll_request.hpp"
#include "api/parse/update_operations.hpp"
#include "index/point_id.hpp"

namespace sextant::fuzz {
namespace {

const storage::CollectionSchema& fuzz_schema() {
  static const storage::CollectionSchema schema = [] {
    storage::CollectionSchema s;
    storage::DenseVectorSpec unnamed;
    unnamed.name = "";
    unnamed.dim = 4;
    unnamed.distance = storage::Distance::kCosine;
    storage::DenseVectorSpec image;
    image.name = "image";
    image.dim = 3;
    image.distance = storage::Distance::kDot;
    storage::DenseVectorSpec colbert;
    colbert.name = "colbert";
    colbert.dim = 2;
    colbert.multivector = true;
    s.dense = {unnamed, image, colbert};
    s.sparse = {storage::SparseVectorSpec{"text", false}};
    return s;
  }();
  return schema;
}

Result<boost::json::value> parse_json(std::string_view bytes) {
  api::Request request;
  request.body = bytes;
  return api::parse_body(request, /*allow_empty=*/true);
}

// The body as a JSON object, or null when it is not one (the handlers reject those up front).
const boost::json::object* as_object(const Result<boost::json::value>& value) {
  if (!value.ok() || !value->is_object()) return nullptr;
  return &value->get_object();
}

}  // namespace

void parse_request_body(std::string_view bytes) {
  auto value = parse_json(bytes);
  if (!value.ok() || !value->is_object()) return;
  const boost::json::object& body = value->get_object();
  (void)api::parse_points_to_upsert(body, fuzz_schema(), nullptr);
  (void)api::parse_query_request(body, nullptr);
  (void)api::parse_search_request(body);
  (void)api::parse_recommend_request(body, nullptr);
  (void)api::parse_discover_request(body, nullptr);
  (void)api::parse_points_selector(body);
  (void)api::parse_with_payload(body, true);
  (void)api::parse_with_vector(body, false);
  if (const auto* ids = body.if_contains("ids")) (void)api::parse_point_ids(*ids);
  if (const auto* vector = body.if_contains("vector"))
    (void)api::parse_point_vectors(*vector, fuzz_schema(), nullptr);
}

void parse_filter_body(std::string_view bytes) {
  auto value = parse_json(bytes);
  if (!value.ok()) return;
  (void)api::parse_filter_json(*value);
  (void)api::parse_payload_selector(*value);
  if (value->is_object()) (void)api::parse_optional_filter(value->get_object());
}

void parse_groups_body(std::string_view bytes) {
  auto value = parse_json(bytes);
  const boost::json::object* body = as_object(value);
  if (body == nullptr) return;
  for (auto endpoint :
       {api::GroupEndpoint::kQuery, api::GroupEndpoint::kSearch, api::GroupEndpoint::kRecommend})
    (void)api::parse_groups_request(*body, endpoint, nullptr);
}

void parse_scroll_body(std::string_view bytes) {
  auto value = parse_json(bytes);
  const boost::json::object* body = as_object(value);
  if (body == nullptr) return;
  (void)api::parse_scroll_request(*body);
}

void parse_update_body(std::string_view bytes) {
  auto value = parse_json(bytes);
  const boost::json::object* body = as_object(value);
  if (body == nullptr) return;
  (void)api::parse_upsert(*body, fuzz_schema(), nullptr);
  (void)api::parse_delete_points(*body);
  (void)api::parse_set_payload(*body);
  (void)api::parse_overwrite_payload(*body);
  (void)api::parse_delete_payload(*body);
  (void)api::parse_clear_payload(*body);
  (void)api::parse_update_vectors(*body, fuzz_schema(), nullptr);
  (void)api::parse_delete_vectors(*body, fuzz_schema());
  (void)api::parse_batch(*body, fuzz_schema(), nullptr);
}

void parse_collection_config_body(std::string_view bytes) {
  static const api::ApiConfig defaults;
  auto value = parse_json(bytes);
  const boost::json::object* body = as_object(value);
  if (body == nullptr) return;
  (void)api::config_from_create_body(*body, defaults);
  (void)api::parse_update_body(*body);
  (void)api::collection_config_from_json(*body);
}

void parse_point_id_text(std::string_view bytes) {
  auto uuid = index::PointId::parse_uuid(bytes);
  if (uuid) {
    // A parsed id must survive its own round trips.
    auto again = index::PointId::parse_uuid(uuid->to_string());
    if (!again || !(*again == *uuid)) __builtin_trap();
    if (!(index::PointId::from_key(uuid->to_key().data()) == *uuid)) __builtin_trap();
  }
  auto value = parse_json(bytes);
  if (!value.ok()) return;
  (void)api::parse_point_id(*value);
  (void)api::parse_point_ids(*value);
}

}  // namespace sextant::fuzz
