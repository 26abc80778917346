// REST routes for shard snapshots, shaped as Qdrant's on a single node:
//   GET/POST /collections/{c}/shards/{id}/snapshots            list, create
//   GET/DELETE /collections/{c}/shards/{id}/snapshots/{name}   download (streamed), delete
//   GET /collections/{c}/shards/{id}/snapshot                  made and streamed at once
//   PUT /collections/{c}/shards/{id}/snapshots/recover         {location, priority, checksum,
//                                                              api_key}
//   POST /collections/{c}/shards/{id}/snapshots/upload         multipart `snapshot` field or a
//                                                              raw body; `priority`, `checksum`
// A shard snapshot is a collection snapshot holding one shard's points
// (storage/snapshot/snapshot_archive.hpp); recovering one replaces that shard's points
// (storage/snapshot/shard_snapshot_data.hpp). A recover `location` is, as in Qdrant, either an
// http(s) URL (downloaded first) or the name of a snapshot of that shard on this node; any other
// URL scheme is refused. Every route answers Qdrant's 404 for an unknown collection or shard.
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_shard_snapshot_routes(Router& router, ApiContext* context);

}  // namespace sextant::api
