// Cluster mode's merge of nodes' overlapping answers, and the split of writes by shard.
#include "server/cluster/read_merge.hpp"

#include <gtest/gtest.h>

#include "server/cluster/point_write_split.hpp"
#include "storage/shards.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;

json::array parse_array(const char* text) { return json::parse(text).as_array(); }

std::vector<json::value> ids_of(const json::array& points) {
  std::vector<json::value> ids;
  for (const auto& point : points) ids.push_back(point.as_object().at("id"));
  return ids;
}

TEST(MergeScored, KeepsOneCopyPerIdBestFirstThenOffsetAndLimit) {
  auto a = parse_array(R"([{"id":1,"score":0.9},{"id":2,"score":0.8},{"id":5,"score":0.1}])");
  auto b = parse_array(R"([{"id":2,"score":0.8},{"id":3,"score":0.85},{"id":4,"score":0.2}])");
  EXPECT_EQ(ids_of(merge_scored({a, b}, 0, 10)), (std::vector<json::value>{1, 3, 2, 4, 5}));
  EXPECT_EQ(ids_of(merge_scored({a, b}, 1, 2)), (std::vector<json::value>{3, 2}));
}

TEST(MergeScored, DistancesOrderedAscendingStayAscending) {
  auto a = parse_array(R"([{"id":1,"score":0.1},{"id":2,"score":0.5}])");
  auto b = parse_array(R"([{"id":3,"score":0.2},{"id":4,"score":0.9}])");
  EXPECT_EQ(ids_of(merge_scored({a, b}, 0, 3)), (std::vector<json::value>{1, 3, 2}));
}

TEST(MergeScroll, NextOffsetIsTheFirstIdAfterThePageEvenWhenANodesOwnIsOnIt) {
  // Node a: 1 2 (next 4); node b: 3 4 (next 6); limit 2 -> page 1 2, next 3.
  json::object a =
      json::parse(R"({"points":[{"id":1},{"id":2}],"next_page_offset":4})").as_object();
  json::object b =
      json::parse(R"({"points":[{"id":3},{"id":4}],"next_page_offset":6})").as_object();
  json::object page = merge_scroll({a, b}, 2);
  EXPECT_EQ(ids_of(page.at("points").as_array()), (std::vector<json::value>{1, 2}));
  EXPECT_EQ(page.at("next_page_offset"), json::value(3));
  // Overlapping replicas: node b's next offset (2) is on the merged page already.
  json::object c = json::parse(R"({"points":[{"id":1}],"next_page_offset":2})").as_object();
  json::object d =
      json::parse(R"({"points":[{"id":1},{"id":2}],"next_page_offset":null})").as_object();
  page = merge_scroll({c, d}, 2);
  EXPECT_EQ(ids_of(page.at("points").as_array()), (std::vector<json::value>{1, 2}));
  EXPECT_TRUE(page.at("next_page_offset").is_null());
}

TEST(MergeRetrieved, OneCopyPerIdInTheOrderAsked) {
  auto a = parse_array(R"([{"id":"b1a6e6f4-3c1e-4c5e-8e5e-0a0b0c0d0e0f"},{"id":7}])");
  auto b = parse_array(R"([{"id":7},{"id":3}])");
  json::array asked = parse_array(R"([3,99,7,"b1a6e6f4-3c1e-4c5e-8e5e-0a0b0c0d0e0f"])");
  EXPECT_EQ(ids_of(merge_retrieved({a, b}, asked)),
            (std::vector<json::value>{3, 7, "b1a6e6f4-3c1e-4c5e-8e5e-0a0b0c0d0e0f"}));
}

TEST(ComparePointIds, NumbersBeforeUuids) {
  EXPECT_LT(compare_point_ids(json::value(5), json::value(40)), 0);
  EXPECT_LT(compare_point_ids(json::value(99), json::value("0000")), 0);
  EXPECT_EQ(compare_point_ids(json::value(7), json::value(7)), 0);
}

TEST(SplitByShard, PointsAndBatchColumnsGoToTheShardTheirIdRoutesTo) {
  json::object upsert = json::parse(R"({"points":[{"id":1,"vector":[1]},{"id":2,"vector":[2]},
      {"id":3,"vector":[3]}],"ordering":"weak"})")
                            .as_object();
  auto split = split_by_shard(upsert, PointList::kPointsOrBatch, 4);
  ASSERT_TRUE(split.ok());
  size_t points = 0;
  for (const auto& [shard, body] : split.value()) {
    EXPECT_EQ(body.at("ordering"), json::value("weak"));
    for (const auto& point : body.at("points").as_array()) {
      ++points;
      auto id = storage::PointId::from_number(point.as_object().at("id").to_number<uint64_t>());
      EXPECT_EQ(storage::route_point(id, 4), shard);
    }
  }
  EXPECT_EQ(points, 3u);
  json::object batch = json::parse(R"({"batch":{"ids":[1,2,3],"vectors":{"a":[[1],[2],[3]]},
      "payloads":[{"p":1},{"p":2},{"p":3}]}})")
                           .as_object();
  auto columns = split_by_shard(batch, PointList::kPointsOrBatch, 4);
  ASSERT_TRUE(columns.ok());
  size_t rows = 0;
  for (const auto& [shard, body] : columns.value()) {
    const auto& sub = body.at("batch").as_object();
    const size_t count = sub.at("ids").as_array().size();
    EXPECT_EQ(sub.at("vectors").as_object().at("a").as_array().size(), count);
    EXPECT_EQ(sub.at("payloads").as_array().size(), count);
    rows += count;
  }
  EXPECT_EQ(rows, 3u);
  json::object by_filter = json::parse(R"({"filter":{"must":[]}})").as_object();
  auto refused = split_by_shard(by_filter, PointList::kIds, 4);  // goes to every shard instead
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "Format error in JSON body: missing field `points`");
}

}  // namespace
}  // namespace sextant::server
