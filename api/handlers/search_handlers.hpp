// Routes that search: the Query API (/points/query, /points/query/batch) and the legacy
// search endpoints that 1.19 dropped but existing applications still call
// (/points/search, /points/search/batch).
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_search_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
