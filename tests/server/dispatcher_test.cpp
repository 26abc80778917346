// The request pipeline without sockets: routing, auth order, CORS, limits and failures.
#include "server/dispatcher.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "server/jwt.hpp"

namespace sextant::server {
namespace {

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    add(api::HttpMethod::kGet, "/collections", false);
    add(api::HttpMethod::kGet, "/collections/aliases", false);
    add(api::HttpMethod::kGet, "/collections/{collection_name}", false);
    add(api::HttpMethod::kPut, "/collections/{collection_name}", true);
    add(api::HttpMethod::kPost, "/collections/{collection_name}/snapshots/upload", true);
    router_.add(streamed_upload_route());
    add(api::HttpMethod::kGet, "/healthz", false);
    add(api::HttpMethod::kPut, "/collections/{collection_name}/points", true);
    api::Route scroll;
    scroll.method = api::HttpMethod::kPost;
    scroll.pattern = "/collections/{collection_name}/points/scroll";
    scroll.handler = [this](api::Request& request) {
      scroll_bodies_.emplace_back(request.body);
      api::Response response;
      const std::string& collection = request.path_params.at(0);
      if (collection == "present") {
        response.body = R"({"result":{"points":[{"id":1}],"next_page_offset":null}})";
      } else if (collection == "empty") {
        response.body = R"({"result":{"points":[],"next_page_offset":null}})";
      } else {
        response.status = 404;
        response.body = R"({"status":{"error":"Not found"}})";
      }
      return response;
    };
    router_.add(scroll);
    api::Route failing;
    failing.method = api::HttpMethod::kGet;
    failing.pattern = "/explode";
    failing.handler = [](api::Request&) -> api::Response { throw std::runtime_error("boom"); };
    router_.add(failing);
  }

  // A route that streams its body into a receiver (as snapshot uploads do).
  static api::Route streamed_upload_route() {
    struct DiscardingReceiver : api::BodyReceiver {
      bool receive(std::string_view) override { return true; }
      void finish() override {}
    };
    api::Route route;
    route.method = api::HttpMethod::kPut;
    route.pattern = "/collections/{collection_name}/snapshots/upload";
    route.is_write = true;
    route.handler = [](api::Request&) { return api::Response{}; };
    route.make_body_receiver = [](const api::Request&) -> std::unique_ptr<api::BodyReceiver> {
      return std::make_unique<DiscardingReceiver>();
    };
    return route;
  }

  void add(api::HttpMethod method, std::string pattern, bool is_write) {
    api::Route route;
    route.method = method;
    route.pattern = pattern;
    route.is_write = is_write;
    route.handler = [this, pattern](api::Request& request) {
      last_request_ = request;
      last_body_ = std::string(request.body);
      api::Response response;
      response.body = "handled " + pattern;
      return response;
    };
    router_.add(std::move(route));
  }

  api::Response run(const Dispatcher& dispatcher, RequestHead head, std::string body = "") {
    PreparedRequest prepared = dispatcher.prepare(std::move(head));
    api::Response response = dispatcher.execute(prepared, body);
    dispatcher.finish(prepared, response);
    return response;
  }

  static std::optional<std::string> header(const api::Response& response, std::string name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return std::nullopt;
  }

  static std::string token(const std::string& claims) {
    std::string input = base64url_encode(R"({"alg":"HS256"})") + "." + base64url_encode(claims);
    return input + "." + base64url_encode(hmac_sha256("secret", input));
  }

  std::vector<std::string> scroll_bodies_;
  api::Router router_;
  RequestMetrics metrics_;
  api::Request last_request_;
  std::string last_body_;
};

