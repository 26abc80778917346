// Search groups (Qdrant's `group_by`): runs a QueryPlan repeatedly and gathers its hits into
// groups that share a value of one payload key, then optionally looks each group's id up as a
// point of another collection.
//
// The algorithm is Qdrant's bounded iteration. Each round asks the plan for `limit * group_size`
// candidates that carry the key and were not seen before; a "collect" phase (at most
// kCollectRounds) leaves out groups that are already full, then a "fill" phase (at most
// kFillRounds) only asks for the best groups that are not full yet. It stops as soon as the
// `limit` best groups are all full, or when a round finds nothing new. No round asks for more
// candidates than the collection holds, so a huge `limit` never means an unbounded scan.
//
// Group keys: every string or integer value the path reaches (one level of array is opened, so
// `tags: ["a", "b"]` puts the point in groups "a" and "b"). A point whose values include anything
// else (float, bool, null, object, nested array) joins no group, as in Qdrant.
//
// Ordering: groups by their best hit, hits within a group best first, "best" following the
// query's own order (distance direction, order_by direction, fusion scores); ties keep the order
// in which the query returned the points.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "index/payload/json_path.hpp"
#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"
#include "storage/point_queries.hpp"

namespace sextant::query {

// A group id as stored: a string, or an integer (non-negative ones are held as uint64_t, as
// Qdrant's GroupId reads them).
using GroupKey = std::variant<std::string, uint64_t, int64_t>;

struct GroupQuery {
  QueryPlan plan;  // the source query; its limit and offset are replaced per round
  index::payload::JsonPath group_by;
  size_t groups_limit = 10;  // `limit`: how many groups
  size_t group_size = 3;     // hits per group
};

struct PointGroup {
  GroupKey id;
  std::vector<storage::ScoredOffset> hits;  // best first, at most group_size
};

// Runs the grouping on one consistent view. Groups come best first, at most groups_limit.
Result<std::vector<PointGroup>> execute_group_query(const storage::Collection& collection,
                                                    const storage::ReadView& view,
                                                    const GroupQuery& query,
                                                    storage::ParallelPool& pool);

// The point of `view` whose id is the group id, read with `options`; nullopt when the id is not
// a point id (a negative number, a string that is not a UUID in its canonical lowercase,
// hyphenated form) or no such point exists.
std::optional<storage::PointRecord> lookup_group_point(const storage::ReadView& view,
                                                       const GroupKey& id,
                                                       const storage::ReadOptions& options);

}  // namespace sextant::query
