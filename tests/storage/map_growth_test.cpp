// The LMDB map grows while the collection serves: a collection opened with a small map takes
// writes far beyond it (each write that meets MDB_MAP_FULL grows the map and is applied), keeps
// every point with its vector and payload, reports the grown map, answers readers that run
// during the growth, and reopens with all of it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "storage/collection.hpp"
#include "storage/parallel.hpp"
#include "storage/point_queries.hpp"

namespace sextant::storage {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr uint32_t kDim = 64;
constexpr uint64_t kSmallMapBytes = 1ull << 20;  // 1 MiB: a few hundred points of this size
constexpr uint64_t kBatch = 200;
constexpr uint64_t kBatches = 40;  // 8,000 points, ~2.5 MB of vectors alone

CollectionSchema schema() {
  CollectionSchema schema;
  DenseVectorSpec spec;
  spec.name = "";
  spec.dim = kDim;
  spec.distance = Distance::kEuclid;
  schema.dense.push_back(spec);
  schema.indexing_threshold_kb = 64;  // the graph is built (and its views let go) meanwhile
  return schema;
}

std::vector<float> vector_of(uint64_t id) {
  std::vector<float> v(kDim);
  std::mt19937 rng(static_cast<uint32_t>(id * 7919 + 1));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float& x : v) x = dist(rng);
  return v;
}

class MapGrowth : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-map-growth-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    open();
  }
  void TearDown() override {
    if (collection_) collection_->close();
    collection_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    lmdb::Env::Options options;
    options.map_size_bytes = kSmallMapBytes;
    auto collection = Collection::open(dir_.string(), schema(), {}, {}, options);
    ASSERT_TRUE(collection.ok()) << collection.error().message;
    collection_ = collection.value();
  }

  Status write_batch(uint64_t first) {
    UpsertPoints upsert;
    for (uint64_t id = first; id < first + kBatch; ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      point.vectors.dense[""] = vector_of(id);
      point.payload = json::object{{"n", id}, {"text", std::string(100, 'x')}};
      upsert.points.push_back(std::move(point));
    }
    std::vector<UpdateOperation> operations;
    operations.emplace_back(std::move(upsert));
    auto result = collection_->update(std::move(operations), true);
    if (!result.ok()) return result.error();
    return {};
  }

  void expect_points(uint64_t count) {
    auto view = collection_->view();
    ASSERT_TRUE(view);
    std::vector<PointId> ids;
    for (uint64_t id = 0; id < count; ++id) ids.push_back(PointId::from_number(id));
    ReadOptions options{true, VectorSelection{true, {}}};
    auto records = retrieve(*view, ids, options);
    ASSERT_EQ(records.size(), count);
    for (const auto& record : records) {
      const uint64_t id = std::stoull(record.id.to_string());
      ASSERT_EQ(record.vectors.dense.at(""), vector_of(id)) << id;
      ASSERT_TRUE(record.payload);
      ASSERT_EQ(record.payload->at("n").to_number<uint64_t>(), id);
    }
    EXPECT_EQ(storage::count(*view, nullptr), count);
    ParallelPool pool(1);
    for (uint64_t id = 0; id < count; id += count / 20) {
      SearchRequest request;
      request.vector = vector_of(id);
      request.limit = 1;
      request.params.exact = true;
      auto hits = collection_->search(*view, request, pool);
      ASSERT_FALSE(hits.empty());
      EXPECT_EQ(view->reader().id(hits[0].offset), PointId::from_number(id));
    }
  }

  fs::path dir_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(MapGrowth, WritesBeyondTheInitialMapGrowItAndKeepEveryPoint) {
  const uint64_t initial_map = collection_->stats().map_size_bytes;
  ASSERT_EQ(initial_map, kSmallMapBytes);
  for (uint64_t batch = 0; batch < kBatches; ++batch) {
    Status status = write_batch(batch * kBatch);
    ASSERT_TRUE(status.ok()) << "batch " << batch << ": " << status.error().message;
  }
  const CollectionStats stats = collection_->stats();
  EXPECT_GT(stats.map_growths, 0u);
  EXPECT_GT(stats.map_size_bytes, initial_map);
  EXPECT_GE(stats.map_size_bytes, stats.data_bytes);
  EXPECT_EQ(stats.points_count, kBatch * kBatches);
  std::cout << "map " << initial_map << " -> " << stats.map_size_bytes << " bytes in "
            << stats.map_growths << " growths; data " << stats.data_bytes << " bytes, "
            << stats.points_count << " points\n";
  expect_points(kBatch * kBatches);

  const uint64_t grown = stats.map_size_bytes;
  collection_->close();
  collection_.reset();
  open();
  EXPECT_GE(collection_->stats().map_size_bytes, grown / 2);
  expect_points(kBatch * kBatches);
}

TEST_F(MapGrowth, ReadersRunningDuringGrowthSeeConsistentViews) {
  std::atomic<bool> done{false};
  std::atomic<uint64_t> acknowledged{0};
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> bad_reads{0};
  auto reader = [&] {
    ParallelPool pool(1);
    while (!done.load()) {
      const uint64_t expected = acknowledged.load();
      auto view = collection_->view();
      if (!view) {
        ++bad_reads;
        continue;
      }
      // A view taken after an acknowledgement holds at least those points, intact.
      if (storage::count(*view, nullptr) < expected) ++bad_reads;
      if (expected > 0) {
        const uint64_t id = (reads.load() * 7919) % expected;
        ReadOptions options{true, VectorSelection{true, {}}};
        auto records = retrieve(*view, {PointId::from_number(id)}, options);
        if (records.size() != 1 || records[0].vectors.dense.at("") != vector_of(id)) ++bad_reads;
        SearchRequest request;
        request.vector = vector_of(id);
        request.limit = 1;
        auto hits = collection_->search(*view, request, pool);
        if (hits.empty()) ++bad_reads;
      }
      ++reads;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader);
  for (uint64_t batch = 0; batch < kBatches; ++batch) {
    Status status = write_batch(batch * kBatch);
    ASSERT_TRUE(status.ok()) << "batch " << batch << ": " << status.error().message;
    acknowledged = (batch + 1) * kBatch;
  }
  done = true;
  for (auto& thread : readers) thread.join();
  EXPECT_GT(collection_->stats().map_growths, 0u);
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(bad_reads.load(), 0u);
  expect_points(kBatch * kBatches);
}

}  // namespace
}  // namespace sextant::storage