TEST_F(DispatcherTest, RoutesWithDecodedParamsQueryAndBody) {
  Authenticator open(ServiceConfig{});
  Dispatcher dispatcher(router_, open, metrics_, {});
  auto response =
      run(dispatcher, {"PUT", "/collections/my%20col/?wait=true&x=a%2Bb", {{"x-test", "1"}}},
          R"({"vectors":{}})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "handled /collections/{collection_name}");
  ASSERT_EQ(last_request_.path_params.size(), 1u);
  EXPECT_EQ(last_request_.path_params[0], "my col");
  EXPECT_EQ(last_request_.query.at("wait"), "true");
  EXPECT_EQ(last_request_.query.at("x"), "a+b");
  EXPECT_EQ(last_body_, R"({"vectors":{}})");
  EXPECT_EQ(last_request_.header("x-test"), "1");

  run(dispatcher, {"GET", "/collections/a%2Fb", {}});
  EXPECT_EQ(last_request_.path_params.at(0), "a/b");
  run(dispatcher, {"GET", "/collections/aliases", {}});
  EXPECT_TRUE(last_request_.path_params.empty());  // literal route registered first wins
}

TEST_F(DispatcherTest, UnknownPathAndWrongMethodAreEmpty404) {
  Authenticator open(ServiceConfig{});
  Dispatcher dispatcher(router_, open, metrics_, {});
  for (RequestHead head :
       {RequestHead{"GET", "/nope", {}}, RequestHead{"DELETE", "/collections", {}}}) {
    auto response = run(dispatcher, head);
    EXPECT_EQ(response.status, 404) << head.target;
    EXPECT_EQ(response.body, "");
    EXPECT_EQ(response.content_type, "");
  }
}

TEST_F(DispatcherTest, AuthComesBeforeRoutingAndSparesHealthRoutes) {
  ServiceConfig service;
  service.api_key = "rw";
  service.read_only_api_key = "ro";
  Authenticator auth(service);
  Dispatcher dispatcher(router_, auth, metrics_, {});

  auto unknown = run(dispatcher, {"GET", "/nope", {}});
  EXPECT_EQ(unknown.status, 401);  // Qdrant authenticates before it knows the route
  EXPECT_EQ(unknown.body, "Must provide an API key or an Authorization bearer token");
  EXPECT_EQ(run(dispatcher, {"GET", "/nope", {{"api-key", "rw"}}}).status, 404);
  EXPECT_EQ(run(dispatcher, {"GET", "/healthz", {}}).status, 200);
  EXPECT_EQ(run(dispatcher, {"GET", "/collections", {{"api-key", "bad"}}}).status, 401);

  auto read_only_write = run(dispatcher, {"PUT", "/collections/a", {{"api-key", "ro"}}});
  EXPECT_EQ(read_only_write.status, 403);
  EXPECT_NE(read_only_write.body.find(R"("error":"Forbidden: Global manage access is required")"),
            std::string::npos)
      << read_only_write.body;
  EXPECT_EQ(run(dispatcher, {"GET", "/collections/a", {{"api-key", "ro"}}}).status, 200);
  EXPECT_EQ(last_request_.access, api::Access::kReadOnly);
}

TEST_F(DispatcherTest, CorsPreflightAndResponseHeaders) {
  ServiceConfig service;
  service.api_key = "rw";
  Authenticator auth(service);
  DispatcherOptions cors_on;
  cors_on.enable_cors = true;
  Dispatcher dispatcher(router_, auth, metrics_, cors_on);
  auto preflight = run(dispatcher, {"OPTIONS",
                                    "/collections/a",
                                    {{"origin", "http://ui.local"},
                                     {"access-control-request-method", "PUT"},
                                     {"access-control-request-headers", "api-key,content-type"}}});
  EXPECT_EQ(preflight.status, 200);  // answered before auth: browsers send no key here
  EXPECT_EQ(header(preflight, "access-control-allow-origin"), "http://ui.local");
  EXPECT_EQ(header(preflight, "access-control-allow-headers"), "api-key,content-type");
  EXPECT_NE(header(preflight, "access-control-allow-methods")->find("PUT"), std::string::npos);

  auto actual = run(dispatcher, {"GET", "/collections", {{"origin", "http://ui.local"}}});
  EXPECT_EQ(actual.status, 401);
  EXPECT_EQ(header(actual, "access-control-allow-origin"), "http://ui.local");
  EXPECT_TRUE(header(actual, "vary"));

  // OPTIONS without Access-Control-Request-Method is not a preflight.
  EXPECT_EQ(run(dispatcher, {"OPTIONS", "/collections", {{"api-key", "rw"}}}).status, 404);

  DispatcherOptions cors_off;
  cors_off.enable_cors = false;
  Dispatcher no_cors(router_, auth, metrics_, cors_off);
  auto plain = run(no_cors, {"GET", "/healthz", {{"origin", "http://ui.local"}}});
  EXPECT_FALSE(header(plain, "access-control-allow-origin"));
}

TEST_F(DispatcherTest, BodyLimitAndUploadRoutes) {
  Authenticator open(ServiceConfig{});
  DispatcherOptions small_bodies;
  small_bodies.max_request_size_bytes = 1024;
  Dispatcher dispatcher(router_, open, metrics_, small_bodies);
  auto prepared = dispatcher.prepare({"PUT", "/collections/a", {}});
  EXPECT_EQ(prepared.body_limit_bytes, 1024u);
  auto known = dispatcher.oversized_body(prepared, 4096);
  EXPECT_EQ(known.status, 400);
  EXPECT_NE(
      known.body.find("JSON payload (4096 bytes) is larger than allowed (limit: 1024 bytes)."),
      std::string::npos)
      << known.body;
  EXPECT_NE(dispatcher.oversized_body(prepared, std::nullopt)
                .body.find("JSON payload has exceeded limit (1024 bytes)."),
            std::string::npos);
  // Only a route that streams its body is free of the limit, and gets its receiver.
  auto buffered = dispatcher.prepare({"POST", "/collections/a/snapshots/upload", {}});
  EXPECT_EQ(buffered.body_limit_bytes, 1024u);
  EXPECT_FALSE(buffered.request.received_body);
  auto streamed = dispatcher.prepare({"PUT", "/collections/a/snapshots/upload", {}});
  EXPECT_GT(streamed.body_limit_bytes, uint64_t{1} << 40);
  EXPECT_TRUE(streamed.request.received_body);
  // It lives as long as the handler needs it, no longer.
  dispatcher.execute(streamed, "");
  EXPECT_FALSE(streamed.request.received_body);
}

TEST_F(DispatcherTest, HandlerExceptionBecomes500Envelope) {
  Authenticator open(ServiceConfig{});
  Dispatcher dispatcher(router_, open, metrics_, {});
  auto response = run(dispatcher, {"GET", "/explode", {}});
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find(R"({"status":{"error":"Service internal error: boom"})"),
            std::string::npos)
      << response.body;
  EXPECT_EQ(run(dispatcher, {"GET", "/collections", {}}).status, 200);  // still serving
}

