// Storage format 1 -> 2: a collection written when float16 and uint8 vectors were stored as
// float32 opens with its vectors intact, rewritten at 2 and 1 bytes per element, float32
// vectors untouched, and searches over them score as before.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <random>

#include "storage/collection.hpp"
#include "storage/lmdb.hpp"
#include "storage/parallel.hpp"
#include "storage/point_layout.hpp"
#include "storage/point_queries.hpp"
#include "storage/vector_elements.hpp"

namespace sextant::storage {
namespace {

namespace fs = std::filesystem;
constexpr uint32_t kDim = 16;
constexpr uint32_t kRowDim = 4;
constexpr uint64_t kPoints = 300;

CollectionSchema mixed_schema() {
  CollectionSchema schema;
  auto add = [&](std::string name, uint32_t dim, Distance distance, Datatype datatype,
                 bool multivector) {
    DenseVectorSpec spec;
    spec.name = std::move(name);
    spec.dim = dim;
    spec.distance = distance;
    spec.datatype = datatype;
    spec.multivector = multivector;
    schema.dense.push_back(spec);
  };
  add("bytes", kDim, Distance::kEuclid, Datatype::kUint8, false);
  add("halves", kDim, Distance::kDot, Datatype::kFloat16, false);
  add("floats", kDim, Distance::kCosine, Datatype::kFloat32, false);
  add("rows", kRowDim, Distance::kManhattan, Datatype::kUint8, true);
  schema.indexing_threshold_kb = 1;
  return schema;
}

std::vector<float> values_of(uint64_t id, uint32_t count, float low, float high) {
  std::mt19937 rng(static_cast<uint32_t>(id * 7919 + count));
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> v(count);
  for (float& x : v) x = dist(rng);
  return v;
}

class FormatUpgrade : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sextant-format-upgrade-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override {
    if (collection_) collection_->close();
    collection_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    auto collection = Collection::open(dir_.string(), mixed_schema());
    ASSERT_TRUE(collection.ok()) << collection.error().message;
    collection_ = collection.value();
  }
  void close() {
    collection_->close();
    collection_.reset();
  }

  void write_points() {
    UpsertPoints upsert;
    for (uint64_t id = 0; id < kPoints; ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      point.vectors.dense["bytes"] = values_of(id, kDim, -20.0f, 300.0f);
      point.vectors.dense["halves"] = values_of(id + 1000, kDim, -2.0f, 2.0f);
      point.vectors.dense["floats"] = values_of(id + 2000, kDim, -1.0f, 1.0f);
      MultiVector rows;
      rows.dim = kRowDim;
      rows.values = values_of(id + 3000, kRowDim * (1 + id % 3), 0.0f, 255.0f);
      point.vectors.multi["rows"] = rows;
      upsert.points.push_back(std::move(point));
    }
    std::vector<UpdateOperation> operations;
    operations.emplace_back(std::move(upsert));
    auto result = collection_->update(std::move(operations), true);
    ASSERT_TRUE(result.ok()) << result.error().message;
  }

  std::map<uint64_t, PointVectors> read_all() {
    auto view = collection_->view();
    std::vector<PointId> ids;
    for (uint64_t id = 0; id < kPoints; ++id) ids.push_back(PointId::from_number(id));
    std::map<uint64_t, PointVectors> out;
    for (auto& record : retrieve(*view, ids, ReadOptions{false, VectorSelection{true, {}}}))
      out[std::stoull(record.id.to_string())] = std::move(record.vectors);
    return out;
  }

  // Rewrites the closed collection as format 1 would have stored it: every element float32,
  // chunks grouped for float32 vectors, no HNSW image.
  void downgrade_to_format_1() {
    auto env = lmdb::Env::open(dir_.string(), lmdb::Env::Options{});
    ASSERT_TRUE(env.ok()) << env.error().message;
    auto txn = lmdb::Txn::begin(*env.value(), lmdb::Txn::Mode::kWrite);
    ASSERT_TRUE(txn.ok());
    const CollectionSchema schema = mixed_schema();
    for (size_t i = 0; i < schema.dense.size(); ++i) {
      const DenseVectorSpec& spec = schema.dense[i];
      if (spec.datatype == Datatype::kFloat32) continue;
      const std::string name = (spec.multivector ? "multi:" : "dense:") + std::to_string(i);
      auto dbi = txn->open_db(name.c_str(), MDB_INTEGERKEY);
      ASSERT_TRUE(dbi.ok());
      std::map<uint32_t, std::vector<uint8_t>> records;
      {
        auto cursor = lmdb::Cursor::open(txn.value(), dbi.value());
        ASSERT_TRUE(cursor.ok());
        for (bool ok = cursor->seek(); ok; ok = cursor->next()) {
          uint32_t key;
          std::memcpy(&key, cursor->key().data(), 4);
          records[key].assign(cursor->value().begin(), cursor->value().end());
        }
      }
      const size_t element = index::datatype_bytes(spec.datatype);
      std::map<uint32_t, std::vector<uint8_t>> old_records;
      if (spec.multivector) {
        for (const auto& [offset, bytes] : records) {
          const size_t count = (bytes.size() - 4) / element;
          std::vector<uint8_t>& out = old_records[offset];
          out.resize(4 + count * 4);
          std::memcpy(out.data(), bytes.data(), 4);
          decode_elements(spec.datatype, bytes.data() + 4, count,
                          reinterpret_cast<float*>(out.data() + 4));
        }
      } else {
        const size_t new_bytes = stored_vector_bytes(spec.dim, spec.datatype);
        const uint32_t new_per_chunk = layout::vectors_per_chunk_of(new_bytes);
        const size_t old_bytes = size_t(spec.dim) * 4;
        const uint32_t old_per_chunk = layout::vectors_per_chunk_of(old_bytes);
        for (const auto& [chunk, bytes] : records) {
          for (uint32_t slot = 0; slot < new_per_chunk; ++slot) {
            const uint32_t offset = chunk * new_per_chunk + slot;
            std::vector<uint8_t>& out = old_records[offset / old_per_chunk];
            out.resize(size_t(old_per_chunk) * old_bytes, 0);
            decode_elements(
                spec.datatype, bytes.data() + size_t(slot) * new_bytes, spec.dim,
                reinterpret_cast<float*>(out.data() + size_t(offset % old_per_chunk) * old_bytes));
          }
        }
      }
      ASSERT_TRUE(txn->drop(dbi.value(), false).ok());
      for (const auto& [key, bytes] : old_records) {
        ASSERT_TRUE(txn->put(dbi.value(),
                             lmdb::Bytes(reinterpret_cast<const uint8_t*>(&key), sizeof key),
                             lmdb::Bytes(bytes.data(), bytes.size()))
                        .ok());
      }
    }
    auto meta = txn->open_db("meta");
    ASSERT_TRUE(meta.ok());
    const uint32_t version = layout::kFloat32ElementsFormatVersion;
    ASSERT_TRUE(txn->put(meta.value(), lmdb::as_bytes("format"),
                         lmdb::Bytes(reinterpret_cast<const uint8_t*>(&version), 4))
                    .ok());
    auto graph = txn->open_db("graph");
    if (graph.ok()) {
      ASSERT_TRUE(txn->drop(graph.value(), false).ok());
    }
    ASSERT_TRUE(txn->commit().ok());
  }

