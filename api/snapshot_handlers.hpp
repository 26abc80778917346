// REST routes for snapshots, shaped as Qdrant's:
//   collection snapshots  GET/POST /collections/{c}/snapshots,
//                         GET/DELETE /collections/{c}/snapshots/{snapshot_name} (GET streams),
//                         PUT /collections/{c}/snapshots/recover  {location, priority, checksum},
//                         POST|PUT /collections/{c}/snapshots/upload (multipart `snapshot` field
//                         or a raw body; `priority`, `checksum`, `wait` queries)
//   full-storage          GET/POST /snapshots, GET/DELETE /snapshots/{snapshot_name}
// `wait` defaults to true here, as in Qdrant; wait=false answers 202 "accepted".
// Also the start-up restore behind `--snapshot PATH:COLLECTION`.
#pragma once

#include <string>

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

// Called once at start-up; also removes scratch work an earlier process left in
// `<snapshots_path>/.tmp`.
void register_snapshot_routes(Router& router, ApiContext& context);

// Restores `collection` from the snapshot file at `path` (any readable local path: the
// operator chose it on the command line). An existing collection is replaced only with
// `force` (Qdrant's --force-snapshot). Returns an empty string on success, else the reason.
std::string restore_snapshot_at_startup(ApiContext& context, const std::string& path,
                                        const std::string& collection, bool force);

}  // namespace sextant::api
