// The int8 encoder: close to sentence-transformers' float32 embeddings on the reference corpus
// (the measured bar of docs/configuration.md, with margin: cosine >= 0.98 everywhere), and split
// over two cores (EncoderWorkspace::fork_join) it computes exactly what one core does, in both
// precisions, because a split only divides output columns and heads between the threads.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <span>

#include "embed/fork_join.hpp"
#include "embed/sentence_model.hpp"
#include "reference_fixture.hpp"

namespace sextant::embed {
namespace {

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, norm_a = 0, norm_b = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    norm_a += double(a[i]) * a[i];
    norm_b += double(b[i]) * b[i];
  }
  return dot / std::sqrt(norm_a * norm_b);
}

TEST(Int8Encoder, StaysCloseToTheFloatReference) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  auto model = SentenceModel::load(testing::model_dir(), DenseProducts::kAuto, Precision::kInt8);
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ((*model)->precision(), Precision::kInt8);
  for (const auto& reference : testing::load_reference_cases()) {
    auto embedding = (*model)->embed({reference.text})[0];
    EXPECT_GE(cosine(embedding, reference.embedding), 0.98) << "text: " << reference.text;
  }
}

// The default int8 variant (outlier channels in float, Int8Options) against Sextant's own float32
// encoder: within the 0.995 cosine that made int8 the default precision, on ordinary sentences,
// one at a time and batched together.
TEST(Int8Encoder, DefaultVariantHoldsTheDefaultPrecisionBar) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  auto reference =
      SentenceModel::load(testing::model_dir(), DenseProducts::kAuto, Precision::kFloat32);
  auto quantized = SentenceModel::load(testing::model_dir(), DenseProducts::kAuto, Precision::kInt8,
                                       Int8Options{});
  ASSERT_TRUE(reference && quantized);
  const std::vector<std::string> texts = {
      "What is the capital city of France, and why?", "a",
      "Vector search engines answer nearest-neighbour queries over embeddings.",
      "The quick brown fox jumps over the lazy dog; the dog does not mind at all.",
      "Café au lait, s'il vous plaît — 東京 is the capital of Japan 🙂"};
  const auto expected = (*reference)->embed(texts);
  const auto batched = (*quantized)->embed(texts);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_GE(cosine(batched[i], expected[i]), 0.995) << "batched: " << texts[i];
    EXPECT_GE(cosine((*quantized)->embed({texts[i]})[0], expected[i]), 0.995)
        << "alone: " << texts[i];
  }
}

TEST(Int8Encoder, SplitAcrossTwoCoresEqualsOneCoreExactly) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  ForkJoin fork_join;
  for (Precision precision : {Precision::kFloat32, Precision::kInt8}) {
    auto model = SentenceModel::load(testing::model_dir(), DenseProducts::kAuto, precision);
    ASSERT_TRUE(model) << model.error().message;
    for (const char* text : {"What is the capital city of France, and why?", "a",
                             "Vector search engines answer nearest-neighbour queries."}) {
      std::vector<int32_t> ids = (*model)->tokenize(text);
      std::vector<std::span<const int32_t>> sequences{ids};
      std::vector<float> alone(384), split(384);
      EncoderWorkspace one_core, two_cores;
      two_cores.fork_join = &fork_join;
      for (int repeat = 0; repeat < 3; ++repeat) {
        (*model)->encode_batch(sequences, one_core, alone.data());
        (*model)->encode_batch(sequences, two_cores, split.data());
        EXPECT_EQ(alone, split) << text;
      }
    }
  }
}

TEST(ForkJoin, RunsEveryPartExactlyOnce) {
  ForkJoin fork_join;
  for (size_t parts : {0u, 1u, 2u, 3u, 8u}) {
    for (int repeat = 0; repeat < 200; ++repeat) {
      std::vector<std::atomic<int>> runs(parts);
      fork_join.run(parts, [&](size_t part) { runs[part].fetch_add(1); });
      for (size_t part = 0; part < parts; ++part) ASSERT_EQ(runs[part].load(), 1);
    }
  }
}

}  // namespace
}  // namespace sextant::embed
