// Recovering a collection from the location a recover request names (Qdrant's
// SnapshotRecover.location):
//   file:///abs/path, file://localhost/abs/path  a local snapshot, which must lie inside the
//                                                snapshots directory (403 otherwise, as Qdrant);
//   http://..., https://...                      downloaded into a scratch file first
//                                                (snapshot_download.hpp), then recovered.
// Any other scheme is a 400. The caller has already checked that `location` is an absolute URL.
//
// Invariant: nothing a download brings is kept; the scratch file goes whatever the outcome.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "storage/snapshot/snapshot_download.hpp"
#include "storage/storage.hpp"

namespace sextant::storage::snapshot {

// True for an http:// or https:// location.
bool is_http_location(const std::string& location);

// Downloads the snapshot at the http(s) `url` into a scratch file and runs `recover` on it (the
// file goes afterwards, whatever the outcome). Collection and shard recoveries share it.
Status with_downloaded_snapshot(const std::string& snapshots_path, const std::string& url,
                                const std::string& api_key,
                                const DownloadTimeouts& download_timeouts,
                                const std::function<Status(const std::string&)>& recover);

// Replaces (or creates) `collection` from the snapshot at `location`. `expected_checksum`, when
// given, must match the snapshot's sha256; `api_key`, when not empty, is sent to an http(s)
// server as its `api-key` header; `download_timeouts` bound how long a stalled peer may hold
// the calling thread.
Status recover_collection_from_location(Storage& storage, const std::string& snapshots_path,
                                        const std::string& location, const std::string& collection,
                                        const std::optional<std::string>& expected_checksum,
                                        const std::string& api_key,
                                        const DownloadTimeouts& download_timeouts = {});

}  // namespace sextant::storage::snapshot
