#include "api/parse/query_request.hpp"

#include "api/parse/filter_parser.hpp"
#include "api/parse/formula_query.hpp"
#include "api/parse/json_numbers.hpp"
#include "api/parse/unused_fields.hpp"
#include "api/parse/validation_path.hpp"
#include "index/filter/datetime.hpp"

namespace sextant::api {
namespace json = boost::json;
using query::ContextPair;
using query::ContextQuery;
using query::DbsfQuery;
using query::DiscoverQuery;
using query::Example;
using query::FormulaQuery;
using query::MmrParams;
using query::NearestQuery;
using query::OrderByQuery;
using query::RecommendQuery;
using query::RelevanceFeedbackQuery;
using query::RrfQuery;
using query::SampleRandomQuery;

namespace {

constexpr size_t kMaxLimit = 1'000'000;

Result<size_t> size_field(const json::object& body, const char* key, size_t fallback, size_t min) {
  auto v = body.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!json_uint(*v))
    return Error::format(std::string("invalid type for `") + key + "`: expected usize");
  size_t n = *json_uint(*v);
  if (n < min)
    return Error::validation(std::string("[") + key + ": value " + std::to_string(n) +
                             " invalid, must be " + std::to_string(min) + " or larger]");
  if (n > kMaxLimit)
    return Error::bad_request(std::string(key) + " must be at most " + std::to_string(kMaxLimit));
  return n;
}

Result<storage::SearchParams> parse_params(const json::object& body) {
  storage::SearchParams params;
  auto v = body.if_contains("params");
  if (!v || v->is_null()) return params;
  if (!v->is_object())
    return Error::format("invalid type for `params`: expected struct SearchParams");
  const auto& p = v->get_object();
  if (auto st = check_unused_search_params(p); !st.ok()) return st.error();
  if (auto idf = p.if_contains("idf"); idf && !idf->is_null()) {
    params.idf.emplace();  // "global", or {"corpus": filter} (checked above)
    if (idf->is_object()) {
      auto corpus = parse_filter_json(idf->get_object().at("corpus"));
      if (!corpus.ok()) return corpus.error();
      params.idf->corpus = std::move(corpus.value());
    }
  }
  if (auto ef = p.if_contains("hnsw_ef"); ef && !ef->is_null()) {
    if (!json_uint(*ef) || *json_uint(*ef) > UINT32_MAX)
      return Error::format("invalid type for `hnsw_ef`");
    if (*json_uint(*ef) == 0)
      return Error::validation("[params.hnsw_ef: value 0 invalid, must be 1 or larger]");
    params.hnsw_ef = static_cast<uint32_t>(*json_uint(*ef));
  }
  if (auto e = p.if_contains("exact"); e && !e->is_null()) {
    if (!e->is_bool()) return Error::format("invalid type for `exact`: expected a boolean");
    params.exact = e->get_bool();
  }
  if (auto i = p.if_contains("indexed_only"); i && !i->is_null()) {
    if (!i->is_bool()) return Error::format("invalid type for `indexed_only`: expected a boolean");
    params.indexed_only = i->get_bool();
  }
  if (auto q = p.if_contains("quantization"); q && !q->is_null()) {
    if (!q->is_object())
      return Error::format(
          "invalid type for `quantization`: expected struct QuantizationSearchParams");
    const auto& quantization = q->get_object();
    if (auto ignore = quantization.if_contains("ignore"); ignore && !ignore->is_null()) {
      if (!ignore->is_bool()) return Error::format("invalid type for `ignore`: expected a boolean");
      params.quantization.ignore = ignore->get_bool();
    }
    if (auto rescore = quantization.if_contains("rescore"); rescore && !rescore->is_null()) {
      if (!rescore->is_bool())
        return Error::format("invalid type for `rescore`: expected a boolean");
      params.quantization.rescore = rescore->get_bool();
    }
    if (auto over = quantization.if_contains("oversampling"); over && !over->is_null()) {
      if (!over->is_number()) return Error::format("invalid type for `oversampling`: expected f64");
      const double oversampling = json_double(*over);
      if (!(oversampling >= 1.0))
        return Error::validation("[params.quantization.oversampling: value " +
                                 float_value_text(oversampling) +
                                 " invalid, must be 1.0 or larger]");
      params.quantization.oversampling = oversampling;
    }
  }
  return params;
}

Result<std::optional<float>> parse_threshold(const json::object& body) {
  auto v = body.if_contains("score_threshold");
  if (!v || v->is_null()) return std::optional<float>();
  if (!v->is_number()) return Error::format("invalid type for `score_threshold`: expected f32");
  return std::optional<float>(static_cast<float>(json_double(*v)));
}

// The vector of a nearest query: dense, sparse, multi, a point id or a Document.
Result<NearestQuery> parse_nearest(const json::value& value, Inference* inference) {
  NearestQuery nearest;
  if (value.is_number() || value.is_string()) {
    auto id = parse_point_id(value);
    if (!id.ok()) return id.error();
    nearest.target = id.value();
    return nearest;
  }
  storage::CollectionSchema any_schema;  // names are checked at execution against the real one
  auto vectors = parse_point_vectors(value, any_schema, inference, /*for_query=*/true);
  if (!vectors.ok()) return vectors.error();
  auto& v = vectors.value();
  if (v.dense.size() == 1)
    nearest.target = storage::QueryVector(std::move(v.dense.begin()->second));
  else if (v.sparse.size() == 1)
    nearest.target = storage::QueryVector(std::move(v.sparse.begin()->second));
  else if (v.multi.size() == 1)
    nearest.target = storage::QueryVector(std::move(v.multi.begin()->second));
  else
    return Error::format("data did not match any variant of untagged enum QueryInterface");
  return nearest;
}

Result<Example> parse_example(const json::value& value, Inference* inference) {
  if (value.is_number() || value.is_string()) {
    auto id = parse_point_id(value);
    if (!id.ok()) return id.error();
    return Example(id.value());
  }
  storage::CollectionSchema any_schema;
  auto vectors = parse_point_vectors(value, any_schema, inference, /*for_query=*/true);
  if (!vectors.ok()) return vectors.error();
  if (vectors->dense.size() == 1 && vectors->sparse.empty() && vectors->multi.empty())
    return Example(std::move(vectors->dense.begin()->second));
  if (vectors->multi.size() == 1 && vectors->dense.empty() && vectors->sparse.empty())
    return Example(std::move(vectors->multi.begin()->second));
  if (vectors->sparse.size() == 1 && vectors->dense.empty() && vectors->multi.empty())
    return Example(std::move(vectors->sparse.begin()->second));
  return Error::bad_request("only dense vectors and point ids are supported as examples");
}

// `indexed_paths`: a vector's validation error names its place in the list (`positive[i]`), as
// the legacy recommend body's; the Query API's recommend input names the query only.
Result<std::vector<Example>> parse_examples(const json::object& body, const char* key,
                                            Inference* inference, bool indexed_paths) {
  std::vector<Example> examples;
  auto list = body.if_contains(key);
  if (!list || list->is_null()) return examples;
  if (!list->is_array())
    return Error::format(std::string("invalid type: expected a sequence for `") + key + "`");
  for (const auto& item : list->get_array()) {
    auto example = parse_example(item, inference);
    if (!example.ok() && indexed_paths)
      return with_vector_path(example.error(),
                              std::string(key) + "[" + std::to_string(examples.size()) + "]");
    if (!example.ok()) return example.error();
    examples.push_back(std::move(example.value()));
  }
  return examples;
}

Result<RecommendQuery> parse_recommend_spec(const json::object& body, Inference* inference,
                                            bool indexed_paths) {
  RecommendQuery spec;
  auto positive = parse_examples(body, "positive", inference, indexed_paths);
  if (!positive.ok()) return positive.error();
  auto negative = parse_examples(body, "negative", inference, indexed_paths);
  if (!negative.ok()) return negative.error();
  spec.positive = std::move(positive.value());
  spec.negative = std::move(negative.value());
  if (auto s = body.if_contains("strategy"); s && !s->is_null()) {
    if (!s->is_string()) return Error::format("invalid type for `strategy`");
    const auto& name = s->get_string();
    if (name == "average_vector")
      spec.strategy = RecommendQuery::Strategy::kAverageVector;
    else if (name == "best_score")
      spec.strategy = RecommendQuery::Strategy::kBestScore;
    else if (name == "sum_scores")
      spec.strategy = RecommendQuery::Strategy::kSumScores;
    else
      return Error::format("unknown variant `" + std::string(name) +
                           "`, expected one of `average_vector`, `best_score`, `sum_scores`");
  }
  return spec;
}

Result<std::vector<ContextPair>> parse_context_pairs(const json::value& value,
                                                     Inference* inference) {
  std::vector<ContextPair> pairs;
  auto one = [&](const json::value& v) -> Status {
    if (!v.is_object()) return Error::format("invalid type: expected struct ContextPair");
    const auto& o = v.get_object();
    auto p = o.if_contains("positive");
    auto n = o.if_contains("negative");
    if (!p) return Error::format("missing field `positive`");
    if (!n) return Error::format("missing field `negative`");
    auto pe = parse_example(*p, inference);
    if (!pe.ok()) return pe.error();
    auto ne = parse_example(*n, inference);
    if (!ne.ok()) return ne.error();
    pairs.push_back({std::move(pe.value()), std::move(ne.value())});
    return {};
  };
  if (value.is_array()) {
    for (const auto& v : value.get_array())
      if (auto st = one(v); !st.ok()) return st.error();
  } else if (!value.is_null()) {
    if (auto st = one(value); !st.ok()) return st.error();
  }
  return pairs;
}

// `mmr` of a nearest query: diversity in [0, 1] (default 0.5), candidates_limit <= 16384.
Result<MmrParams> parse_mmr(const json::value& value) {
  if (!value.is_object()) return Error::format("invalid type: expected struct Mmr");
  const auto& o = value.get_object();
  MmrParams mmr;
  if (auto d = o.if_contains("diversity"); d && !d->is_null()) {
    if (!d->is_number()) return Error::format("invalid type for `diversity`: expected f32");
    const double diversity = json_double(*d);
    if (diversity < 0.0 || diversity > 1.0)  // an f32 in Qdrant's types
      return Error::validation(
          "[query.mmr.diversity: value " +
          float_value_text(static_cast<double>(static_cast<float>(diversity))) +
          " invalid, must be from 0.0 to 1.0]");
    mmr.diversity = static_cast<float>(diversity);
  }
  if (auto c = o.if_contains("candidates_limit"); c && !c->is_null()) {
    if (!json_uint(*c)) return Error::format("invalid type for `candidates_limit`: expected usize");
    if (*json_uint(*c) > 16384)
      return Error::validation("[query.mmr.candidates_limit: value " + json_number_text(*c) +
                               " invalid, must be 16384 or smaller]");
    mmr.candidates_limit = static_cast<size_t>(*json_uint(*c));
  }
  return mmr;
}

// `{"target": ..., "feedback": [{"example": ..., "score": f}], "strategy": {"naive": {a, b, c}}}`.
Result<RelevanceFeedbackQuery> parse_relevance_feedback(const json::value& value,
                                                        Inference* inference) {
  if (!value.is_object())
    return Error::format("invalid type: expected struct RelevanceFeedbackInput");
  const auto& o = value.get_object();
  for (const char* field : {"target", "feedback", "strategy"})
    if (!o.contains(field)) return Error::format(std::string("missing field `") + field + "`");
  auto target = parse_example(o.at("target"), inference);
  if (!target.ok()) return target.error();
  RelevanceFeedbackQuery spec{std::move(target.value()), {}, 0, 0, 0};
  if (!o.at("feedback").is_array()) return Error::format("invalid type: expected a sequence");
  for (const auto& item : o.at("feedback").get_array()) {
    const json::object* fields = item.if_object();
    if (!fields || !fields->contains("example") || !fields->contains("score") ||
        !fields->at("score").is_number())
      return Error::format("invalid type: expected struct FeedbackItem");
    auto example = parse_example(fields->at("example"), inference);
    if (!example.ok()) return example.error();
    spec.feedback.push_back(
        {std::move(example.value()), static_cast<float>(json_double(fields->at("score")))});
  }
  const json::value& strategy = o.at("strategy");
  const json::value* naive =
      strategy.is_object() ? strategy.get_object().if_contains("naive") : nullptr;
  if (!naive || !naive->is_object())
    return Error::format("data did not match any variant of untagged enum FeedbackStrategy");
  float* coefficients[] = {&spec.a, &spec.b, &spec.c};
  const char* names[] = {"a", "b", "c"};
  for (int i = 0; i < 3; ++i) {
    const json::value* v = naive->get_object().if_contains(names[i]);
    if (!v) return Error::format(std::string("missing field `") + names[i] + "`");
    if (!v->is_number())
      return Error::format(std::string("invalid type for `") + names[i] + "`: expected f32");
    *coefficients[i] = static_cast<float>(json_double(*v));
  }
  if (spec.b < 0)
    return Error::validation("[query.relevance_feedback.strategy.naive.b: value " +
                             json_number_text(naive->get_object().at("b")) +
                             " invalid, must be 0 or larger]");
  return spec;
}

// The `query` of a plan: one of Qdrant's query kinds, or a bare vector / point id (nearest).
Result<query::Query> parse_query_value(const json::value& query, Inference* inference) {
  if (query.is_object()) {
    const auto& q = query.get_object();
    if (auto n = q.if_contains("nearest")) {
      auto nearest = parse_nearest(*n, inference);
      if (!nearest.ok()) return with_vector_path(nearest.error(), "query.nearest");
      if (auto m = q.if_contains("mmr"); m && !m->is_null()) {
        auto mmr = parse_mmr(*m);
        if (!mmr.ok()) return mmr.error();
        nearest->mmr = mmr.value();
      }
      return query::Query(std::move(nearest.value()));
    }
    if (q.contains("formula")) {
      auto formula = formula::parse_formula_query(q);
      if (!formula.ok()) return formula.error();
      return query::Query(FormulaQuery{std::move(formula.value())});
    }
    if (auto f = q.if_contains("fusion")) {
      if (f->is_string() && f->get_string() == "rrf") return query::Query(RrfQuery{});
      if (f->is_string() && f->get_string() == "dbsf") return query::Query(DbsfQuery{});
      return Error::format("unknown variant for `fusion`, expected `rrf` or `dbsf`");
    }
    if (auto r = q.if_contains("rrf")) {
      // {"rrf": {"k"?: uint, "weights"?: [f32]}}; another shape matches no variant of Qdrant's
      // untagged QueryInterface.
      const char* kNoVariant = "Expected some form of vector, id, or a type of query";
      if (!r->is_object()) return Error::format(kNoVariant);
      RrfQuery rrf;
      if (auto k = r->get_object().if_contains("k"); k && !k->is_null()) {
        if (!json_uint(*k)) return Error::format(kNoVariant);
        rrf.k = *json_uint(*k);
        if (rrf.k == 0)
          return Error::validation("[query.rrf.k: value 0 invalid, must be 1 or larger]");
      }
      if (auto w = r->get_object().if_contains("weights"); w && !w->is_null()) {
        if (!w->is_array()) return Error::format(kNoVariant);
        rrf.weights.emplace();
        for (const auto& weight : w->get_array()) {
          if (!weight.is_number()) return Error::format(kNoVariant);
          rrf.weights->push_back(static_cast<float>(json_double(weight)));
        }
      }
      return query::Query(rrf);
    }
    if (auto o = q.if_contains("order_by")) {
      storage::OrderBy order;
      if (o->is_string()) {
        order.key = std::string(o->get_string());
      } else if (o->is_object() && o->get_object().contains("key")) {
        // A field of the wrong type makes the whole query match none of Qdrant's untagged
        // QueryInterface variants, so it answers with that enum's `expecting` text.
        const auto& fields = o->get_object();
        const json::value& key = fields.at("key");
        const json::value* d = fields.if_contains("direction");
        const json::value* s = fields.if_contains("start_from");
        if (!key.is_string() || (d && !d->is_null() && !d->is_string()) ||
            (s && !s->is_null() && !s->is_number() && !s->is_string()))
          return Error::format("Expected some form of vector, id, or a type of query");
        order.key = std::string(key.get_string());
        if (d && d->is_string()) order.descending = d->get_string() == "desc";
        if (s && s->is_number()) order.start_from = json_double(*s);
        if (s && s->is_string()) {
          // A datetime orders by microseconds since the epoch, as the datetime index does.
          auto micros = index::filter::parse_datetime_micros(s->get_string());
          if (!micros) return Error::format("Expected some form of vector, id, or a type of query");
          order.start_from = static_cast<double>(*micros);
        }
      } else {
        return Error::format("missing field `key` in `order_by`");
      }
      return query::Query(OrderByQuery{std::move(order)});
    }
    if (auto s = q.if_contains("sample")) {
      if (!s->is_string() || s->get_string() != "random")
        return Error::format("unknown variant for `sample`, expected `random`");
      return query::Query(SampleRandomQuery{});
    }
    if (auto r = q.if_contains("recommend")) {
      if (!r->is_object()) return Error::format("invalid type: expected struct RecommendInput");
      auto spec = parse_recommend_spec(r->get_object(), inference, /*indexed_paths=*/false);
      if (!spec.ok()) return with_vector_path(spec.error(), "query.recommend");
      return query::Query(std::move(spec.value()));
    }
    if (auto d = q.if_contains("discover")) {
      if (!d->is_object()) return Error::format("invalid type: expected struct DiscoverInput");
      auto target = d->get_object().if_contains("target");
      if (!target) return Error::format("missing field `target`");
      auto example = parse_example(*target, inference);
      if (!example.ok()) return with_vector_path(example.error(), "query.discover.target");
      auto context = d->get_object().if_contains("context");
      auto pairs = parse_context_pairs(context ? *context : json::value(nullptr), inference);
      if (!pairs.ok()) return with_vector_path(pairs.error(), "query.discover.context");
      return query::Query(DiscoverQuery{std::move(example.value()), std::move(pairs.value())});
    }
    if (auto c = q.if_contains("context")) {
      auto pairs = parse_context_pairs(*c, inference);
      if (!pairs.ok()) return with_vector_path(pairs.error(), "query.context");
      return query::Query(ContextQuery{std::move(pairs.value())});
    }
    if (auto r = q.if_contains("relevance_feedback")) {
      auto spec = parse_relevance_feedback(*r, inference);
      if (!spec.ok()) return spec.error();
      return query::Query(std::move(spec.value()));
    }
  }
  auto nearest = parse_nearest(query, inference);
  if (!nearest.ok()) return with_vector_path(nearest.error(), "query");
  return query::Query(std::move(nearest.value()));
}

// `lookup_from: {collection, vector?, shard_key?}`, checked by check_lookup_from_field.
Status parse_lookup_from(const json::object& body, QueryPlan& plan) {
  if (auto st = check_lookup_from_field(body); !st.ok()) return st.error();
  const json::value* lookup = body.if_contains("lookup_from");
  if (lookup == nullptr || lookup->is_null()) return {};
  const json::object& location = lookup->get_object();
  query::LookupFrom lookup_from;
  lookup_from.collection = std::string(location.at("collection").get_string());
  if (const auto* vector = location.if_contains("vector"); vector && vector->is_string())
    lookup_from.vector = std::string(vector->get_string());
  plan.lookup_from = std::move(lookup_from);
  return {};
}

// The legacy recommend / discover routes (and their batch and groups forms) read a lookup
// collection's default vector ("") when `lookup_from.vector` is absent, not the request's
// `using` as the Query API does: Qdrant's RetrieveRequest for those requests defaults so.
Status parse_legacy_lookup_from(const json::object& body, QueryPlan& plan) {
  if (auto st = parse_lookup_from(body, plan); !st.ok()) return st.error();
  if (plan.lookup_from && !plan.lookup_from->vector) plan.lookup_from->vector = std::string();
  return {};
}

Result<QueryPlan> parse_plan(const json::object& body, Inference* inference, size_t depth) {
  if (depth > 8) return Error::bad_request("prefetch nesting is too deep");
  QueryPlan plan;
  if (auto p = body.if_contains("prefetch"); p && !p->is_null()) {
    auto add = [&](const json::value& v) -> Status {
      if (!v.is_object()) return Error::format("invalid type: expected struct Prefetch");
      auto child = parse_plan(v.get_object(), inference, depth + 1);
      if (!child.ok())
        return with_body_path(child.error(),
                              "prefetch[" + std::to_string(plan.prefetch.size()) + "].");
      plan.prefetch.push_back(std::move(child.value()));
      return {};
    };
    if (p->is_array()) {
      for (const auto& v : p->get_array())
        if (auto st = add(v); !st.ok()) return st.error();
    } else if (auto st = add(*p); !st.ok()) {
      return st.error();
    }
  }
  if (auto q = body.if_contains("query"); q && !q->is_null()) {
    auto query = parse_query_value(*q, inference);
    if (!query.ok()) return query.error();
    plan.query = std::move(query.value());
  }
  if (auto u = body.if_contains("using"); u && !u->is_null()) {
    if (!u->is_string()) return Error::format("invalid type for `using`: expected a string");
    plan.using_name = std::string(u->get_string());
  }
  if (auto st = parse_lookup_from(body, plan); !st.ok()) return st.error();
  auto filter = parse_optional_filter(body);
  if (!filter.ok()) return filter.error();
  plan.filter = filter.value();
  auto params = parse_params(body);
  if (!params.ok()) return params.error();
  plan.params = params.value();
  auto threshold = parse_threshold(body);
  if (!threshold.ok()) return threshold.error();
  plan.score_threshold = threshold.value();
  auto limit = size_field(body, "limit", 10, 1);
  if (!limit.ok()) return limit.error();
  plan.limit = limit.value();
  auto offset = size_field(body, "offset", 0, 0);
  if (!offset.ok()) return offset.error();
  plan.offset = offset.value();
  return plan;
}

}  // namespace

