// Recommend, discover and context scoring: examples resolved to vectors once, then either a
// nearest search (recommend average_vector) or an exact scan with the kind's scorer.
#include "query/example_queries.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "index/distance/distance.hpp"
#include "query/example_resolver.hpp"
#include "query/sparse_example_queries.hpp"

namespace sextant::query {
using storage::ScoredOffset;

namespace {

using VectorPairs = std::vector<std::pair<std::vector<float>, std::vector<float>>>;

float fast_sigmoid(float x) { return x / (1.0f + std::fabs(x)); }
float scaled_fast_sigmoid(float x) { return 0.5f * (fast_sigmoid(x) + 1.0f); }

// Similarity with "higher is more similar" for every distance, as Qdrant's example queries use.
float similarity(storage::Distance distance, const float* a, const float* b, size_t dim) {
  float s = index::score(distance, a, b, dim);
  return index::higher_is_better(distance) ? s : -s;
}

std::vector<float> average(const std::vector<std::vector<float>>& vectors, size_t dim) {
  std::vector<float> avg(dim, 0.0f);
  for (const auto& v : vectors)
    for (size_t i = 0; i < dim; ++i) avg[i] += v[i];
  for (auto& x : avg) x /= float(std::max<size_t>(1, vectors.size()));
  return avg;
}

// The dense vector the plan's `using` names; an unknown name or a multivector is a bad input.
Result<size_t> example_vector_index(const storage::ReadView& view, const QueryPlan& plan) {
  const auto& schema = view.schema();
  const int index = schema.dense_index(plan.using_name);
  if (index < 0 || schema.dense[index].multivector)
    return Error::vector_name_not_found(plan.using_name);
  return size_t(index);
}

Result<VectorPairs> resolve_pairs(ExampleResolver& resolver,
                                  const std::vector<ContextPair>& context) {
  VectorPairs pairs;
  for (const auto& pair : context) {
    auto p = resolver.resolve(pair.positive);
    if (!p.ok()) return p.error();
    auto n = resolver.resolve(pair.negative);
    if (!n.ok()) return n.error();
    pairs.emplace_back(std::move(p.value()), std::move(n.value()));
  }
  return pairs;
}

// average_vector: a nearest search for avg(positive) + (avg(positive) - avg(negative)).
std::vector<ScoredOffset> recommend_average_vector(const storage::Collection& collection,
                                                   const storage::ReadView& view,
                                                   const QueryPlan& plan,
                                                   const std::vector<std::vector<float>>& positive,
                                                   const std::vector<std::vector<float>>& negative,
                                                   const std::vector<uint32_t>& excluded,
                                                   size_t dim, storage::ParallelPool& pool) {
  std::vector<float> query = average(positive, dim);
  if (!negative.empty()) {
    std::vector<float> avg_negative = average(negative, dim);
    for (size_t i = 0; i < dim; ++i) query[i] = query[i] + query[i] - avg_negative[i];
  }
  storage::SearchRequest request;
  request.vector_name = plan.using_name;
  request.vector = std::move(query);
  request.filter = plan.filter;
  request.limit = plan.limit + plan.offset + excluded.size();
  request.score_threshold = plan.score_threshold;
  request.params = plan.params;
  auto found = collection.search(view, request, pool);
  std::erase_if(found, [&](const ScoredOffset& s) {
    return std::find(excluded.begin(), excluded.end(), s.offset) != excluded.end();
  });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < found.size() && out.size() < plan.limit; ++i)
    out.push_back(found[i]);
  return out;
}

}  // namespace

