// POST /collections/{name}/points/search/matrix/pairs and /offsets: the distance matrix of a
// random sample of points (query/distance_matrix.hpp), written as Qdrant's two result shapes:
// a list of {a, b, score} pairs, or the sampled `ids` with parallel `offsets_row`,
// `offsets_col` and `scores` arrays (offsets index `ids`).
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_matrix_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
