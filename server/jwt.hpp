// Validation of Qdrant's RBAC tokens: JWTs signed with HS256 using the service api_key as
// the secret. Mirrors Qdrant's decoder (jsonwebtoken with a 30 s `exp` leeway, no required
// claims, no audience check):
//   - not three base64url parts, bad header JSON, or alg other than HS256  -> kNotAJwt
//   - signature mismatch -> kForbidden "InvalidSignature"
//   - `exp` more than 30 s in the past -> kForbidden "ExpiredSignature"
//   - claims that do not deserialize (e.g. access "x") -> kNotAJwt
//   - duplicate collections or the removed `payload` constraint -> kUnauthorized
// Claims: `access` ("r", "m", or [{"collection": name, "access": "r"|"rw"|"prw"}], default
// "m"), `exp`, `sub`, `subject`, `value_exists` ({"collection", "matches": [{key, value}]}).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::server {

enum class JwtGlobalAccess { kRead, kManage, kPerCollection };

struct JwtClaims {
  JwtGlobalAccess global_access = JwtGlobalAccess::kManage;
  std::string access_json = "\"m\"";             // the `access` claim, re-serialized
  std::optional<std::string> value_exists_json;  // the `value_exists` claim, re-serialized
  std::optional<std::string> subject;            // `subject`, for audit lines
  std::optional<std::string> sub;
  std::optional<int64_t> exp;
};

enum class JwtOutcome { kValid, kNotAJwt, kUnauthorized, kForbidden };

struct JwtDecodeResult {
  JwtOutcome outcome = JwtOutcome::kNotAJwt;
  std::string message;  // for kUnauthorized / kForbidden: the text Qdrant answers with
  JwtClaims claims;     // for kValid
};

JwtDecodeResult decode_jwt_hs256(std::string_view token, std::string_view secret,
                                 int64_t now_unix_seconds);

// base64url without padding, as JWTs use. Exposed for tests (to build tokens).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
std::string hmac_sha256(std::string_view key, std::string_view message);

}  // namespace sextant::server
