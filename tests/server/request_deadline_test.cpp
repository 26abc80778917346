// The `timeout` query parameter: which routes take it, how it is parsed, what it answers.
#include "server/request_deadline.hpp"

#include <gtest/gtest.h>

namespace sextant::server {
namespace {

using Clock = std::chrono::steady_clock;
using Outcome = std::variant<std::optional<RequestDeadline>, api::Response>;

Outcome deadline_for(const std::string& pattern, const std::string& timeout,
                     api::HttpMethod method = api::HttpMethod::kPost) {
  return request_deadline(pattern, method, {{"timeout", timeout}}, Clock::now());
}

TEST(RequestDeadlineTest, ReadRoutesGetQdrantsOperationNames) {
  auto started = Clock::now();
  auto outcome = request_deadline("/collections/{collection_name}/points/query",
                                  api::HttpMethod::kPost, {{"timeout", "3"}}, started);
  auto deadline = std::get<std::optional<RequestDeadline>>(outcome);
  ASSERT_TRUE(deadline.has_value());
  EXPECT_EQ(deadline->at, started + std::chrono::seconds(3));
  EXPECT_FALSE(deadline->is_update);
  api::Response response = timeout_response(*deadline, started);
  EXPECT_EQ(response.status, 408);
  EXPECT_NE(response.body.find("\"Timeout: Timeout error: Operation 'Search' timed out after 3s\""),
            std::string::npos)
      << response.body;

  auto count = std::get<std::optional<RequestDeadline>>(
      deadline_for("/collections/{collection_name}/points/count", "1"));
  EXPECT_EQ(count->operation, "count");
  auto retrieve = std::get<std::optional<RequestDeadline>>(
      deadline_for("/collections/{collection_name}/points", "1", api::HttpMethod::kPost));
  EXPECT_EQ(retrieve->operation, "retrieve");
  EXPECT_FALSE(retrieve->is_update);
}

TEST(RequestDeadlineTest, UpdatesEndTheWaitWithWaitTimeout) {
  const std::string upsert = "/collections/{collection_name}/points";
  auto started = Clock::now();
  auto outcome = request_deadline(upsert, api::HttpMethod::kPut,
                                  {{"timeout", "0"}, {"wait", "true"}}, started);
  auto deadline = std::get<std::optional<RequestDeadline>>(outcome);
  ASSERT_TRUE(deadline.has_value());
  EXPECT_EQ(deadline->at, started);
  // Without wait=true there is no wait to bound.
  auto no_wait =
      std::get<std::optional<RequestDeadline>>(deadline_for(upsert, "2", api::HttpMethod::kPut));
  EXPECT_FALSE(no_wait.has_value());
  EXPECT_TRUE(deadline->is_update);
  api::Response response = timeout_response(*deadline, Clock::now());
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("\"status\":\"wait_timeout\""), std::string::npos);
  EXPECT_NE(response.body.find("\"operation_id\":null"), std::string::npos);
}

TEST(RequestDeadlineTest, MalformedValuesAnswer400) {
  auto zero = deadline_for("/collections/{collection_name}/points/search", "0");
  ASSERT_TRUE(std::holds_alternative<api::Response>(zero));
  EXPECT_EQ(std::get<api::Response>(zero).status, 400);
  for (const char* bad : {"", "abc", "-1", "1.5"}) {
    auto outcome = deadline_for("/collections/{collection_name}/points/search", bad);
    ASSERT_TRUE(std::holds_alternative<api::Response>(outcome)) << bad;
    EXPECT_NE(std::get<api::Response>(outcome).body.find("Deserialize error in query parameters"),
              std::string::npos);
  }
}

TEST(RequestDeadlineTest, OtherRoutesIgnoreTheParameter) {
  for (const char* pattern : {"/collections", "/collections/{collection_name}/snapshots",
                              "/collections/{collection_name}/points/{id}"}) {
    auto outcome = deadline_for(pattern, "abc", api::HttpMethod::kGet);
    ASSERT_TRUE(std::holds_alternative<std::optional<RequestDeadline>>(outcome)) << pattern;
    EXPECT_FALSE(std::get<std::optional<RequestDeadline>>(outcome).has_value());
  }
  auto absent = request_deadline("/collections/{collection_name}/points/query",
                                 api::HttpMethod::kPost, {}, Clock::now());
  EXPECT_FALSE(std::get<std::optional<RequestDeadline>>(absent).has_value());
}

}  // namespace
}  // namespace sextant::server
