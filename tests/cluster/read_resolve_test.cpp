// Qdrant's read consistency levels and how replicas' answers resolve.
#include "server/cluster/read_resolve.hpp"

#include <gtest/gtest.h>

namespace sextant::server {
namespace {

namespace json = boost::json;

json::array points(std::initializer_list<std::pair<int, double>> items) {
  json::array list;
  for (auto [id, score] : items) list.push_back(json::object{{"id", id}, {"score", score}});
  return list;
}

TEST(ReadResolve, LevelsAskAsQdrantDoes) {
  EXPECT_EQ(replica_requirement(parse_read_consistency(std::nullopt), 3).replicas, 1u);
  EXPECT_EQ(replica_requirement(parse_read_consistency("2"), 3).replicas, 2u);
  EXPECT_EQ(replica_requirement(parse_read_consistency("7"), 3).replicas, 3u);
  EXPECT_EQ(replica_requirement(parse_read_consistency("quorum"), 3).replicas, 2u);
  auto majority = replica_requirement(parse_read_consistency("majority"), 3);
  EXPECT_EQ(majority.replicas, 3u);
  EXPECT_EQ(majority.condition, ResolveCondition::kMajority);
  EXPECT_EQ(replica_requirement(parse_read_consistency("all"), 2).replicas, 2u);
}

TEST(ReadResolve, AllKeepsWhatEveryReplicaAnsweredAlike) {
  auto resolved = resolve_points(
      {points({{1, 0.9}, {2, 0.8}, {3, 0.7}}), points({{1, 0.9}, {2, 0.5}, {4, 0.4}})},
      ResolveCondition::kAll);
  ASSERT_EQ(resolved.size(), 2u);
  EXPECT_EQ(resolved[0], points({{1, 0.9}}));
  EXPECT_TRUE(resolved[1].empty());
}

TEST(ReadResolve, MajorityKeepsWhatMostAnsweredAlike) {
  auto resolved = resolve_points(
      {points({{1, 0.9}, {2, 0.8}}), points({{2, 0.8}, {3, 0.1}}), points({{1, 0.9}, {3, 0.2}})},
      ResolveCondition::kMajority);
  EXPECT_EQ(resolved[0], points({{1, 0.9}, {2, 0.8}}));
  EXPECT_TRUE(resolved[1].empty() && resolved[2].empty());
  EXPECT_EQ(resolve_count({5, 3, 4}, ResolveCondition::kAll), 3u);
  EXPECT_EQ(resolve_count({5, 3, 4}, ResolveCondition::kMajority), 4u);
}

}  // namespace
}  // namespace sextant::server
