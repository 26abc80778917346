// Rescoring of prefetch results by a formula: every distinct live candidate that passes the
// filter is evaluated with its score in each prefetch, its payload and its conditions; the first
// evaluation error fails the whole query, as in Qdrant.
#include <algorithm>
#include <unordered_map>

#include "query/formula.hpp"
#include "storage/point_filter.hpp"

namespace sextant::query::formula {
using storage::ScoredOffset;

Result<std::vector<ScoredOffset>> rescore_with_formula(
    const storage::ReadView& view, const Formula& formula,
    const std::vector<std::vector<ScoredOffset>>& prefetch_results,
    const index::filter::Filter* filter, std::optional<float> score_threshold, size_t limit,
    size_t offset) {
  std::vector<std::unordered_map<uint32_t, float>> scores_by_prefetch(prefetch_results.size());
  std::vector<uint32_t> candidates;
  for (size_t i = 0; i < prefetch_results.size(); ++i) {
    for (const auto& scored : prefetch_results[i]) {
      bool seen_before = false;
      for (size_t j = 0; j < i && !seen_before; ++j)
        seen_before = scores_by_prefetch[j].count(scored.offset) > 0;
      auto [it, inserted] = scores_by_prefetch[i].emplace(scored.offset, scored.score);
      if (inserted && !seen_before) candidates.push_back(scored.offset);
    }
  }
  auto reader = view.reader();
  std::vector<ScoredOffset> scored;
  for (uint32_t candidate : candidates) {
    if (!reader.alive(candidate)) continue;
    if (filter && !storage::point_matches(*filter, reader, candidate)) continue;
    auto payload = reader.payload(candidate);
    PointInputs inputs;
    inputs.payload = payload ? &*payload : nullptr;
    for (const auto& scores : scores_by_prefetch) {
      auto it = scores.find(candidate);
      inputs.prefetch_scores.push_back(it == scores.end() ? std::nullopt
                                                          : std::optional<float>(it->second));
    }
    inputs.condition_holds = [&](size_t index) {
      return storage::point_matches(*formula.conditions[index], reader, candidate);
    };
    auto value = evaluate(formula, inputs);
    if (!value.ok()) return value.error();
    const float score = static_cast<float>(*value);
    if (score_threshold && score < *score_threshold) continue;
    scored.push_back({candidate, score});
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const ScoredOffset& a, const ScoredOffset& b) { return a.score > b.score; });
  std::vector<ScoredOffset> out;
  for (size_t i = offset; i < scored.size() && out.size() < limit; ++i) out.push_back(scored[i]);
  return out;
}

}  // namespace sextant::query::formula
