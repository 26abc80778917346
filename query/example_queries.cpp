// Recommend, discover and context scoring: examples resolved to vectors once, then either a
// nearest search (recommend average_vector) or an exact scan with the kind's scorer; with
// prefetches, the same scoring over the points they found. Example similarities are Qdrant's raw
// ones (max_sim for multi-dense vectors).
#include "query/example_queries.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "index/distance/distance.hpp"
#include "index/distance/metric_similarity.hpp"
#include "query/candidate_filter.hpp"
#include "query/example_resolver.hpp"
#include "query/sparse_example_queries.hpp"

namespace sextant::query {
using storage::ScoredOffset;

namespace {

using VectorPairs = std::vector<std::pair<std::vector<float>, std::vector<float>>>;

float fast_sigmoid(float x) { return x / (1.0f + std::fabs(x)); }
float scaled_fast_sigmoid(float x) { return 0.5f * (fast_sigmoid(x) + 1.0f); }

// Qdrant's raw similarity of an example (its rows) to a stored vector (its rows): max_sim, which
// for two dense vectors is the metric similarity itself (-squared distance for Euclid).
float similarity(const storage::DenseVectorSpec& spec, const std::vector<float>& example,
                 const float* rows, uint32_t row_count) {
  return index::max_sim(spec.distance, spec.datatype, example.data(), example.size() / spec.dim,
                        rows, row_count, spec.dim);
}

std::vector<float> average(const std::vector<std::vector<float>>& vectors, size_t dim) {
  std::vector<float> avg(dim, 0.0f);
  for (const auto& v : vectors)
    for (size_t i = 0; i < dim; ++i) avg[i] += v[i];
  for (auto& x : avg) x /= float(std::max<size_t>(1, vectors.size()));
  return avg;
}

// The dense or multi-dense vector the plan's `using` names; an unknown name is a bad input.
Result<size_t> example_vector_index(const storage::ReadView& view, const QueryPlan& plan) {
  const auto& schema = view.schema();
  const int index = schema.dense_index(plan.using_name);
  if (index < 0) return Error::vector_name_not_found(plan.using_name);
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

// The plan's prefetch candidates (each once, under the plan's filter, examples left out) scored
// by `scorer`, ordered as `order` orders scores, then threshold, offset and limit.
std::vector<ScoredOffset> score_candidates(const storage::ReadView& view, size_t dense_index,
                                           const QueryPlan& plan, const PrefetchResults& candidates,
                                           storage::Distance order,
                                           const storage::DenseScorer& scorer,
                                           const std::vector<uint32_t>& excluded) {
  auto reader = view.reader();
  std::vector<ScoredOffset> scored;
  for (uint32_t offset : unique_candidates(view, plan, candidates)) {
    if (std::find(excluded.begin(), excluded.end(), offset) != excluded.end()) continue;
    float score;
    if (view.schema().dense[dense_index].multivector) {
      auto rows = reader.multi(dense_index, offset);
      if (!rows) continue;
      score = scorer(rows->values, rows->rows);
    } else {
      auto v = reader.dense(dense_index, offset);
      if (!v) continue;
      score = scorer(v->values, 1);
    }
    if (plan.score_threshold && !storage::passes_threshold(order, score, *plan.score_threshold))
      continue;
    scored.push_back({offset, score});
  }
  std::stable_sort(scored.begin(), scored.end(), [&](const ScoredOffset& a, const ScoredOffset& b) {
    return storage::better_score(order, a.score, b.score);
  });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < scored.size() && out.size() < plan.limit; ++i)
    out.push_back(scored[i]);
  return out;
}

// A custom scorer (higher is better) over the prefetch candidates, or over the collection.
// Qdrant checks score_threshold on these scores as the vector's distance orders its own: for
// Cosine and Dot a score must be above it, for Euclid and Manhattan the best-first list is cut at
// the first score not below it; the threshold is checked before `offset` is skipped.
std::vector<ScoredOffset> score_by(const storage::ReadView& view, size_t dense_index,
                                   const QueryPlan& plan, const PrefetchResults& candidates,
                                   const storage::DenseScorer& scorer,
                                   const std::vector<uint32_t>& excluded,
                                   storage::ParallelPool& pool) {
  const storage::Distance distance = view.schema().dense[dense_index].distance;
  if (plan.score_threshold && !index::higher_is_better(distance)) {
    QueryPlan unthresholded = plan;
    unthresholded.score_threshold.reset();
    unthresholded.offset = 0;
    unthresholded.limit = plan.offset + plan.limit;
    auto ranked = score_by(view, dense_index, unthresholded, candidates, scorer, excluded, pool);
    std::vector<ScoredOffset> out;
    for (size_t i = 0; i < ranked.size() && ranked[i].score < *plan.score_threshold; ++i)
      if (i >= plan.offset) out.push_back(ranked[i]);
    return out;
  }
  if (!plan.prefetch.empty())
    return score_candidates(view, dense_index, plan, candidates, storage::Distance::kDot, scorer,
                            excluded);
  return storage::exact_search_by(view, dense_index, plan.filter.get(), plan.limit, plan.offset,
                                  plan.score_threshold, scorer, excluded, pool);
}

// average_vector: a nearest search for avg(positive) + (avg(positive) - avg(negative)).
std::vector<ScoredOffset> recommend_average_vector(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    const std::vector<std::vector<float>>& positive,
    const std::vector<std::vector<float>>& negative, const std::vector<uint32_t>& excluded,
    const PrefetchResults& candidates, size_t dense_index, storage::ParallelPool& pool) {
  const storage::DenseVectorSpec& spec = view.schema().dense[dense_index];
  const size_t dim = spec.dim;
  storage::QueryVector query_vector;
  std::vector<float> rows;
  if (spec.multivector) {
    for (const auto& e : positive) rows.insert(rows.end(), e.begin(), e.end());
    for (const auto& e : negative)
      for (float x : e) rows.push_back(-x);
    storage::MultiVector multi;
    multi.dim = spec.dim;
    multi.values = rows;
    query_vector = std::move(multi);
  } else {
    rows = average(positive, dim);
    if (!negative.empty()) {
      std::vector<float> avg_negative = average(negative, dim);
      for (size_t i = 0; i < dim; ++i) rows[i] = rows[i] + rows[i] - avg_negative[i];
    }
    query_vector = rows;
  }
  if (!plan.prefetch.empty()) {
    // Rescoring the candidates as a nearest query: scores are the distance's own.
    storage::prepare_query_rows(spec, rows);
    const auto distance = spec.distance;
    return score_candidates(
        view, dense_index, plan, candidates, distance,
        [&](const float* v, uint32_t row_count) {
          return index::postprocess_score(
              distance, index::max_sim(distance, spec.datatype, rows.data(), rows.size() / dim, v,
                                       row_count, dim));
        },
        excluded);
  }
  storage::SearchRequest request;
  request.vector_name = plan.using_name;
  request.vector = std::move(query_vector);
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
                                                    const PrefetchResults& candidates,
                                                    storage::ParallelPool& pool) {
  if (uses_sparse_vector(view, plan))
    return execute_sparse_recommend(collection, view, plan, recommend, pool);
  auto index = example_vector_index(view, plan);
  if (!index.ok()) return index.error();
  const storage::DenseVectorSpec& spec = view.schema().dense[*index];
  ExampleResolver resolver(view, spec, *index, plan);
  auto pos = resolver.resolve_all(recommend.positive);
  if (!pos.ok()) return pos.error();
  auto neg = resolver.resolve_all(recommend.negative);
  if (!neg.ok()) return neg.error();
  const std::vector<std::vector<float>> positive = std::move(pos.value());
  const std::vector<std::vector<float>> negative = std::move(neg.value());
  auto sim = [&spec](const std::vector<float>& example, const float* v, uint32_t rows) {
    return similarity(spec, example, v, rows);
  };

  storage::DenseScorer scorer;
  switch (recommend.strategy) {
    case RecommendQuery::Strategy::kAverageVector:
      if (positive.empty())
        return Error::bad_input("Positive vectors should not be empty with `average` strategy");
      return recommend_average_vector(collection, view, plan, positive, negative,
                                      resolver.excluded(), candidates, *index, pool);
    case RecommendQuery::Strategy::kBestScore:
      scorer = [&](const float* v, uint32_t rows) {
        float max_positive = -INFINITY, max_negative = -INFINITY;
        for (const auto& e : positive) max_positive = std::max(max_positive, sim(e, v, rows));
        for (const auto& e : negative) max_negative = std::max(max_negative, sim(e, v, rows));
        return max_positive > max_negative ? scaled_fast_sigmoid(max_positive)
                                           : -scaled_fast_sigmoid(max_negative);
      };
      break;
    case RecommendQuery::Strategy::kSumScores:
      scorer = [&](const float* v, uint32_t rows) {
        float sum = 0;
        for (const auto& e : positive) sum += sim(e, v, rows);
        for (const auto& e : negative) sum -= sim(e, v, rows);
        return sum;
      };
      break;
  }
  return score_by(view, *index, plan, candidates, scorer, resolver.excluded(), pool);
}

Result<std::vector<ScoredOffset>> execute_discover(const storage::ReadView& view,
                                                   const QueryPlan& plan,
                                                   const DiscoverQuery& discover,
                                                   const PrefetchResults& candidates,
                                                   storage::ParallelPool& pool) {
  if (uses_sparse_vector(view, plan)) return execute_sparse_discover(view, plan, discover);
  auto index = example_vector_index(view, plan);
  if (!index.ok()) return index.error();
  const storage::DenseVectorSpec& spec = view.schema().dense[*index];
  ExampleResolver resolver(view, spec, *index, plan);
  auto pairs = resolve_pairs(resolver, discover.context);
  if (!pairs.ok()) return pairs.error();
  auto target = resolver.resolve(discover.target);
  if (!target.ok()) return target.error();
  auto sim = [&spec](const std::vector<float>& example, const float* v, uint32_t rows) {
    return similarity(spec, example, v, rows);
  };
  storage::DenseScorer scorer = [&](const float* v, uint32_t rows) {
    int rank = 0;
    for (const auto& [p, n] : pairs.value()) {
      float ps = sim(p, v, rows), ns = sim(n, v, rows);
      rank += ps > ns ? 1 : (ps < ns ? -1 : 0);
    }
    return float(rank) + scaled_fast_sigmoid(sim(target.value(), v, rows));
  };
  return score_by(view, *index, plan, candidates, scorer, resolver.excluded(), pool);
}

Result<std::vector<ScoredOffset>> execute_context(const storage::ReadView& view,
                                                  const QueryPlan& plan,
                                                  const ContextQuery& context,
                                                  const PrefetchResults& candidates,
                                                  storage::ParallelPool& pool) {
  if (uses_sparse_vector(view, plan)) return execute_sparse_context(view, plan, context);
  auto index = example_vector_index(view, plan);
  if (!index.ok()) return index.error();
  const storage::DenseVectorSpec& spec = view.schema().dense[*index];
  ExampleResolver resolver(view, spec, *index, plan);
  auto pairs = resolve_pairs(resolver, context.context);
  if (!pairs.ok()) return pairs.error();
  auto sim = [&spec](const std::vector<float>& example, const float* v, uint32_t rows) {
    return similarity(spec, example, v, rows);
  };
  storage::DenseScorer scorer = [&](const float* v, uint32_t rows) {
    float sum = 0;
    for (const auto& [p, n] : pairs.value())
      sum += fast_sigmoid(std::min(sim(p, v, rows) - sim(n, v, rows) - 1.1920929e-07f, 0.0f));
    return sum;
  };
  return score_by(view, *index, plan, candidates, scorer, resolver.excluded(), pool);
}

}  // namespace sextant::query
