// Routes that write points (upsert, delete, payload and vector operations, batch, payload
// indexes) and that read them without vectors search (retrieve, get, scroll, count).
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_point_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
