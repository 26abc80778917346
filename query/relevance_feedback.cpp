// Relevance feedback scoring: examples resolved to vectors, feedback paired as Qdrant pairs it
// (every ordered pair with a higher first score), then an exact scan with the combined score
// (score_threshold checked as Qdrant checks it on custom scores: in the distance's own order).
#include "query/relevance_feedback.hpp"

#include <algorithm>
#include <cmath>

#include "index/distance/distance.hpp"
#include "index/distance/metric_similarity.hpp"
#include "query/example_resolver.hpp"
#include "query/mmr.hpp"
#include "query/sparse_example_queries.hpp"
#include "storage/point_filter.hpp"

namespace sextant::query {
using storage::ScoredOffset;

namespace {

struct FeedbackPair {
  std::vector<float> positive;
  std::vector<float> negative;
  float weight = 0;  // (positive score - negative score)^b * c
};

// Scores the distinct prefetch points that pass the filter (scores strictly above the threshold
// kept), best first, then applies offset and limit.
std::vector<ScoredOffset> rescore_prefetched(
    const storage::ReadView& view, const QueryPlan& plan, size_t vector_index,
    const std::vector<std::vector<ScoredOffset>>& prefetch_results,
    const std::vector<uint32_t>& excluded, const storage::DenseScorer& scorer) {
  auto reader = view.reader();
  std::vector<uint32_t> seen(excluded);
  std::vector<ScoredOffset> scored;
  for (const auto& list : prefetch_results) {
    for (const auto& candidate : list) {
      if (std::find(seen.begin(), seen.end(), candidate.offset) != seen.end()) continue;
      seen.push_back(candidate.offset);
      if (plan.filter && !storage::point_matches(*plan.filter, reader, candidate.offset)) continue;
      float score;
      if (view.schema().dense[vector_index].multivector) {
        auto rows = reader.multi(vector_index, candidate.offset);
        if (!rows) continue;
        score = scorer(rows->values, rows->rows);
      } else {
        auto v = reader.dense(vector_index, candidate.offset);
        if (!v) continue;
        score = scorer(v->values, 1);
      }
      if (plan.score_threshold && !(score > *plan.score_threshold)) continue;
      scored.push_back({candidate.offset, score});
    }
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const ScoredOffset& a, const ScoredOffset& b) { return a.score > b.score; });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < scored.size() && out.size() < plan.limit; ++i)
    out.push_back(scored[i]);
  return out;
}

}  // namespace

Result<std::vector<ScoredOffset>> execute_relevance_feedback(
    const storage::ReadView& view, const QueryPlan& plan, const RelevanceFeedbackQuery& feedback,
    const std::vector<std::vector<ScoredOffset>>& prefetch_results, storage::ParallelPool& pool) {
  if (uses_sparse_vector(view, plan))
    return execute_sparse_relevance_feedback(view, plan, feedback, prefetch_results);
  const auto& schema = view.schema();
  const int index = schema.dense_index(plan.using_name);
  if (index < 0) return Error::vector_name_not_found(plan.using_name);
  const storage::DenseVectorSpec& spec = schema.dense[size_t(index)];
  ExampleResolver resolver(view, spec, size_t(index), plan);
  auto target = resolver.resolve(feedback.target);
  if (!target.ok()) return target.error();
  std::vector<std::pair<float, std::vector<float>>> items;
  for (const auto& item : feedback.feedback) {
    auto v = resolver.resolve(item.example);
    if (!v.ok()) return v.error();
    items.emplace_back(item.score, std::move(v.value()));
  }
  // Every ordered pair (higher, lower) of feedback items, in request order, whose score gap is
  // positive.
  std::vector<FeedbackPair> pairs;
  for (const auto& higher : items) {
    for (const auto& lower : items) {
      const float confidence = higher.first - lower.first;
      if (&higher == &lower || !(confidence > 0)) continue;
      pairs.push_back({higher.second, lower.second, std::pow(confidence, feedback.b) * feedback.c});
    }
  }

  const std::vector<float>& target_vector = target.value();
  // Raw similarities: max_sim of the example's rows against the stored rows (one row each for a
  // dense vector).
  auto sim = [&spec](const std::vector<float>& example, const float* v, uint32_t rows) {
    return index::max_sim(spec.distance, spec.datatype, example.data(), example.size() / spec.dim,
                          v, rows, spec.dim);
  };
  storage::DenseScorer scorer = [&](const float* v, uint32_t rows) {
    float score = feedback.a * sim(target_vector, v, rows);
    for (const auto& pair : pairs)
      score += pair.weight * (sim(pair.positive, v, rows) - sim(pair.negative, v, rows));
    return score;
  };
  auto ranked = [&](const QueryPlan& stage) {
    if (!stage.prefetch.empty())
      return rescore_prefetched(view, stage, size_t(index), prefetch_results, resolver.excluded(),
                                scorer);
    return storage::exact_search_by(view, size_t(index), stage.filter.get(), stage.limit,
                                    stage.offset, stage.score_threshold, scorer,
                                    resolver.excluded(), pool);
  };
  if (!plan.score_threshold || index::higher_is_better(spec.distance)) return ranked(plan);
  // Qdrant checks the threshold in the distance's own order: for Euclid and Manhattan the
  // best-first list ends at the first score not below it, before `offset` is skipped.
  QueryPlan unthresholded = plan;
  unthresholded.score_threshold.reset();
  unthresholded.offset = 0;
  unthresholded.limit = plan.offset + plan.limit;
  const std::vector<ScoredOffset> all = ranked(unthresholded);
  std::vector<ScoredOffset> out;
  for (size_t i = 0; i < all.size() && all[i].score < *plan.score_threshold; ++i)
    if (i >= plan.offset) out.push_back(all[i]);
  return out;
}

}  // namespace sextant::query
