// One side of a migration: a running server that speaks Qdrant's REST API (Qdrant 1.x or
// Sextant), reached through a Transport (an HttpClient, or a storage directory opened in this
// process for --to-storage). Calls unwrap Qdrant's envelope
// ({"result": ..., "status": "ok", "time": ...}) and turn any answer other than 2xx into an Error
// carrying the HTTP status and the server's own message.
//
// Thread-safety: none (it owns one Transport). Open one endpoint per thread.
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "migrate/http_client.hpp"

namespace sextant::migrate {

class QdrantEndpoint {
 public:
  static Result<std::unique_ptr<QdrantEndpoint>> open(const EndpointOptions& options);

  // GET/PUT/POST/DELETE `target`; returns the envelope's "result".
  Result<boost::json::value> get(const std::string& target);
  Result<boost::json::value> put(const std::string& target, const boost::json::value& body);
  Result<boost::json::value> post(const std::string& target, const boost::json::value& body);

  // True when GET /collections/{name} answers 200 (a collection or an alias of one).
  Result<bool> collection_exists(const std::string& name);

  const std::string& url() const { return client_->url(); }

 private:
  explicit QdrantEndpoint(std::unique_ptr<Transport> client) : client_(std::move(client)) {}
  Result<boost::json::value> call(const std::string& method, const std::string& target,
                                  const std::string& body);

  std::unique_ptr<Transport> client_;
};

// Percent-encodes a collection or alias name for use as one path segment.
std::string path_segment(const std::string& name);

}  // namespace sextant::migrate
