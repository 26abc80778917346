// The Hamming kernel of every table this CPU can run must agree with the scalar reference on
// random words of every count from 0 to 40 (all tails of the unrolled loop) and typical code
// sizes, and must count bits exactly on known patterns.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "index/distance/distance.hpp"

namespace sextant::index {
namespace {

class HammingKernelTest : public ::testing::TestWithParam<const KernelTable*> {};

TEST_P(HammingKernelTest, MatchesScalarReference) {
  const KernelTable& table = *GetParam();
  const KernelTable& reference = scalar_kernels();
  std::mt19937_64 rng(7);
  std::vector<size_t> counts;
  for (size_t n = 0; n <= 40; ++n) counts.push_back(n);
  for (size_t n : {48, 96, 97, 128}) counts.push_back(n);
  for (size_t words : counts) {
    // One word in, so loads are not 16-byte aligned (as inside a code store).
    std::vector<uint64_t> a(words + 1), b(words + 1);
    for (auto& w : a) w = rng();
    for (auto& w : b) w = rng();
    EXPECT_EQ(table.hamming_u64(a.data() + 1, b.data() + 1, words),
              reference.hamming_u64(a.data() + 1, b.data() + 1, words))
        << table.isa_name << " words=" << words;
  }
}

TEST_P(HammingKernelTest, CountsKnownPatterns) {
  const KernelTable& table = *GetParam();
  const std::vector<uint64_t> zeros(9, 0), ones(9, ~uint64_t(0));
  EXPECT_EQ(table.hamming_u64(zeros.data(), zeros.data(), 9), 0u);
  EXPECT_EQ(table.hamming_u64(zeros.data(), ones.data(), 9), 9u * 64u);
  const uint64_t a[2] = {0b1011, uint64_t(1) << 63};
  const uint64_t b[2] = {0b0001, 0};
  EXPECT_EQ(table.hamming_u64(a, b, 2), 3u);
  EXPECT_EQ(table.hamming_u64(a, b, 1), 2u);
}

INSTANTIATE_TEST_SUITE_P(EveryTable, HammingKernelTest,
                         ::testing::ValuesIn(supported_kernel_tables()),
                         [](const auto& info) { return std::string(info.param->isa_name); });

}  // namespace
}  // namespace sextant::index
