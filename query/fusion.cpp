// RRF and DBSF over prefetch lists: per-list contributions summed per point in first-seen order
// (in float, as Qdrant sums them), then a stable sort by fused score and the page of the plan.
#include "query/fusion.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

namespace sextant::query {
using storage::ScoredOffset;

namespace {

// Fused scores in first-seen order of the offsets.
struct FusedScores {
  std::unordered_map<uint32_t, float> scores;
  std::vector<uint32_t> order;

  void add(uint32_t offset, float score) {
    if (!scores.count(offset)) order.push_back(offset);
    scores[offset] += score;
  }
};

std::vector<ScoredOffset> ranked(const QueryPlan& plan, FusedScores& fused_scores) {
  std::vector<ScoredOffset> fused;
  for (uint32_t offset : fused_scores.order) fused.push_back({offset, fused_scores.scores[offset]});
  std::stable_sort(fused.begin(), fused.end(),
                   [](const ScoredOffset& a, const ScoredOffset& b) { return a.score > b.score; });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < fused.size() && out.size() < plan.limit; ++i) {
    if (plan.score_threshold && fused[i].score < *plan.score_threshold) break;
    out.push_back(fused[i]);
  }
  return out;
}

// Qdrant's RRF contribution of the point at `position` (from 0) of a list weighted `weight`.
float rrf_position_score(size_t position, size_t k, float weight) {
  if (weight <= 0.0f) return 0.0f;
  return 1.0f / (float(position + 1) / weight + float(k) - 1.0f);
}

}  // namespace

Result<std::vector<ScoredOffset>> fuse_rrf(const QueryPlan& plan, const RrfQuery& rrf,
                                           const PrefetchResults& lists) {
  if (rrf.weights && rrf.weights->size() != lists.size())
    return Error::bad_input(
        "Validation failed: RRF weights length (" + std::to_string(rrf.weights->size()) +
        ") does not match number of prefetches (" + std::to_string(lists.size()) + ")");
  FusedScores fused;
  for (size_t list = 0; list < lists.size(); ++list) {
    const float weight = rrf.weights ? (*rrf.weights)[list] : 1.0f;
    for (size_t position = 0; position < lists[list].size(); ++position)
      fused.add(lists[list][position].offset, rrf_position_score(position, rrf.k, weight));
  }
  return ranked(plan, fused);
}

std::vector<ScoredOffset> fuse_dbsf(const QueryPlan& plan, const PrefetchResults& lists) {
  FusedScores fused;
  for (const auto& list : lists) {
    if (list.size() == 1) {
      fused.add(list[0].offset, 0.5f);
      continue;
    }
    // Welford's one-pass mean and sample variance, in float as Qdrant computes them.
    float mean = 0, aggregate = 0;
    size_t count = 0;
    for (const auto& s : list) {
      ++count;
      const float old_delta = s.score - mean;
      mean += old_delta / float(count);
      aggregate += old_delta * (s.score - mean);
    }
    const float sigma = list.empty() ? 0.0f : std::sqrt(aggregate / (float(list.size()) - 1.0f));
    const float low = mean - 3.0f * sigma, high = mean + 3.0f * sigma;
    for (const auto& s : list)
      fused.add(s.offset, low == high ? 0.5f : (s.score - low) / (high - low));
  }
  return ranked(plan, fused);
}

}  // namespace sextant::query
