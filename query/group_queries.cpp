// The grouping driver: rounds of the source plan under a per-round filter (key present, groups
// already full or still wanted, points already seen left out), hits gathered by GroupsAggregator.
#include "query/group_queries.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_set>

#include "index/distance/distance.hpp"
#include "query/execute_query.hpp"

namespace sextant::query {
namespace json = boost::json;  // payloads: user data, as storage hands them out
namespace filter = index::filter;
using storage::ScoredOffset;

namespace {

// Qdrant's request budget per phase (lib/shard grouping driver).
constexpr size_t kCollectRounds = 5;
constexpr size_t kFillRounds = 5;

// Which hit ranks first. kArrival: the query has no score order (random sample, or every point
// scored alike): the order the query returned the points in decides.
enum class ResultOrder { kLargeBetter, kSmallBetter, kArrival };

ResultOrder distance_order(const storage::CollectionSchema& schema, const std::string& name) {
  int dense = schema.dense_index(name);
  if (dense < 0) return ResultOrder::kLargeBetter;  // sparse (dot) or unknown (fails anyway)
  return index::higher_is_better(schema.dense[dense].distance) ? ResultOrder::kLargeBetter
                                                               : ResultOrder::kSmallBetter;
}

// Qdrant's CollectionParams::missing_vector_error: the available names are the dense vectors'
// then the sparse ones, each sorted as Qdrant's BTreeMap keys are.
Error missing_vector_error(const storage::CollectionSchema& schema, const std::string& name) {
  std::vector<std::string> dense, sparse;
  for (const auto& spec : schema.dense) dense.push_back(spec.name);
  for (const auto& spec : schema.sparse) sparse.push_back(spec.name);
  std::sort(dense.begin(), dense.end());
  std::sort(sparse.begin(), sparse.end());
  dense.insert(dense.end(), sparse.begin(), sparse.end());
  if (dense.empty()) return Error::bad_input("Vectors are not configured in this collection");
  if (dense == std::vector<std::string>{""})
    return Error::bad_input("Vector with name " + name + " is not configured in this collection");
  std::string available;
  for (const auto& each : dense) available += (available.empty() ? "" : ", ") + each;
  if (name.empty())
    return Error::bad_input(
        "Collection requires specified vector name in the request, available names: " + available);
  return Error::bad_input("Vector with name `" + name +
                          "` is not configured in this collection, available names: " + available);
}

bool is_point_id(const Example& example) {
  return std::holds_alternative<storage::PointId>(example);
}

// Which way the plan's query ranks its results. Like Qdrant's group driver, a distance-scored
// query (nearest without mmr, average_vector recommend) asks the distance of its vector before
// any round runs, so an unknown vector name fails with Qdrant's missing_vector_error; a query
// that refers to point ids has them resolved first (that fails with its own error instead).
struct ResultOrderOf {
  const QueryPlan& plan;
  const storage::CollectionSchema& schema;

