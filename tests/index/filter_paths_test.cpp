// Key paths with dots and array projection, and nested conditions that bind to one array
// element, following the examples of Qdrant's filtering documentation.
#include <gtest/gtest.h>

#include "filter_test_support.hpp"

namespace sextant::index::filter {
namespace {

using namespace testing;
using Ids = std::vector<uint64_t>;

TEST(JsonPathParse, AcceptsQdrantSyntax) {
  auto p = JsonPath::parse(R"(foo[1][50].bar-baz[]."qux[.]quux")");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first_key, "foo");
  ASSERT_EQ(p->rest.size(), 5u);
  EXPECT_EQ(p->rest[0].kind, payload::JsonPathItem::Kind::kIndex);
  EXPECT_EQ(p->rest[1].index, 50u);
  EXPECT_EQ(p->rest[2].key, "bar-baz");
  EXPECT_EQ(p->rest[3].kind, payload::JsonPathItem::Kind::kWildcard);
  EXPECT_EQ(p->rest[4].key, "qux[.]quux");
  EXPECT_EQ(p->to_string(), R"(foo[1][50].bar-baz[]."qux[.]quux")");
}

TEST(JsonPathParse, RejectsMalformedPaths) {
  for (const char* bad :
       {"", ".a", "a.", "a..b", "a[", "a[x]", "a]", "a b", "\"a", "[0]", "a.[]"}) {
    EXPECT_FALSE(JsonPath::parse(bad)) << bad;
  }
  EXPECT_TRUE(JsonPath::parse("ключ.städte[]"));
}

TEST(JsonPathParse, ArrayKeyAndPrefixes) {
  EXPECT_EQ(path("a.b").array_key().to_string(), "a.b[]");
  EXPECT_EQ(path("a.b[]").array_key().to_string(), "a.b[]");
  EXPECT_EQ(path("a[].b.c").strip_prefix(path("a[]"))->to_string(), "b.c");
  EXPECT_FALSE(path("a[].b").strip_prefix(path("a")));
  EXPECT_EQ(path("a[]").extend(path("b.c")).to_string(), "a[].b.c");
  EXPECT_TRUE(path("a[0].b").compatible(path("a[].b.c")));
  EXPECT_FALSE(path("a.b").compatible(path("a[]")));
}

class CountriesDataset : public ::testing::Test {
 protected:
  void SetUp() override {
    points.add(1, R"({"country": {"name": "Germany", "cities": [
        {"name": "Berlin", "population": 3.7, "sightseeing": ["Brandenburg Gate", "Reichstag"]},
        {"name": "Munich", "population": 1.5, "sightseeing": ["Marienplatz", "Olympiapark"]}]}})");
    points.add(2, R"({"country": {"name": "Japan", "cities": [
        {"name": "Tokyo", "population": 9.3, "sightseeing": ["Tokyo Tower", "Tokyo Skytree"]},
        {"name": "Osaka", "population": 2.7, "sightseeing": ["Osaka Castle"]}]}})");
    points.add(3, R"({"country": {"name": "Japan", "cities": [
        {"name": "Kyoto", "population": 1.5, "sightseeing": ["Kiyomizu-dera"]}]}})");
  }
  Points points;
};

TEST_F(CountriesDataset, DotsReachNestedObjects) {
  EXPECT_EQ(points.matching(must({match_keyword("country.name", "Japan")})), (Ids{2, 3}));
}

TEST_F(CountriesDataset, ArrayProjectionReachesEveryElement) {
  RangeBounds<double> at_least_nine;
  at_least_nine.gte = 9.0;
  EXPECT_EQ(points.matching(must({number_range("country.cities[].population", at_least_nine)})),
            (Ids{2}));
  EXPECT_EQ(points.matching(must({match_keyword("country.cities[].sightseeing", "Osaka Castle")})),
            (Ids{2}));
}

TEST_F(CountriesDataset, KeyWithoutProjectionDoesNotEnterArrays) {
  EXPECT_EQ(points.matching(must({match_keyword("country.cities.name", "Tokyo")})), (Ids{}));
  EXPECT_EQ(points.matching(must({match_keyword("country.cities[].name", "Tokyo")})), (Ids{2}));
}

TEST_F(CountriesDataset, IndexSelectsOneElement) {
  EXPECT_EQ(points.matching(must({match_keyword("country.cities[0].name", "Osaka")})), (Ids{}));
  EXPECT_EQ(points.matching(must({match_keyword("country.cities[1].name", "Osaka")})), (Ids{2}));
  EXPECT_EQ(points.matching(must({match_keyword("country.cities[5].name", "Osaka")})), (Ids{}));
}

