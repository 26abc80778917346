// is_empty, is_null, values_count, field-level is_empty/is_null, has_id, has_vector and slice.
#include <gtest/gtest.h>

#include "filter_test_support.hpp"
#include "index/filter/slice_hash.hpp"

namespace sextant::index::filter {
namespace {

using namespace testing;

TEST(IsEmpty, MissingNullAndEmptyArrayAreEmpty) {
  Condition c = IsEmptyCondition{path("reports")};
  EXPECT_TRUE(accepts(c, R"({})"));
  EXPECT_TRUE(accepts(c, R"({"reports": null})"));
  EXPECT_TRUE(accepts(c, R"({"reports": []})"));
  EXPECT_FALSE(accepts(c, R"({"reports": [null]})"));
  EXPECT_FALSE(accepts(c, R"({"reports": ["a"]})"));
  EXPECT_FALSE(accepts(c, R"({"reports": 0})"));
  EXPECT_FALSE(accepts(c, R"({"reports": ""})"));
  EXPECT_FALSE(accepts(c, R"({"reports": {}})"));
}

TEST(IsEmpty, ProjectionIsEmptyOnlyWhenEveryValueIs) {
  Condition c = IsEmptyCondition{path("a[].b")};
  EXPECT_TRUE(accepts(c, R"({"a": [{"b": []}, {"b": null}, {}]})"));
  EXPECT_FALSE(accepts(c, R"({"a": [{"b": []}, {"b": 1}]})"));
}

TEST(IsNull, OnlyExplicitNull) {
  Condition c = IsNullCondition{path("reports")};
  EXPECT_TRUE(accepts(c, R"({"reports": null})"));
  EXPECT_FALSE(accepts(c, R"({})"));
  EXPECT_FALSE(accepts(c, R"({"reports": []})"));
  EXPECT_FALSE(accepts(c, R"({"reports": [null]})"));
  Condition projected = IsNullCondition{path("a[].b")};
  EXPECT_TRUE(accepts(projected, R"({"a": [{"b": 1}, {"b": null}]})"));
  EXPECT_FALSE(accepts(projected, R"({"a": [{"b": 1}, {}]})"));
}

TEST(ValuesCount, CountsValuesAndTreatsMissingAsZero) {
  FieldCondition c = field("comments");
  c.values_count = ValuesCount{};
  c.values_count->gt = 2;
  EXPECT_TRUE(accepts(c, R"({"comments": ["a", "b", "c"]})"));
  EXPECT_FALSE(accepts(c, R"({"comments": ["a", "b"]})"));
  EXPECT_FALSE(accepts(c, R"({"comments": "a"})"));
  FieldCondition at_most_one = field("comments");
  at_most_one.values_count = ValuesCount{};
  at_most_one.values_count->lte = 1;
  EXPECT_TRUE(accepts(at_most_one, R"({})"));
  EXPECT_TRUE(accepts(at_most_one, R"({"comments": null})"));
  EXPECT_TRUE(accepts(at_most_one, R"({"comments": {"x": [1, 2]}})"));
  EXPECT_FALSE(accepts(at_most_one, R"({"comments": [1, 2]})"));
}

TEST(FieldLevelChecks, IsEmptyAndIsNullFlags) {
  FieldCondition empty = field("x");
  empty.is_empty = true;
  EXPECT_TRUE(accepts(empty, R"({})"));
  EXPECT_TRUE(accepts(empty, R"({"x": []})"));
  EXPECT_FALSE(accepts(empty, R"({"x": [1]})"));
  FieldCondition not_empty = field("x");
  not_empty.is_empty = false;
  EXPECT_FALSE(accepts(not_empty, R"({})"));
  EXPECT_TRUE(accepts(not_empty, R"({"x": 1})"));
  FieldCondition not_null = field("x");
  not_null.is_null = false;
  EXPECT_TRUE(accepts(not_null, R"({})"));
  EXPECT_FALSE(accepts(not_null, R"({"x": null})"));
  EXPECT_FALSE(accepts(not_null, R"({"x": [1, null]})"));
}

TEST(FieldCondition, SeveralChecksAreAlternatives) {
  FieldCondition c = match_keyword("v", "a");
  RangeCondition r;
  r.numbers.gt = 10;
  c.range = r;
  EXPECT_TRUE(accepts(c, R"({"v": "a"})"));
  EXPECT_TRUE(accepts(c, R"({"v": 11})"));
  EXPECT_FALSE(accepts(c, R"({"v": 5})"));
}

TEST(HasId, NumericAndUuidIds) {
  Points points;
  for (uint64_t id = 1; id <= 6; ++id) points.add(id, "{}");
  Filter f = must({make_has_id({PointId::from_number(1), PointId::from_number(3),
                                PointId::from_number(5), PointId::from_number(7)})});
  EXPECT_EQ(points.matching(f), (std::vector<uint64_t>{1, 3, 5}));
  auto uuid = *PointId::parse_uuid("550e8400-e29b-41d4-a716-446655440000");
  HasIdCondition by_uuid = make_has_id({uuid});
  boost::json::object payload;
  PointView view{uuid, &payload, nullptr};
  EXPECT_TRUE(evaluate(must({by_uuid}), view));
  view.id = PointId::from_number(0);
  EXPECT_FALSE(evaluate(must({by_uuid}), view));
}

class NamedVectors : public VectorPresence {
 public:
  bool has_vector(std::string_view name) const override { return name == "image"; }
};

TEST(HasVector, AsksThePoint) {
  NamedVectors vectors;
  boost::json::object payload;
  PointView view{PointId::from_number(1), &payload, &vectors};
  EXPECT_TRUE(evaluate(must({HasVectorCondition{"image"}}), view));
  EXPECT_FALSE(evaluate(must({HasVectorCondition{"text"}}), view));
  view.vectors = nullptr;
  EXPECT_FALSE(evaluate(must({HasVectorCondition{"image"}}), view));
}

TEST(Slice, SelectsByHashOfId) {
  boost::json::object payload;
  size_t selected = 0;
  for (uint64_t id = 0; id < 1000; ++id) {
    PointView view{PointId::from_number(id), &payload, nullptr};
    bool in = evaluate(must({SliceCondition{4, 1}}), view);
    EXPECT_EQ(in, slice_point_id_hash(view.id) % 4 == 1);
    selected += in;
  }
  // Uniform: roughly a quarter of the ids.
  EXPECT_GT(selected, 200u);
  EXPECT_LT(selected, 300u);
  PointView zero{PointId::from_number(0), &payload, nullptr};
  // 0xe849e8bb6ffe2567 % 8 == 7
  EXPECT_TRUE(evaluate(must({SliceCondition{8, 7}}), zero));
}

TEST(PointView, NullPayloadIsEmpty) {
  PointView view{PointId::from_number(1), nullptr, nullptr};
  EXPECT_TRUE(evaluate(must({IsEmptyCondition{path("a")}}), view));
  EXPECT_FALSE(evaluate(must({match_keyword("a", "b")}), view));
}

}  // namespace
}  // namespace sextant::index::filter
