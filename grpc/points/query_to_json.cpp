// Universal queries: protobuf Query tree -> REST query JSON.
#include "grpc/points/query_to_json.hpp"

#include <google/protobuf/util/time_util.h>

#include "grpc/points/filter_to_json.hpp"
#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/selectors_to_json.hpp"
#include "grpc/points/value_json.hpp"
#include "grpc/points/vectors_to_json.hpp"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

json::array vector_inputs(const google::protobuf::RepeatedPtrField<qdrant::VectorInput>& inputs) {
  json::array items;
  for (const auto& input : inputs) items.push_back(vector_input_to_json(input));
  return items;
}

json::array context_pairs(const qdrant::ContextInput& context) {
  json::array pairs;
  for (const auto& pair : context.pairs()) {
    if (!pair.has_positive()) throw InvalidProto("ContextPair positive is missing");
    if (!pair.has_negative()) throw InvalidProto("ContextPair negative is missing");
    pairs.push_back(json::object{{"positive", vector_input_to_json(pair.positive())},
                                 {"negative", vector_input_to_json(pair.negative())}});
  }
  return pairs;
}

json::object recommend_to_json(const qdrant::RecommendInput& recommend) {
  json::object object{{"positive", vector_inputs(recommend.positive())},
                      {"negative", vector_inputs(recommend.negative())}};
  if (recommend.has_strategy())
    object["strategy"] = recommend_strategy_to_json(recommend.strategy());
  return object;
}

json::object discover_to_json(const qdrant::DiscoverInput& discover) {
  if (!discover.has_target()) throw InvalidProto("DiscoverInput target is missing");
  if (!discover.has_context()) throw InvalidProto("DiscoverInput context is missing");
  return {{"target", vector_input_to_json(discover.target())},
          {"context", context_pairs(discover.context())}};
}

json::object feedback_to_json(const qdrant::RelevanceFeedbackInput& feedback) {
  if (!feedback.has_target()) throw InvalidProto("target is missing");
  json::array items;
  for (const auto& item : feedback.feedback()) {
    if (!item.has_example()) throw InvalidProto("feedback example is missing");
    items.push_back(json::object{{"example", vector_input_to_json(item.example())},
                                 {"score", static_cast<double>(item.score())}});
  }
  json::object object{{"target", vector_input_to_json(feedback.target())},
                      {"feedback", std::move(items)}};
  if (feedback.strategy().variant_case() == qdrant::FeedbackStrategy::kNaive) {
    const auto& naive = feedback.strategy().naive();
    object["strategy"] =
        json::object{{"naive", json::object{{"a", static_cast<double>(naive.a())},
                                            {"b", static_cast<double>(naive.b())},
                                            {"c", static_cast<double>(naive.c())}}}};
  } else {
    throw InvalidProto("strategy is missing");
  }
  return object;
}

json::value fusion_to_json(int fusion) {
  switch (fusion) {
    case qdrant::RRF:
      return "rrf";
    case qdrant::DBSF:
      return "dbsf";
  }
  throw InvalidProto("invalid fusion type value " + std::to_string(fusion));
}

json::object decay_to_json(const qdrant::DecayParamsExpression& decay) {
  if (!decay.has_x()) throw InvalidProto("Missing field: x");
  json::object object{{"x", expression_to_json(decay.x())}};
  if (decay.has_target()) object["target"] = expression_to_json(decay.target());
  if (decay.has_scale()) object["scale"] = static_cast<double>(decay.scale());
  if (decay.has_midpoint()) object["midpoint"] = static_cast<double>(decay.midpoint());
  return object;
}

json::array expressions(const google::protobuf::RepeatedPtrField<qdrant::Expression>& list) {
  json::array items;
  for (const auto& item : list) items.push_back(expression_to_json(item));
  return items;
}

json::object formula_to_json(const qdrant::Formula& formula) {
  if (!formula.has_expression()) throw InvalidProto("Missing field: expression");
  json::object object{{"formula", expression_to_json(formula.expression())}};
  if (!formula.defaults().empty()) object["defaults"] = payload_to_json(formula.defaults());
  return object;
}

