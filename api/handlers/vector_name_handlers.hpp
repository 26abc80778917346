// PUT / DELETE /collections/{name}/vectors/{vector_name}: add a named vector (dense or sparse)
// to an existing collection, or remove one, as Qdrant 1.19 does (storage/vector_names.hpp).
// Existing points gain no value for a new vector and lose theirs with a removed one; the answer
// is an UpdateResult.
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_vector_name_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
