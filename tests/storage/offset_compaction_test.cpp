// Offset compaction on a real collection: an update-heavy load keeps the offset range (and with
// it the vector chunks and the graph) near the number of live points, while every point keeps
// its vectors, payload and version, searches keep finding them through the graph, payload
// indexes follow the renumbering, and a restart reads the compacted state.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "storage/collection.hpp"
#include "storage/parallel.hpp"
#include "storage/point_queries.hpp"

namespace sextant::storage {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr uint32_t kDim = 32;
constexpr uint64_t kPoints = 400;

CollectionSchema small_schema() {
  CollectionSchema schema;
  DenseVectorSpec spec;
  spec.name = "";
  spec.dim = kDim;
  spec.distance = Distance::kEuclid;
  spec.hnsw.full_scan_threshold_kb = 0;  // filtered searches go through the graph too
  schema.dense.push_back(spec);
  schema.indexing_threshold_kb = 1;
  schema.vacuum_min_vector_number = 100;
  return schema;
}

// The vector point `id` holds after write round `round`: unique per (id, round).
std::vector<float> vector_of(uint64_t id, uint64_t round) {
  std::vector<float> v(kDim);
  std::mt19937 rng(static_cast<uint32_t>(id * 7919 + round));
  std::uniform_real_distribution<float> dist(-10.0f, 10.0f);
  for (float& x : v) x = dist(rng);
  return v;
}

class OffsetCompaction : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-compaction-" + std::to_string(::getpid()) + "-" +
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
    auto collection = Collection::open(dir_.string(), small_schema());
    ASSERT_TRUE(collection.ok()) << collection.error().message;
    collection_ = collection.value();
  }
  void reopen() {
    collection_->close();
    collection_.reset();
    open();
  }

  void write_round(uint64_t round, uint64_t first = 0, uint64_t count = kPoints) {
    UpsertPoints upsert;
    for (uint64_t id = first; id < first + count; ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      point.vectors.dense[""] = vector_of(id, round);
      point.payload = json::object{{"round", round}, {"parity", id % 2 ? "odd" : "even"}};
      upsert.points.push_back(std::move(point));
    }
    std::vector<UpdateOperation> operations;
    operations.emplace_back(std::move(upsert));
    auto result = collection_->update(std::move(operations), true);
    ASSERT_TRUE(result.ok()) << result.error().message;
  }

  void delete_ids(const std::vector<uint64_t>& ids) {
    DeletePoints del;
    for (uint64_t id : ids) del.selector.ids.push_back(PointId::from_number(id));
    std::vector<UpdateOperation> operations;
    operations.emplace_back(std::move(del));
    ASSERT_TRUE(collection_->update(std::move(operations), true).ok());
  }

  // Waits until the indexing thread has compacted at least `count` times and the graph holds
  // every live point.
  void wait_for_compactions(uint64_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (;;) {
      const CollectionStats stats = collection_->stats();
      if (stats.compactions >= count && stats.indexed_vectors_count == stats.points_count) return;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "compactions " << stats.compactions << " indexed " << stats.indexed_vectors_count
          << " of " << stats.points_count;
      std::this_thread::sleep_for(20ms);
    }
  }

  // Every id in [0, kPoints) not in `deleted` holds round `round`'s vector and payload, and a
  // graph search for its own vector finds it first.
  void expect_points(uint64_t round, const std::set<uint64_t>& deleted = {}) {
    auto view = collection_->view();
    std::vector<PointId> ids;
    for (uint64_t id = 0; id < kPoints; ++id) ids.push_back(PointId::from_number(id));
    ReadOptions options{true, VectorSelection{true, {}}};
    auto records = retrieve(*view, ids, options);
    ASSERT_EQ(records.size(), kPoints - deleted.size());
    ParallelPool pool(1);
    size_t found_first = 0;
    for (const auto& record : records) {
      const uint64_t id = std::stoull(record.id.to_string());
      ASSERT_FALSE(deleted.count(id)) << id;
      ASSERT_EQ(record.vectors.dense.at(""), vector_of(id, round)) << id;
      ASSERT_TRUE(record.payload);
      EXPECT_EQ(record.payload->at("round").to_number<uint64_t>(), round) << id;
      SearchRequest request;
      request.vector = vector_of(id, round);
      request.limit = 1;
      auto hits = collection_->search(*view, request, pool);
      ASSERT_FALSE(hits.empty());
      const bool first = view->reader().id(hits[0].offset) == record.id;
      found_first += first;
    }
    // Approximate search, but on 400 well-spread points a point's own vector is its nearest.
    EXPECT_GE(found_first, records.size() * 99 / 100);
    EXPECT_EQ(count(*view, nullptr), kPoints - deleted.size());
  }

  fs::path dir_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(OffsetCompaction, OverwritesKeepTheOffsetRangeNearTheLivePoints) {
  constexpr uint64_t kRounds = 30;  // 12,000 point writes over 400 points
  for (uint64_t round = 1; round <= kRounds; ++round) write_round(round);
  wait_for_compactions(1);
  // Compaction runs whenever half the range is dead, so once writes stop the range settles
  // below twice the live points, far from the 12,000 offsets the writes used.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (collection_->view()->state().offset_limit >= 2 * kPoints &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  auto view = collection_->view();
  EXPECT_GT(view->state().generation, 0u);
  EXPECT_LT(view->state().offset_limit, 2 * kPoints);
  EXPECT_EQ(view->state().alive_count, kPoints);
  wait_for_compactions(1);
  expect_points(kRounds);
}