Result<QueryRequest> parse_query_request(const json::object& body, Inference* inference) {
  QueryRequest request;
  if (auto st = check_shard_key_field(body); !st.ok()) return st.error();
  auto plan = parse_plan(body, inference, 0);
  if (!plan.ok()) return plan.error();
  request.plan = std::move(plan.value());
  auto payload = parse_with_payload(body, false);
  if (!payload.ok()) return payload.error();
  request.with_payload = payload.value();
  auto vectors = parse_with_vector(body, false);
  if (!vectors.ok()) return vectors.error();
  request.with_vector = vectors.value();
  return request;
}

namespace {

// Fields every legacy search endpoint shares: required limit, offset, filter, params,
// score_threshold, selectors.
Status parse_legacy_common(const json::object& body, QueryRequest& request) {
  QueryPlan& plan = request.plan;
  if (!body.contains("limit")) return Error::format("missing field `limit`");
  auto limit = size_field(body, "limit", 10, 1);
  if (!limit.ok()) return limit.error();
  plan.limit = limit.value();
  auto offset = size_field(body, "offset", 0, 0);
  if (!offset.ok()) return offset.error();
  plan.offset = offset.value();
  auto filter = parse_optional_filter(body);
  if (!filter.ok()) return filter.error();
  plan.filter = filter.value();
  auto params = parse_params(body);
  if (!params.ok()) return params.error();
  plan.params = params.value();
  auto threshold = parse_threshold(body);
  if (!threshold.ok()) return threshold.error();
  plan.score_threshold = threshold.value();
  auto payload = parse_with_payload(body, false);
  if (!payload.ok()) return payload.error();
  request.with_payload = payload.value();
  auto vectors = parse_with_vector(body, false);
  if (!vectors.ok()) return vectors.error();
  request.with_vector = vectors.value();
  return {};
}

// `using` of the legacy recommend/discover bodies.
Status parse_using(const json::object& body, QueryPlan& plan) {
  if (auto u = body.if_contains("using"); u && !u->is_null()) {
    if (!u->is_string()) return Error::format("invalid type for `using`: expected a string");
    plan.using_name = std::string(u->get_string());
  }
  return {};
}

}  // namespace

