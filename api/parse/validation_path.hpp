// Where a validation error points in the request body. Qdrant's "Validation error in JSON body"
// texts name each field by its path from the body's root as its handler's types nest it: a query
// is validated inside an `internal` wrapper (`internal.limit`), a batch adds `searches[i].`, the
// legacy search `search_request.`, a prefetch `prefetch[i].`. Parsers write paths relative to
// the object they read; whoever nests that object puts its part in front with these functions.
//
// Both leave every other error (format, bad input, ...) unchanged.
#pragma once

#include <string_view>

#include "common/status.hpp"

namespace sextant::api {

// Puts `prefix` (ending in '.') in front of the path of each listed field of a validation error.
Error with_body_path(Error error, std::string_view prefix);

// A vector's validation error as point parsing writes it (`vector.?.indices` for a named vector,
// `vector.data` for the unnamed one; see point_parsing.cpp) moved to `path` (e.g.
// "query.nearest"), where a query holds the vector.
Error with_vector_path(Error error, std::string_view path);

}  // namespace sextant::api
