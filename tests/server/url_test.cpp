// Target splitting, percent-decoding and query parsing.
#include "server/url.hpp"

#include <gtest/gtest.h>

namespace sextant::server {
namespace {

TEST(UrlTest, SplitsPathAndQuery) {
  auto target = split_target("/collections/a/points?wait=true&ordering=weak");
  EXPECT_EQ(target.raw_path, "/collections/a/points");
  EXPECT_EQ(target.raw_query, "wait=true&ordering=weak");
  EXPECT_EQ(split_target("/healthz").raw_query, "");
}

TEST(UrlTest, PercentDecoding) {
  EXPECT_EQ(percent_decode("caf%C3%A9%20bar", false), "café bar");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_FALSE(percent_decode("%G1", false));
  EXPECT_FALSE(percent_decode("abc%4", false));
  EXPECT_FALSE(percent_decode("%FF", false));  // not UTF-8
}

TEST(UrlTest, QueryParsing) {
  auto query = parse_query("wait=true&name=x%20y&flag&timeout=5&plus=a+b&empty=");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->at("wait"), "true");
  EXPECT_EQ(query->at("name"), "x y");
  EXPECT_EQ(query->at("flag"), "");
  EXPECT_EQ(query->at("plus"), "a b");
  EXPECT_EQ(query->at("empty"), "");
  EXPECT_EQ(query->size(), 6u);
  EXPECT_TRUE(parse_query("")->empty());
  EXPECT_FALSE(parse_query("a=%zz"));
  EXPECT_EQ(parse_query("a=1&a=2")->at("a"), "2");
}

TEST(UrlTest, PathNormalizationLikeActixTrim) {
  EXPECT_EQ(normalize_path("/collections//a/"), "/collections/a");
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path(""), "/");
  EXPECT_EQ(normalize_path("//"), "/");
}

TEST(UrlTest, EncodedSlashStaysInsideASegment) {
  EXPECT_EQ(decode_path_for_matching("/collections/my%20col/points"), "/collections/my col/points");
  EXPECT_EQ(decode_path_for_matching("/collections/a%2Fb"), "/collections/a%2Fb");
  EXPECT_EQ(decode_path_segment("a%2Fb"), "a/b");
  EXPECT_EQ(decode_path_for_matching("/bad%zzescape"), "/bad%zzescape");
}

}  // namespace
}  // namespace sextant::server
