// Node-to-node requests of cluster mode: one blocking HTTP/1.1 exchange with a peer's REST API
// (a connection per request, bounded by a timeout), carrying the internal header that asks the
// peer to answer from its own collection only (kLocalReadHeader) and the caller's credentials.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "common/status.hpp"

namespace sextant::server {

// A read carrying this header is answered by the node that receives it from its local
// collection, without asking its peers.
inline constexpr const char* kLocalReadHeader = "x-sextant-local-read";

struct PeerResponse {
  int status = 0;
  std::string body;
};

// `peer_url` is http://host:port; `target` starts with '/'.
Result<PeerResponse> peer_request(const std::string& peer_url, const std::string& method,
                                  const std::string& target, const std::string& body,
                                  const std::map<std::string, std::string>& headers,
                                  std::chrono::milliseconds timeout);

}  // namespace sextant::server
