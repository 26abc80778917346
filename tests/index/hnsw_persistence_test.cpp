// The flat graph image: searching it in place gives exactly the results of the graph it came
// from, it survives a trip through a mutable graph (which can keep growing), and malformed
// images are refused with an error instead of being searched.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sextant::index
