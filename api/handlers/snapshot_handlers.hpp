// REST routes for snapshots, shaped as Qdrant's:
//   collection snapshots  GET/POST /collections/{c}/snapshots,
//                         GET/DELETE /collections/{c}/snapshots/{snapshot_name} (GET streams),
//                         PUT /collections/{c}/snapshots/recover  {location, priority, checksum},
//                         POST|PUT /collections/{c}/snapshots/upload (multipart `snapshot` field
//                         or a raw body; `priority`, `checksum`, `wait` queries)
//   full-storage          GET/POST /snapshots, GET/DELETE /snapshots/{snapshot_name}
//   shard snapshots       registered here too, see shard_snapshot_handlers.hpp
// `wait` defaults to true here, as in Qdrant; wait=false answers 202 "accepted".
// Uploads are streamed to a scratch file as they arrive (snapshot_upload.hpp), never held in
// memory; what the route families share is in snapshot_route_support.hpp. Each route declares
// Qdrant's JWT access requirements (see the Route fields); the server enforces them before the
// body is read.
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

// Called once at start-up; also removes scratch work an earlier process left in
// `<snapshots_path>/.tmp`.
void register_snapshot_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
