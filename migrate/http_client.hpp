// A small blocking HTTP/1.1 client for one Qdrant-API endpoint (http:// or https://), built on
// Boost.Beast. It keeps one keep-alive connection, reconnects when the peer closed it, sends the
// `api-key` header when one is set, and bounds every step by a timeout.
//
// Retries: a connection error, a timeout or a 5xx answer is retried up to `retries` times with
// exponential backoff (0.5 s, 1 s, 2 s, ... capped at 8 s); a 4xx answer and a failed TLS
// handshake (an untrusted certificate, a wrong host name) are returned at once.
// Every request migrate sends is idempotent (reads, upserts of whole points with explicit ids,
// creates that are checked first), so a retry after an unknown outcome is safe.
//
// Thread-safety: none. One HttpClient per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "migrate/transport.hpp"

namespace sextant::migrate {

// An error raised by migrate itself (a bad argument, an unreadable file), as opposed to a
// server's answer: its message is shown as is, without a Qdrant prefix.
inline Error local_error(std::string message) { return {ErrorKind::kBadInput, std::move(message)}; }

struct EndpointOptions {
  std::string url;      // http(s)://host[:port][/base-path]
  std::string api_key;  // sent as `api-key` when not empty
  std::string ca_file;  // https: PEM bundle to trust instead of the system store
  std::chrono::seconds timeout{60};
  int retries = 5;
  // Set for `--to-storage` and for grpc(s):// URLs: requests go through this instead of
  // HttpClient (`url` then only names it).
  std::shared_ptr<LocalTarget> local;
};

class HttpClient : public Transport {
 public:
  // Fails on a URL that is not http(s)://host[:port][/path].
  static Result<std::unique_ptr<HttpClient>> open(const EndpointOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `method` is GET, PUT, POST or DELETE; `target` starts with '/'. A non-empty body is sent as
  // application/json. Returns the answer of the last attempt, or the transport error.
  Result<HttpResponse> request(const std::string& method, const std::string& target,
                               const std::string& body) override;

  const std::string& url() const override { return options_.url; }

 private:
  struct Connection;
  explicit HttpClient(EndpointOptions options);
  Result<HttpResponse> attempt(const std::string& method, const std::string& target,
                               const std::string& body);

  EndpointOptions options_;
  bool tls_ = false;
  std::string host_;
  std::string port_;
  std::string base_path_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace sextant::migrate
