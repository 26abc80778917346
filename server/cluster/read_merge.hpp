// Merging the local answers of several nodes into the one answer a single node would give
// (cluster mode's reads, point_read_routes.hpp). Nodes' answers may overlap (a node answers for
// every shard it hosts): each point is kept once, by id. Pure functions of JSON answers.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <vector>

namespace sextant::server {

// Point ids in Qdrant's order: unsigned integers first, by value, then UUIDs, by text.
// Negative: a before b; 0: equal; positive: a after b.
int compare_point_ids(const boost::json::value& a, const boost::json::value& b);

// Scored points (each an object with `id` and `score`), every answer in its node's order: one
// copy per id, in that order (score descending, or ascending when the nodes ordered them so,
// ties by id), then `offset` skipped and at most `limit` kept.
boost::json::array merge_scored(const std::vector<boost::json::array>& answers, size_t offset,
                                size_t limit);

// Scroll pages (objects with `points` and `next_page_offset`) from the same offset: the first
// `limit` distinct points by id and the offset of the next page (null at the end).
boost::json::object merge_scroll(const std::vector<boost::json::object>& answers, size_t limit);

// Retrieved points: one copy per id, in the order of `requested_ids` (ids not found are absent).
boost::json::array merge_retrieved(const std::vector<boost::json::array>& answers,
                                   const boost::json::array& requested_ids);

}  // namespace sextant::server
