// The parsing entry points exercised by the fuzz targets and replayed by the regression tests.
// Each function takes untrusted bytes exactly as a request body (or a path segment) arrives and
// runs them through the api/ parsers the handlers use. They return normally for any input:
// a parser error is an expected outcome; a crash, sanitizer report or exception is a bug.
//
// Invariants: no function writes anything or touches storage; the collection schema used for
// point parsing is fixed (an unnamed 4-dim Cosine vector, a named 3-dim Dot vector "image", a
// multivector "colbert" and a sparse vector "text") so every vector shape has a schema to meet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sextant::fuzz {

// Body of PUT /points, POST /points/query, POST /points/search, POST /points/recommend,
// POST /points/discover, POST /points/delete, POST /points (retrieve): parse_body, then every body
// parser that takes a JSON object.
void parse_request_body(std::string_view bytes);

// Body parsed as JSON, then handed to the filter parser whole and to the `filter` key.
void parse_filter_body(std::string_view bytes);

// Body of POST /points/query/groups, /points/search/groups and /points/recommend/groups.
void parse_groups_body(std::string_view bytes);

// Body of POST /points/scroll.
void parse_scroll_body(std::string_view bytes);

// Bodies of the point-changing routes (payload, vectors, delete) and of POST /points/batch.
void parse_update_body(std::string_view bytes);

// Bodies of PUT /collections/{name} and PATCH /collections/{name}, and a stored configuration.
void parse_collection_config_body(std::string_view bytes);

// Bytes as a UUID text (GET /points/{id}) and, when they parse as JSON, as point ids.
void parse_point_id_text(std::string_view bytes);

}  // namespace sextant::fuzz