  Result<ResultOrder> distance_scored(bool refers_to_ids) const {
    if (!refers_to_ids && schema.dense_index(plan.using_name) < 0 &&
        schema.sparse_index(plan.using_name) < 0)
      return missing_vector_error(schema, plan.using_name);
    return distance_order(schema, plan.using_name);
  }
  Result<ResultOrder> operator()(const NearestQuery& nearest) const {
    if (nearest.mmr) return distance_order(schema, plan.using_name);
    return distance_scored(std::holds_alternative<storage::PointId>(nearest.target));
  }
  Result<ResultOrder> operator()(const RecommendQuery& recommend) const {
    // average_vector is a plain nearest search; the other strategies score higher-is-better.
    if (recommend.strategy == RecommendQuery::Strategy::kAverageVector)
      return distance_scored(
          std::any_of(recommend.positive.begin(), recommend.positive.end(), is_point_id) ||
          std::any_of(recommend.negative.begin(), recommend.negative.end(), is_point_id));
    return ResultOrder::kLargeBetter;
  }
  Result<ResultOrder> operator()(const OrderByQuery& order_by) const {
    return order_by.order_by.descending ? ResultOrder::kLargeBetter : ResultOrder::kSmallBetter;
  }
  Result<ResultOrder> operator()(const AllQuery&) const { return ResultOrder::kArrival; }
  Result<ResultOrder> operator()(const SampleRandomQuery&) const { return ResultOrder::kArrival; }
  // Fusion, discover, context, formula and relevance feedback score higher-is-better.
  template <typename Scored>
  Result<ResultOrder> operator()(const Scored&) const {
    return ResultOrder::kLargeBetter;
  }
};

Result<ResultOrder> result_order(const QueryPlan& plan, const storage::CollectionSchema& schema) {
  return std::visit(ResultOrderOf{plan, schema}, plan.query);
}

struct Hit {
  uint32_t offset = 0;
  float score = 0;
  uint64_t arrival = 0;  // global position in the order the rounds returned points
};

// The string and integer values `path` reaches, one level of array opened. False when the point
// holds a value that cannot be a group id: then it joins no group at all.
bool group_keys_of(const json::object& payload, const index::payload::JsonPath& path,
                   std::vector<GroupKey>& keys) {
  bool usable = true;
  auto add = [&](const json::value& value) {
    if (value.is_string())
      keys.emplace_back(std::string(value.get_string()));
    else if (value.is_uint64())
      keys.emplace_back(value.get_uint64());
    else if (value.is_int64() && value.get_int64() >= 0)
      keys.emplace_back(uint64_t(value.get_int64()));
    else if (value.is_int64())
      keys.emplace_back(value.get_int64());
    else
      usable = false;
  };
  index::payload::for_each_value(path, payload, [&](const json::value& value) {
    if (const json::array* array = value.if_array()) {
      for (const json::value& element : *array) add(element);
    } else {
      add(value);
    }
    return usable;
  });
  if (!usable) return false;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return !keys.empty();
}

// Gathers hits into groups across rounds.
// Invariants: a point (offset) is added once, to every group its keys name; `full_` holds the
// groups with at least group_size hits; `best` of a group is its best hit so far.
class GroupsAggregator {
 public:
  GroupsAggregator(size_t groups_limit, size_t group_size, ResultOrder order)
      : groups_limit_(groups_limit), group_size_(group_size), order_(order) {}

  void add(const Hit& hit, const std::vector<GroupKey>& keys) {
    if (!seen_.insert(hit.offset).second) return;
    seen_order_.push_back(hit.offset);
    for (const GroupKey& key : keys) {
      Group& group = groups_[key];
      if (group.hits.empty() || better(hit, group.best)) group.best = hit;
      group.hits.push_back(hit);
      if (group.hits.size() >= group_size_) full_.insert(key);
    }
  }

  const std::vector<uint32_t>& seen_offsets() const { return seen_order_; }
  std::vector<GroupKey> full_keys() const { return {full_.begin(), full_.end()}; }

  std::vector<GroupKey> unfilled_best_keys() const {
    std::vector<GroupKey> keys;
    for (const GroupKey* key : best_keys())
      if (!full_.count(*key)) keys.push_back(*key);
    return keys;
  }

  size_t filled_best_groups() const {
    size_t filled = 0;
    for (const GroupKey* key : best_keys()) filled += full_.count(*key);
    return filled;
  }

  std::vector<PointGroup> distill() const {
    std::vector<PointGroup> out;
    for (const GroupKey* key : best_keys()) {
      std::vector<Hit> hits = groups_.at(*key).hits;
      std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) { return better(a, b); });
      if (hits.size() > group_size_) hits.resize(group_size_);
      PointGroup group{*key, {}};
      for (const Hit& hit : hits) group.hits.push_back({hit.offset, hit.score});
      out.push_back(std::move(group));
    }
    return out;
  }

 private:
  struct Group {
    std::vector<Hit> hits;
    Hit best;
  };

  bool better(const Hit& a, const Hit& b) const {
    if (order_ == ResultOrder::kLargeBetter && a.score != b.score) return a.score > b.score;
    if (order_ == ResultOrder::kSmallBetter && a.score != b.score) return a.score < b.score;
    return a.arrival < b.arrival;
  }

