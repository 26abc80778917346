// The grouping algorithm on a real collection, without HTTP: group keys of every JSON type,
// ordering in both score directions, termination when the best candidates can never join a
// group, saturating limits, and which group ids can be looked up as points.
#include "query/group_queries.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <limits>

#include "api/config/collection_config_json.hpp"
#include "storage/storage.hpp"

namespace sextant::query {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class GroupQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("sextant-groups-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    auto storage =
        storage::Storage::open(root_.string(), std::make_shared<api::JsonCollectionConfigCodec>());
    ASSERT_TRUE(storage.ok()) << storage.error().message;
    storage_ = std::move(storage.value());
  }
  void TearDown() override {
    if (storage_) storage_->close();
    storage_.reset();
    fs::remove_all(root_);
  }

  // A collection with one 1-dimensional vector: under Dot with query [1] a point scores its
  // coordinate; under Euclid from [0] its distance is the coordinate. `points_json` holds
  // {"points": [{"id": number or UUID, "vector": [x], "payload": {...}?}]}.
  void make_collection(storage::Distance distance, const std::string& points_json) {
    storage::CollectionConfig config;
    storage::VectorParams vector;
    vector.name = "";
    vector.size = 1;
    vector.distance = distance;
    config.params.unnamed_vector = true;
    config.params.vectors.push_back(vector);
    ASSERT_TRUE(storage_->create_collection("c", config).ok());
    auto collection = storage_->collection("c");
    ASSERT_TRUE(collection.ok());
    collection_ = collection.value();
    storage::UpsertPoints upsert;
    const json::value parsed = json::parse(points_json);
    for (const json::value& point : parsed.at("points").as_array()) {
      const json::object& fields = point.as_object();
      storage::PointWrite write;
      const json::value& id = fields.at("id");
      write.id = id.is_string() ? *storage::PointId::parse_uuid(id.as_string())
                                : storage::PointId::from_number(id.to_number<uint64_t>());
      write.vectors.dense[""] = {float(fields.at("vector").as_array().at(0).to_number<double>())};
      if (const json::value* payload = fields.if_contains("payload"))
        write.payload = payload->as_object();
      upsert.points.push_back(std::move(write));
    }
    std::vector<storage::UpdateOperation> operations;
    operations.emplace_back(std::move(upsert));
    ASSERT_TRUE(collection_->update(std::move(operations), true).ok());
  }

  GroupQuery nearest(float query, const char* group_by, size_t limit, size_t group_size) {
    GroupQuery group_query;
    group_query.plan.query = NearestQuery{storage::QueryVector(std::vector<float>{query}), {}};
    group_query.group_by = *index::payload::JsonPath::parse(group_by);
    group_query.groups_limit = limit;
    group_query.group_size = group_size;
    return group_query;
  }

  // [(group id, [point ids])]
  std::vector<std::pair<GroupKey, std::vector<uint64_t>>> run(const GroupQuery& query) {
    auto view = collection_->view();
    storage::ParallelPool pool(1);
    auto groups = execute_group_query(*collection_, *view, query, pool);
    EXPECT_TRUE(groups.ok()) << (groups.ok() ? "" : groups.error().message);
    std::vector<std::pair<GroupKey, std::vector<uint64_t>>> out;
    if (!groups.ok()) return out;
    auto reader = view->reader();
    for (const auto& group : groups.value()) {
      std::vector<uint64_t> ids;
      for (const auto& hit : group.hits) ids.push_back(reader.id(hit.offset).number);
      out.emplace_back(group.id, ids);
    }
    return out;
  }

  fs::path root_;
  std::unique_ptr<storage::Storage> storage_;
  std::shared_ptr<storage::Collection> collection_;
};

using Groups = std::vector<std::pair<GroupKey, std::vector<uint64_t>>>;

