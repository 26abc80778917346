// migrate/point_copier: batches in flight on several target connections, and the cursor only
// moving past batches that were all acknowledged, against in-process fake ends (Transport).
#include "migrate/point_copier.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

namespace sextant::migrate {
namespace {

namespace json = boost::json;

constexpr int kPoints = 45;  // ids 1..45

std::string envelope(const json::value& result) {
  return json::serialize(json::object{{"result", result}, {"status", "ok"}, {"time", 0}});
}

// A source whose collection "c" holds points 1..kPoints; scroll offsets are point ids.
class FakeSource : public Transport {
 public:
  Result<HttpResponse> request(const std::string&, const std::string& target,
                               const std::string& body) override {
    EXPECT_EQ(target, "/collections/c/points/scroll");
    json::object request = json::parse(body).as_object();
    int64_t from = request.contains("offset") ? request.at("offset").to_number<int64_t>() : 1;
    int64_t limit = request.at("limit").to_number<int64_t>();
    json::array points;
    for (int64_t id = from; id < from + limit && id <= kPoints; ++id) {
      points.push_back(json::object{
          {"id", id}, {"vector", json::array{id * 0.5}}, {"payload", json::object{{"n", id}}}});
    }
    json::value next = from + limit <= kPoints ? json::value(from + limit) : json::value(nullptr);
    return HttpResponse{200,
                        envelope(json::object{{"points", points}, {"next_page_offset", next}})};
  }
  const std::string& url() const override { return url_; }

 private:
  std::string url_ = "source";
};

// A target that records upserted ids and the most upserts it saw at once; the batch whose first
// id is `failing_first_id` is answered 400 after a delay (so later batches overtake it).
struct TargetState {
  std::mutex mutex;
  std::set<int64_t> ids;
  std::atomic<int> in_flight{0};
  std::atomic<int> most_in_flight{0};
  int64_t failing_first_id = -1;
};

class FakeTarget : public Transport {
 public:
  explicit FakeTarget(TargetState& state) : state_(state) {}
  Result<HttpResponse> request(const std::string&, const std::string& target,
                               const std::string& body) override {
    EXPECT_EQ(target, "/collections/c/points?wait=true");
    int now = ++state_.in_flight;
    int seen = state_.most_in_flight.load();
    while (now > seen && !state_.most_in_flight.compare_exchange_weak(seen, now)) {
    }
    json::value request = json::parse(body);
    const json::array& points = request.as_object().at("points").as_array();
    int64_t first = points.front().as_object().at("id").to_number<int64_t>();
    std::this_thread::sleep_for(
        std::chrono::milliseconds(first == state_.failing_first_id ? 300 : 20));
    --state_.in_flight;
    if (first == state_.failing_first_id) {
      return HttpResponse{400, R"({"status":{"error":"Bad request: refused"},"time":0})"};
    }
    std::lock_guard lock(state_.mutex);
    for (const auto& point : points)
      state_.ids.insert(point.as_object().at("id").to_number<int64_t>());
    return HttpResponse{200, envelope(json::object{{"status", "completed"}})};
  }
  const std::string& url() const override { return url_; }

 private:
  TargetState& state_;
  std::string url_ = "target";
};

template <typename Make>
class FakeEnd : public LocalTarget {
 public:
  explicit FakeEnd(Make make) : make_(std::move(make)) {}
  std::unique_ptr<Transport> connect() override { return make_(); }

 private:
  Make make_;
};

std::unique_ptr<QdrantEndpoint> endpoint_over(std::shared_ptr<LocalTarget> end) {
  EndpointOptions options;
  options.url = "fake";
  options.local = std::move(end);
  return std::move(*QdrantEndpoint::open(options));
}

struct CopierFixture {
  TargetState target_state;
  std::unique_ptr<QdrantEndpoint> source;
  std::vector<std::unique_ptr<QdrantEndpoint>> targets;
  std::string state_path = std::filesystem::temp_directory_path() /
                           ("sextant-copier-state-" + std::to_string(getpid()) + ".json");

  explicit CopierFixture(size_t connections) {
    auto make_source = [] { return std::unique_ptr<Transport>(new FakeSource()); };
    source = endpoint_over(std::make_shared<FakeEnd<decltype(make_source)>>(make_source));
    auto make_target = [this] { return std::unique_ptr<Transport>(new FakeTarget(target_state)); };
    auto target_end = std::make_shared<FakeEnd<decltype(make_target)>>(make_target);
    for (size_t i = 0; i < connections; ++i) targets.push_back(endpoint_over(target_end));
  }
  ~CopierFixture() { std::filesystem::remove(state_path); }

  Result<uint64_t> copy(CursorStore& cursors) {
    std::vector<QdrantEndpoint*> connections;
    for (auto& target : targets) connections.push_back(target.get());
    ProgressDisplay progress(kPoints, 0, false);
    PointCopier copier(*source, connections, cursors, progress, 10);
    auto copied = copier.copy("c");
    progress.finish();
    return copied;
  }
};

TEST(PointCopier, CopiesEveryPointWithBatchesInFlightOnEachConnection) {
  CopierFixture fixture(3);
  auto cursors = CursorStore::open(fixture.state_path, "source", "target");
  ASSERT_TRUE(cursors.ok());
  auto copied = fixture.copy(**cursors);
  ASSERT_TRUE(copied.ok()) << copied.error().message;
  EXPECT_EQ(*copied, uint64_t{kPoints});
  EXPECT_EQ(fixture.target_state.ids.size(), size_t{kPoints});
  EXPECT_GE(fixture.target_state.most_in_flight.load(), 2);
  EXPECT_LE(fixture.target_state.most_in_flight.load(), 3);
  CollectionCursor cursor = (*cursors)->get("c");
  EXPECT_TRUE(cursor.done);
  EXPECT_EQ(cursor.points_copied, uint64_t{kPoints});
}

TEST(PointCopier, CursorStopsBeforeAFailedBatchEvenWhenLaterOnesWereAcknowledged) {
  CopierFixture fixture(2);
  fixture.target_state.failing_first_id = 11;  // the second batch
  {
    auto cursors = CursorStore::open(fixture.state_path, "source", "target");
    ASSERT_TRUE(cursors.ok());
    auto copied = fixture.copy(**cursors);
    ASSERT_FALSE(copied.ok());
    EXPECT_NE(copied.error().message.find("answered 400: Bad request: refused"), std::string::npos);
    // The third batch (21..30) overtook the failed one and was acknowledged...
    EXPECT_TRUE(fixture.target_state.ids.count(21));
  }
  // ...but the recorded cursor only passed the first batch: a rerun sends 11.. again.
  auto reopened = CursorStore::open(fixture.state_path, "source", "target");
  ASSERT_TRUE(reopened.ok());
  CollectionCursor cursor = (*reopened)->get("c");
  EXPECT_FALSE(cursor.done);
  EXPECT_EQ(cursor.points_copied, 10u);
  EXPECT_EQ(cursor.next_offset, json::value(11));

  fixture.target_state.failing_first_id = -1;
  auto resumed = fixture.copy(**reopened);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(*resumed, uint64_t{kPoints - 10});
  EXPECT_EQ(fixture.target_state.ids.size(), size_t{kPoints});
  EXPECT_TRUE((*reopened)->get("c").done);
}

}  // namespace
}  // namespace sextant::migrate
