// Prefetch candidates deduplicated and filtered, or turned into a has_id filter.
#include "query/candidate_filter.hpp"

#include "storage/point_filter.hpp"

namespace sextant::query {

std::vector<uint32_t> unique_candidates(const storage::ReadView& view, const QueryPlan& plan,
                                        const PrefetchResults& candidates) {
  auto reader = view.reader();
  std::vector<uint32_t> unique;
  std::vector<bool> seen;
  for (const auto& list : candidates)
    for (const auto& candidate : list) {
      if (candidate.offset >= seen.size()) seen.resize(candidate.offset + 1, false);
      if (seen[candidate.offset]) continue;
      seen[candidate.offset] = true;
      if (plan.filter && !storage::point_matches(*plan.filter, reader, candidate.offset)) continue;
      unique.push_back(candidate.offset);
    }
  return unique;
}

std::shared_ptr<const index::filter::Filter> candidate_filter(const storage::ReadView& view,
                                                              const QueryPlan& plan,
                                                              const PrefetchResults& candidates) {
  auto reader = view.reader();
  std::vector<storage::PointId> ids;
  for (const auto& list : candidates)
    for (const auto& candidate : list) ids.push_back(reader.id(candidate.offset));
  auto filter = std::make_shared<index::filter::Filter>();
  filter->must.emplace();
  filter->must->push_back(index::filter::make_has_id(std::move(ids)));
  if (plan.filter) filter->must->push_back(index::filter::make_filter_condition(*plan.filter));
  return filter;
}

}  // namespace sextant::query