Result<QueryRequest> parse_search_request(const json::object& body) {
  QueryRequest request;
  QueryPlan& plan = request.plan;
  auto vector = body.if_contains("vector");
  if (!vector) return Error::format("missing field `vector`");
  Result<NearestQuery> nearest = NearestQuery{};
  if (vector->is_object() && vector->get_object().contains("name")) {
    const auto& named = vector->get_object();
    if (!named.at("name").is_string()) return Error::format("invalid type for `name`");
    plan.using_name = std::string(named.at("name").get_string());
    auto inner = named.if_contains("vector");
    if (!inner) return Error::format("missing field `vector`");
    nearest = parse_nearest(*inner, nullptr);
    if (!nearest.ok()) return with_vector_path(nearest.error(), "vector.vector");
  } else if (vector->is_array()) {
    nearest = parse_nearest(*vector, nullptr);
  } else {
    return Error::format("data did not match any variant of untagged enum NamedVectorStruct");
  }
  if (!nearest.ok()) return nearest.error();
  if (std::holds_alternative<storage::PointId>(nearest->target))
    return Error::format("data did not match any variant of untagged enum NamedVectorStruct");
  plan.query = std::move(nearest.value());
  if (auto st = parse_legacy_common(body, request); !st.ok()) return st.error();
  return request;
}