  uint32_t stored_format() {
    auto view = collection_->view();
    auto meta = view->txn().get(view->state().dbs.meta, lmdb::as_bytes("format"));
    uint32_t version = 0;
    if (meta.ok() && meta.value() && meta.value()->size() == 4)
      std::memcpy(&version, meta.value()->data(), 4);
    return version;
  }

  fs::path dir_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(FormatUpgrade, Float16AndUint8VectorsAreStoredAtTheirElementSize) {
  open();
  write_points();
  EXPECT_EQ(stored_format(), layout::kFormatVersion);
  auto view = collection_->view();
  const ViewState& state = view->state();
  EXPECT_EQ(state.dense[0].vector_bytes(), kDim);
  EXPECT_EQ(state.dense[1].vector_bytes(), kDim * 2);
  EXPECT_EQ(state.dense[2].vector_bytes(), kDim * 4);
  auto first = view->txn().get(state.dbs.dense[0],
                               lmdb::Bytes(reinterpret_cast<const uint8_t*>("\0\0\0\0"), 4));
  ASSERT_TRUE(first.ok() && first.value());
  EXPECT_EQ(first.value()->size(), size_t(state.dense[0].per_chunk) * kDim);
  auto record = view->txn().get(state.dbs.dense[3],
                                lmdb::Bytes(reinterpret_cast<const uint8_t*>("\0\0\0\0"), 4));
  ASSERT_TRUE(record.ok() && record.value());
  EXPECT_EQ(record.value()->size(), 4 + kRowDim);  // id 0 has one row of uint8
}

TEST_F(FormatUpgrade, AFormat1CollectionOpensWithItsVectorsAndSearches) {
  open();
  write_points();
  const auto before = read_all();
  ASSERT_EQ(before.size(), kPoints);
  // Values as Qdrant stores them: uint8 truncated and clamped, float16 rounded.
  for (const auto& [id, vectors] : before) {
    for (float x : vectors.dense.at("bytes")) EXPECT_EQ(x, std::trunc(x)) << id;
    for (float x : vectors.dense.at("halves"))
      EXPECT_EQ(x, index::half_to_float(index::float_to_half(x))) << id;
  }
  ParallelPool pool(1);
  SearchRequest request;
  request.vector_name = "bytes";
  request.vector = before.at(7).dense.at("bytes");
  request.limit = 5;
  request.params.exact = true;
  const auto expected_hits = collection_->search(*collection_->view(), request, pool);
  close();

  downgrade_to_format_1();
  open();
  EXPECT_EQ(stored_format(), layout::kFormatVersion);
  const auto after = read_all();
  ASSERT_EQ(after.size(), kPoints);
  for (const auto& [id, vectors] : before) {
    EXPECT_EQ(after.at(id).dense, vectors.dense) << id;
    EXPECT_EQ(after.at(id).multi.at("rows").values, vectors.multi.at("rows").values) << id;
  }
  {
    // Upgraded in place: uint8 chunks hold 1 byte per dimension, multivector rows likewise.
    auto view = collection_->view();
    const auto zero = lmdb::Bytes(reinterpret_cast<const uint8_t*>("\0\0\0\0"), 4);
    auto chunk = view->txn().get(view->state().dbs.dense[0], zero);
    ASSERT_TRUE(chunk.ok() && chunk.value());
    EXPECT_EQ(chunk.value()->size(), size_t(view->state().dense[0].per_chunk) * kDim);
    auto record = view->txn().get(view->state().dbs.dense[3], zero);
    ASSERT_TRUE(record.ok() && record.value());
    EXPECT_EQ(record.value()->size(), 4 + kRowDim);
  }
  const auto hits = collection_->search(*collection_->view(), request, pool);
  ASSERT_EQ(hits.size(), expected_hits.size());
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_EQ(hits[i].offset, expected_hits[i].offset);
    EXPECT_FLOAT_EQ(hits[i].score, expected_hits[i].score);
  }
  // Reopening an upgraded collection changes nothing.
  close();
  open();
  EXPECT_EQ(read_all().at(11).dense, before.at(11).dense);
}

}  // namespace
}  // namespace sextant::storage
