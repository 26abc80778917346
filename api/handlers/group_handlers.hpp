// Routes that search in groups: POST /points/query/groups (Query API) and the legacy
// /points/search/groups and /points/recommend/groups (1.18 API). Each parses its body into a
// GroupQuery plus an optional lookup, runs execute_group_query on one collection view and
// answers Qdrant's GroupsResult: {"groups": [{"id", "hits", "lookup"?}]}.
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_group_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