Result<QueryRequest> parse_search_request(const json::object& fields, std::vector<float> vector) {
  QueryRequest request;
  NearestQuery nearest;
  nearest.target = storage::QueryVector(std::move(vector));
  request.plan.query = std::move(nearest);
  if (auto st = parse_legacy_common(fields, request); !st.ok()) return st.error();
  return request;
}

Result<QueryRequest> parse_recommend_request(const json::object& body, Inference* inference) {
  QueryRequest request;
  if (auto st = parse_using(body, request.plan); !st.ok()) return st.error();
  if (auto st = parse_legacy_lookup_from(body, request.plan); !st.ok()) return st.error();
  if (auto st = parse_legacy_common(body, request); !st.ok()) return st.error();
  auto spec = parse_recommend_spec(body, inference, /*indexed_paths=*/true);
  if (!spec.ok()) return spec.error();
  // Qdrant's legacy recommend refuses this before searching (the Query API's text differs).
  if (spec->strategy == RecommendQuery::Strategy::kAverageVector && spec->positive.empty())
    return Error::bad_request("At least one positive vector ID required with this strategy");
  request.plan.query = std::move(spec.value());
  return request;
}

Result<QueryRequest> parse_discover_request(const json::object& body, Inference* inference) {
  QueryRequest request;
  if (auto st = parse_using(body, request.plan); !st.ok()) return st.error();
  if (auto st = parse_legacy_lookup_from(body, request.plan); !st.ok()) return st.error();
  if (auto st = parse_legacy_common(body, request); !st.ok()) return st.error();
  auto context = body.if_contains("context");
  auto pairs = parse_context_pairs(context ? *context : json::value(nullptr), inference);
  if (!pairs.ok()) return pairs.error();
  auto target = body.if_contains("target");
  if (target && !target->is_null()) {
    auto example = parse_example(*target, inference);
    if (!example.ok()) return example.error();
    request.plan.query = DiscoverQuery{std::move(example.value()), std::move(pairs.value())};
  } else {
    if (pairs->empty()) return Error::bad_request("target and/or context_pairs must be specified");
    request.plan.query = ContextQuery{std::move(pairs.value())};
  }
  return request;
}

}  // namespace sextant::api
