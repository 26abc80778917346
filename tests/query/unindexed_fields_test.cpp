// The unindexed-field analysis behind the UNINDEXED_FIELD issue: which fields a filter reads
// without a fitting payload index, and which index schemas would serve each.
#include "query/unindexed_fields.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

namespace sextant::query {
namespace {

using namespace index::filter;
namespace json = boost::json;

FieldCondition field(const std::string& key) {
  FieldCondition condition;
  condition.key = *JsonPath::parse(key);
  return condition;
}

FieldCondition match_value(const std::string& key, MatchValue value) {
  FieldCondition condition = field(key);
  Match match;
  match.value = std::move(value);
  condition.match = match;
  return condition;
}

FieldCondition number_range(const std::string& key) {
  FieldCondition condition = field(key);
  RangeCondition range;
  range.numbers.gt = 1.0;
  condition.range = range;
  return condition;
}

Filter must(std::vector<Condition> conditions) {
  Filter filter;
  filter.must = std::move(conditions);
  return filter;
}

TEST(UnindexedFieldsTest, KeywordMatchAndRangeNeedTheirIndexes) {
  auto fields = unindexed_fields(
      must({match_value("city", std::string("Berlin")), number_range("n")}), json::object());
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].key, "city");
  EXPECT_EQ(fields[0].schemas, std::vector<json::value>{"keyword"});
  EXPECT_EQ(fields[1].key, "n");
  EXPECT_EQ(fields[1].schemas, (std::vector<json::value>{"integer", "float"}));
}

TEST(UnindexedFieldsTest, UuidStringsAlsoSuggestAUuidIndex) {
  auto fields = unindexed_fields(
      must({match_value("ref", std::string("123e4567-e89b-12d3-a456-426614174000"))}),
      json::object());
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].schemas, (std::vector<json::value>{"keyword", "uuid"}));
}

TEST(UnindexedFieldsTest, AFittingIndexSilencesTheField) {
  json::object schema{{"city", json::object{{"type", "keyword"}}},
                      {"n", json::object{{"type", "float"}}}};
  auto fields = unindexed_fields(
      must({match_value("city", std::string("Berlin")), number_range("n")}), schema);
  EXPECT_TRUE(fields.empty());
}

TEST(UnindexedFieldsTest, AnIndexOfTheWrongKindDoesNot) {
  json::object schema{{"n", json::object{{"type", "keyword"}}},
                      {"count", json::object{{"type", "integer"}, {"lookup", false}}}};
  auto fields =
      unindexed_fields(must({number_range("n"), match_value("count", int64_t{3})}), schema);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].key, "count");
  EXPECT_EQ(fields[1].schemas, std::vector<json::value>{"integer"});
}

TEST(UnindexedFieldsTest, NestedConditionsReportTheArrayPath) {
  Condition nested =
      make_nested(*JsonPath::parse("items"), must({match_value("kind", std::string("book"))}));
  auto fields = unindexed_fields(must({nested}), json::object());
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].key, "items[].kind");
}

TEST(UnindexedFieldsTest, IdConditionsAndEmptyAnyListsNeedNoIndex) {
  FieldCondition empty_any = field("tags");
  Match any;
  any.kind = Match::Kind::kAny;
  empty_any.match = any;
  auto fields = unindexed_fields(must({make_has_id({}), empty_any}), json::object());
  EXPECT_TRUE(fields.empty());
}

TEST(UnindexedFieldsTest, IsEmptyAcceptsAnyIndex) {
  Filter filter;
  filter.should = std::vector<Condition>{IsEmptyCondition{*JsonPath::parse("note")}};
  auto fields = unindexed_fields(filter, json::object());
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_GT(fields[0].schemas.size(), 5u);
  auto served = unindexed_fields(filter, json::object{{"note", json::object{{"type", "bool"}}}});
  EXPECT_TRUE(served.empty());
}

FieldCondition match_any(const std::string& key, std::vector<std::string> strings) {
  FieldCondition condition = field(key);
  Match any;
  any.kind = Match::Kind::kAny;
  any.set.strings = std::move(strings);
  std::sort(any.set.strings.begin(), any.set.strings.end());
  condition.match = any;
  return condition;
}

TEST(UnindexedFieldsTest, AnyListSuggestsUuidOnlyWhenEveryStringIsAUuid) {
  const std::string uuid = "123e4567-e89b-12d3-a456-426614174000";
  auto all_uuids = unindexed_fields(must({match_any("ref", {uuid})}), json::object());
  ASSERT_EQ(all_uuids.size(), 1u);
  EXPECT_EQ(all_uuids[0].schemas, (std::vector<json::value>{"keyword", "uuid"}));
  auto mixed = unindexed_fields(must({match_any("ref", {uuid, "plain"})}), json::object());
  ASSERT_EQ(mixed.size(), 1u);
  EXPECT_EQ(mixed[0].schemas, std::vector<json::value>{"keyword"});
  // A uuid index does not serve a list that is not all UUIDs; a keyword index does.
  EXPECT_EQ(
      unindexed_fields(must({match_any("ref", {uuid, "plain"})}), json::object{{"ref", "uuid"}})
          .size(),
      1u);
  EXPECT_TRUE(
      unindexed_fields(must({match_any("ref", {uuid})}), json::object{{"ref", "uuid"}}).empty());
}

TEST(UnindexedFieldsTest, FirstUnindexedFieldFollowsMustThenMustNotThenShould) {
  Filter filter;
  filter.should = std::vector<Condition>{match_value("a", std::string("x"))};
  filter.must_not = std::vector<Condition>{number_range("b")};
  auto first = first_unindexed_field(filter, json::object());
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->key, "b");
  EXPECT_EQ(first->capabilities, (std::vector<IndexCapability>{IndexCapability::kIntRange,
                                                               IndexCapability::kFloatRange}));
  EXPECT_FALSE(first_unindexed_field(filter, json::object{{"a", "keyword"}, {"b", "float"}}));
}

}  // namespace
}  // namespace sextant::query
