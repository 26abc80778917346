// The flat graph image: searching it in place gives exactly the results of the graph it came
// from, it survives a trip through a mutable graph (which can keep growing), and malformed
// images are refused with an error instead of being searched.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/hnsw/hnsw_image.hpp"
#include "tests/index/hnsw_test_support.hpp"

namespace sextant::index {
namespace {

using testing::clustered;
using testing::Dataset;
using testing::iota_offsets;

// Image bytes in 8-byte aligned memory, as an LMDB value or an mmap provides.
struct AlignedImage {
  std::vector<uint64_t> words;
  size_t bytes = 0;
  explicit AlignedImage(const std::vector<std::byte>& image)
      : words((image.size() + 7) / 8), bytes(image.size()) {
    std::memcpy(words.data(), image.data(), image.size());
  }
  std::span<const std::byte> span() const {
    return {reinterpret_cast<const std::byte*>(words.data()), bytes};
  }
  std::byte* data() { return reinterpret_cast<std::byte*>(words.data()); }
};

HnswGraph build_graph(Dataset& data, size_t rows) {
  HnswParams params;
  params.m = 12;
  params.ef_construct = 80;
  params.dim = uint32_t(data.dim);
  params.distance = Distance::kCosine;
  HnswGraph graph(params);
  graph.build(iota_offsets(rows), data.source(), 2);
  return graph;
}

void expect_same_results(const std::vector<ScoredOffset>& a, const std::vector<ScoredOffset>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].offset, b[i].offset);
    EXPECT_EQ(a[i].score, b[i].score);
  }
}

TEST(HnswImage, SearchInPlaceEqualsTheLiveGraph) {
  Dataset data = clustered(3000, 24, 101);
  const Dataset queries = clustered(100, 24, 102);
  HnswGraph graph = build_graph(data, 3000);
  for (uint32_t offset = 0; offset < 3000; offset += 10) graph.mark_deleted(offset);
  const AlignedImage image(graph.serialize());
  const auto view = HnswImageView::open(image.span());
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ(view->points_count(), 3000u);
  EXPECT_EQ(view->deleted_count(), 300u);
  EXPECT_TRUE(view->is_deleted(10));
  EXPECT_TRUE(view->contains(11));
  EXPECT_FALSE(view->contains(5000));
  const VectorSource source = data.source();
  for (size_t q = 0; q < queries.rows(); ++q) {
    SearchRequest request;
    request.query = queries.row(q);
    request.k = 10;
    request.ef = 50;
    expect_same_results(graph.search(request, source), view->search(request, source));
  }
}

TEST(HnswImage, RoundTripsToAMutableGraphThatKeepsGrowing) {
  Dataset data = clustered(3000, 24, 111);
  const Dataset queries = clustered(50, 24, 112);
  HnswGraph graph = build_graph(data, 2000);
  const AlignedImage image(graph.serialize());
  auto restored = HnswGraph::from_image(image.span());
  ASSERT_TRUE(restored) << restored.error().message;
  const VectorSource source = data.source();
  SearchRequest request;
  request.k = 10;
  request.ef = 50;
  for (size_t q = 0; q < queries.rows(); ++q) {
    request.query = queries.row(q);
    expect_same_results(graph.search(request, source), restored->search(request, source));
  }
  // The restored graph accepts further inserts, and its own image reflects them.
  for (uint32_t offset = 2000; offset < 3000; ++offset) restored->insert(offset, source);
  EXPECT_EQ(restored->points_count(), 3000u);
  request.query = data.row(2500);
  request.k = 1;
  const auto hits = restored->search(request, source);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].offset, 2500u);
  const AlignedImage grown(restored->serialize());
  const auto grown_view = HnswImageView::open(grown.span());
  ASSERT_TRUE(grown_view) << grown_view.error().message;
  EXPECT_EQ(grown_view->search(request, source)[0].offset, 2500u);
}

TEST(HnswImage, EmptyGraphImageOpensAndFindsNothing) {
  HnswParams params;
  params.dim = 8;
  HnswGraph graph(params);
  const AlignedImage image(graph.serialize());
  const auto view = HnswImageView::open(image.span());
  ASSERT_TRUE(view) << view.error().message;
  const float query[8] = {1};
  SearchRequest request;
  request.query = query;
  const float* no_chunk = nullptr;
  EXPECT_TRUE(view->search(request, VectorSource::from_float_chunks(&no_chunk, 31, 8)).empty());
}

