// Clause semantics (must / should / must_not / min_should, nesting, empty clauses) on the
// examples of Qdrant's filtering documentation.
#include <gtest/gtest.h>

#include "filter_test_support.hpp"

namespace sextant::index::filter {
namespace {

using namespace testing;
using Ids = std::vector<uint64_t>;

class DocumentedClauses : public ::testing::Test {
 protected:
  void SetUp() override {
    points.add(1, R"({"city": "London", "color": "green"})");
    points.add(2, R"({"city": "London", "color": "red"})");
    points.add(3, R"({"city": "London", "color": "blue"})");
    points.add(4, R"({"city": "Berlin", "color": "red"})");
    points.add(5, R"({"city": "Moscow", "color": "green"})");
    points.add(6, R"({"city": "Moscow", "color": "blue"})");
  }
  Points points;
};

TEST_F(DocumentedClauses, MustRequiresEveryCondition) {
  Filter f = must({match_keyword("city", "London"), match_keyword("color", "red")});
  EXPECT_EQ(points.matching(f), (Ids{2}));
}

TEST_F(DocumentedClauses, ShouldRequiresAnyCondition) {
  Filter f = should({match_keyword("city", "London"), match_keyword("color", "red")});
  EXPECT_EQ(points.matching(f), (Ids{1, 2, 3, 4}));
}

TEST_F(DocumentedClauses, MustNotRejectsEveryCondition) {
  Filter f = must_not({match_keyword("city", "London"), match_keyword("color", "red")});
  EXPECT_EQ(points.matching(f), (Ids{5, 6}));
}

TEST_F(DocumentedClauses, ClausesCombineWithAnd) {
  Filter f;
  f.must = std::vector<Condition>{match_keyword("city", "London")};
  f.must_not = std::vector<Condition>{match_keyword("color", "red")};
  EXPECT_EQ(points.matching(f), (Ids{1, 3}));
}

TEST_F(DocumentedClauses, FiltersNestAsConditions) {
  Filter inner = must({match_keyword("city", "London"), match_keyword("color", "red")});
  Filter f = must_not({make_filter_condition(inner)});
  EXPECT_EQ(points.matching(f), (Ids{1, 3, 4, 5, 6}));
}

TEST_F(DocumentedClauses, MinShouldCountsPassingConditions) {
  Filter f;
  f.min_should = MinShould{{match_keyword("city", "London"), match_keyword("color", "red"),
                            match_keyword("color", "green")},
                           2};
  EXPECT_EQ(points.matching(f), (Ids{1, 2}));
  f.min_should->min_count = 1;
  EXPECT_EQ(points.matching(f), (Ids{1, 2, 3, 4, 5}));
  f.min_should->min_count = 4;
  EXPECT_EQ(points.matching(f), (Ids{}));
}

TEST_F(DocumentedClauses, EmptyClausesFollowQdrant) {
  Filter all;
  EXPECT_EQ(points.matching(all).size(), 6u);
  EXPECT_EQ(points.matching(must({})).size(), 6u);
  EXPECT_EQ(points.matching(must_not({})).size(), 6u);
  // An empty `should` list has no condition that passes.
  EXPECT_EQ(points.matching(should({})).size(), 0u);
}

TEST_F(DocumentedClauses, DeepNestingKeepsBooleanStructure) {
  // (London AND NOT (red OR blue)) OR Berlin
  Filter not_red_or_blue = must_not({make_filter_condition(
      should({match_keyword("color", "red"), match_keyword("color", "blue")}))});
  Filter london_branch;
  london_branch.must = std::vector<Condition>{match_keyword("city", "London"),
                                              make_filter_condition(not_red_or_blue)};
  Filter f = should({make_filter_condition(london_branch), match_keyword("city", "Berlin")});
  EXPECT_EQ(points.matching(f), (Ids{1, 4}));
}

TEST(FilterReadsPayload, OnlyIdAndVectorConditionsSkipPayload) {
  Filter ids = must({make_has_id({PointId::from_number(1)})});
  EXPECT_FALSE(filter_reads_payload(ids));
  Filter nested_ids = should({make_filter_condition(must({SliceCondition{2, 0}}))});
  EXPECT_FALSE(filter_reads_payload(nested_ids));
  Filter with_field = must_not({make_filter_condition(must({match_keyword("a", "b")}))});
  EXPECT_TRUE(filter_reads_payload(with_field));
  Filter is_empty = must({IsEmptyCondition{path("a")}});
  EXPECT_TRUE(filter_reads_payload(is_empty));
}

}  // namespace
}  // namespace sextant::index::filter
