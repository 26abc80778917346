// Cluster mode's split of a batch update into one operation per shard (batch_write.hpp).
#include "server/cluster/batch_write.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "storage/shards.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;

Status accept_filter(const json::value&) { return Status::ok_status(); }

uint32_t shard_of(uint64_t id, uint32_t shard_number) {
  return storage::route_point(storage::PointId::from_number(id), shard_number);
}

TEST(SplitBatchByShard, EachShardGetsItsPartOfEveryOperationInOrder) {
  const json::object body = json::parse(R"({"operations":[
      {"upsert":{"points":[{"id":1,"vector":[1]},{"id":2,"vector":[2]},{"id":3,"vector":[3]}]}},
      {"delete":{"filter":{"must":[{"key":"a","match":{"value":1}}]}}},
      {"set_payload":{"payload":{"x":1},"points":[1,2,3,4,5,6,7,8]}}]})")
                                .as_object();
  int filters_checked = 0;
  auto parts = split_batch_by_shard(body, 4, [&](const json::value&) {
    ++filters_checked;
    return Status::ok_status();
  });
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(filters_checked, 1);
  ASSERT_EQ(parts.value().size(), 4u);  // the filter reaches every shard
  size_t upserted = 0, set = 0;
  for (const auto& [shard, part] : parts.value()) {
    std::vector<std::string> kinds;
    for (const auto& item : part.at("operations").as_array()) {
      const auto& [kind, arguments] = *item.as_object().begin();
      kinds.emplace_back(kind);
      if (kind == "delete") continue;
      for (const auto& point : arguments.as_object().at("points").as_array()) {
        const uint64_t id = kind == "upsert" ? point.as_object().at("id").to_number<uint64_t>()
                                             : point.to_number<uint64_t>();
        EXPECT_EQ(shard_of(id, 4), shard);
        ++(kind == "upsert" ? upserted : set);
      }
    }
    // The batch's order: the upsert (when the shard has some of its points) before the delete
    // before the set.
    EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "delete"), 1);
    EXPECT_TRUE(std::is_sorted(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) {
      auto rank = [](const std::string& k) { return k == "upsert" ? 0 : k == "delete" ? 1 : 2; };
      return rank(a) < rank(b);
    }));
  }
  EXPECT_EQ(upserted, 3u);
  EXPECT_EQ(set, 8u);
}

TEST(SplitBatchByShard, RefusesWhatOneNodeRefusesAndShardKeys) {
  auto refused = [](const char* text) {
    auto parts = split_batch_by_shard(json::parse(text).as_object(), 2, accept_filter);
    return parts.ok() ? std::string() : parts.error().message;
  };
  EXPECT_EQ(refused(R"({})"), "Format error in JSON body: missing field `operations`");
  EXPECT_EQ(refused(R"({"operations":[{"explode":{}}]})"),
            "Format error in JSON body: unknown variant `explode`");
  EXPECT_EQ(refused(R"({"operations":[{"delete":{"points":[1]},"upsert":{}}]})"),
            "Format error in JSON body: data did not match any variant of untagged enum "
            "UpdateOperation");
  EXPECT_EQ(refused(R"({"operations":[{"delete":{"points":[1],"shard_key":"a"}}]})"),
            "Bad request: Writes naming a shard_key are not supported in cluster mode yet");
  EXPECT_EQ(refused(R"({"operations":[{"delete":{"points":[1],"shard_key":null}}]})"), "");
}

}  // namespace
}  // namespace sextant::server
