// What the snapshot route families (snapshot_handlers.cpp for collection and full-storage
// snapshots, shard_snapshot_handlers.cpp for shard snapshots) share: Qdrant's snapshot
// descriptions, the `wait` / `priority` query rules, streamed uploads, file downloads, and the
// JWT access each kind of snapshot route requires.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/api_context.hpp"
#include "api/parse/snapshot_upload.hpp"
#include "api/router.hpp"
#include "storage/snapshot/snapshot_download.hpp"
#include "storage/snapshot/snapshot_files.hpp"

namespace sextant::api {

boost::json::value description_json(const storage::snapshot::SnapshotDescription& description);
boost::json::value descriptions_json(
    const std::vector<storage::snapshot::SnapshotDescription>& descriptions);

// `priority` (no_sync, snapshot, replica), from the query string or from a JSON body: Qdrant's
// texts for an unknown value differ between the two.
Status check_priority(const std::string& value, bool from_query);

// Runs `work` and answers with its result, or 202 "accepted" when the caller passed wait=false
// (snapshot routes wait by default; the work still completes before the answer: requests run
// on the worker pool, never on I/O threads).
Response respond_snapshot(const Request& request,
                          const std::function<Result<boost::json::value>()>& work);

// A recover request's body (Qdrant's SnapshotRecover / ShardSnapshotRecover): `location` as
// given, `priority` checked, `checksum` and `api_key` when present.
struct RecoverRequest {
  std::string location;
  std::optional<std::string> checksum;
  std::string api_key;  // empty: none
};
Result<RecoverRequest> parse_recover_body(const Request& request);

// Refuses an http(s) location when the server disables URL recovery
// (service.enable_snapshot_url_recovery: false): 403 as Qdrant answers it.
Status check_recovery_location(const ApiContext& context, const std::string& location);

// How long a snapshot download may wait for its peer (the server's configuration).
storage::snapshot::DownloadTimeouts download_timeouts(const ApiContext& context);

// The collection `name` (or alias) resolves to, or Qdrant's errors.
Result<std::string> existing_collection(ApiContext& context, const std::string& name);

// The upload the server streamed into a SnapshotUpload, or, when the handler is called
// directly with the body in memory, the same receiver fed with that body.
std::shared_ptr<SnapshotUpload> received_upload(ApiContext& context, const Request& request);

// Qdrant's text for an uploaded snapshot whose sha256 is not the `checksum` query.
Error upload_checksum_mismatch(const std::string& actual, const std::string& expected);

// Streams the file at `path` (or answers its error) as an attachment named `name`.
Response download_response(Result<std::string> path, const std::string& name);

// Qdrant's access rules for snapshot routes, as a per-collection JWT meets them:
// a collection's own snapshots need its "extras" (refused to "prw"), and "rw" to create or
// delete one; recovering or uploading replaces data and needs global manage access;
// full-storage snapshots need global access (manage to create or delete).
Route collection_snapshot_route(HttpMethod method, std::string pattern, Handler handler,
                                bool is_write = false);
Route global_snapshot_route(HttpMethod method, std::string pattern, Handler handler,
                            bool is_write = false);

// An upload route: `handler` reads received_upload(); the body streams to a scratch file with
// no size limit (snapshots can be many GB, and Qdrant's multipart form is unbounded).
Route snapshot_upload_route(ApiContext* context, HttpMethod method, std::string pattern,
                            Handler handler);

}  // namespace sextant::api