TEST_F(CountriesDataset, ValuesCountCountsArrayElements) {
  FieldCondition more_than_one = field("country.cities");
  more_than_one.values_count = ValuesCount{};
  more_than_one.values_count->gt = 1;
  EXPECT_EQ(points.matching(must({more_than_one})), (Ids{1, 2}));
}

class DinosaurDiet : public ::testing::Test {
 protected:
  void SetUp() override {
    points.add(1, R"({"dinosaur": "t-rex", "diet": [
        {"food": "leaves", "likes": false}, {"food": "meat", "likes": true}]})");
    points.add(2, R"({"dinosaur": "diplodocus", "diet": [
        {"food": "leaves", "likes": true}, {"food": "meat", "likes": false}]})");
  }
  Points points;
};

TEST_F(DinosaurDiet, ProjectionsMatchAcrossElements) {
  Filter f = must({match_keyword("diet[].food", "meat"), match_value("diet[].likes", true)});
  EXPECT_EQ(points.matching(f), (Ids{1, 2}));
}

TEST_F(DinosaurDiet, NestedBindsConditionsToOneElement) {
  Filter inner = must({match_keyword("food", "meat"), match_value("likes", true)});
  EXPECT_EQ(points.matching(must({make_nested(path("diet"), inner)})), (Ids{1}));
  // The key may already end in [].
  EXPECT_EQ(points.matching(must({make_nested(path("diet[]"), inner)})), (Ids{1}));
}

TEST_F(DinosaurDiet, NestedMustNotAppliesPerElement) {
  // Some element is not a liked meat: both dinosaurs have one.
  Filter inner = must_not(
      {make_filter_condition(must({match_keyword("food", "meat"), match_value("likes", true)}))});
  EXPECT_EQ(points.matching(must({make_nested(path("diet"), inner)})), (Ids{1, 2}));
  // No element likes meat: excluded via must_not of a nested condition.
  Filter liked_meat = must({match_keyword("food", "meat"), match_value("likes", true)});
  EXPECT_EQ(points.matching(must_not({make_nested(path("diet"), liked_meat)})), (Ids{2}));
}

TEST(Nested, SkipsNonObjectElementsAndMissingArrays) {
  Filter inner = must({match_value("x", int64_t{1})});
  auto c = make_nested(path("items"), inner);
  EXPECT_TRUE(accepts(c, R"({"items": [1, "a", {"x": 1}]})"));
  EXPECT_FALSE(accepts(c, R"({"items": [1, {"x": 2}]})"));
  EXPECT_FALSE(accepts(c, R"({"items": {"x": 1}})"));
  EXPECT_FALSE(accepts(c, R"({})"));
}

TEST(Nested, NestsInsideNested) {
  Filter leaf = must({match_keyword("name", "b")});
  Filter middle = must({make_nested(path("children"), leaf), match_value("id", int64_t{2})});
  auto c = make_nested(path("groups"), middle);
  EXPECT_TRUE(accepts(c, R"({"groups": [{"id": 1, "children": [{"name": "b"}]},
                                       {"id": 2, "children": [{"name": "a"}, {"name": "b"}]}]})"));
  EXPECT_FALSE(accepts(c, R"({"groups": [{"id": 1, "children": [{"name": "b"}]},
                                        {"id": 2, "children": [{"name": "a"}]}]})"));
}

TEST(Nested, IdConditionsNeverMatchInsideNested) {
  Points points;
  points.add(0, R"({"items": [{"x": 1}]})");
  Filter by_id = must({make_has_id({PointId::from_number(0)})});
  EXPECT_EQ(points.matching(by_id), (Ids{0}));
  EXPECT_EQ(points.matching(must({make_nested(path("items"), by_id)})), (Ids{}));
  EXPECT_EQ(points.matching(must({make_nested(path("items"), must({SliceCondition{1, 0}}))})),
            (Ids{}));
}

TEST(Nested, IsEmptyInsideNestedSeesTheElement) {
  Filter inner = must({IsEmptyCondition{path("tags")}});
  auto c = make_nested(path("items"), inner);
  EXPECT_TRUE(accepts(c, R"({"items": [{"tags": ["a"]}, {"tags": []}]})"));
  EXPECT_FALSE(accepts(c, R"({"items": [{"tags": ["a"]}]})"));
}

}  // namespace
}  // namespace sextant::index::filter
