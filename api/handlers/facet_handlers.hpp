// POST /collections/{name}/facet: counts of the values of a payload key (which needs a
// keyword/integer/bool/uuid index), optionally among points matching a filter.
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_facet_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