  // The groups_limit groups with the best best-hit, best first.
  std::vector<const GroupKey*> best_keys() const {
    std::vector<std::pair<const GroupKey*, const Hit*>> ranked;
    ranked.reserve(groups_.size());
    for (const auto& [key, group] : groups_) ranked.emplace_back(&key, &group.best);
    const size_t keep = std::min(groups_limit_, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(),
                      [&](const auto& a, const auto& b) { return better(*a.second, *b.second); });
    std::vector<const GroupKey*> keys;
    for (size_t i = 0; i < keep; ++i) keys.push_back(ranked[i].first);
    return keys;
  }

  size_t groups_limit_;
  size_t group_size_;
  ResultOrder order_;
  std::map<GroupKey, Group> groups_;
  std::set<GroupKey> full_;
  std::unordered_set<uint32_t> seen_;
  std::vector<uint32_t> seen_order_;
};

// `match: {except|any: [...]}` conditions on the key for these group ids, one per value type
// (integers, strings), as Qdrant builds them. Integers beyond int64 cannot be matched; skipped.
std::vector<filter::Condition> match_groups(const index::payload::JsonPath& key,
                                            const std::vector<GroupKey>& ids, bool except) {
  std::vector<int64_t> integers;
  std::vector<std::string> strings;
  for (const GroupKey& id : ids) {
    if (const auto* s = std::get_if<std::string>(&id))
      strings.push_back(*s);
    else if (const auto* u = std::get_if<uint64_t>(&id)) {
      if (*u <= uint64_t(std::numeric_limits<int64_t>::max())) integers.push_back(int64_t(*u));
    } else {
      integers.push_back(std::get<int64_t>(id));
    }
  }
  std::vector<filter::Condition> conditions;
  auto add = [&](filter::MatchSet set) {
    filter::FieldCondition condition;
    condition.key = key;
    filter::Match match;
    match.kind = except ? filter::Match::Kind::kExcept : filter::Match::Kind::kAny;
    match.set = std::move(set);
    condition.match = std::move(match);
    conditions.emplace_back(std::move(condition));
  };
  if (!integers.empty()) add(filter::make_integer_set(std::move(integers)));
  if (!strings.empty()) add(filter::make_string_set(std::move(strings)));
  return conditions;
}

// Filter of one round: the request's own filter, the key present, the round's group conditions,
// and none of the points already gathered.
std::shared_ptr<const filter::Filter> round_filter(
    const std::shared_ptr<const filter::Filter>& base, const index::payload::JsonPath& key,
    std::vector<filter::Condition> group_conditions, const storage::ReadView& view,
    const std::vector<uint32_t>& seen_offsets) {
  filter::Filter round;
  std::vector<filter::Condition> must;
  if (base) must.emplace_back(filter::FilterCondition{base});
  for (auto& condition : group_conditions) must.push_back(std::move(condition));
  round.must = std::move(must);
  std::vector<filter::Condition> must_not;
  must_not.emplace_back(filter::IsEmptyCondition{key});
  if (!seen_offsets.empty()) {
    auto reader = view.reader();
    std::vector<storage::PointId> ids;
    ids.reserve(seen_offsets.size());
    for (uint32_t offset : seen_offsets) ids.push_back(reader.id(offset));
    must_not.emplace_back(filter::make_has_id(std::move(ids)));
  }
  round.must_not = std::move(must_not);
  return std::make_shared<const filter::Filter>(std::move(round));
}

std::shared_ptr<const filter::Filter> merge_filters(std::shared_ptr<const filter::Filter> outer,
                                                    std::shared_ptr<const filter::Filter> inner) {
  if (!inner) return outer;
  if (!outer) return inner;
  filter::Filter both;
  both.must = std::vector<filter::Condition>{filter::FilterCondition{std::move(outer)},
                                             filter::FilterCondition{std::move(inner)}};
  return std::make_shared<const filter::Filter>(std::move(both));
}

size_t saturating_multiply(size_t a, size_t b) {
  if (a != 0 && b > std::numeric_limits<size_t>::max() / a)
    return std::numeric_limits<size_t>::max();
  return a * b;
}

