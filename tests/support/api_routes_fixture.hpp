// A test fixture that opens an Api on a temporary storage and calls its routes through the
// router, without sockets, plus the collection most route tests share: "c", 4-dimensional Cosine
// vectors, a keyword index on `city`, 40 points alternating Berlin/Paris. Used by the snapshot
// route tests (tests/api) and the start-up restore tests (tests/server).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "api/api.hpp"
#include "api/router.hpp"

namespace sextant::test_support {

namespace fs = std::filesystem;
namespace json = boost::json;
using api::Api;
using api::ApiConfig;
using api::HttpMethod;
using api::Request;
using api::Response;
using api::Router;

class ApiRoutesFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("sextant-routes-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    config_.storage_path = (root_ / "storage").string();
    config_.snapshots_path = (root_ / "snapshots").string();
    config_.worker_threads = 1;
    std::string error;
    api_ = Api::open(config_, &error);
    ASSERT_TRUE(api_) << error;
    api_->register_routes(router_);
  }
  void TearDown() override {
    if (api_) api_->shutdown();
    api_.reset();
    fs::remove_all(root_);
  }

  Response call(HttpMethod method, const std::string& path, const std::string& body = "",
                std::map<std::string, std::string> query = {}) {
    auto match = router_.match(method, path);
    EXPECT_NE(match.route, nullptr) << path;
    if (!match.route) {
      Response missing;
      missing.status = 404;
      return missing;
    }
    Request request;
    request.method = method;
    request.path = path;
    request.path_params = match.path_params;
    request.query = std::move(query);
    request.body = body;
    return match.route->handler(request);
  }
  json::value result_of(const Response& response) {
    EXPECT_EQ(response.status, 200) << response.body;
    auto parsed = json::parse(response.body);
    return parsed.as_object()["result"];
  }

  void make_collection() {
    ASSERT_EQ(call(HttpMethod::kPut, "/collections/c",
                   R"({"vectors": {"size": 4, "distance": "Cosine"}})")
                  .status,
              200);
    ASSERT_EQ(call(HttpMethod::kPut, "/collections/c/index",
                   R"({"field_name": "city", "field_schema": "keyword"})", {{"wait", "true"}})
                  .status,
              200);
    std::string points = R"({"points": [)";
    for (int i = 1; i <= 40; ++i) {
      if (i > 1) points += ",";
      points += "{\"id\": " + std::to_string(i) + ", \"vector\": [" + std::to_string(i % 7) + ", " +
                std::to_string(i % 5) + ", 1, " + std::to_string(i % 3) +
                "], \"payload\": {\"city\": \"" + (i % 2 ? "Berlin" : "Paris") + "\"}}";
    }
    points += "]}";
    ASSERT_EQ(call(HttpMethod::kPut, "/collections/c/points", points, {{"wait", "true"}}).status,
              200);
  }
  json::value search() {
    return result_of(call(HttpMethod::kPost, "/collections/c/points/search",
                          R"({"vector": [1, 2, 1, 0], "limit": 10, "with_payload": true,
                              "with_vector": true,
                              "filter": {"must": [{"key": "city", "match": {"value": "Paris"}}]}})"));
  }
  json::value collection_info() {
    auto info = result_of(call(HttpMethod::kGet, "/collections/c"));
    return json::object{{"points_count", info.at("points_count")},
                        {"config", info.at("config")},
                        {"payload_schema", info.at("payload_schema")}};
  }
  std::string create_snapshot() {
    auto created = result_of(call(HttpMethod::kPost, "/collections/c/snapshots"));
    return std::string(created.at("name").as_string());
  }
  std::string snapshot_path(const std::string& name) {
    return (root_ / "snapshots" / "c" / name).string();
  }
  static std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path root_;
  ApiConfig config_;
  std::unique_ptr<Api> api_;
  Router router_;
};

}  // namespace sextant::test_support
