// The parts of Qdrant's JWT RBAC that can be decided from the route alone, plus the stateful
// `value_exists` check, so every handler gets them without repeating them. For a token with
// per-collection access (access: [{"collection", "access": "r"|"rw"|"prw"}]), in this order:
//
//   route needing global access (Route::needs_global_access: full-storage snapshots,
//   snapshot recover / upload), or a write route without {collection_name},
//   or PUT/PATCH/DELETE /collections/{collection_name}      -> 403 "Global access is required"
//   collection not in the list                             -> 403 "Access to collection X is
//                                                                  required"
//   route on collection extras (Route::needs_collection_extras: snapshots) with "prw"
//                                                          -> 403 "Only points access is
//                                                                  allowed for collection X"
//   write route, collection listed with "r"                -> 403 "Write access to collection
//                                                                  X is required"
// Global "r" tokens are refused write routes by the dispatcher (is_write), which covers
// Qdrant's "Global manage access is required" on every snapshot route that changes anything.
//
//   value_exists claim: a scroll for one point matching all `matches` pairs runs through the
//     route table first; no such point -> 401, no such collection -> 403, both with the plain
//     text "Invalid JWT, stateful validation failed", as Qdrant answers.
//
// What stays with api/: filtering listings (GET /collections, aliases) down to the token's
// collections.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/envelope.hpp"
#include "api/router.hpp"

namespace sextant::server {

std::optional<api::Response> check_collection_access(const api::Route& route,
                                                     const std::vector<std::string>& path_params,
                                                     const std::string& access_json,
                                                     api::Clock::time_point started);

std::optional<api::Response> check_value_exists(const api::Router& router,
                                                const std::string& value_exists_json,
                                                api::Clock::time_point started);

}  // namespace sextant::server
