// The MMR greedy selection on hand-made similarities: the first pick is the most relevant, later
// picks trade relevance against similarity to what was picked, per lambda.
#include "query/mmr.hpp"

#include <gtest/gtest.h>

namespace sextant::query {
namespace {

// Candidates 0 and 1 are near-duplicates; 2 is less relevant but different from both.
const std::vector<float> kRelevance = {0.9f, 0.85f, 0.5f};
float similarity(size_t i, size_t j) {
  if ((i == 0 && j == 1) || (i == 1 && j == 0)) return 0.99f;
  return 0.1f;
}

TEST(MmrSelection, PureRelevanceKeepsRelevanceOrder) {
  EXPECT_EQ(select_mmr(kRelevance, similarity, 1.0f, 3), (std::vector<size_t>{0, 1, 2}));
}

TEST(MmrSelection, DiversityPrefersTheDifferentCandidate) {
  EXPECT_EQ(select_mmr(kRelevance, similarity, 0.5f, 3), (std::vector<size_t>{0, 2, 1}));
}

TEST(MmrSelection, LimitAndEmptyInput) {
  EXPECT_EQ(select_mmr(kRelevance, similarity, 0.5f, 1), (std::vector<size_t>{0}));
  EXPECT_TRUE(select_mmr({}, similarity, 0.5f, 3).empty());
  EXPECT_TRUE(select_mmr(kRelevance, similarity, 0.5f, 0).empty());
}

}  // namespace
}  // namespace sextant::query
