// Relevance feedback scoring: examples resolved to vectors, feedback paired as Qdrant pairs it,
// then an exact scan with the combined score.
#include "query/relevance_feedback.hpp"

#include <algorithm>
#include <cmath>

#include "query/example_resolver.hpp"
#include "query/mmr.hpp"
#include "query/sparse_example_queries.hpp"
#include "storage/point_filter.hpp"

namespace sextant::query {
using storage::ScoredOffset;

namespace {

constexpr size_t kMaxFeedbackPairs = 3;

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
      const float* v = reader.dense(vector_index, candidate.offset);
      if (!v) continue;
      const float score = scorer(v);
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
  if (index < 0 || schema.dense[size_t(index)].multivector)
    return Error::vector_name_not_found(plan.using_name);
  const storage::DenseVectorSpec& spec = schema.dense[size_t(index)];
  ExampleResolver resolver(view, spec, size_t(index));
  auto target = resolver.resolve(feedback.target);
  if (!target.ok()) return target.error();
  std::vector<std::pair<float, std::vector<float>>> items;
  for (const auto& item : feedback.feedback) {
    auto v = resolver.resolve(item.example);
    if (!v.ok()) return v.error();
    items.emplace_back(item.score, std::move(v.value()));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<FeedbackPair> pairs;
  const size_t pair_count = std::min(kMaxFeedbackPairs, items.size() / 2);
  for (size_t i = 0; i < pair_count; ++i) {
    const auto& best = items[i];
    const auto& worst = items[items.size() - 1 - i];
    const float confidence = best.first - worst.first;
    pairs.push_back({best.second, worst.second, std::pow(confidence, feedback.b) * feedback.c});
  }

  const size_t dim = spec.dim;
  const index::Distance distance = spec.distance;
  const std::vector<float>& target_vector = target.value();
  storage::DenseScorer scorer = [&](const float* v) {
    float score = feedback.a * raw_similarity(distance, target_vector.data(), v, dim);
    for (const auto& pair : pairs)
      score += pair.weight * (raw_similarity(distance, pair.positive.data(), v, dim) -
                              raw_similarity(distance, pair.negative.data(), v, dim));
    return score;
  };
  if (!plan.prefetch.empty())
    return rescore_prefetched(view, plan, size_t(index), prefetch_results, resolver.excluded(),
                              scorer);
  return storage::exact_search_by(view, size_t(index), plan.filter.get(), plan.limit, plan.offset,
                                  plan.score_threshold, scorer, resolver.excluded(), pool);
}

}  // namespace sextant::query
