// Fetches a snapshot named by an http:// or https:// recover location into a local file,
// streaming the body to disk (never held in memory). https verifies the peer against the
// system's trust store and the host name. Redirects are followed a few times.
#pragma once

#include <string>

#include "storage/status.hpp"

namespace sextant::api {

storage::Status download_snapshot(const std::string& url, const std::string& destination_path);

}  // namespace sextant::api
