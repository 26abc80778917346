// Bodies of the group routes (/points/query/groups, and the legacy /points/search/groups and
// /points/recommend/groups) -> a typed group query: the source query as its plain route parses
// it, plus `group_by`, `group_size`, `limit` and `with_lookup`, with Qdrant's defaults and texts.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "api/parse/point_parsing.hpp"
#include "api/parse/query_request.hpp"
#include "common/status.hpp"
#include "query/group_queries.hpp"

namespace sextant::api {

// The three bodies differ in their source query and in how strictly Qdrant reads the group
// fields: /query/groups has defaults (limit 10, group_size 3); the legacy routes require both as
// u32; only recommend/groups skips the `>= 1` validation (Qdrant does not validate it there, so
// 0 simply finds no group).
enum class GroupEndpoint { kQuery, kSearch, kRecommend };

struct GroupLookup {
  std::string collection;
  PayloadSelector with_payload;
  storage::VectorSelection with_vectors;
};

struct GroupsRequest {
  query::GroupQuery query;
  PayloadSelector with_payload;
  storage::VectorSelection with_vector;
  std::optional<GroupLookup> lookup;
};

Result<GroupsRequest> parse_groups_request(const boost::json::object& body, GroupEndpoint endpoint,
                                           Inference* inference);

}  // namespace sextant::api