Result<std::vector<ScoredOffset>> execute_recommend(const storage::Collection& collection,
                                                    const storage::ReadView& view,
                                                    const QueryPlan& plan,
                                                    const RecommendQuery& recommend,
                                                    storage::ParallelPool& pool) {
  if (uses_sparse_vector(view, plan))
    return execute_sparse_recommend(collection, view, plan, recommend, pool);
  auto index = example_vector_index(view, plan);
  if (!index.ok()) return index.error();
  const storage::DenseVectorSpec& spec = view.schema().dense[*index];
  const size_t dim = spec.dim;
  ExampleResolver resolver(view, spec, *index);
  auto pos = resolver.resolve_all(recommend.positive);
  if (!pos.ok()) return pos.error();
  auto neg = resolver.resolve_all(recommend.negative);
  if (!neg.ok()) return neg.error();
  const std::vector<std::vector<float>> positive = std::move(pos.value());
  const std::vector<std::vector<float>> negative = std::move(neg.value());
  const auto distance = spec.distance;
  auto sim = [distance, dim](const std::vector<float>& example, const float* v) {
    return similarity(distance, example.data(), v, dim);
  };

  storage::DenseScorer scorer;
  switch (recommend.strategy) {
    case RecommendQuery::Strategy::kAverageVector:
      if (positive.empty())
        return Error::bad_request("No positive examples given: average_vector needs at least one");
      return recommend_average_vector(collection, view, plan, positive, negative,
                                      resolver.excluded(), dim, pool);
    case RecommendQuery::Strategy::kBestScore:
      scorer = [&](const float* v) {
        float max_positive = -INFINITY, max_negative = -INFINITY;
        for (const auto& e : positive) max_positive = std::max(max_positive, sim(e, v));
        for (const auto& e : negative) max_negative = std::max(max_negative, sim(e, v));
        return max_positive > max_negative ? scaled_fast_sigmoid(max_positive)
                                           : -scaled_fast_sigmoid(max_negative);
      };
      break;
    case RecommendQuery::Strategy::kSumScores:
      scorer = [&](const float* v) {
        float sum = 0;
        for (const auto& e : positive) sum += sim(e, v);
        for (const auto& e : negative) sum -= sim(e, v);
        return sum;
      };
      break;
  }
  return storage::exact_search_by(view, *index, plan.filter.get(), plan.limit, plan.offset,
                                  plan.score_threshold, scorer, resolver.excluded(), pool);
}

Result<std::vector<ScoredOffset>> execute_discover(const storage::ReadView& view,
                                                   const QueryPlan& plan,
                                                   const DiscoverQuery& discover,
                                                   storage::ParallelPool& pool) {
  if (uses_sparse_vector(view, plan)) return execute_sparse_discover(view, plan, discover);
  auto index = example_vector_index(view, plan);
  if (!index.ok()) return index.error();
  const storage::DenseVectorSpec& spec = view.schema().dense[*index];
  const size_t dim = spec.dim;
  ExampleResolver resolver(view, spec, *index);
  auto pairs = resolve_pairs(resolver, discover.context);
  if (!pairs.ok()) return pairs.error();
  auto target = resolver.resolve(discover.target);
  if (!target.ok()) return target.error();
  const auto distance = spec.distance;
  auto sim = [distance, dim](const std::vector<float>& example, const float* v) {
    return similarity(distance, example.data(), v, dim);
  };
  storage::DenseScorer scorer = [&](const float* v) {
    int rank = 0;
    for (const auto& [p, n] : pairs.value()) {
      float ps = sim(p, v), ns = sim(n, v);
      rank += ps > ns ? 1 : (ps < ns ? -1 : 0);
    }
    return float(rank) + scaled_fast_sigmoid(sim(target.value(), v));
  };
  return storage::exact_search_by(view, *index, plan.filter.get(), plan.limit, plan.offset,
                                  plan.score_threshold, scorer, resolver.excluded(), pool);
}

Result<std::vector<ScoredOffset>> execute_context(const storage::ReadView& view,
                                                  const QueryPlan& plan,
                                                  const ContextQuery& context,
                                                  storage::ParallelPool& pool) {
  if (uses_sparse_vector(view, plan)) return execute_sparse_context(view, plan, context);
  auto index = example_vector_index(view, plan);
  if (!index.ok()) return index.error();
  const storage::DenseVectorSpec& spec = view.schema().dense[*index];
  const size_t dim = spec.dim;
  ExampleResolver resolver(view, spec, *index);
  auto pairs = resolve_pairs(resolver, context.context);
  if (!pairs.ok()) return pairs.error();
  const auto distance = spec.distance;
  auto sim = [distance, dim](const std::vector<float>& example, const float* v) {
    return similarity(distance, example.data(), v, dim);
  };
  storage::DenseScorer scorer = [&](const float* v) {
    float sum = 0;
    for (const auto& [p, n] : pairs.value())
      sum += fast_sigmoid(std::min(sim(p, v) - sim(n, v) - 1.1920929e-07f, 0.0f));
    return sum;
  };
  return storage::exact_search_by(view, *index, plan.filter.get(), plan.limit, plan.offset,
                                  plan.score_threshold, scorer, resolver.excluded(), pool);
}

}  // namespace sextant::query