TEST(HnswImage, MalformedImagesAreRefused) {
  Dataset data = clustered(500, 16, 121);
  HnswGraph graph = build_graph(data, 500);
  const std::vector<std::byte> bytes = graph.serialize();

  AlignedImage bad_magic(bytes);
  bad_magic.data()[0] = std::byte{'Q'};
  const auto refused = HnswImageView::open(bad_magic.span());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kCorrupted);
  EXPECT_NE(refused.error().message.find("magic"), std::string::npos);

  const AlignedImage whole(bytes);
  EXPECT_FALSE(HnswImageView::open(whole.span().first(bytes.size() - 64)));
  EXPECT_FALSE(HnswImageView::open(whole.span().first(16)));
  EXPECT_FALSE(HnswGraph::from_image(whole.span().first(bytes.size() / 2)));

  AlignedImage bad_section(bytes);
  HnswImageHeader header;
  std::memcpy(&header, bad_section.data(), sizeof header);
  header.upper_links_words = uint64_t(1) << 40;
  std::memcpy(bad_section.data(), &header, sizeof header);
  EXPECT_FALSE(HnswImageView::open(bad_section.span()));

  std::vector<uint64_t> misaligned(bytes.size() / 8 + 2);
  std::memcpy(reinterpret_cast<std::byte*>(misaligned.data()) + 4, bytes.data(), bytes.size());
  EXPECT_FALSE(HnswImageView::open(
      {reinterpret_cast<const std::byte*>(misaligned.data()) + 4, bytes.size()}));
}

TEST(HnswImage, AFlippedBodyByteFailsVerificationAndTheCopy) {
  Dataset data = clustered(800, 16, 131);
  const std::vector<std::byte> bytes = build_graph(data, 800).serialize();
  const AlignedImage whole(bytes);
  const auto intact = HnswImageView::open(whole.span());
  ASSERT_TRUE(intact) << intact.error().message;
  EXPECT_TRUE(intact->verify().ok());

  HnswImageHeader header;
  std::memcpy(&header, bytes.data(), sizeof header);
  for (uint64_t at : {header.level0_at + 5, header.levels_at + 1, header.total_bytes - 1}) {
    AlignedImage flipped(bytes);
    flipped.data()[at] ^= std::byte{0x10};
    const auto view = HnswImageView::open(flipped.span());  // the header is intact: O(1) open
    ASSERT_TRUE(view) << view.error().message;
    const Status verified = view->verify();
    ASSERT_FALSE(verified.ok()) << "flip at " << at;
    EXPECT_EQ(verified.error().kind, ErrorKind::kCorrupted);
    EXPECT_NE(verified.error().message.find("checksum"), std::string::npos);
    EXPECT_FALSE(HnswGraph::from_image(flipped.span()));
  }
}

TEST(HnswImage, AFlippedHeaderByteIsRefusedAtOpen) {
  Dataset data = clustered(300, 16, 141);
  const std::vector<std::byte> bytes = build_graph(data, 300).serialize();
  for (size_t at : {size_t(12), offsetof(HnswImageHeader, entry_point),
                    offsetof(HnswImageHeader, offset_limit) + 1}) {
    AlignedImage flipped(bytes);
    flipped.data()[at] ^= std::byte{0x01};
    const auto view = HnswImageView::open(flipped.span());
    ASSERT_FALSE(view) << "flip at " << at;
    EXPECT_EQ(view.error().kind, ErrorKind::kCorrupted);
  }
}

TEST(HnswImage, AFormatVersionOneImageIsRefusedForRebuilding) {
  Dataset data = clustered(300, 16, 151);
  AlignedImage image(build_graph(data, 300).serialize());
  HnswImageHeader header;
  std::memcpy(&header, image.data(), sizeof header);
  header.format_version = 1;  // version 1 had no checksum fields: whatever they hold is ignored
  std::memcpy(image.data(), &header, sizeof header);
  const auto view = HnswImageView::open(image.span());
  ASSERT_FALSE(view);
  EXPECT_NE(view.error().message.find("format version 1"), std::string::npos);
}

TEST(HnswImage, SearchingAnUnverifiedGarbageBodyStaysInsideTheImage) {
  Dataset data = clustered(1000, 16, 161);
  const Dataset queries = clustered(20, 16, 162);
  const std::vector<std::byte> bytes = build_graph(data, 1000).serialize();
  HnswImageHeader header;
  std::memcpy(&header, bytes.data(), sizeof header);
  AlignedImage garbage(bytes);
  uint64_t state = 12345;
  for (uint64_t at = sizeof header; at < header.total_bytes; ++at) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    garbage.data()[at] = std::byte(state >> 56);
  }
  const auto view = HnswImageView::open(garbage.span());
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_FALSE(view->verify().ok());
  const VectorSource source = data.source();
  for (size_t q = 0; q < queries.rows(); ++q) {
    SearchRequest request;
    request.query = queries.row(q);
    request.k = 10;
    request.ef = 40;
    for (const ScoredOffset& hit : view->search(request, source))
      EXPECT_LT(hit.offset, header.offset_limit);
  }
}

}  // namespace
}  // namespace sextant::index
