// Stored quantized codes and graph images that are damaged, of an unknown format, or written
// before code chunks carried a header: each is detected at open, reported with the vector named,
// and rebuilt from the stored vectors, after which the store is written back in the current
// format and searches find every point again.
#include "storage/code_chunks.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/crc32c.hpp"
#include "index/hnsw/hnsw_image.hpp"
#include "tests/storage/stored_index_fixture.hpp"

namespace sextant::storage {
namespace {

using testing::kDim;
using testing::kPoints;

const std::string kRecordKey = codes_record_key(0, CodesKind::kScalar);
const std::string kFirstChunkKey = code_chunk_key(0, CodesKind::kScalar, 0);

class CodeChunks : public testing::StoredIndex {
 protected:
  // The stored codes load without complaint and cover every point.
  void expect_stored_codes_valid() {
    ASSERT_FALSE(collection_);
    auto env = lmdb::Env::open(dir_.string(), lmdb::Env::Options{});
    ASSERT_TRUE(env.ok());
    auto txn = lmdb::Txn::begin(*env.value(), lmdb::Txn::Mode::kRead);
    ASSERT_TRUE(txn.ok());
    auto graph_db = txn->open_db("graph", 0);
    ASSERT_TRUE(graph_db.ok());
    auto loaded = load_codes(txn.value(), graph_db.value(), 0, schema().dense[0]);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->rejected, "");
    ASSERT_TRUE(loaded->codes);
    EXPECT_EQ(loaded->count, kPoints);
  }

  // Reopens the damaged store, expects the report, waits for the rebuilt index, checks searches,
  // closes and checks what was written back.
  void expect_detected_and_rebuilt(const std::string& reason) {
    open();
    const std::string line = wait_for_log(reason);
    EXPECT_NE(line.find("vector \"\""), std::string::npos) << line;
    EXPECT_NE(line.find("encoded again from the stored vectors"), std::string::npos) << line;
    wait_indexed();
    expect_search_finds_every_point();
    close();
    expect_stored_codes_valid();
  }
};

TEST(Crc32c, MatchesTheCastagnoliCheckValue) {
  const std::string text = "123456789";
  EXPECT_EQ(crc32c(std::as_bytes(std::span(text.data(), text.size()))), 0xE3069283u);
  // Continuing from a previous value equals one pass over the whole.
  const auto bytes = std::as_bytes(std::span(text.data(), text.size()));
  EXPECT_EQ(crc32c(bytes.subspan(4), crc32c(bytes.first(4))), 0xE3069283u);
}

TEST_F(CodeChunks, IntactStoreReopensWithoutReports) {
  write_indexed_store();
  expect_stored_codes_valid();
  open();
  wait_indexed();
  expect_search_finds_every_point();
  close();
  EXPECT_TRUE(log_lines().empty()) << log_lines().front();
}

TEST_F(CodeChunks, FlippedByteIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto chunk = stored(txn, db, kFirstChunkKey);
    ASSERT_GT(chunk.size(), sizeof(CodeChunkHeader) + 100);
    chunk[sizeof(CodeChunkHeader) + 100] ^= std::byte{0x40};
    store(txn, db, kFirstChunkKey, chunk);
  });
  expect_detected_and_rebuilt("code chunk 0 fails its checksum");
}

TEST_F(CodeChunks, TruncatedChunkIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto chunk = stored(txn, db, kFirstChunkKey);
    chunk.resize(chunk.size() / 2);
    store(txn, db, kFirstChunkKey, chunk);
  });
  expect_detected_and_rebuilt("code chunk 0 holds");
}

TEST_F(CodeChunks, ChunkOfUnknownFormatVersionIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto chunk = stored(txn, db, kFirstChunkKey);
    const uint32_t version = kCodesFormatVersion + 1;
    std::memcpy(chunk.data() + offsetof(CodeChunkHeader, format_version), &version, 4);
    store(txn, db, kFirstChunkKey, chunk);
  });
  expect_detected_and_rebuilt("code chunk 0 is of unknown format version 2");
}

TEST_F(CodeChunks, DamagedRecordIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto record = stored(txn, db, kRecordKey);
    // Scalar codes keep no quantizer state: damage the length the record declares.
    const uint32_t state_bytes = 8;
    std::memcpy(record.data() + offsetof(CodesRecordHeader, state_bytes), &state_bytes, 4);
    store(txn, db, kRecordKey, record);
  });
  expect_detected_and_rebuilt("the codes record holds");
}

TEST_F(CodeChunks, MissingChunkIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    ASSERT_TRUE(txn.del(db, lmdb::as_bytes(kFirstChunkKey)).ok());
  });
  expect_detected_and_rebuilt("code chunk 0 is missing");
}

// Stores written before chunks had headers: a {scale, dim, count} record and bare chunks.
TEST_F(CodeChunks, LegacyHeaderlessStoreOpensAndIsUpgraded) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    const auto record = stored(txn, db, kRecordKey);
    CodesRecordHeader header;
    ASSERT_GE(record.size(), sizeof header);
    std::memcpy(&header, record.data(), sizeof header);
    std::vector<std::byte> legacy(12);
    std::memcpy(legacy.data(), &header.scale, 4);
    std::memcpy(legacy.data() + 4, &header.dim, 4);
    std::memcpy(legacy.data() + 8, &header.count, 4);
    legacy.insert(legacy.end(), record.begin() + sizeof header, record.end());
    store(txn, db, kRecordKey, legacy);
    for (uint32_t chunk = 0; size_t(chunk) * kCodesPerChunk < header.count; ++chunk) {
      const std::string key = code_chunk_key(0, CodesKind::kScalar, chunk);
      const auto framed = stored(txn, db, key);
      store(txn, db, key,
            std::vector<std::byte>(framed.begin() + sizeof(CodeChunkHeader), framed.end()));
    }
  });
  expect_detected_and_rebuilt("the codes record has no header");
}