TEST_F(OffsetCompaction, WritesDuringCompactionAreKept) {
  // Rounds of half the points keep holes (points overwritten after the plan was made) and
  // appended points (written after it) in play while compactions run.
  uint64_t round = 1;
  write_round(round);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (collection_->stats().compactions < 3 && std::chrono::steady_clock::now() < deadline) {
    ++round;
    write_round(round, 0, kPoints / 2);
    write_round(round, kPoints / 2, kPoints / 2);
  }
  ASSERT_GE(collection_->stats().compactions, 3u);
  wait_for_compactions(3);
  expect_points(round);
}

TEST_F(OffsetCompaction, DeletedPointsStayDeletedAndRestartReadsTheCompactedState) {
  for (uint64_t round = 1; round <= 4; ++round) write_round(round);
  std::set<uint64_t> deleted;
  std::vector<uint64_t> ids;
  for (uint64_t id = 0; id < kPoints; id += 3) {
    deleted.insert(id);
    ids.push_back(id);
  }
  delete_ids(ids);
  wait_for_compactions(1);
  expect_points(4, deleted);
  const uint32_t limit = collection_->view()->state().offset_limit;
  reopen();
  // A compaction may still have run before the close: never more than before.
  EXPECT_LE(collection_->view()->state().offset_limit, limit);
  wait_for_compactions(0);
  expect_points(4, deleted);
  // Writes after the restart take offsets after the compacted range.
  write_round(5);
  wait_for_compactions(0);
  expect_points(5);
}

TEST_F(OffsetCompaction, PayloadIndexesFollowTheRenumbering) {
  std::vector<UpdateOperation> operations;
  operations.emplace_back(CreatePayloadIndex{"parity", json::object{{"type", "keyword"}}});
  ASSERT_TRUE(collection_->update(std::move(operations), true).ok());
  for (uint64_t round = 1; round <= 6; ++round) write_round(round);
  delete_ids({1, 3, 5, 7});  // four odd points
  wait_for_compactions(1);
  // A compaction may land between taking the view and counting: then the count is stale and
  // taken again on the newer view.
  std::shared_ptr<const ReadView> view;
  std::optional<std::vector<index::payload_index::FacetHit>> hits;
  bool stale = true;
  std::function<bool(uint32_t)> accept;
  for (int attempt = 0; stale && attempt < 100; ++attempt) {
    view = collection_->view();
    accept = [reader = view->reader()](uint32_t offset) { return reader.alive(offset); };
    hits = collection_->payload_indexes().facet("parity", &accept, 10, view->state().generation,
                                                &stale);
  }
  ASSERT_FALSE(stale);
  ASSERT_TRUE(hits);
  std::map<std::string, uint64_t> counts;
  for (const auto& hit : *hits) counts[json::serialize(hit.value)] = hit.count;
  EXPECT_EQ(counts["\"even\""], kPoints / 2);
  EXPECT_EQ(counts["\"odd\""], kPoints / 2 - 4);
  // A view of an older offset space is told to retry rather than given wrong counts.
  collection_->payload_indexes().facet("parity", &accept, 10, view->state().generation + 1, &stale);
  EXPECT_TRUE(stale);
}

}  // namespace
}  // namespace sextant::storage
