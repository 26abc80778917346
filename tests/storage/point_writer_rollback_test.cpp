// A write request is all-or-nothing: one that fails validation in storage, or fails half way
// through its operations, leaves no trace - no ids, vectors, payloads, payload index entries or
// graph nodes, in memory or on disk - and the next request takes the offsets it would have used.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
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

constexpr uint32_t kDim = 16;
constexpr uint64_t kStoredPoints = 50;

std::vector<float> vector_of(uint64_t id) {
  std::vector<float> v(kDim);
  std::mt19937 rng(static_cast<uint32_t>(id * 104729 + 3));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float& x : v) x = dist(rng);
  return v;
}

PointWrite point(uint64_t id, const std::string& city) {
  PointWrite write;
  write.id = PointId::from_number(id);
  write.vectors.dense[""] = vector_of(id);
  write.payload = json::object{{"city", city}};
  return write;
}

class PointWriterRollback : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-rollback-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    open();
    std::vector<UpdateOperation> operations;
    operations.emplace_back(CreatePayloadIndex{"city", json::object{{"type", "keyword"}}});
    UpsertPoints upsert;
    for (uint64_t id = 0; id < kStoredPoints; ++id) upsert.points.push_back(point(id, "Berlin"));
    operations.emplace_back(std::move(upsert));
    ASSERT_TRUE(collection_->update(std::move(operations), true).ok());
    wait_indexed();
  }
  void TearDown() override {
    if (collection_) collection_->close();
    collection_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    CollectionSchema schema;
    DenseVectorSpec spec;
    spec.name = "";
    spec.dim = kDim;
    spec.distance = Distance::kEuclid;
    spec.hnsw.full_scan_threshold_kb = 0;
    schema.dense.push_back(spec);
    schema.indexing_threshold_kb = 1;
    auto collection = Collection::open(dir_.string(), schema);
    ASSERT_TRUE(collection.ok()) << collection.error().message;
    collection_ = collection.value();
  }
  void reopen() {
    collection_->close();
    collection_.reset();
    open();
  }
  void wait_indexed() {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (;;) {
      const CollectionStats stats = collection_->stats();
      if (stats.indexed_vectors_count == stats.points_count && !stats.indexing) return;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline);
      std::this_thread::sleep_for(10ms);
    }
  }

  Status apply(std::vector<UpdateOperation> operations) {
    auto result = collection_->update(std::move(operations), true);
    if (!result.ok()) return result.error();
    return {};
  }

  // Only the points written in SetUp exist, everywhere a point can leave a trace.
  void expect_only_stored_points() {
    auto view = collection_->view();
    const ViewState& state = view->state();
    EXPECT_EQ(state.alive_count, kStoredPoints);
    EXPECT_EQ(state.offset_limit, kStoredPoints);  // no offset was taken
    EXPECT_EQ(state.dense[0].present->count(), kStoredPoints);
    EXPECT_EQ(count(*view, nullptr), kStoredPoints);
    std::vector<PointId> ids;
    for (uint64_t id = 100; id < 110; ++id) ids.push_back(PointId::from_number(id));
    EXPECT_TRUE(retrieve(*view, ids, ReadOptions{true, VectorSelection{true, {}}}).empty());
    // The payload index counts no city but the stored points'.
    bool stale = true;
    std::function<bool(uint32_t)> accept = [reader = view->reader()](uint32_t offset) {
      return reader.alive(offset);
    };
    auto facets =
        collection_->payload_indexes().facet("city", &accept, 10, state.generation, &stale);
    ASSERT_TRUE(facets);
    std::map<std::string, uint64_t> counts;
    for (const auto& hit : *facets) counts[json::serialize(hit.value)] = hit.count;
    EXPECT_EQ(counts, (std::map<std::string, uint64_t>{{"\"Berlin\"", kStoredPoints}}));
    // The graph holds the stored points only, and a search for a rejected point's vector
    // returns a stored point.
    wait_indexed();
    EXPECT_EQ(collection_->stats().indexed_vectors_count, kStoredPoints);
    ParallelPool pool(1);
    SearchRequest request;
    request.vector = vector_of(100);
    request.limit = 3;
    for (const auto& hit : collection_->search(*view, request, pool))
      EXPECT_LT(std::stoull(view->reader().id(hit.offset).to_string()), kStoredPoints);
  }

  fs::path dir_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(PointWriterRollback, RequestFailingHalfWayLeavesNoTrace) {
  std::vector<UpdateOperation> operations;
  UpsertPoints upsert;
  for (uint64_t id = 100; id < 105; ++id) upsert.points.push_back(point(id, "Paris"));
  operations.emplace_back(std::move(upsert));
  UpdateVectors missing;  // the second operation fails: no such point
  missing.points.push_back(point(999, "Paris"));
  operations.emplace_back(std::move(missing));
  const Status status = apply(std::move(operations));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kNotFound);
  expect_only_stored_points();
  reopen();
  expect_only_stored_points();
}

TEST_F(PointWriterRollback, PointFailingValidationMidOperationLeavesNoTrace) {
  UpsertPoints upsert;
  upsert.points.push_back(point(100, "Paris"));
  PointWrite unknown_vector = point(101, "Paris");
  unknown_vector.vectors.dense["no_such_vector"] = vector_of(101);
  upsert.points.push_back(std::move(unknown_vector));
  upsert.points.push_back(point(102, "Paris"));
  std::vector<UpdateOperation> operations;
  operations.emplace_back(std::move(upsert));
  const Status status = apply(std::move(operations));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(status.error().message.find("no_such_vector"), std::string::npos);
  expect_only_stored_points();
  reopen();
  expect_only_stored_points();
}

TEST_F(PointWriterRollback, RejectedRequestDoesNotDisturbTheNextOne) {
  std::vector<UpdateOperation> rejected;
  DeletePoints del;
  del.selector.ids.push_back(PointId::from_number(0));
  rejected.emplace_back(std::move(del));  // applied first, then undone with the request
  UpdateVectors missing;
  missing.points.push_back(point(999, "Paris"));
  rejected.emplace_back(std::move(missing));
  ASSERT_FALSE(apply(std::move(rejected)).ok());
  expect_only_stored_points();

  std::vector<UpdateOperation> accepted;
  UpsertPoints upsert;
  upsert.points.push_back(point(100, "Paris"));
  accepted.emplace_back(std::move(upsert));
  ASSERT_TRUE(apply(std::move(accepted)).ok());
  auto view = collection_->view();
  EXPECT_EQ(view->state().alive_count, kStoredPoints + 1);
  const auto found = view->reader().find(PointId::from_number(100));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, kStoredPoints);  // the offset the rejected requests did not keep
  ASSERT_TRUE(view->reader().find(PointId::from_number(0)));
}

}  // namespace
}  // namespace sextant::storage
