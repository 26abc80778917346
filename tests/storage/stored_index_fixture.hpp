// A collection of well-spread points with an HNSW index and int8 codes, for tests that damage
// what the index stored and reopen it: writes the points, waits for the graph, closes (which
// persists the image and codes), gives raw access to the `graph` table between opens, and
// captures what storage reports through its log sink.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/collection.hpp"
#include "storage/parallel.hpp"
#include "storage/point_queries.hpp"

namespace sextant::storage::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr uint32_t kDim = 32;
constexpr uint64_t kPoints = 400;

inline std::vector<float> vector_of(uint64_t id) {
  std::vector<float> v(kDim);
  std::mt19937 rng(static_cast<uint32_t>(id * 7919 + 17));
  std::uniform_real_distribution<float> dist(-10.0f, 10.0f);
  for (float& x : v) x = dist(rng);
  return v;
}

class StoredIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-stored-index-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override {
    close();
    fs::remove_all(dir_);
  }

  virtual CollectionSchema schema() const {
    CollectionSchema schema;
    DenseVectorSpec spec;
    spec.name = "";
    spec.dim = kDim;
    spec.distance = Distance::kEuclid;
    spec.hnsw.full_scan_threshold_kb = 0;
    spec.quantization = ScalarQuantization{};
    schema.dense.push_back(spec);
    schema.indexing_threshold_kb = 1;
    return schema;
  }

  void open() {
    auto collection = Collection::open(dir_.string(), schema(), {}, [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
    });
    ASSERT_TRUE(collection.ok()) << collection.error().message;
    collection_ = collection.value();
  }
  void close() {
    if (collection_) collection_->close();
    collection_.reset();
  }

  // Writes the points, waits until the graph holds them all, and closes: the image and codes
  // are on disk.
  void write_indexed_store() {
    open();
    UpsertPoints upsert;
    for (uint64_t id = 0; id < kPoints; ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      point.vectors.dense[""] = vector_of(id);
      upsert.points.push_back(std::move(point));
    }
    std::vector<UpdateOperation> operations;
    operations.emplace_back(std::move(upsert));
    ASSERT_TRUE(collection_->update(std::move(operations), true).ok());
    wait_indexed();
    close();
  }

  void wait_indexed() {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (;;) {
      const CollectionStats stats = collection_->stats();
      if (stats.points_count == kPoints && stats.indexed_vectors_count == kPoints) return;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "indexed " << stats.indexed_vectors_count << " of " << stats.points_count;
      std::this_thread::sleep_for(10ms);
    }
  }

  // Runs `edit` on the closed collection's `graph` table in one write transaction.
  void edit_graph_table(const std::function<void(lmdb::Txn&, MDB_dbi)>& edit) {
    ASSERT_FALSE(collection_);
    auto env = lmdb::Env::open(dir_.string(), lmdb::Env::Options{});
    ASSERT_TRUE(env.ok()) << env.error().message;
    auto txn = lmdb::Txn::begin(*env.value(), lmdb::Txn::Mode::kWrite);
    ASSERT_TRUE(txn.ok());
    auto graph_db = txn->open_db("graph", 0);
    ASSERT_TRUE(graph_db.ok()) << graph_db.error().message;
    edit(txn.value(), graph_db.value());
    ASSERT_TRUE(txn->commit().ok());
  }

  std::vector<std::byte> stored(lmdb::Txn& txn, MDB_dbi db, const std::string& key) {
    auto found = txn.get(db, lmdb::as_bytes(key));
    EXPECT_TRUE(found.ok() && found.value()) << key;
    if (!found.ok() || !found.value()) return {};
    const auto bytes = *found.value();
    return {reinterpret_cast<const std::byte*>(bytes.data()),
            reinterpret_cast<const std::byte*>(bytes.data()) + bytes.size()};
  }
  void store(lmdb::Txn& txn, MDB_dbi db, const std::string& key,
             const std::vector<std::byte>& value) {
    ASSERT_TRUE(txn.put(db, lmdb::as_bytes(key),
                        lmdb::Bytes(reinterpret_cast<const uint8_t*>(value.data()), value.size()))
                    .ok());
  }

  // Waits for a reported line containing `text`; returns it.
  std::string wait_for_log(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (;;) {
      {
        std::lock_guard lock(log_mutex_);
        for (const auto& line : log_)
          if (line.find(text) != std::string::npos) return line;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "no log line with: " << text << " (" << log_lines().size() << " lines)";
        return {};
      }
      std::this_thread::sleep_for(10ms);
    }
  }
  std::vector<std::string> log_lines() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  // Every point's own vector finds it first (approximate search: on 400 well-spread points, at
  // least 99% of them).
  void expect_search_finds_every_point() {
    auto view = collection_->view();
    ParallelPool pool(1);
    size_t found_first = 0;
    for (uint64_t id = 0; id < kPoints; ++id) {
      SearchRequest request;
      request.vector = vector_of(id);
      request.limit = 1;
      auto hits = collection_->search(*view, request, pool);
      ASSERT_FALSE(hits.empty());
      found_first += view->reader().id(hits[0].offset) == PointId::from_number(id);
    }
    EXPECT_GE(found_first, kPoints * 99 / 100);
  }

  fs::path dir_;
  std::shared_ptr<Collection> collection_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

}  // namespace sextant::storage::testing
