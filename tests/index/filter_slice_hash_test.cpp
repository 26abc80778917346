// The slice hash is a public contract: these vectors are the published SipHash-2-4 reference
// outputs and Qdrant's own contract values for point ids.
#include <gtest/gtest.h>

#include <vector>

#include "index/filter/slice_hash.hpp"

namespace sextant::index::filter {
namespace {

TEST(SipHash24, MatchesReferenceVectorsOfThePaper) {
  // Key 00..0f, messages 00, 00 01, ... (the SipHash paper's vectors.h).
  uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0f0e0d0c0b0a0908ULL;
  std::vector<uint8_t> message;
  EXPECT_EQ(siphash24(message.data(), 0, k0, k1), 0x726fdb47dd0e0e31ULL);
  message = {0};
  EXPECT_EQ(siphash24(message.data(), 1, k0, k1), 0x74f839c593dc67fdULL);
  message.clear();
  for (uint8_t i = 0; i < 15; ++i) message.push_back(i);
  EXPECT_EQ(siphash24(message.data(), message.size(), k0, k1), 0xa129ca6149be45e5ULL);
}

TEST(SliceHash, NumericAndUuidIdsHashAsQdrantPublishes) {
  EXPECT_EQ(slice_point_id_hash(PointId::from_number(0)), 0xe849e8bb6ffe2567ULL);
  EXPECT_EQ(slice_point_id_hash(PointId::from_number(42)), 0x0fc2553f07619dd3ULL);
  auto uuid = PointId::parse_uuid("550e8400-e29b-41d4-a716-446655440000");
  ASSERT_TRUE(uuid);
  EXPECT_EQ(slice_point_id_hash(*uuid), 0xf5d0ca21ba34d504ULL);
}

TEST(SliceHash, SlicesAreDisjointExhaustiveAndNested) {
  for (uint64_t n = 0; n < 500; ++n) {
    PointId id = PointId::from_number(n * 7919);
    for (uint32_t total : {1u, 2u, 5u, 10u}) {
      int hits = 0;
      for (uint32_t index = 0; index < total; ++index) hits += in_slice(id, total, index);
      EXPECT_EQ(hits, 1);
    }
    for (uint32_t index = 0; index < 10; ++index) {
      if (in_slice(id, 10, index)) {
        EXPECT_TRUE(in_slice(id, 5, index % 5));
      }
    }
  }
}

}  // namespace
}  // namespace sextant::index::filter
