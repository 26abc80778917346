// Exact search and the ParallelPool under concurrent callers: every part of every caller's job
// runs exactly once whether the pool splits it or the caller runs it alone (the pool splits only
// onto idle cores), and exact searches running at the same time each return the brute-force top.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/collection.hpp"
#include "storage/parallel.hpp"
#include "storage/point_queries.hpp"

namespace sextant::storage {
namespace {

namespace fs = std::filesystem;

TEST(ParallelPool, EveryPartRunsOnceUnderConcurrentCallers) {
  ParallelPool pool(2);
  constexpr size_t kCallers = 4, kCalls = 200, kParts = 9;
  std::vector<std::thread> callers;
  std::atomic<size_t> wrong{0};
  for (size_t c = 0; c < kCallers; ++c) {
    callers.emplace_back([&] {
      for (size_t call = 0; call < kCalls; ++call) {
        std::vector<std::atomic<int>> runs(kParts);
        pool.parallel_for(kParts, [&](size_t part) { runs[part].fetch_add(1); });
        for (auto& r : runs)
          if (r.load() != 1) wrong.fetch_add(1);
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(wrong.load(), 0u);
}

TEST(ParallelPool, NestedCallsFinish) {
  ParallelPool pool(2);
  std::atomic<size_t> inner{0};
  pool.parallel_for(4, [&](size_t) { pool.parallel_for(3, [&](size_t) { inner.fetch_add(1); }); });
  EXPECT_EQ(inner.load(), 12u);
}

constexpr uint32_t kDim = 8;
constexpr uint64_t kPoints = 40000;  // more than two parts of the scan

std::vector<float> point_vector(uint64_t id) {
  std::mt19937 rng(static_cast<uint32_t>(id * 2654435761u + 7));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(kDim);
  for (float& x : v) x = dist(rng);
  return v;
}

class ConcurrentExactSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-concurrent-exact-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    CollectionSchema schema;
    DenseVectorSpec spec;
    spec.name = "";
    spec.dim = kDim;
    spec.distance = Distance::kEuclid;
    schema.dense.push_back(spec);
    schema.indexing_threshold_kb = 1000000;  // no graph: every search here is a scan
    auto collection = Collection::open(dir_.string(), schema, {}, [](std::string_view) {});
    ASSERT_TRUE(collection.ok()) << collection.error().message;
    collection_ = collection.value();
    UpsertPoints upsert;
    for (uint64_t id = 0; id < kPoints; ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      point.vectors.dense[""] = point_vector(id);
      upsert.points.push_back(std::move(point));
    }
    std::vector<UpdateOperation> operations;
    operations.emplace_back(std::move(upsert));
    ASSERT_TRUE(collection_->update(std::move(operations), true).ok());
  }
  void TearDown() override {
    if (collection_) collection_->close();
    collection_.reset();
    fs::remove_all(dir_);
  }

  // The ids of the `k` points nearest to `query` by Euclidean distance, nearest first.
  static std::vector<uint64_t> brute_force(const std::vector<float>& query, size_t k) {
    std::vector<std::pair<double, uint64_t>> all;
    all.reserve(kPoints);
    for (uint64_t id = 0; id < kPoints; ++id) {
      const std::vector<float> v = point_vector(id);
      double d = 0;
      for (uint32_t i = 0; i < kDim; ++i) d += double(v[i] - query[i]) * double(v[i] - query[i]);
      all.emplace_back(d, id);
    }
    std::partial_sort(all.begin(), all.begin() + long(k), all.end());
    std::vector<uint64_t> ids;
    for (size_t i = 0; i < k; ++i) ids.push_back(all[i].second);
    return ids;
  }

  fs::path dir_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(ConcurrentExactSearch, ConcurrentSearchesEqualBruteForce) {
  constexpr size_t kThreads = 4, kQueries = 6, kTop = 10;
  std::vector<std::vector<float>> queries;
  std::vector<std::vector<uint64_t>> expected;
  for (size_t q = 0; q < kThreads * kQueries; ++q) {
    queries.push_back(point_vector(kPoints + 1000 + q));
    expected.push_back(brute_force(queries.back(), kTop));
  }
  auto view = collection_->view();
  ASSERT_TRUE(view);
  ParallelPool pool(2);
  std::vector<std::vector<std::vector<uint64_t>>> got(kThreads);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (size_t q = t; q < queries.size(); q += kThreads) {
        SearchRequest request;
        request.vector = queries[q];
        request.limit = kTop;
        request.params.exact = true;
        std::vector<uint64_t> ids;
        for (const auto& hit : collection_->search(*view, request, pool))
          ids.push_back(std::stoull(view->reader().id(hit.offset).to_string()));
        got[t].push_back(std::move(ids));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t t = 0; t < kThreads; ++t) {
    size_t i = 0;
    for (size_t q = t; q < queries.size(); q += kThreads, ++i)
      EXPECT_EQ(got[t][i], expected[q]) << "query " << q;
  }
}

}  // namespace
}  // namespace sextant::storage
