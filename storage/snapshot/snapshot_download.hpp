// Fetches a snapshot named by an http:// or https:// recover location into a local file,
// streaming the body to disk (never held in memory). https verifies the peer against the
// system's trust store and the host name. Redirects are followed a few times. `api_key`, when
// not empty, is sent as the `api-key` header (Qdrant's SnapshotRecover.api_key, for pulling a
// snapshot from another secured server).
#pragma once

#include <string>

#include "common/status.hpp"

namespace sextant::storage::snapshot {

Status download_snapshot(const std::string& url, const std::string& destination_path,
                         const std::string& api_key);

}  // namespace sextant::storage::snapshot
