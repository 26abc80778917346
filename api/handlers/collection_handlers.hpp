// Routes for collections, aliases and per-collection cluster info.
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_collection_routes(Router& router, ApiContext& context);

// The `payload_schema` section of CollectionInfo.
boost::json::object payload_schema_json(const storage::Collection& collection);

}  // namespace sextant::api
