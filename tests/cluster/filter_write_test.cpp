// Cluster mode's writes selecting points by filter: which bodies take that path, and the
// resolution of a filter to the ids of one shard over a scroll answered in pages.
#include "server/cluster/filter_write.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "storage/shards.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;

// A scroll handler over the ids 1..points_count, every one matching, in pages of at most
// `page_size`; records the bodies it was asked with.
struct FakeScroll {
  explicit FakeScroll(uint64_t count) : points_count(count) {}
  uint64_t points_count;
  uint64_t page_size = 3;
  std::vector<json::object> asked;

  api::Handler handler() {
    return [this](api::Request& request) {
      json::object body = json::parse(request.body).as_object();
      asked.push_back(body);
      if (!body.at("filter").is_object()) {
        api::Response refused;
        refused.status = 400;
        refused.body = R"({"status":{"error":"Format error in JSON body: bad filter"}})";
        return refused;
      }
      const uint64_t from = body.contains("offset") ? body.at("offset").to_number<uint64_t>() : 1;
      const uint64_t limit = std::min(body.at("limit").to_number<uint64_t>(), page_size);
      json::array points;
      uint64_t id = from;
      for (; id <= points_count && points.size() < limit; ++id)
        points.push_back(json::object{{"id", id}});
      json::object result{{"points", points},
                          {"next_page_offset", id <= points_count ? json::value(id) : nullptr}};
      api::Response answer;
      answer.status = 200;
      answer.body = json::serialize(json::object{{"result", result}, {"status", "ok"}});
      return answer;
    };
  }
};

TEST(FilterWrite, OnlyBodiesWithAFilterAndNoPointsSelectByFilter) {
  EXPECT_TRUE(selects_by_filter(json::parse(R"({"filter":{"must":[]}})").as_object()));
  EXPECT_TRUE(
      selects_by_filter(json::parse(R"({"filter":{"must":[]},"points":null})").as_object()));
  EXPECT_FALSE(selects_by_filter(json::parse(R"({"points":[1,2]})").as_object()));
  EXPECT_FALSE(
      selects_by_filter(json::parse(R"({"points":[1],"filter":{"must":[]}})").as_object()));
  EXPECT_FALSE(selects_by_filter(json::parse(R"({"filter":null,"points":[1]})").as_object()));
}

TEST(FilterWrite, ResolvesEveryPageKeepingOnlyTheShardsIds) {
  FakeScroll scroll(20);
  std::set<uint64_t> seen;
  for (uint32_t shard = 0; shard < 4; ++shard) {
    auto ids = resolve_filter_to_ids(scroll.handler(), "c", json::object{}, shard, 4);
    ASSERT_TRUE(ids.ok());
    for (const auto& id : ids.value()) {
      const uint64_t number = id.to_number<uint64_t>();
      EXPECT_EQ(storage::route_point(storage::PointId::from_number(number), 4), shard);
      EXPECT_TRUE(seen.insert(number).second);
    }
  }
  EXPECT_EQ(seen.size(), 20u);  // every id in exactly one shard
  EXPECT_EQ(scroll.asked.front().at("with_payload"), json::value(false));
}

TEST(FilterWrite, NoMatchingPointGivesAnEmptyList) {
  FakeScroll scroll(0);
  auto ids = resolve_filter_to_ids(scroll.handler(), "c", json::object{}, 0, 2);
  ASSERT_TRUE(ids.ok());
  EXPECT_TRUE(ids.value().empty());
}

TEST(FilterWrite, ARefusedFilterIsTheScrollsError) {
  FakeScroll scroll(5);
  Status checked = check_filter(scroll.handler(), "c", json::value("not a filter"));
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(checked.error().message, "Format error in JSON body: bad filter");
  EXPECT_EQ(scroll.asked.front().at("limit"), json::value(1));
}

TEST(FilterWrite, ByIdsReplacesTheFilterKeepingTheRest) {
  json::object body =
      json::parse(R"({"filter":{"must":[]},"payload":{"a":1},"key":"k"})").as_object();
  json::object selected = by_ids(body, json::array{3, 7});
  EXPECT_FALSE(selected.contains("filter"));
  EXPECT_EQ(selected.at("points"), (json::array{3, 7}));
  EXPECT_EQ(selected.at("payload"), body.at("payload"));
  EXPECT_EQ(selected.at("key"), json::value("k"));
}

}  // namespace
}  // namespace sextant::server
