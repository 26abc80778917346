// PointCopier: scroll ahead on the source while earlier batches are upserted to the target.
#include "migrate/point_copier.hpp"

#include <deque>
#include <future>
#include <map>
#include <optional>

namespace sextant::migrate {

namespace json = boost::json;

namespace {

struct ScrollPage {
  json::array points;
  json::value next_offset;  // null at the end
};

Result<ScrollPage> scroll_page(QdrantEndpoint& source, const std::string& collection,
                               const json::value& offset, size_t limit) {
  json::object body{{"limit", limit}, {"with_payload", true}, {"with_vector", true}};
  if (!offset.is_null()) body["offset"] = offset;
  auto answer = source.post("/collections/" + path_segment(collection) + "/points/scroll", body);
  if (!answer.ok()) return answer.error();
  ScrollPage page;
  if (auto* points = answer->is_object() ? answer->as_object().if_contains("points") : nullptr;
      points && points->is_array()) {
    page.points = std::move(points->as_array());
  } else {
    return Error::corrupted(source.url() + ": scroll of " + collection + " answered no points");
  }
  if (auto* next = answer->as_object().if_contains("next_page_offset")) page.next_offset = *next;
  return page;
}

// Upserts one scrolled page; points of a custom-sharded collection go under their shard key.
Status upsert_page(QdrantEndpoint& target, const std::string& collection,
                   const json::array& records) {
  std::map<std::string, std::pair<json::value, json::array>> by_shard_key;
  for (const auto& record : records) {
    const json::object& object = record.as_object();
    json::object point{{"id", object.at("id")}};
    auto* vector = object.if_contains("vector");
    point["vector"] = vector && !vector->is_null() ? *vector : json::value(json::object());
    auto* payload = object.if_contains("payload");
    point["payload"] = payload && !payload->is_null() ? *payload : json::value(json::object());
    json::value shard_key;
    if (auto* key = object.if_contains("shard_key")) shard_key = *key;
    auto& group = by_shard_key[json::serialize(shard_key)];
    group.first = shard_key;
    group.second.push_back(std::move(point));
  }
  for (auto& [unused, group] : by_shard_key) {
    json::object body{{"points", std::move(group.second)}};
    if (!group.first.is_null()) body["shard_key"] = group.first;
    auto answer =
        target.put("/collections/" + path_segment(collection) + "/points?wait=true", body);
    if (!answer.ok()) return answer.error();
  }
  return {};
}

}  // namespace

Result<uint64_t> PointCopier::copy(const std::string& collection) {
  CollectionCursor cursor = cursors_.get(collection);
  uint64_t copied_now = 0;
  if (cursor.done) return copied_now;

  auto scroll_from = [this, &collection](json::value offset) {
    return std::async(std::launch::async, [this, &collection, offset = std::move(offset)] {
      return scroll_page(source_, collection, offset, batch_size_);
    });
  };
  // Upserts in flight, oldest first, each on its own target connection.
  struct InFlight {
    std::future<Status> upserted;
    QdrantEndpoint* target;
    json::value next_offset;  // the scroll offset after this batch
    size_t points;
    bool last;
  };
  std::deque<InFlight> in_flight;
  std::vector<QdrantEndpoint*> idle = targets_;
  std::optional<Error> failure;
  // Waits for the oldest upsert; on success the cursor moves past it and is recorded.
  auto settle_oldest = [&]() {
    InFlight oldest = std::move(in_flight.front());
    in_flight.pop_front();
    Status upserted = oldest.upserted.get();
    idle.push_back(oldest.target);
    if (failure) return;
    if (!upserted.ok()) {
      failure = upserted.error();
      return;
    }
    cursor.next_offset = oldest.last ? json::value() : oldest.next_offset;
    cursor.points_copied += oldest.points;
    cursor.done = oldest.last;
    copied_now += oldest.points;
    progress_.add(oldest.points);
    Status saved = cursors_.put(collection, cursor);
    if (!saved.ok()) failure = saved.error();
  };

  auto pending = scroll_from(cursor.next_offset);
  bool scrolling = true;
  while (scrolling && !failure) {
    Result<ScrollPage> page = pending.get();
    if (!page.ok()) {
      failure = page.error();
      scrolling = false;
      break;
    }
    bool last = page->next_offset.is_null() || page->points.empty();
    if (!last) pending = scroll_from(page->next_offset);
    scrolling = !last;
    if (idle.empty()) settle_oldest();
    if (failure) break;
    QdrantEndpoint* target = idle.back();
    idle.pop_back();
    size_t points = page->points.size();
    json::value next_offset = page->next_offset;
    auto upserted =
        std::async(std::launch::async, [target, &collection, records = std::move(page->points)] {
          return upsert_page(*target, collection, records);
        });
    in_flight.push_back({std::move(upserted), target, std::move(next_offset), points, last});
  }
  if (scrolling) (void)pending.get();  // never leave the scroll thread running on `this`
  while (!in_flight.empty()) settle_oldest();
  if (failure) return *failure;
  return copied_now;
}

}  // namespace sextant::migrate