// A vector without quantization configured keeps internal int8 codes: stored beside the graph
// under the scalar kind's keys, restored on reopen without being encoded again (no report), and
// searches through them still find every point.
class InternalCodes : public CodeChunks {
 protected:
  CollectionSchema schema() const override {
    CollectionSchema plain = CodeChunks::schema();
    plain.dense[0].quantization = std::monostate{};
    return plain;
  }
};

TEST_F(InternalCodes, UnquantizedVectorStoresAndRestoresItsCodes) {
  ASSERT_EQ(VectorCodes::kind_for(schema().dense[0]), CodesKind::kScalar);
  ASSERT_TRUE(VectorCodes::internal_for(schema().dense[0]));
  write_indexed_store();
  expect_stored_codes_valid();
  open();
  wait_indexed();
  expect_search_finds_every_point();
  close();
  EXPECT_TRUE(log_lines().empty()) << log_lines().front();
}

TEST(InternalCodesKind, OnlyPlainFloat32VectorsWithAnIntegerKernelGetThem) {
  DenseVectorSpec spec;
  spec.dim = 8;
  spec.distance = Distance::kCosine;
  EXPECT_TRUE(VectorCodes::internal_for(spec));
  spec.distance = Distance::kManhattan;
  EXPECT_FALSE(VectorCodes::internal_for(spec));
  EXPECT_EQ(VectorCodes::kind_for(spec), CodesKind::kNone);
  spec.distance = Distance::kDot;
  spec.multivector = true;
  EXPECT_FALSE(VectorCodes::internal_for(spec));
  spec.multivector = false;
  spec.datatype = Datatype::kFloat16;
  EXPECT_FALSE(VectorCodes::internal_for(spec));
  spec.datatype = Datatype::kFloat32;
  spec.quantization = BinaryQuantization{};
  EXPECT_FALSE(VectorCodes::internal_for(spec));
  EXPECT_EQ(VectorCodes::kind_for(spec), CodesKind::kBinary);
}

class GraphImage : public testing::StoredIndex {};

TEST_F(GraphImage, ImageOfAnotherFormatVersionIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto image = stored(txn, db, "image0");
    const uint32_t version = 99;
    std::memcpy(image.data() + offsetof(index::HnswImageHeader, format_version), &version, 4);
    store(txn, db, "image0", image);
  });
  open();
  const std::string line = wait_for_log("unsupported format version");
  EXPECT_NE(line.find("vector \"\""), std::string::npos) << line;
  EXPECT_NE(line.find("the graph is rebuilt from the stored vectors"), std::string::npos) << line;
  wait_indexed();
  expect_search_finds_every_point();
  close();
  // The rebuilt graph was stored in the current format: the next open reports nothing.
  const size_t reported = log_lines().size();
  open();
  wait_indexed();
  expect_search_finds_every_point();
  close();
  EXPECT_EQ(log_lines().size(), reported);
}

TEST_F(GraphImage, TruncatedImageIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto image = stored(txn, db, "image0");
    image.resize(image.size() - 64);
    store(txn, db, "image0", image);
  });
  open();
  wait_for_log("stored HNSW graph image is unusable (invalid HNSW image: size mismatch)");
  wait_indexed();
  expect_search_finds_every_point();
}

TEST_F(GraphImage, FlippedBodyByteIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto image = stored(txn, db, "image0");
    index::HnswImageHeader header;
    std::memcpy(&header, image.data(), sizeof header);
    image[header.level0_at + 9] ^= std::byte{0x40};  // a link in level 0
    store(txn, db, "image0", image);
  });
  open();
  const std::string line = wait_for_log("invalid HNSW image: the body fails its checksum");
  EXPECT_NE(line.find("the graph is rebuilt from the stored vectors"), std::string::npos) << line;
  wait_indexed();
  expect_search_finds_every_point();
  close();
  const size_t reported = log_lines().size();
  open();  // rewritten intact: nothing to report
  wait_indexed();
  close();
  EXPECT_EQ(log_lines().size(), reported);
}

TEST_F(GraphImage, FlippedHeaderByteIsDetectedAndRebuilt) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto image = stored(txn, db, "image0");
    image[offsetof(index::HnswImageHeader, ef_construct)] ^= std::byte{0x01};
    store(txn, db, "image0", image);
  });
  open();
  wait_for_log("invalid HNSW image: the header fails its checksum");
  wait_indexed();
  expect_search_finds_every_point();
}

TEST_F(GraphImage, FormatVersionOneImageIsRebuiltAndRewrittenInVersionTwo) {
  write_indexed_store();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto image = stored(txn, db, "image0");
    const uint32_t version = 1;
    std::memcpy(image.data() + offsetof(index::HnswImageHeader, format_version), &version, 4);
    store(txn, db, "image0", image);
  });
  open();
  wait_for_log("invalid HNSW image: format version 1 carries no checksum");
  wait_indexed();
  expect_search_finds_every_point();
  close();
  edit_graph_table([&](lmdb::Txn& txn, MDB_dbi db) {
    auto image = stored(txn, db, "image0");
    index::HnswImageHeader header;
    std::memcpy(&header, image.data(), sizeof header);
    EXPECT_EQ(header.format_version, index::HnswImageView::kFormatVersion);
  });
}

}  // namespace
}  // namespace sextant::storage
