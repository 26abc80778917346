// Strict mode's rules on filters, as Qdrant 1.19 applies them: every payload key a filter
// reads must have a payload index able to answer its condition (`unindexed_filtering_retrieve`
// for reads, `unindexed_filtering_update` for filtered writes; the analysis is
// query/unindexed_fields.hpp's, shared with /issues), and a filter may hold at most
// `filter_max_conditions` conditions and `condition_max_size` values in one condition.
//
// Conditions are counted as Qdrant counts them: a nested filter or a filter used as a condition
// counts its own conditions (not itself), every other condition counts 1. A condition's size is
// the number of values of its `match: {any}` / `{except}` (has_id: its ids), 0 otherwise.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>

#include "common/status.hpp"
#include "index/filter/filter.hpp"
#include "storage/collection_config.hpp"

namespace sextant::api::strict_mode {

enum class FilterUse { kRead, kWrite };

uint64_t total_conditions_count(const index::filter::Filter& filter);
uint64_t max_condition_input_size(const index::filter::Filter& filter);

// Checks `filter` (null: nothing to check) against `config` and the collection's payload index
// schemas (key -> field_schema JSON, as Collection::payload_index_schemas gives them).
Status check_filter(const index::filter::Filter* filter, FilterUse use,
                    const boost::json::object& index_schemas,
                    const storage::StrictModeConfig& config);

// Qdrant's strict-mode refusal: "Bad request: <what>. Help: <solution>" (400).
Error strict_mode_error(const std::string& what, const std::string& solution);

}  // namespace sextant::api::strict_mode
