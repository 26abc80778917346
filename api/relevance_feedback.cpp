// Relevance feedback scoring: examples resolved to vectors, feedback paired as Qdrant pairs it,
// then an exact scan with the combined score.
#include "api/relevance_feedback.hpp"

#include <algorithm>
#include <cmath>

#include "api/mmr_query.hpp"

namespace sextant::api {
using storage::Error;
using storage::ScoredOffset;

namespace {

constexpr size_t kMaxFeedbackPairs = 3;

struct FeedbackPair {
  std::vector<float> positive;
  std::vector<float> negative;
  float weight = 0;  // (positive score - negative score)^b * c
};

}  // namespace

Result<std::vector<ScoredOffset>> execute_relevance_feedback(const storage::ReadView& view,
                                                             const QueryPlan& plan,
                                                             storage::ParallelPool& pool) {
  const auto& schema = view.schema();
  const int index = schema.dense_index(plan.using_name);
  if (index < 0 || schema.dense[size_t(index)].multivector)
    return Error::bad_input("Not existing vector name error: " + plan.using_name);
  const storage::DenseVectorSpec& spec = schema.dense[size_t(index)];
  auto reader = view.reader();
  std::vector<uint32_t> excluded;
  auto resolve = [&](const Example& example) -> Result<std::vector<float>> {
    if (const auto* id = std::get_if<storage::PointId>(&example)) {
      auto offset = reader.find(*id);
      if (!offset || !reader.alive(*offset))
        return Error::not_found("No point with id " + id->to_string() + " found");
      const float* v = reader.dense(size_t(index), *offset);
      if (!v) return Error::bad_input("Not existing vector name error: " + spec.name);
      excluded.push_back(*offset);
      return std::vector<float>(v, v + spec.dim);
    }
    std::vector<float> v = std::get<std::vector<float>>(example);
    if (v.size() != spec.dim)
      return Error::bad_input("Vector dimension error: expected dim: " + std::to_string(spec.dim) +
                              ", got " + std::to_string(v.size()));
    if (spec.distance == storage::Distance::kCosine) index::normalize(v.data(), v.size());
    return v;
  };

  const RelevanceFeedbackSpec& feedback = *plan.relevance_feedback;
  auto target = resolve(feedback.target);
  if (!target.ok()) return target.error();
  std::vector<std::pair<float, std::vector<float>>> items;
  for (const auto& item : feedback.feedback) {
    auto v = resolve(item.example);
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
  return storage::exact_search_by(view, size_t(index), plan.filter.get(), plan.limit, plan.offset,
                                  plan.score_threshold, scorer, excluded, pool);
}

}  // namespace sextant::api
