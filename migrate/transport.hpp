// How an endpoint's requests reach a server: one request in Qdrant's REST form (method, target
// with query string, JSON body) in, the status and body of the answer out.
//
// Three kinds exist: HttpClient (a running server over http/https); for `--to-storage`, a
// transport that hands the same request to the server's own request pipeline in this process,
// over a storage directory it opened (server/migrate_storage_target.hpp); and for grpc(s)://
// URLs, one that carries the request as the matching RPC of Qdrant's gRPC API
// (server/migrate_grpc_endpoint.hpp). migrate/ only sees this interface, so the copier, set-up
// and verification are the same for all.
#pragma once

#include <memory>
#include <string>

#include "common/status.hpp"

namespace sextant::migrate {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// One connection's worth of requests. Thread-safety: none; one Transport per thread.
class Transport {
 public:
  virtual ~Transport() = default;
  // `method` is GET, PUT, POST or DELETE; `target` starts with '/'. Returns the answer, or the
  // error that kept it from being obtained.
  virtual Result<HttpResponse> request(const std::string& method, const std::string& target,
                                       const std::string& body) = 0;
  // What the endpoint is called in messages and in the state file.
  virtual const std::string& url() const = 0;
};

// An endpoint reached without HttpClient: a storage directory opened in this process, or a
// gRPC endpoint. It stays open while it or any transport it made lives; connect() may be called
// from any thread, and returns nullptr only when no transport can be made.
class LocalTarget {
 public:
  virtual ~LocalTarget() = default;
  virtual std::unique_ptr<Transport> connect() = 0;
};

}  // namespace sextant::migrate