json::value start_from_to_json(const qdrant::StartFrom& start) {
  switch (start.value_case()) {
    case qdrant::StartFrom::kFloat:
      return start.float_();
    case qdrant::StartFrom::kInteger:
      return start.integer();
    case qdrant::StartFrom::kTimestamp:
      return json::string(google::protobuf::util::TimeUtil::ToString(start.timestamp()));
    case qdrant::StartFrom::kDatetime:
      return json::string(start.datetime());
    case qdrant::StartFrom::VALUE_NOT_SET:
      break;
  }
  return nullptr;  // an empty StartFrom is no start, as Qdrant reads it
}

}  // namespace

json::object order_by_to_json(const qdrant::OrderBy& order_by) {
  json::object object{{"key", order_by.key()}};
  if (order_by.has_direction()) {
    if (order_by.direction() == qdrant::Asc)
      object["direction"] = "asc";
    else if (order_by.direction() == qdrant::Desc)
      object["direction"] = "desc";
    // an unknown direction is no direction, as Qdrant reads it
  }
  if (order_by.has_start_from())
    if (json::value start = start_from_to_json(order_by.start_from()); !start.is_null())
      object["start_from"] = std::move(start);
  return object;
}

json::value expression_to_json(const qdrant::Expression& e) {
  using E = qdrant::Expression;
  switch (e.variant_case()) {
    case E::kConstant:
      return static_cast<double>(e.constant());
    case E::kVariable:
      return json::string(e.variable());
    case E::kCondition:
      return condition_to_json(e.condition());
    case E::kGeoDistance:
      return json::object{
          {"geo_distance", json::object{{"origin", geo_point_to_json(e.geo_distance().origin())},
                                        {"to", e.geo_distance().to()}}}};
    case E::kDatetime:
      return json::object{{"datetime", e.datetime()}};
    case E::kDatetimeKey:
      return json::object{{"datetime_key", e.datetime_key()}};
    case E::kMult:
      return json::object{{"mult", expressions(e.mult().mult())}};
    case E::kSum:
      return json::object{{"sum", expressions(e.sum().sum())}};
    case E::kDiv: {
      if (!e.div().has_left() || !e.div().has_right())
        throw InvalidProto("Missing field: left or right");
      json::object div{{"left", expression_to_json(e.div().left())},
                       {"right", expression_to_json(e.div().right())}};
      if (e.div().has_by_zero_default())
        div["by_zero_default"] = static_cast<double>(e.div().by_zero_default());
      return json::object{{"div", std::move(div)}};
    }
    case E::kNeg:
      return json::object{{"neg", expression_to_json(e.neg())}};
    case E::kAbs:
      return json::object{{"abs", expression_to_json(e.abs())}};
    case E::kSqrt:
      return json::object{{"sqrt", expression_to_json(e.sqrt())}};
    case E::kPow:
      if (!e.pow().has_base() || !e.pow().has_exponent())
        throw InvalidProto("Missing field: base or exponent");
      return json::object{
          {"pow", json::object{{"base", expression_to_json(e.pow().base())},
                               {"exponent", expression_to_json(e.pow().exponent())}}}};
    case E::kExp:
      return json::object{{"exp", expression_to_json(e.exp())}};
    case E::kLog10:
      return json::object{{"log10", expression_to_json(e.log10())}};
    case E::kLn:
      return json::object{{"ln", expression_to_json(e.ln())}};
    case E::kExpDecay:
      return json::object{{"exp_decay", decay_to_json(e.exp_decay())}};
    case E::kGaussDecay:
      return json::object{{"gauss_decay", decay_to_json(e.gauss_decay())}};
    case E::kLinDecay:
      return json::object{{"lin_decay", decay_to_json(e.lin_decay())}};
    case E::VARIANT_NOT_SET:
      break;
  }
  throw InvalidProto("Missing field: variant");
}

