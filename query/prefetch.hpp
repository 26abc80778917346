// What a plan's prefetches hand to its query: one list of scored offsets per prefetch, in the
// order the prefetches were given, each list in its prefetch's own result order (best first).
// An offset may appear in several lists; each stage decides how duplicates merge (the first
// occurrence wins for nearest rescoring and MMR, fusion sums them, formulas read all scores).
#pragma once

#include <vector>

#include "storage/vector_search.hpp"

namespace sextant::query {

using PrefetchResults = std::vector<std::vector<storage::ScoredOffset>>;

}  // namespace sextant::query