TEST_F(DispatcherTest, MetricsRecordPatternNotConcretePath) {
  Authenticator open(ServiceConfig{});
  Dispatcher dispatcher(router_, open, metrics_, {});
  run(dispatcher, {"GET", "/collections/a", {}});
  run(dispatcher, {"GET", "/collections/b", {}});
  run(dispatcher, {"GET", "/nope", {}});
  auto table = metrics_.snapshot();
  EXPECT_EQ(table.at("GET /collections/{collection_name}").at(200).count, 2u);
  EXPECT_EQ(table.at("GET unknown").at(404).count, 1u);
}

TEST_F(DispatcherTest, JwtScopedToCollections) {
  ServiceConfig service;
  service.api_key = "secret";
  service.jwt_rbac = true;
  Authenticator auth(service);
  Dispatcher dispatcher(router_, auth, metrics_, {});
  auto as = [&](const std::string& claims) -> std::map<std::string, std::string> {
    return {{"authorization", "Bearer " + token(claims)}};
  };
  std::string reader = R"({"access":[{"collection":"books","access":"r"}]})";
  std::string writer = R"({"access":[{"collection":"books","access":"rw"}]})";

  EXPECT_EQ(run(dispatcher, {"GET", "/collections/books", as(reader)}).status, 200);
  auto other = run(dispatcher, {"GET", "/collections/films", as(reader)});
  EXPECT_EQ(other.status, 403);
  EXPECT_NE(other.body.find("Forbidden: Access to collection films is required"),
            std::string::npos);
  auto write = run(dispatcher, {"PUT", "/collections/books/points", as(reader)});
  EXPECT_EQ(write.status, 403);
  EXPECT_NE(write.body.find("Forbidden: Write access to collection books is required"),
            std::string::npos);
  EXPECT_EQ(run(dispatcher, {"PUT", "/collections/books/points", as(writer)}).status, 200);
  auto create = run(dispatcher, {"PUT", "/collections/books", as(writer)});
  EXPECT_EQ(create.status, 403);
  EXPECT_NE(create.body.find("Forbidden: Global access is required"), std::string::npos);
  EXPECT_EQ(last_request_.jwt_access_json, R"([{"collection":"books","access":"rw"}])");
}

TEST_F(DispatcherTest, JwtValueExistsRunsAScrollFirst) {
  ServiceConfig service;
  service.api_key = "secret";
  service.jwt_rbac = true;
  Authenticator auth(service);
  Dispatcher dispatcher(router_, auth, metrics_, {});
  auto claims = [](const std::string& collection) {
    return R"({"access":"r","value_exists":{"collection":")" + collection +
           R"(","matches":[{"key":"city","value":"Berlin"}]}})";
  };
  auto request = [&](const std::string& collection) {
    return run(dispatcher, {"GET", "/collections", {{"api-key", token(claims(collection))}}});
  };
  EXPECT_EQ(request("present").status, 200);
  ASSERT_EQ(scroll_bodies_.size(), 1u);
  EXPECT_NE(scroll_bodies_[0].find(R"({"key":"city","match":{"value":"Berlin"}})"),
            std::string::npos)
      << scroll_bodies_[0];
  auto absent = request("empty");
  EXPECT_EQ(absent.status, 401);
  EXPECT_EQ(absent.body, "Invalid JWT, stateful validation failed");
  EXPECT_EQ(request("missing").status, 403);
}

}  // namespace
}  // namespace sextant::server