// Prefetch limits grow by group_size so enough candidates survive each stage (capped at the
// collection's size); the round's filter reaches every prefetch, as a root filter does in Qdrant.
void shape_prefetches(std::vector<QueryPlan>& prefetches,
                      const std::shared_ptr<const filter::Filter>& propagated, size_t group_size,
                      size_t max_candidates) {
  for (QueryPlan& prefetch : prefetches) {
    prefetch.limit = std::min(saturating_multiply(prefetch.limit, group_size), max_candidates);
    prefetch.filter = merge_filters(propagated, prefetch.filter);
    shape_prefetches(prefetch.prefetch, prefetch.filter, group_size, max_candidates);
  }
}

}  // namespace

Result<std::vector<PointGroup>> execute_group_query(const storage::Collection& collection,
                                                    const storage::ReadView& view,
                                                    const GroupQuery& query,
                                                    storage::ParallelPool& pool) {
  auto order = result_order(query.plan, view.schema());
  if (!order.ok()) return order.error();
  GroupsAggregator aggregator(query.groups_limit, query.group_size, order.value());
  if (query.groups_limit == 0 || query.group_size == 0) return aggregator.distill();
  // A query never returns more points than the collection holds.
  const size_t max_candidates = std::max<size_t>(1, view.state().offset_limit);
  const size_t candidates =
      std::min(saturating_multiply(query.groups_limit, query.group_size), max_candidates);
  auto reader = view.reader();
  uint64_t arrival = 0;

  // One round; false when it found nothing new (or the best groups are all full).
  auto run_round = [&](std::vector<filter::Condition> group_conditions) -> Result<bool> {
    QueryPlan plan = query.plan;
    plan.limit = candidates;
    plan.offset = 0;
    plan.filter = round_filter(query.plan.filter, query.group_by, std::move(group_conditions), view,
                               aggregator.seen_offsets());
    shape_prefetches(plan.prefetch, plan.filter, query.group_size, max_candidates);
    auto found = execute_query(collection, view, plan, pool);
    if (!found.ok()) return found.error();
    std::vector<GroupKey> keys;
    for (const ScoredOffset& point : found.value()) {
      auto payload = reader.payload(point.offset);
      keys.clear();
      if (payload && group_keys_of(*payload, query.group_by, keys))
        aggregator.add({point.offset, point.score, arrival}, keys);
      ++arrival;
    }
    if (found->empty()) return false;
    return aggregator.filled_best_groups() < query.groups_limit;
  };

  bool enough = false;
  for (size_t round = 0; round < kCollectRounds; ++round) {
    auto more = run_round(match_groups(query.group_by, aggregator.full_keys(), /*except=*/true));
    if (!more.ok()) return more.error();
    enough = aggregator.filled_best_groups() >= query.groups_limit;
    if (!more.value()) break;
  }
  for (size_t round = 0; !enough && round < kFillRounds; ++round) {
    auto unfilled = aggregator.unfilled_best_keys();
    auto more = run_round(match_groups(query.group_by, unfilled, /*except=*/false));
    if (!more.ok()) return more.error();
    if (!more.value()) break;
  }
  return aggregator.distill();
}

std::optional<storage::PointRecord> lookup_group_point(const storage::ReadView& view,
                                                       const GroupKey& id,
                                                       const storage::ReadOptions& options) {
  std::optional<storage::PointId> point_id;
  if (const auto* number = std::get_if<uint64_t>(&id))
    point_id = storage::PointId::from_number(*number);
  else if (const auto* text = std::get_if<std::string>(&id))
    point_id = storage::PointId::parse_uuid(*text);
  if (!point_id) return std::nullopt;
  // Qdrant pairs the looked-up points with the groups by the id's canonical text (lowercase,
  // hyphenated), so a UUID group id written any other way finds no point.
  if (const auto* text = std::get_if<std::string>(&id); text && point_id->to_string() != *text)
    return std::nullopt;
  auto reader = view.reader();
  auto offset = reader.find(*point_id);
  if (!offset || !reader.alive(*offset)) return std::nullopt;
  return storage::read_point(reader, *offset, options);
}

}  // namespace sextant::query