const char* kMixedKeys = R"({"points": [
  {"id": 1, "vector": [4.5], "payload": {"g": -3}},
  {"id": 2, "vector": [2], "payload": {"g": "x"}},
  {"id": 3, "vector": [3], "payload": {"g": 18446744073709551615}},
  {"id": 4, "vector": [4], "payload": {"g": [-3, "x"]}},
  {"id": 5, "vector": [5], "payload": {"g": [1, 1.5]}},
  {"id": 6, "vector": [6], "payload": {"g": {"nested": 1}}},
  {"id": 7, "vector": [7], "payload": {"g": [[1]]}},
  {"id": 8, "vector": [8], "payload": {"g": 3}}
]})";

TEST_F(GroupQueries, KeysOfEveryTypeAndLargeBetterOrder) {
  make_collection(storage::Distance::kDot, kMixedKeys);
  // 5, 6, 7 hold a value that cannot be a group id: they join no group at all.
  Groups expected = {{GroupKey(uint64_t(3)), {8}},
                     {GroupKey(int64_t(-3)), {1, 4}},
                     {GroupKey(std::string("x")), {4, 2}},
                     {GroupKey(std::numeric_limits<uint64_t>::max()), {3}}};
  EXPECT_EQ(run(nearest(1, "g", 10, 2)), expected);
}

TEST_F(GroupQueries, SmallerDistancesRankFirstForEuclid) {
  make_collection(storage::Distance::kEuclid, kMixedKeys);
  // Distances from 0 are the coordinates: point 2 is nearest, point 8 farthest.
  Groups expected = {{GroupKey(std::string("x")), {2, 4}},
                     {GroupKey(std::numeric_limits<uint64_t>::max()), {3}},
                     {GroupKey(int64_t(-3)), {4, 1}},
                     {GroupKey(uint64_t(3)), {8}}};
  EXPECT_EQ(run(nearest(0, "g", 10, 2)), expected);
}

TEST_F(GroupQueries, EndsWhenTheBestCandidatesNeverJoinAGroup) {
  // Each round fetches limit * group_size = 1 candidate: always point 9, which joins no group.
  // The rounds are bounded, so the answer is empty rather than a scan that never ends.
  make_collection(storage::Distance::kDot, R"({"points": [
    {"id": 1, "vector": [1], "payload": {"g": "a"}},
    {"id": 9, "vector": [9], "payload": {"g": true}}]})");
  EXPECT_TRUE(run(nearest(1, "g", 1, 1)).empty());
  Groups expected = {{GroupKey(std::string("a")), {1}}};
  EXPECT_EQ(run(nearest(1, "g", 2, 1)), expected);
}

TEST_F(GroupQueries, HugeLimitsSaturate) {
  make_collection(storage::Distance::kDot, kMixedKeys);
  const size_t huge = std::numeric_limits<size_t>::max();
  auto groups = run(nearest(1, "g", huge, huge));
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[1].second, (std::vector<uint64_t>{1, 4}));
}

TEST_F(GroupQueries, ZeroLimitFindsNothing) {
  make_collection(storage::Distance::kDot, kMixedKeys);
  EXPECT_TRUE(run(nearest(1, "g", 0, 3)).empty());
  EXPECT_TRUE(run(nearest(1, "g", 3, 0)).empty());
}

TEST_F(GroupQueries, LookupTakesNumbersAndUuids) {
  make_collection(storage::Distance::kDot, R"({"points": [
    {"id": 5, "vector": [1]},
    {"id": "00000000-0000-0000-0000-0000000000ab", "vector": [2]}]})");
  auto view = collection_->view();
  storage::ReadOptions options;
  EXPECT_TRUE(lookup_group_point(*view, GroupKey(uint64_t(5)), options).has_value());
  EXPECT_TRUE(lookup_group_point(
                  *view, GroupKey(std::string("00000000-0000-0000-0000-0000000000ab")), options)
                  .has_value());
  EXPECT_FALSE(lookup_group_point(*view, GroupKey(uint64_t(6)), options).has_value());
  EXPECT_FALSE(lookup_group_point(*view, GroupKey(int64_t(-5)), options).has_value());
  EXPECT_FALSE(lookup_group_point(*view, GroupKey(std::string("five")), options).has_value());
}

}  // namespace
}  // namespace sextant::query
