// Points results: REST result JSON -> protobuf result messages.
#include "grpc/points/results_from_json.hpp"

#include "grpc/points/value_json.hpp"
#include "grpc/points/vectors_to_json.hpp"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

const json::value* field(const json::value& json, const char* name) {
  if (!json.is_object()) return nullptr;
  const json::value* value = json.get_object().if_contains(name);
  return (value && !value->is_null()) ? value : nullptr;
}

void order_value_from_json(const json::value& json, qdrant::OrderValue* value) {
  if (json.is_int64())
    value->set_int_(json.get_int64());
  else if (json.is_uint64())
    value->set_int_(static_cast<std::int64_t>(json.get_uint64()));
  else if (json.is_double())
    value->set_float_(json.get_double());
}

// The fields ScoredPoint and RetrievedPoint share.
template <class Point>
void point_fields_from_json(const json::value& json, Point* point) {
  if (const auto* id = field(json, "id")) point_id_from_json(*id, point->mutable_id());
  if (const auto* payload = field(json, "payload"))
    payload_from_json(*payload, point->mutable_payload());
  if (const auto* vector = field(json, "vector"))
    vectors_output_from_json(*vector, point->mutable_vectors());
  if (const auto* key = field(json, "shard_key"))
    shard_key_from_json(*key, point->mutable_shard_key());
  if (const auto* order = field(json, "order_value"))
    order_value_from_json(*order, point->mutable_order_value());
}

const json::value* points_of(const json::value& json) {
  if (json.is_array()) return &json;
  return field(json, "points");
}

qdrant::UpdateStatus update_status(std::string_view status) {
  if (status == "acknowledged") return qdrant::Acknowledged;
  if (status == "completed") return qdrant::Completed;
  if (status == "clock_rejected") return qdrant::ClockRejected;
  if (status == "wait_timeout") return qdrant::WaitTimeout;
  return qdrant::UnknownUpdateStatus;
}

}  // namespace

void scored_point_from_json(const json::value& json, qdrant::ScoredPoint* point) {
  point_fields_from_json(json, point);
  if (const auto* score = field(json, "score"))
    point->set_score(static_cast<float>(score->to_number<double>()));
  if (const auto* version = field(json, "version"))
    point->set_version(version->to_number<std::uint64_t>());
}

void retrieved_point_from_json(const json::value& json, qdrant::RetrievedPoint* point) {
  point_fields_from_json(json, point);
}

void scored_points_from_json(const json::value& json,
                             google::protobuf::RepeatedPtrField<qdrant::ScoredPoint>* points) {
  const json::value* list = points_of(json);
  if (!list || !list->is_array()) return;
  points->Reserve(static_cast<int>(list->get_array().size()));
  for (const auto& item : list->get_array()) scored_point_from_json(item, points->Add());
}

void batch_results_from_json(const json::value& json,
                             google::protobuf::RepeatedPtrField<qdrant::BatchResult>* results) {
  if (!json.is_array()) return;
  for (const auto& item : json.get_array())
    scored_points_from_json(item, results->Add()->mutable_result());
}

void groups_from_json(const json::value& json, qdrant::GroupsResult* groups) {
  const json::value* list = field(json, "groups");
  if (!list || !list->is_array()) return;
  for (const auto& item : list->get_array()) {
    auto* group = groups->add_groups();
    if (const auto* id = field(item, "id")) {
      if (id->is_string())
        group->mutable_id()->set_string_value(std::string(id->get_string()));
      else if (id->is_uint64())
        group->mutable_id()->set_unsigned_value(id->get_uint64());
      else if (id->is_int64() && id->get_int64() >= 0)
        group->mutable_id()->set_unsigned_value(static_cast<std::uint64_t>(id->get_int64()));
      else if (id->is_int64())
        group->mutable_id()->set_integer_value(id->get_int64());
    }
    if (const auto* hits = field(item, "hits"))
      scored_points_from_json(*hits, group->mutable_hits());
    if (const auto* lookup = field(item, "lookup"))
      retrieved_point_from_json(*lookup, group->mutable_lookup());
  }
}

void update_result_from_json(const json::value& json, qdrant::UpdateResult* result) {
  if (const auto* id = field(json, "operation_id"))
    result->set_operation_id(id->to_number<std::uint64_t>());
  if (const auto* status = field(json, "status"); status && status->is_string())
    result->set_status(update_status(status->get_string()));
}

void scroll_from_json(const json::value& json, qdrant::ScrollResponse* response) {
  if (const auto* points = field(json, "points"); points && points->is_array())
    for (const auto& item : points->get_array())
      retrieved_point_from_json(item, response->add_result());
  if (const auto* next = field(json, "next_page_offset"))
    point_id_from_json(*next, response->mutable_next_page_offset());
}

void facet_from_json(const json::value& json, qdrant::FacetResponse* response) {
  const json::value* hits = field(json, "hits");
  if (!hits || !hits->is_array()) return;
  for (const auto& item : hits->get_array()) {
    auto* hit = response->add_hits();
    if (const auto* value = field(item, "value")) {
      if (value->is_string())
        hit->mutable_value()->set_string_value(std::string(value->get_string()));
      else if (value->is_bool())
        hit->mutable_value()->set_bool_value(value->get_bool());
      else if (value->is_int64())
        hit->mutable_value()->set_integer_value(value->get_int64());
      else if (value->is_uint64())
        hit->mutable_value()->set_integer_value(static_cast<std::int64_t>(value->get_uint64()));
    }
    if (const auto* count = field(item, "count")) hit->set_count(count->to_number<std::uint64_t>());
  }
}

void matrix_pairs_from_json(const json::value& json, qdrant::SearchMatrixPairs* pairs) {
  const json::value* list = field(json, "pairs");
  if (!list || !list->is_array()) return;
  for (const auto& item : list->get_array()) {
    auto* pair = pairs->add_pairs();
    if (const auto* a = field(item, "a")) point_id_from_json(*a, pair->mutable_a());
    if (const auto* b = field(item, "b")) point_id_from_json(*b, pair->mutable_b());
    if (const auto* score = field(item, "score"))
      pair->set_score(static_cast<float>(score->to_number<double>()));
  }
}

void matrix_offsets_from_json(const json::value& json, qdrant::SearchMatrixOffsets* offsets) {
  if (const auto* rows = field(json, "offsets_row"); rows && rows->is_array())
    for (const auto& v : rows->get_array()) offsets->add_offsets_row(v.to_number<std::uint64_t>());
  if (const auto* cols = field(json, "offsets_col"); cols && cols->is_array())
    for (const auto& v : cols->get_array()) offsets->add_offsets_col(v.to_number<std::uint64_t>());
  if (const auto* scores = field(json, "scores"); scores && scores->is_array())
    for (const auto& v : scores->get_array())
      offsets->add_scores(static_cast<float>(v.to_number<double>()));
  if (const auto* ids = field(json, "ids"); ids && ids->is_array())
    for (const auto& v : ids->get_array()) point_id_from_json(v, offsets->add_ids());
}

}  // namespace sextant::grpc_wire::points
