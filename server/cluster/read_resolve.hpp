// Qdrant's read consistency in cluster mode (its ReadConsistency and Resolve): how many replicas
// of a shard a read asks, and how their answers become one. Pure functions of JSON answers.
//
//   consistency   replicas asked (of the shard's N)   an item is kept when
//   (absent), 1   1                                   (one answer: kept as it is)
//   k             min(max(k, 1), N)                   every answer holds it, equal
//   quorum        N / 2 + 1                           every answer holds it, equal
//   majority      N                                   more than half the answers hold it, equal
//   all           N                                   every answer holds it, equal
// Items are points compared by id and content (everything but `version`); a count resolves to
// the smallest (all) or the median (majority) of the replicas' counts. A shard with fewer active
// replicas than it must ask cannot be read at that level.
//
// Invariants: each resolved list is a subsequence of one replica's answer, so it keeps that
// answer's order (score or id); an item is kept once, from the first answer holding it.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sextant::server {

enum class ResolveCondition { kAll, kMajority };

struct ReadConsistency {
  enum class Level { kFactor, kAll, kMajority, kQuorum };
  Level level = Level::kFactor;
  uint64_t factor = 1;
};

// The `consistency` query parameter (validated by the dispatcher already): absent or
// unparseable reads as the default, one replica.
ReadConsistency parse_read_consistency(std::optional<std::string_view> value);

struct ReplicaRequirement {
  size_t replicas = 1;
  ResolveCondition condition = ResolveCondition::kAll;
};
// What `consistency` asks of a shard with `total` replicas.
ReplicaRequirement replica_requirement(const ReadConsistency& consistency, size_t total);

// Points answered by the replicas of one shard (one list per replica): per replica, the points
// it answered that the condition keeps, each point once overall.
std::vector<boost::json::array> resolve_points(const std::vector<boost::json::array>& answers,
                                               ResolveCondition condition);

// Counts answered by the replicas of one shard.
uint64_t resolve_count(std::vector<uint64_t> counts, ResolveCondition condition);

}  // namespace sextant::server