json::value query_to_json(const qdrant::Query& query) {
  using Q = qdrant::Query;
  switch (query.variant_case()) {
    case Q::kNearest:
      return json::object{{"nearest", vector_input_to_json(query.nearest())}};
    case Q::kRecommend:
      return json::object{{"recommend", recommend_to_json(query.recommend())}};
    case Q::kDiscover:
      return json::object{{"discover", discover_to_json(query.discover())}};
    case Q::kContext:
      return json::object{{"context", context_pairs(query.context())}};
    case Q::kOrderBy:
      return json::object{{"order_by", order_by_to_json(query.order_by())}};
    case Q::kFusion:
      return json::object{{"fusion", fusion_to_json(query.fusion())}};
    case Q::kSample:
      if (query.sample() != qdrant::Random)
        throw InvalidProto("invalid sample type value " + std::to_string(query.sample()));
      return json::object{{"sample", "random"}};
    case Q::kFormula:
      return formula_to_json(query.formula());
    case Q::kNearestWithMmr: {
      const auto& with_mmr = query.nearest_with_mmr();
      if (!with_mmr.has_nearest()) throw InvalidProto("nearest vector is missing");
      if (!with_mmr.has_mmr()) throw InvalidProto("mmr is missing");
      json::object mmr;
      if (with_mmr.mmr().has_diversity())
        mmr["diversity"] = static_cast<double>(with_mmr.mmr().diversity());
      if (with_mmr.mmr().has_candidates_limit())
        mmr["candidates_limit"] = with_mmr.mmr().candidates_limit();
      return json::object{{"nearest", vector_input_to_json(with_mmr.nearest())},
                          {"mmr", std::move(mmr)}};
    }
    case Q::kRrf: {
      json::object rrf;
      if (query.rrf().has_k()) rrf["k"] = query.rrf().k();
      if (query.rrf().weights_size() > 0) {
        json::array weights;
        for (float w : query.rrf().weights()) weights.push_back(static_cast<double>(w));
        rrf["weights"] = std::move(weights);
      }
      return json::object{{"rrf", std::move(rrf)}};
    }
    case Q::kRelevanceFeedback:
      return json::object{{"relevance_feedback", feedback_to_json(query.relevance_feedback())}};
    case Q::VARIANT_NOT_SET:
      break;
  }
  throw InvalidProto("Query variant is missing");
}

json::object prefetch_to_json(const qdrant::PrefetchQuery& prefetch) {
  json::object object;
  if (prefetch.prefetch_size() > 0) {
    json::array nested;
    for (const auto& inner : prefetch.prefetch()) nested.push_back(prefetch_to_json(inner));
    object["prefetch"] = std::move(nested);
  }
  if (prefetch.has_query()) object["query"] = query_to_json(prefetch.query());
  if (prefetch.has_using_()) object["using"] = prefetch.using_();
  if (prefetch.has_filter()) object["filter"] = filter_to_json(prefetch.filter());
  if (prefetch.has_params()) object["params"] = search_params_to_json(prefetch.params());
  if (prefetch.has_score_threshold())
    object["score_threshold"] = static_cast<double>(prefetch.score_threshold());
  if (prefetch.has_limit()) object["limit"] = prefetch.limit();
  if (prefetch.has_lookup_from())
    object["lookup_from"] = lookup_location_to_json(prefetch.lookup_from());
  return object;
}

template <class QueryRequest>
void query_fields_into(const QueryRequest& request, json::object& body) {
  if (request.prefetch_size() > 0) {
    json::array prefetches;
    for (const auto& prefetch : request.prefetch())
      prefetches.push_back(prefetch_to_json(prefetch));
    body["prefetch"] = std::move(prefetches);
  }
  if (request.has_query()) body["query"] = query_to_json(request.query());
  if (request.has_using_()) body["using"] = request.using_();
  if (request.has_filter()) body["filter"] = filter_to_json(request.filter());
  if (request.has_params()) body["params"] = search_params_to_json(request.params());
  if (request.has_score_threshold())
    body["score_threshold"] = static_cast<double>(request.score_threshold());
  if (request.has_with_payload())
    body["with_payload"] = with_payload_to_json(request.with_payload());
  if (request.has_with_vectors())
    body["with_vector"] = with_vectors_to_json(request.with_vectors());
  if (request.has_lookup_from())
    body["lookup_from"] = lookup_location_to_json(request.lookup_from());
  if (request.has_shard_key_selector())
    body["shard_key"] = shard_key_selector_to_json(request.shard_key_selector());
}

template void query_fields_into(const qdrant::QueryPoints&, json::object&);
template void query_fields_into(const qdrant::QueryPointGroups&, json::object&);

}  // namespace sextant::grpc_wire::points
