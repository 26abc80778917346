// split_plain_vector_body: reads exactly the bodies the DOM path reads alike, nothing else.
#include "api/parse/plain_vector_body.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

namespace sextant::api {
namespace {

TEST(PlainVectorBody, SplitsTheVectorFromTheOtherFields) {
  auto split = split_plain_vector_body(
      R"({"query": [0.5, -1, 2e-3, 3], "limit": 5, "params": {"hnsw_ef": 64}, "with_payload": true})",
      "query");
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->vector, (std::vector<float>{0.5f, -1.0f, 2e-3f, 3.0f}));
  EXPECT_EQ(boost::json::serialize(split->fields),
            R"({"limit":5,"params":{"hnsw_ef":64},"with_payload":true})");
}

TEST(PlainVectorBody, RoundsEachNumberAsTheDomPathDoes) {
  // Python writes a float32 as up to 17 significant digits, after any number of leading zeros.
  for (std::string text :
       {"0.10000000000000001", "-1.2345678901234567e-10", "3.4028234e38", "1e-45",
        "1234567890123456789", "-0.00032243750989437103", "0.000000012345678901234567", "0.0"}) {
    auto split = split_plain_vector_body("{\"query\":[" + text + "]}", "query");
    ASSERT_TRUE(split.has_value()) << text;
    EXPECT_EQ(split->vector[0], static_cast<float>(std::stod(text))) << text;
  }
}

TEST(PlainVectorBody, ReadsNumbersFollowedByWhitespace) {
  auto split = split_plain_vector_body("{\"query\": [ 1 ,\n\t-2.5e1\r\n , 0 ] }", "query");
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->vector, (std::vector<float>{1.0f, -25.0f, 0.0f}));
}

TEST(PlainVectorBody, LeavesTokensOutsideJsonsNumberGrammarToTheDomPath) {
  for (const char* token : {"01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "1.e3", "Infinity",
                            "-Infinity", "NaN", "0x10", "1_0", "--1", "1ee2", "tru"}) {
    EXPECT_FALSE(split_plain_vector_body(std::string("{\"query\":[0.5,") + token + "]}", "query")
                     .has_value())
        << token;
  }
}

TEST(PlainVectorBody, LeavesMantissasBeyondNineteenDigitsToTheDomPath) {
  EXPECT_FALSE(
      split_plain_vector_body(R"({"query":[0.1000000000000000055511151231257827]})", "query")
          .has_value());
}

TEST(PlainVectorBody, ReadsALegacySearchBodysVector) {
  auto split = split_plain_vector_body(
      R"({"vector": [-0.0032243750989437103, 0.25], "limit": 10, "with_payload": false})",
      "vector");
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->vector, (std::vector<float>{-0.0032243750989437103f, 0.25f}));
  EXPECT_EQ(boost::json::serialize(split->fields), R"({"limit":10,"with_payload":false})");
}

TEST(PlainVectorBody, LeavesEveryOtherShapeToTheDomPath) {
  const char* bodies[] = {
      R"({"limit": 5})",                               // no vector
      R"({"query": []})",                              // empty vector
      R"({"query": [1, "2"]})",                        // not a number
      R"({"query": [[1, 2], [3, 4]]})",                // multivector
      R"({"query": {"nearest": [1, 2]}})",             // a query object
      R"({"query": 7})",                               // a point id
      R"({"query": [1e39]})",                          // beyond f32
      R"({"query": [1, 2], "query": [3, 4]})",         // duplicate vector
      R"({"query": [1, 2], "limit": 1, "limit": 2})",  // duplicate field
      R"({"query": [1, 2]} trailing)",                 // content after the object
      R"({"query": [1, 2], "limit": })",               // malformed field
      R"([1, 2])",                                     // not an object
      "",                                              // empty body
  };
  for (const char* body : bodies)
    EXPECT_FALSE(split_plain_vector_body(body, "query").has_value()) << body;
}

}  // namespace
}  // namespace sextant::api
