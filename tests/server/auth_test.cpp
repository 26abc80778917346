// Api-key and JWT decisions, with Qdrant's status codes and messages.
#include "server/auth.hpp"

#include <gtest/gtest.h>

#include <map>

#include "server/jwt.hpp"

namespace sextant::server {
namespace {

constexpr int64_t kNow = 1'700'000'000;

std::string make_token(const std::string& claims_json, const std::string& secret,
                       const std::string& header_json = R"({"alg":"HS256","typ":"JWT"})") {
  std::string signing_input = base64url_encode(header_json) + "." + base64url_encode(claims_json);
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

AuthDecision decide(const Authenticator& auth, std::map<std::string, std::string> headers) {
  return auth.authenticate(
      [&headers](std::string_view name) -> std::optional<std::string_view> {
        auto it = headers.find(std::string(name));
        if (it == headers.end()) return std::nullopt;
        return std::string_view(it->second);
      },
      kNow);
}

ServiceConfig keys(std::optional<std::string> rw, std::optional<std::string> ro, bool jwt = false) {
  ServiceConfig service;
  service.api_key = std::move(rw);
  service.read_only_api_key = std::move(ro);
  service.jwt_rbac = jwt;
  return service;
}

TEST(AuthTest, DisabledWithoutKeysOrWithEmptyKeys) {
  EXPECT_FALSE(Authenticator(keys(std::nullopt, std::nullopt)).enabled());
  EXPECT_FALSE(Authenticator(keys("", "")).enabled());
  Authenticator open(keys(std::nullopt, std::nullopt));
  EXPECT_EQ(decide(open, {}).outcome, AuthDecision::Outcome::kAllowed);
}

TEST(AuthTest, ApiKeyHeaderAndBearer) {
  Authenticator auth(keys("rw-key", "ro-key"));
  auto missing = decide(auth, {});
  EXPECT_EQ(missing.outcome, AuthDecision::Outcome::kUnauthorized);
  EXPECT_EQ(missing.message, "Must provide an API key or an Authorization bearer token");

  auto read_write = decide(auth, {{"api-key", "rw-key"}});
  EXPECT_EQ(read_write.outcome, AuthDecision::Outcome::kAllowed);
  EXPECT_EQ(read_write.access, api::Access::kReadWrite);

  auto bearer = decide(auth, {{"authorization", "Bearer rw-key"}});
  EXPECT_EQ(bearer.outcome, AuthDecision::Outcome::kAllowed);

  auto read_only = decide(auth, {{"api-key", "ro-key"}});
  EXPECT_EQ(read_only.outcome, AuthDecision::Outcome::kAllowed);
  EXPECT_EQ(read_only.access, api::Access::kReadOnly);

  auto wrong = decide(auth, {{"api-key", "rw-ke"}});
  EXPECT_EQ(wrong.outcome, AuthDecision::Outcome::kUnauthorized);
  EXPECT_EQ(wrong.message, "Invalid API key or JWT");

  // "Basic" is not a bearer token: treated as no key at all.
  EXPECT_EQ(decide(auth, {{"authorization", "Basic rw-key"}}).message,
            "Must provide an API key or an Authorization bearer token");
}

TEST(AuthTest, AltKeyIsReadWrite) {
  ServiceConfig service = keys("main", std::nullopt);
  service.alt_api_key = "rotated";
  Authenticator auth(service);
  EXPECT_EQ(decide(auth, {{"api-key", "rotated"}}).access, api::Access::kReadWrite);
}

TEST(AuthTest, ExemptRoutes) {
  EXPECT_TRUE(Authenticator::is_exempt("/"));
  EXPECT_TRUE(Authenticator::is_exempt("/healthz"));
  EXPECT_TRUE(Authenticator::is_exempt("/readyz"));
  EXPECT_TRUE(Authenticator::is_exempt("/livez"));
  EXPECT_FALSE(Authenticator::is_exempt("/metrics"));
  EXPECT_FALSE(Authenticator::is_exempt("/collections"));
  EXPECT_FALSE(Authenticator::is_exempt(std::nullopt));  // unknown path
}

TEST(AuthTest, JwtGlobalReadAndManage) {
  Authenticator auth(keys("secret", std::nullopt, /*jwt=*/true));
  auto read = decide(auth, {{"api-key", make_token(R"({"access":"r"})", "secret")}});
  ASSERT_EQ(read.outcome, AuthDecision::Outcome::kAllowed) << read.message;
  EXPECT_EQ(read.access, api::Access::kReadOnly);
  EXPECT_EQ(read.jwt_access_json, "\"r\"");

  auto manage = decide(auth, {{"authorization", "Bearer " + make_token("{}", "secret")}});
  ASSERT_EQ(manage.outcome, AuthDecision::Outcome::kAllowed);
  EXPECT_EQ(manage.access, api::Access::kReadWrite);  // no access claim: full access
}

TEST(AuthTest, JwtPerCollectionClaimsAreExposed) {
  Authenticator auth(keys("secret", std::nullopt, true));
  auto decision =
      decide(auth, {{"api-key", make_token(R"({"access":[{"collection":"books","access":"rw"}],)"
                                           R"("value_exists":{"collection":"users","matches":[]}})",
                                           "secret")}});
  ASSERT_EQ(decision.outcome, AuthDecision::Outcome::kAllowed) << decision.message;
  EXPECT_TRUE(decision.per_collection);
  EXPECT_EQ(decision.jwt_access_json, R"([{"collection":"books","access":"rw"}])");
  EXPECT_EQ(decision.jwt_value_exists_json, R"({"collection":"users","matches":[]})");
}

TEST(AuthTest, JwtFailures) {
  Authenticator auth(keys("secret", std::nullopt, true));
  auto bad_signature = decide(auth, {{"api-key", make_token(R"({"access":"m"})", "other")}});
  EXPECT_EQ(bad_signature.outcome, AuthDecision::Outcome::kForbidden);
  EXPECT_EQ(bad_signature.message, "InvalidSignature");

  auto expired = decide(
      auth, {{"api-key", make_token(R"({"exp":)" + std::to_string(kNow - 31) + "}", "secret")}});
  EXPECT_EQ(expired.outcome, AuthDecision::Outcome::kForbidden);
  EXPECT_EQ(expired.message, "ExpiredSignature");

  auto within_leeway = decide(
      auth, {{"api-key", make_token(R"({"exp":)" + std::to_string(kNow - 29) + "}", "secret")}});
  EXPECT_EQ(within_leeway.outcome, AuthDecision::Outcome::kAllowed);

  auto wrong_algorithm =
      decide(auth, {{"api-key", make_token("{}", "secret", R"({"alg":"HS512"})")}});
  EXPECT_EQ(wrong_algorithm.outcome, AuthDecision::Outcome::kUnauthorized);
  EXPECT_EQ(wrong_algorithm.message, "Invalid API key or JWT");

  auto bad_access = decide(auth, {{"api-key", make_token(R"({"access":"x"})", "secret")}});
  EXPECT_EQ(bad_access.message, "Invalid API key or JWT");

  auto duplicate =
      decide(auth, {{"api-key", make_token(R"({"access":[{"collection":"a","access":"r"},)"
                                           R"({"collection":"a","access":"rw"}]})",
                                           "secret")}});
  EXPECT_EQ(duplicate.outcome, AuthDecision::Outcome::kUnauthorized);
}

TEST(AuthTest, JwtIgnoredWhenRbacIsOff) {
  Authenticator auth(keys("secret", std::nullopt, false));
  auto decision = decide(auth, {{"api-key", make_token(R"({"access":"m"})", "secret")}});
  EXPECT_EQ(decision.outcome, AuthDecision::Outcome::kUnauthorized);
  EXPECT_EQ(decision.message, "Invalid API key or JWT");
}

TEST(JwtTest, Base64UrlRoundTrip) {
  for (std::string text : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00z"}) {
    EXPECT_EQ(base64url_decode(base64url_encode(text)), text);
  }
  EXPECT_FALSE(base64url_decode("ab=="));  // JWTs carry no padding
}

}  // namespace
}  // namespace sextant::server
