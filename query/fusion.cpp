// RRF and DBSF over prefetch lists: per-list contributions summed per point in first-seen order,
// then a stable sort by fused score and the page of the plan.
#include "query/fusion.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace sextant::query {
using storage::ScoredOffset;

namespace {

// Fused scores in first-seen order of the offsets.
struct FusedScores {
  std::unordered_map<uint32_t, double> scores;
  std::vector<uint32_t> order;

  void add(uint32_t offset, double score) {
    if (!scores.count(offset)) order.push_back(offset);
    scores[offset] += score;
  }
};

std::vector<ScoredOffset> ranked(const QueryPlan& plan, FusedScores& fused_scores) {
  std::vector<ScoredOffset> fused;
  for (uint32_t offset : fused_scores.order)
    fused.push_back({offset, static_cast<float>(fused_scores.scores[offset])});
  std::stable_sort(fused.begin(), fused.end(),
                   [](const ScoredOffset& a, const ScoredOffset& b) { return a.score > b.score; });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < fused.size() && out.size() < plan.limit; ++i) {
    if (plan.score_threshold && fused[i].score <= *plan.score_threshold) continue;
    out.push_back(fused[i]);
  }
  return out;
}

}  // namespace

std::vector<ScoredOffset> fuse_rrf(const QueryPlan& plan, const RrfQuery& rrf,
                                   const PrefetchResults& lists) {
  FusedScores fused;
  for (const auto& list : lists)
    for (size_t rank = 0; rank < list.size(); ++rank)
      fused.add(list[rank].offset, 1.0 / double(rrf.k + rank + 1));
  return ranked(plan, fused);
}

std::vector<ScoredOffset> fuse_dbsf(const QueryPlan& plan, const PrefetchResults& lists) {
  FusedScores fused;
  for (const auto& list : lists) {
    double mean = 0, var = 0;
    for (const auto& s : list) mean += s.score;
    if (!list.empty()) mean /= double(list.size());
    for (const auto& s : list) var += (s.score - mean) * (s.score - mean);
    double sigma = list.size() > 1 ? std::sqrt(var / double(list.size() - 1)) : 0;
    double low = mean - 3 * sigma, high = mean + 3 * sigma;
    for (const auto& s : list) {
      double normalised = high > low ? (s.score - low) / (high - low) : 0.5;
      fused.add(s.offset, std::clamp(normalised, 0.0, 1.0));
    }
  }
  return ranked(plan, fused);
}

}  // namespace sextant::query
