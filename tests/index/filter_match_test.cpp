// match conditions: value (keyword / integer / bool), any, except, text, phrase, text_any, prefix,
// including type mismatches, arrays, nulls and missing keys.
#include <gtest/gtest.h>

#include "filter_test_support.hpp"

namespace sextant::index::filter {
namespace {

using namespace testing;

TEST(MatchValue, KeywordIsExactAndCaseSensitive) {
  auto c = match_keyword("color", "red");
  EXPECT_TRUE(accepts(c, R"({"color": "red"})"));
  EXPECT_FALSE(accepts(c, R"({"color": "Red"})"));
  EXPECT_FALSE(accepts(c, R"({"color": "reddish"})"));
  EXPECT_FALSE(accepts(c, R"({"colour": "red"})"));
  EXPECT_FALSE(accepts(c, R"({"color": null})"));
  EXPECT_FALSE(accepts(c, R"({"color": {"name": "red"}})"));
}

TEST(MatchValue, ArrayMatchesWhenAnyElementMatches) {
  auto c = match_keyword("color", "red");
  EXPECT_TRUE(accepts(c, R"({"color": ["blue", "red"]})"));
  EXPECT_FALSE(accepts(c, R"({"color": ["blue", "green"]})"));
  EXPECT_FALSE(accepts(c, R"({"color": []})"));
  // Arrays inside arrays are not flattened.
  EXPECT_FALSE(accepts(c, R"({"color": [["red"]]})"));
}

TEST(MatchValue, IntegerMatchesIntegersOnly) {
  auto c = match_value("count", int64_t{0});
  EXPECT_TRUE(accepts(c, R"({"count": 0})"));
  EXPECT_TRUE(accepts(c, R"({"count": [3, 0]})"));
  EXPECT_FALSE(accepts(c, R"({"count": 0.0})"));
  EXPECT_FALSE(accepts(c, R"({"count": "0"})"));
  EXPECT_FALSE(accepts(c, R"({"count": false})"));
  auto big = match_value("n", int64_t{9007199254740993});
  EXPECT_TRUE(accepts(big, R"({"n": 9007199254740993})"));
  EXPECT_FALSE(accepts(big, R"({"n": 9007199254740992})"));
  auto negative = match_value("n", int64_t{-5});
  EXPECT_TRUE(accepts(negative, R"({"n": -5})"));
}

TEST(MatchValue, BoolMatchesBoolsOnly) {
  auto c = match_value("ok", true);
  EXPECT_TRUE(accepts(c, R"({"ok": true})"));
  EXPECT_FALSE(accepts(c, R"({"ok": false})"));
  EXPECT_FALSE(accepts(c, R"({"ok": 1})"));
  EXPECT_FALSE(accepts(c, R"({"ok": "true"})"));
}

TEST(MatchAny, StringAndIntegerLists) {
  auto colors = match_set("color", Match::Kind::kAny, make_string_set({"black", "yellow"}));
  EXPECT_TRUE(accepts(colors, R"({"color": "black"})"));
  EXPECT_TRUE(accepts(colors, R"({"color": ["red", "yellow"]})"));
  EXPECT_FALSE(accepts(colors, R"({"color": "red"})"));
  EXPECT_FALSE(accepts(colors, R"({})"));
  auto numbers = match_set("n", Match::Kind::kAny, make_integer_set({1, 2, 3}));
  EXPECT_TRUE(accepts(numbers, R"({"n": 2})"));
  EXPECT_FALSE(accepts(numbers, R"({"n": 4})"));
  EXPECT_FALSE(accepts(numbers, R"({"n": "2"})"));
  auto empty = match_set("color", Match::Kind::kAny, make_string_set({}));
  EXPECT_FALSE(accepts(empty, R"({"color": "red"})"));
}

TEST(MatchAny, LargeListsStillExact) {
  std::vector<std::string> many;
  for (int i = 0; i < 1000; ++i) {
    std::string value = std::to_string(i);
    value.insert(value.begin(), 'v');
    many.push_back(value);
  }
  auto c = match_set("k", Match::Kind::kAny, make_string_set(many));
  EXPECT_TRUE(accepts(c, R"({"k": "v999"})"));
  EXPECT_TRUE(accepts(c, R"({"k": "v0"})"));
  EXPECT_FALSE(accepts(c, R"({"k": "v1000"})"));
}

TEST(MatchExcept, DocumentedSemantics) {
  auto c = match_set("color", Match::Kind::kExcept, make_string_set({"black", "yellow"}));
  EXPECT_TRUE(accepts(c, R"({"color": "red"})"));
  EXPECT_FALSE(accepts(c, R"({"color": "black"})"));
  // An array passes when at least one element is not excluded.
  EXPECT_TRUE(accepts(c, R"({"color": ["black", "red"]})"));
  EXPECT_FALSE(accepts(c, R"({"color": ["black", "yellow"]})"));
  // Missing keys and nulls do not pass; values of another type do.
  EXPECT_FALSE(accepts(c, R"({})"));
  EXPECT_FALSE(accepts(c, R"({"color": null})"));
  EXPECT_TRUE(accepts(c, R"({"color": 5})"));
  EXPECT_TRUE(accepts(c, R"({"color": true})"));
  EXPECT_TRUE(accepts(c, R"({"color": {"a": 1}})"));
}

TEST(MatchExcept, IntegersAndEmptyList) {
  auto c = match_set("n", Match::Kind::kExcept, make_integer_set({1, 2}));
  EXPECT_FALSE(accepts(c, R"({"n": 1})"));
  EXPECT_TRUE(accepts(c, R"({"n": 3})"));
  EXPECT_TRUE(accepts(c, R"({"n": 1.5})"));
  EXPECT_TRUE(accepts(c, R"({"n": "1"})"));
  auto none = match_set("n", Match::Kind::kExcept, make_string_set({}));
  EXPECT_TRUE(accepts(none, R"({"n": 1})"));
  EXPECT_TRUE(accepts(none, R"({"n": "x"})"));
}

TEST(MatchText, WithoutIndexIsCaseSensitiveSubstring) {
  auto c = match_text("description", Match::Kind::kText, "good cheap");
  EXPECT_TRUE(accepts(c, R"({"description": "a good cheap phone"})"));
  EXPECT_FALSE(accepts(c, R"({"description": "cheap and good"})"));
  EXPECT_FALSE(accepts(c, R"({"description": "Good Cheap"})"));
  EXPECT_TRUE(accepts(c, R"({"description": ["x", "very good cheaply"]})"));
  EXPECT_FALSE(accepts(c, R"({"description": 5})"));
  auto phrase = match_text("d", Match::Kind::kPhrase, "quick brown");
  EXPECT_TRUE(accepts(phrase, R"({"d": "the quick brown fox"})"));
  EXPECT_FALSE(accepts(phrase, R"({"d": "brown quick"})"));
}

TEST(MatchTextAny, AnyWhitespaceTokenIsSubstring) {
  auto c = match_text("d", Match::Kind::kTextAny, "  cheap   fast ");
  EXPECT_TRUE(accepts(c, R"({"d": "a fast car"})"));
  EXPECT_TRUE(accepts(c, R"({"d": "cheapest"})"));
  EXPECT_FALSE(accepts(c, R"({"d": "slow and pricey"})"));
  auto blank = match_text("d", Match::Kind::kTextAny, "   ");
  EXPECT_FALSE(accepts(blank, R"({"d": "anything"})"));
}

TEST(MatchPrefix, ByteWiseCaseSensitiveStartsWith) {
  auto c = match_text("sku", Match::Kind::kPrefix, "AB-");
  EXPECT_TRUE(accepts(c, R"({"sku": "AB-123"})"));
  EXPECT_TRUE(accepts(c, R"({"sku": "AB-"})"));
  EXPECT_FALSE(accepts(c, R"({"sku": "ab-123"})"));
  EXPECT_FALSE(accepts(c, R"({"sku": "XAB-1"})"));
  EXPECT_TRUE(accepts(c, R"({"sku": ["Z", "AB-9"]})"));
  EXPECT_FALSE(accepts(c, R"({"sku": 12})"));
}

}  // namespace
}  // namespace sextant::index::filter
