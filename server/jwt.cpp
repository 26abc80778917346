// HS256 JWT decoding and claim validation with OpenSSL (HMAC) and Boost.JSON (claims).
#include "server/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <set>

namespace sextant::server {
namespace {

constexpr int64_t kExpLeewaySeconds = 30;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::optional<boost::json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec) return std::nullopt;
  return value;
}

// Reads the `access` claim. Returns false when it does not have one of Qdrant's shapes.
bool read_access(const boost::json::value& access, JwtClaims* claims, std::string* invalid) {
  if (access.is_string()) {
    if (access.as_string() == "r") {
      claims->global_access = JwtGlobalAccess::kRead;
    } else if (access.as_string() == "m") {
      claims->global_access = JwtGlobalAccess::kManage;
    } else {
      return false;
    }
    claims->access_json = boost::json::serialize(access);
    return true;
  }
  if (!access.is_array()) return false;
  std::set<std::string> seen;
  size_t index = 0;
  for (const auto& entry : access.as_array()) {
    if (!entry.is_object()) return false;
    const auto& object = entry.as_object();
    const auto* collection = object.if_contains("collection");
    const auto* mode = object.if_contains("access");
    if (!collection || !collection->is_string() || !mode || !mode->is_string()) return false;
    const auto& mode_text = mode->as_string();
    if (mode_text != "r" && mode_text != "rw" && mode_text != "prw") return false;
    std::string name(collection->as_string());
    std::string at = "access[" + std::to_string(index) + "]";
    if (!seen.insert(name).second && invalid->empty()) {
      *invalid = at + ".collection: Collection name should be unique";
    }
    if (object.contains("payload") && !object.at("payload").is_null() && invalid->empty()) {
      *invalid = at + ".payload: The 'payload' constraint is deprecated and should not be used";
    }
    ++index;
  }
  claims->global_access = JwtGlobalAccess::kPerCollection;
  claims->access_json = boost::json::serialize(access);
  return true;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  while (i + 3 <= bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(n >> shift) & 63]);
    i += 3;
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (rest == 2) n |= uint8_t(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(n >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = base64url_value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

JwtDecodeResult decode_jwt_hs256(std::string_view token, std::string_view secret,
                                 int64_t now_unix_seconds) {
  JwtDecodeResult result;  // kNotAJwt until proven otherwise
  size_t first_dot = token.find('.');
  size_t last_dot = token.rfind('.');
  if (first_dot == std::string_view::npos || first_dot == last_dot ||
      token.find('.', first_dot + 1) != last_dot) {
    return result;
  }
  auto header_bytes = base64url_decode(token.substr(0, first_dot));
  auto payload_bytes = base64url_decode(token.substr(first_dot + 1, last_dot - first_dot - 1));
  auto signature = base64url_decode(token.substr(last_dot + 1));
  if (!header_bytes || !payload_bytes || !signature) return result;
  auto header = parse_json(*header_bytes);
  if (!header || !header->is_object()) return result;
  const auto* alg = header->as_object().if_contains("alg");
  if (!alg || !alg->is_string() || alg->as_string() != "HS256") return result;

  std::string expected = hmac_sha256(secret, token.substr(0, last_dot));
  if (expected.size() != signature->size() ||
      CRYPTO_memcmp(expected.data(), signature->data(), expected.size()) != 0) {
    result.outcome = JwtOutcome::kForbidden;
    result.message = "InvalidSignature";
    return result;
  }

  auto payload = parse_json(*payload_bytes);
  if (!payload || !payload->is_object()) return result;
  const auto& claims_object = payload->as_object();
  JwtClaims claims;
  if (const auto* exp = claims_object.if_contains("exp"); exp && !exp->is_null()) {
    if (exp->is_int64()) {
      claims.exp = exp->as_int64();
    } else if (exp->is_uint64()) {
      claims.exp = static_cast<int64_t>(std::min<uint64_t>(exp->as_uint64(), INT64_MAX));
    } else if (exp->is_double() && exp->as_double() >= 0) {
      claims.exp = static_cast<int64_t>(exp->as_double());
    } else {
      return result;
    }
    if (*claims.exp < now_unix_seconds - kExpLeewaySeconds) {
      result.outcome = JwtOutcome::kForbidden;
      result.message = "ExpiredSignature";
      return result;
    }
  }
  for (const char* name : {"sub", "subject"}) {
    const auto* field = claims_object.if_contains(name);
    if (!field || field->is_null()) continue;
    if (!field->is_string()) return result;
    (std::string_view(name) == "sub" ? claims.sub : claims.subject) =
        std::string(field->as_string());
  }
  std::string invalid;
  if (const auto* access = claims_object.if_contains("access"); access && !access->is_null()) {
    if (!read_access(*access, &claims, &invalid)) return result;
  }
  if (const auto* exists = claims_object.if_contains("value_exists");
      exists && !exists->is_null()) {
    const auto* collection =
        exists->is_object() ? exists->as_object().if_contains("collection") : nullptr;
    const auto* matches =
        exists->is_object() ? exists->as_object().if_contains("matches") : nullptr;
    if (!collection || !collection->is_string() || !matches || !matches->is_array()) {
      return result;
    }
    claims.value_exists_json = boost::json::serialize(*exists);
  }
  if (!invalid.empty()) {
    result.outcome = JwtOutcome::kUnauthorized;
    result.message = invalid;
    return result;
  }
  result.outcome = JwtOutcome::kValid;
  result.claims = std::move(claims);
  return result;
}

}  // namespace sextant::server
