// Shared plumbing for handlers: body parsing with Qdrant's error texts, query flags, mapping
// storage errors to status codes, and the wrapper that turns a handler's result into an
// envelope. This is the one place where error kinds become HTTP status codes.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>

#include "api/envelope.hpp"
#include "api/http_types.hpp"
#include "common/status.hpp"

namespace sextant::api {

int http_status(ErrorKind kind);
Response error_response_for(const Error& error, Clock::time_point started);

// Maximum nesting of a JSON body; deeper bodies are rejected before they reach any handler.
constexpr size_t kMaxJsonDepth = 64;

// Parses the body as JSON. An empty body is `null` when `allow_empty`, else a format error.
Result<boost::json::value> parse_body(const Request& request, bool allow_empty = false);
// Parses and requires a JSON object.
Result<boost::json::object> parse_object_body(const Request& request, bool allow_empty = false);

// `?wait=true|false` (default false, as Qdrant); also refuses an unknown `?ordering=`.
Result<bool> wait_flag(const Request& request);
// An optional non-negative integer query parameter (e.g. `timeout`).
Result<std::optional<uint64_t>> uint_query(const Request& request, const char* name);

// Runs `body` and wraps its JSON result (or error) in Qdrant's envelope.
Response respond(const std::function<Result<boost::json::value>()>& body);

// Path parameter validation for collection names (Qdrant: 1..255 chars, no '/' or NUL).
Status validate_collection_name_param(const std::string& name);
// The length rule alone: every route under /collections/{collection_name} applies it before its
// handler runs, as Qdrant's path extractor does.
Status validate_collection_name_length(const std::string& name);

}  // namespace sextant::api
