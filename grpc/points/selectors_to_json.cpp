// Shared request parts: selectors, params and write/read options -> REST JSON / query params.
#include "grpc/points/selectors_to_json.hpp"

#include "grpc/points/filter_to_json.hpp"
#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/value_json.hpp"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

json::array strings(const google::protobuf::RepeatedPtrField<std::string>& fields) {
  json::array items;
  for (const auto& field : fields) items.push_back(json::string(field));
  return items;
}

}  // namespace

json::value with_payload_to_json(const qdrant::WithPayloadSelector& selector) {
  switch (selector.selector_options_case()) {
    case qdrant::WithPayloadSelector::kEnable:
      return selector.enable();
    case qdrant::WithPayloadSelector::kInclude:
      return json::object{{"include", strings(selector.include().fields())}};
    case qdrant::WithPayloadSelector::kExclude:
      return json::object{{"exclude", strings(selector.exclude().fields())}};
    case qdrant::WithPayloadSelector::SELECTOR_OPTIONS_NOT_SET:
      break;
  }
  throw InvalidProto("No PayloadSelector");
}

json::value with_vectors_to_json(const qdrant::WithVectorsSelector& selector) {
  switch (selector.selector_options_case()) {
    case qdrant::WithVectorsSelector::kEnable:
      return selector.enable();
    case qdrant::WithVectorsSelector::kInclude:
      return strings(selector.include().names());
    case qdrant::WithVectorsSelector::SELECTOR_OPTIONS_NOT_SET:
      break;
  }
  // As Qdrant reads an empty selector: no vectors.
  return false;
}

json::value shard_key_selector_to_json(const qdrant::ShardKeySelector& selector) {
  json::array keys;
  for (const auto& key : selector.shard_keys()) keys.push_back(shard_key_to_json(key));
  if (selector.has_fallback()) {
    json::value target = keys.size() == 1 ? keys.front() : json::value(keys);
    return json::object{{"target", std::move(target)},
                        {"fallback", shard_key_to_json(selector.fallback())}};
  }
  if (keys.size() == 1) return keys.front();
  return keys;
}

json::object search_params_to_json(const qdrant::SearchParams& params) {
  json::object object;
  if (params.has_hnsw_ef()) object["hnsw_ef"] = params.hnsw_ef();
  if (params.has_exact()) object["exact"] = params.exact();
  if (params.has_indexed_only()) object["indexed_only"] = params.indexed_only();
  if (params.has_quantization()) {
    const auto& q = params.quantization();
    json::object quantization;
    if (q.has_ignore()) quantization["ignore"] = q.ignore();
    if (q.has_rescore()) quantization["rescore"] = q.rescore();
    if (q.has_oversampling()) quantization["oversampling"] = q.oversampling();
    object["quantization"] = std::move(quantization);
  }
  if (params.has_acorn()) {
    json::object acorn;
    if (params.acorn().has_enable()) acorn["enable"] = params.acorn().enable();
    if (params.acorn().has_max_selectivity())
      acorn["max_selectivity"] = params.acorn().max_selectivity();
    object["acorn"] = std::move(acorn);
  }
  if (params.has_idf()) {
    if (params.idf().has_corpus())
      object["idf"] = json::object{{"corpus", filter_to_json(params.idf().corpus())}};
    else
      object["idf"] = "global";
  }
  return object;
}

json::object lookup_location_to_json(const qdrant::LookupLocation& location) {
  json::object object{{"collection", location.collection_name()}};
  if (location.has_vector_name()) object["vector"] = location.vector_name();
  if (location.has_shard_key_selector())
    object["shard_key"] = shard_key_selector_to_json(location.shard_key_selector());
  return object;
}

json::object with_lookup_to_json(const qdrant::WithLookup& lookup) {
  json::object object{{"collection", lookup.collection()}};
  if (lookup.has_with_payload())
    object["with_payload"] = with_payload_to_json(lookup.with_payload());
  if (lookup.has_with_vectors())
    object["with_vectors"] = with_vectors_to_json(lookup.with_vectors());
  return object;
}

json::array point_ids_to_json(const google::protobuf::RepeatedPtrField<qdrant::PointId>& ids) {
  json::array items;
  for (const auto& id : ids) items.push_back(point_id_to_json(id));
  return items;
}

void points_selector_into(const qdrant::PointsSelector& selector, json::object& body) {
  switch (selector.points_selector_one_of_case()) {
    case qdrant::PointsSelector::kPoints:
      body["points"] = point_ids_to_json(selector.points().ids());
      return;
    case qdrant::PointsSelector::kFilter:
      body["filter"] = filter_to_json(selector.filter());
      return;
    case qdrant::PointsSelector::POINTS_SELECTOR_ONE_OF_NOT_SET:
      break;
  }
  throw InvalidProto("Malformed PointsSelector type");
}

json::value update_mode_to_json(int mode) {
  switch (mode) {
    case qdrant::Upsert:
      return "upsert";
    case qdrant::InsertOnly:
      return "insert_only";
    case qdrant::UpdateOnly:
      return "update_only";
  }
  return "upsert";  // as Qdrant reads an unknown mode
}

json::value recommend_strategy_to_json(int strategy) {
  switch (strategy) {
    case qdrant::AverageVector:
      return "average_vector";
    case qdrant::BestScore:
      return "best_score";
    case qdrant::SumScores:
      return "sum_scores";
  }
  throw InvalidProto("Unknown recommend strategy: " + std::to_string(strategy));
}

void write_params_into(std::optional<bool> wait, const qdrant::WriteOrdering* ordering,
                       std::optional<std::uint64_t> timeout, QueryParams& params) {
  if (wait) params["wait"] = *wait ? "true" : "false";
  if (ordering) {
    switch (ordering->type()) {
      case qdrant::Weak:
        params["ordering"] = "weak";
        break;
      case qdrant::Medium:
        params["ordering"] = "medium";
        break;
      case qdrant::Strong:
        params["ordering"] = "strong";
        break;
      default:
        throw InvalidProto("cannot convert ordering: " + std::to_string(ordering->type()));
    }
  }
  if (timeout) params["timeout"] = std::to_string(*timeout);
}

void read_params_into(const qdrant::ReadConsistency* consistency,
                      std::optional<std::uint64_t> timeout, QueryParams& params) {
  if (consistency) {
    switch (consistency->value_case()) {
      case qdrant::ReadConsistency::kFactor:
        params["consistency"] = std::to_string(consistency->factor());
        break;
      case qdrant::ReadConsistency::kType:
        switch (consistency->type()) {
          case qdrant::All:
            params["consistency"] = "all";
            break;
          case qdrant::Majority:
            params["consistency"] = "majority";
            break;
          case qdrant::Quorum:
            params["consistency"] = "quorum";
            break;
          default:
            throw InvalidProto("invalid read consistency type value " +
                               std::to_string(consistency->type()));
        }
        break;
      case qdrant::ReadConsistency::VALUE_NOT_SET:
        break;
    }
  }
  if (timeout) params["timeout"] = std::to_string(*timeout);
}

}  // namespace sextant::grpc_wire::points
