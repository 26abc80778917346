// Request authentication, as Qdrant's auth middleware decides it (src/common/auth).
//
// Enabled when any of api_key, alt_api_key, read_only_api_key is set and non-empty (an empty
// key counts as unset). The caller's key comes from the `api-key` header, else from
// `Authorization: Bearer <key>`. Keys are compared in constant time.
//   no key                      -> 401 "Must provide an API key or an Authorization bearer token"
//   api_key / alt_api_key       -> full access
//   read_only_api_key           -> read-only access (write routes answer 403)
//   JWT (service.jwt_rbac)      -> the token's access; signature/expiry failures -> 403
//   anything else               -> 401 "Invalid API key or JWT"
// Routes whose pattern is "/", "/healthz", or starts with "/readyz" or "/livez" are exempt.
// Unknown paths are not exempt: without a key they answer 401, not 404, as in Qdrant.
//
// Authenticator is immutable after construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "server/config.hpp"

namespace sextant::server {

struct AuthDecision {
  enum class Outcome { kAllowed, kUnauthorized, kForbidden };
  Outcome outcome = Outcome::kAllowed;
  std::string message;  // body text for kUnauthorized / kForbidden (plain text, as Qdrant)

  api::Access access = api::Access::kReadWrite;
  // True for a JWT whose access is a per-collection list: only api/ can decide per route.
  bool per_collection = false;
  std::optional<std::string> jwt_access_json;
  std::optional<std::string> jwt_value_exists_json;
};

class Authenticator {
 public:
  using HeaderLookup = std::function<std::optional<std::string_view>(std::string_view)>;

  explicit Authenticator(const ServiceConfig& service);

  bool enabled() const { return enabled_; }
  static bool is_exempt(std::optional<std::string_view> route_pattern);

  // `header` looks up a lower-case header name. `now_unix_seconds` is used for JWT expiry.
  AuthDecision authenticate(const HeaderLookup& header, int64_t now_unix_seconds) const;

 private:
  bool matches(const std::optional<std::string>& key, std::string_view candidate) const;

  std::optional<std::string> read_write_;
  std::optional<std::string> alt_read_write_;
  std::optional<std::string> read_only_;
  bool jwt_rbac_ = false;
  bool enabled_ = false;
};

}  // namespace sextant::server
