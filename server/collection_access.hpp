// The parts of Qdrant's JWT RBAC that can be decided from the route alone, plus the stateful
// `value_exists` check, so every handler gets them without repeating them:
//
//   per-collection token (access: [{"collection", "access": "r"|"rw"|"prw"}]):
//     route without {collection_name} that writes        -> 403 "Global access is required"
//     PUT/PATCH/DELETE /collections/{collection_name}     -> 403 "Global access is required"
//     collection not in the list                          -> 403 "Access to collection X is
//     required" write route, collection listed with "r"             -> 403 "Write access to
//     collection X is required"
//   value_exists claim: a scroll for one point matching all `matches` pairs runs through the
//     route table first; no such point -> 401, no such collection -> 403, both with the plain
//     text "Invalid JWT, stateful validation failed", as Qdrant answers.
//
// What stays with api/: filtering listings (GET /collections, aliases) down to the token's
// collections, and the finer "prw" (points-only) distinctions on snapshot / index routes.
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
