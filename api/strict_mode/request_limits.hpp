// Strict mode (`strict_mode_config`) checked on typed requests before they run, at the points
// Qdrant 1.19 checks it and with its texts: limits ("Limit exceeded 10 > 4 for \"limit\""),
// search parameters (hnsw_ef, exact, oversampling), filters (see filter_limits.hpp), the request
// `timeout`, batch sizes, and the size limits of writes (points count, multivector rows, sparse
// lengths). Nothing is checked unless the collection's strict mode is `enabled`.
//
// Each check returns the first rule broken, as a 400 "Bad request: ..." Error.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "common/status.hpp"
#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/collection_config.hpp"
#include "storage/point_types.hpp"

namespace sextant::api::strict_mode {

// The collection's strict-mode configuration when it is enabled; nullopt otherwise.
std::optional<storage::StrictModeConfig> enabled_strict_mode(const storage::Collection& collection);

// "Limit exceeded {value} > {limit} for \"{name}\"" when value > limit (both given).
Status check_limit(std::optional<uint64_t> value, std::optional<uint64_t> limit,
                   const std::string& name);

// The `timeout` query parameter against max_timeout.
Status check_timeout(const Request& request, const storage::StrictModeConfig& config);

// A query plan (its prefetches first, then limit, filter and search params). With
// `universal_query` (the /points/query routes), also refuses a vector search that would scan the
// whole collection when search_allow_exact is false (Qdrant's "global vector indexing is
// disabled" rule for hnsw_config.m = 0).
Status check_query_plan(const query::QueryPlan& plan, const storage::CollectionConfig& collection,
                        const boost::json::object& index_schemas,
                        const storage::StrictModeConfig& config, bool universal_query);

// `group_by` of a groups request when unindexed_filtering_retrieve is false: it needs an index
// answering `match`.
Status check_grouping_key(const std::string& group_by, const boost::json::object& index_schemas,
                          const storage::StrictModeConfig& config);

// Search parameters: oversampling, hnsw_ef, exact.
Status check_search_params(const storage::SearchParams& params,
                           const storage::StrictModeConfig& config);

// Parsed write operations of one request (upsert limits, filtered-write indexes, sizes).
Status check_update_operations(const std::vector<storage::UpdateOperation>& operations,
                               const storage::Collection& collection,
                               const storage::StrictModeConfig& config);

// What a read costs in rate-limit tokens, as Qdrant counts it: one per dense query vector (a
// multivector's rows, a sparse vector's indices per 64 started), one per scroll-like stage,
// plus the conditions of each stage's filter.
uint64_t query_plan_read_cost(const query::QueryPlan& plan);
uint64_t filter_read_cost(const index::filter::Filter* filter);

// What a write costs: the points it touches (ids, points written, or the filter's matches),
// at least 1.
uint64_t update_write_cost(const std::vector<storage::UpdateOperation>& operations,
                           const storage::Collection& collection);

}  // namespace sextant::api::strict_mode
