// Type checks of request fields: `shard_key` selectors (acted on by
// api/handlers/shard_selection.hpp, checked here first) and fields Sextant accepts but does not
// act on (a query's `lookup_from` shard key, ACORN and IDF corpora), checked for Qdrant's JSON
// types all the same, so a wrong type is the 400 format error Qdrant gives rather than silently
// ignored.
//
// Invariants: the checks read only; an absent or null field passes (Qdrant's Option fields).
#pragma once

#include <boost/json/object.hpp>

#include "common/status.hpp"

namespace sextant::api {

// `shard_key`: a ShardKeySelector - a key (string or u64), an array of keys, or
// {"target": key, "fallback": key}.
Status check_shard_key_field(const boost::json::object& body);

// `lookup_from`: a LookupLocation - {"collection": string, "vector"?: string, "shard_key"?: ...}.
Status check_lookup_from_field(const boost::json::object& body);

// The SearchParams fields Sextant does not act on: `acorn` ({"enable"?: bool,
// "max_selectivity"?: number}) and `idf` ("global" or {"corpus": Filter}).
Status check_unused_search_params(const boost::json::object& params);

}  // namespace sextant::api
