// The hot-route reader of upsert bodies (PUT /collections/{c}/points): a body of the common
// shape is read with simdjson's on-demand parser, the vectors' numbers straight into the points'
// float arrays with no DOM built for them; payloads (user data, kept as JSON objects) are parsed
// from their raw text by the DOM parser, as the whole body would be.
//
// The common shape: an object whose only key is `batch` (`ids`, `vectors`, optional `payloads`)
// or `points` (each with `id`, `vector`, optional `payload`); unsigned integer ids; plain float32
// vectors of the dimension of a collection whose only vector is the unnamed dense one.
//
// Contract: read_plain_upsert_body() answers only for bodies it reads exactly as the DOM path
// (parse_body + parse_upsert) reads them and accepts them; for any other body (another shape,
// a duplicate key, an error of any kind) it answers nullopt and the caller parses the whole body
// the ordinary way, which also writes the error texts. So this reader never decides how a
// request is refused.
//
// The padded copy simdjson needs is a per-thread buffer reused from request to request.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/collection_schema.hpp"
#include "storage/point_types.hpp"

namespace sextant::api {

std::optional<std::vector<storage::PointWrite>> read_plain_upsert_body(
    std::string_view body, const storage::CollectionSchema& schema);

}  // namespace sextant::api
