// Legacy searches (search, recommend, discover; their batch and groups forms) -> REST calls.
#include <boost/json/serialize.hpp>

#include "grpc/points/filter_to_json.hpp"
#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/requests_to_call.hpp"
#include "grpc/points/selectors_to_json.hpp"
#include "grpc/points/value_json.hpp"
#include "grpc/points/vectors_to_json.hpp"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

template <class Request>
EngineCall read_call(const Request& request, const std::string& suffix, json::object body) {
  EngineCall call{api::HttpMethod::kPost,
                  collection_path(request.collection_name(), suffix),
                  {},
                  json::serialize(body)};
  read_params_into(
      request.has_read_consistency() ? &request.read_consistency() : nullptr,
      request.has_timeout() ? std::optional<std::uint64_t>(request.timeout()) : std::nullopt,
      call.query);
  return call;
}

// The fields every legacy search request carries under the same names.
template <class Request>
void common_fields_into(const Request& request, json::object& body) {
  if (request.has_filter()) body["filter"] = filter_to_json(request.filter());
  if (request.has_params()) body["params"] = search_params_to_json(request.params());
  body["limit"] = request.limit();
  if (request.has_with_payload())
    body["with_payload"] = with_payload_to_json(request.with_payload());
  if (request.has_with_vectors())
    body["with_vector"] = with_vectors_to_json(request.with_vectors());
  if (request.has_shard_key_selector())
    body["shard_key"] = shard_key_selector_to_json(request.shard_key_selector());
}

template <class Request>
void groups_fields_into(const Request& request, json::object& body) {
  body["group_by"] = request.group_by();
  body["group_size"] = request.group_size();
  if (request.has_with_lookup()) body["with_lookup"] = with_lookup_to_json(request.with_lookup());
}

// SearchPoints and SearchPointGroups: `vector` (+ `sparse_indices`) named by `vector_name`.
template <class Request>
json::value search_vector_to_json(const Request& request) {
  json::value vector;
  if (request.has_sparse_indices()) {
    json::array indices;
    for (auto i : request.sparse_indices().data()) indices.push_back(i);
    vector =
        json::object{{"indices", std::move(indices)}, {"values", dense_to_json(request.vector())}};
  } else {
    vector = dense_to_json(request.vector());
  }
  if (!request.has_vector_name()) return vector;
  return json::object{{"name", request.vector_name()}, {"vector", std::move(vector)}};
}

template <class Request>
json::object search_body(const Request& request) {
  json::object body{{"vector", search_vector_to_json(request)}};
  common_fields_into(request, body);
  if (request.has_score_threshold())
    body["score_threshold"] = static_cast<double>(request.score_threshold());
  return body;
}

json::object search_points_body(const qdrant::SearchPoints& request) {
  json::object body = search_body(request);
  if (request.has_offset()) body["offset"] = request.offset();
  return body;
}

json::array examples(const google::protobuf::RepeatedPtrField<qdrant::PointId>& ids,
                     const google::protobuf::RepeatedPtrField<qdrant::Vector>& vectors) {
  json::array items = point_ids_to_json(ids);
  for (const auto& vector : vectors) items.push_back(vector_to_json(vector));
  return items;
}

template <class Request>
json::object recommend_body(const Request& request) {
  json::object body{{"positive", examples(request.positive(), request.positive_vectors())},
                    {"negative", examples(request.negative(), request.negative_vectors())}};
  common_fields_into(request, body);
  if (request.has_score_threshold())
    body["score_threshold"] = static_cast<double>(request.score_threshold());
  if (request.has_using_()) body["using"] = request.using_();
  if (request.has_lookup_from())
    body["lookup_from"] = lookup_location_to_json(request.lookup_from());
  if (request.has_strategy()) body["strategy"] = recommend_strategy_to_json(request.strategy());
  return body;
}

json::object recommend_points_body(const qdrant::RecommendPoints& request) {
  json::object body = recommend_body(request);
  if (request.has_offset()) body["offset"] = request.offset();
  return body;
}

json::value example_to_json(const qdrant::VectorExample& example) {
  switch (example.example_case()) {
    case qdrant::VectorExample::kId:
      return point_id_to_json(example.id());
    case qdrant::VectorExample::kVector:
      return vector_to_json(example.vector());
    case qdrant::VectorExample::EXAMPLE_NOT_SET:
      break;
  }
  throw InvalidProto("Vector example, which can be id or bare vector, is malformed");
}

json::object discover_points_body(const qdrant::DiscoverPoints& request) {
  json::object body;
  if (request.has_target()) {
    if (request.target().target_case() != qdrant::TargetVector::kSingle)
      throw InvalidProto("Target vector is malformed");
    body["target"] = example_to_json(request.target().single());
  }
  json::array context;
  for (const auto& pair : request.context()) {
    if (!pair.has_positive()) throw InvalidProto("No positive part of context pair provided");
    if (!pair.has_negative()) throw InvalidProto("No negative part of context pair provided");
    context.push_back(json::object{{"positive", example_to_json(pair.positive())},
                                   {"negative", example_to_json(pair.negative())}});
  }
  body["context"] = std::move(context);
  common_fields_into(request, body);
  if (request.has_offset()) body["offset"] = request.offset();
  if (request.has_using_()) body["using"] = request.using_();
  if (request.has_lookup_from())
    body["lookup_from"] = lookup_location_to_json(request.lookup_from());
  return body;
}

template <class Item, class BodyOf>
json::object batch_body(const google::protobuf::RepeatedPtrField<Item>& items, BodyOf body_of) {
  json::array searches;
  for (const auto& item : items) searches.push_back(body_of(item));
  return {{"searches", std::move(searches)}};
}

}  // namespace

EngineCall to_call(const qdrant::SearchPoints& request) {
  return read_call(request, "/points/search", search_points_body(request));
}

EngineCall to_call(const qdrant::SearchBatchPoints& request) {
  return read_call(request, "/points/search/batch",
                   batch_body(request.search_points(), search_points_body));
}

EngineCall to_call(const qdrant::SearchPointGroups& request) {
  json::object body = search_body(request);
  groups_fields_into(request, body);
  return read_call(request, "/points/search/groups", std::move(body));
}

EngineCall to_call(const qdrant::RecommendPoints& request) {
  return read_call(request, "/points/recommend", recommend_points_body(request));
}

EngineCall to_call(const qdrant::RecommendBatchPoints& request) {
  return read_call(request, "/points/recommend/batch",
                   batch_body(request.recommend_points(), recommend_points_body));
}

EngineCall to_call(const qdrant::RecommendPointGroups& request) {
  json::object body = recommend_body(request);
  groups_fields_into(request, body);
  return read_call(request, "/points/recommend/groups", std::move(body));
}

EngineCall to_call(const qdrant::DiscoverPoints& request) {
  return read_call(request, "/points/discover", discover_points_body(request));
}

EngineCall to_call(const qdrant::DiscoverBatchPoints& request) {
  return read_call(request, "/points/discover/batch",
                   batch_body(request.discover_points(), discover_points_body));
}

}  // namespace sextant::grpc_wire::points
