// Fetches a snapshot named by an http:// or https:// recover location into a local file,
// streaming the body to disk (never held in memory). https verifies the peer against the
// system's trust store and the host name. Redirects are followed a few times. `api_key`, when
// not empty, is sent as the `api-key` header (Qdrant's SnapshotRecover.api_key, for pulling a
// snapshot from another secured server).
//
// A stalled peer cannot hold the calling thread: connecting is bounded by
// `timeouts.connect`, and every later step (TLS handshake, sending the request, each wait for
// more of the response) by `timeouts.read`. A large snapshot that keeps arriving is never cut
// off; one that stops arriving fails after `timeouts.read` with an error naming the step.
#pragma once

#include <chrono>
#include <string>

#include "common/status.hpp"

namespace sextant::storage::snapshot {

struct DownloadTimeouts {
  std::chrono::seconds connect{30};
  std::chrono::seconds read{60};  // the longest wait for any progress after connecting
};

Status download_snapshot(const std::string& url, const std::string& destination_path,
                         const std::string& api_key, const DownloadTimeouts& timeouts = {});

}  // namespace sextant::storage::snapshot
