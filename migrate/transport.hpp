// How an endpoint's requests reach a server: one request in Qdrant's REST form (method, target
// with query string, JSON body) in, the status and body of the answer out.
//
// Two kinds exist: HttpClient (a running server over http/https) and, for `--to-storage`, a
// transport that hands the same request to the server's own request pipeline in this process,
// over a storage directory it opened (server/migrate_storage_target.hpp). migrate/ only sees
// this interface, so the copier, set-up and verification are the same for both.
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

// A target opened in this process (a storage directory). It stays open while it or any
// transport it made lives; connect() may be called from any thread.
class LocalTarget {
 public:
  virtual ~LocalTarget() = default;
  virtual std::unique_ptr<Transport> connect() = 0;
};

}  // namespace sextant::migrate
