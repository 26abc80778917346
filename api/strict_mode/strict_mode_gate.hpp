// Where handlers meet strict mode: each call runs the checks Qdrant 1.19 runs for that kind of
// request (see request_limits.hpp, filter_limits.hpp), then the `timeout` limit, then takes the
// request's cost from the collection's read or write rate limiter (collection_rate_limits.hpp).
// A collection without `enabled` strict mode passes every call untouched.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "api/strict_mode/collection_rate_limits.hpp"
#include "common/status.hpp"
#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/point_types.hpp"

namespace sextant::api::strict_mode {

// Searches and queries: `batch_size` for the /batch routes (search_max_batchsize);
// `universal_query` for /points/query (see check_query_plan). `group_by`, for groups requests,
// is checked first (the plans then carry the limit groups x group_size).
Status gate_query_plans(CollectionRateLimits& limits, const storage::Collection& collection,
                        const Request& request, const std::vector<const query::QueryPlan*>& plans,
                        std::optional<size_t> batch_size, bool universal_query,
                        const std::string* group_by = nullptr);

// Scroll, count and facet: `limit` as the request gave it; `exact` for count and facet
// (search_allow_exact).
Status gate_scroll_like(CollectionRateLimits& limits, const storage::Collection& collection,
                        const Request& request, const index::filter::Filter* filter,
                        std::optional<uint64_t> limit, bool exact);

// Retrieve by ids: the timeout, then one token per id.
Status gate_retrieve(CollectionRateLimits& limits, const storage::Collection& collection,
                     const Request& request, uint64_t ids_count);

// Writes: the checks of every parsed operation, then the write rate limit.
Status gate_update(CollectionRateLimits& limits, const storage::Collection& collection,
                   const Request& request, const std::vector<storage::UpdateOperation>& operations);

}  // namespace sextant::api::strict_mode
