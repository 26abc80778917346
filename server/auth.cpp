// Api-key and JWT decisions. Messages are Qdrant's, byte for byte.
#include "server/auth.hpp"

#include <openssl/crypto.h>

#include "server/jwt.hpp"

namespace sextant::server {
namespace {

std::optional<std::string> non_empty(const std::optional<std::string>& key) {
  if (key && !key->empty()) return key;
  return std::nullopt;
}

}  // namespace

Authenticator::Authenticator(const ServiceConfig& service)
    : read_write_(non_empty(service.api_key)),
      alt_read_write_(non_empty(service.alt_api_key)),
      read_only_(non_empty(service.read_only_api_key)),
      jwt_rbac_(service.jwt_rbac) {
  enabled_ = read_write_ || alt_read_write_ || read_only_;
}

bool Authenticator::is_exempt(std::optional<std::string_view> route_pattern) {
  if (!route_pattern) return false;
  std::string_view pattern = *route_pattern;
  return pattern == "/" || pattern == "/healthz" || pattern.rfind("/readyz", 0) == 0 ||
         pattern.rfind("/livez", 0) == 0;
}

bool Authenticator::matches(const std::optional<std::string>& key,
                            std::string_view candidate) const {
  // Length is not secret (Qdrant's ct_eq also returns early on a length mismatch).
  return key && key->size() == candidate.size() &&
         CRYPTO_memcmp(key->data(), candidate.data(), candidate.size()) == 0;
}

AuthDecision Authenticator::authenticate(const HeaderLookup& header,
                                         int64_t now_unix_seconds) const {
  AuthDecision decision;
  if (!enabled_) return decision;

  std::optional<std::string_view> key = header("api-key");
  if (!key) {
    auto authorization = header("authorization");
    static constexpr std::string_view kBearer = "Bearer ";
    if (authorization && authorization->rfind(kBearer, 0) == 0) {
      key = authorization->substr(kBearer.size());
    }
  }
  if (!key) {
    decision.outcome = AuthDecision::Outcome::kUnauthorized;
    decision.message = "Must provide an API key or an Authorization bearer token";
    return decision;
  }
  if (matches(read_write_, *key) || matches(alt_read_write_, *key)) return decision;
  if (matches(read_only_, *key)) {
    decision.access = api::Access::kReadOnly;
    return decision;
  }

  if (jwt_rbac_) {
    std::optional<JwtDecodeResult> first_error;
    for (const auto* secret : {&read_write_, &alt_read_write_}) {
      if (!*secret) continue;
      JwtDecodeResult decoded = decode_jwt_hs256(*key, **secret, now_unix_seconds);
      if (decoded.outcome == JwtOutcome::kValid) {
        const JwtClaims& claims = decoded.claims;
        decision.access = claims.global_access == JwtGlobalAccess::kRead ? api::Access::kReadOnly
                                                                         : api::Access::kReadWrite;
        decision.per_collection = claims.global_access == JwtGlobalAccess::kPerCollection;
        decision.jwt_access_json = claims.access_json;
        decision.jwt_value_exists_json = claims.value_exists_json;
        return decision;
      }
      if (decoded.outcome != JwtOutcome::kNotAJwt && !first_error) first_error = decoded;
    }
    if (first_error) {
      decision.outcome = first_error->outcome == JwtOutcome::kForbidden
                             ? AuthDecision::Outcome::kForbidden
                             : AuthDecision::Outcome::kUnauthorized;
      decision.message = first_error->message;
      return decision;
    }
  }
  decision.outcome = AuthDecision::Outcome::kUnauthorized;
  decision.message = "Invalid API key or JWT";
  return decision;
}

}  // namespace sextant::server
