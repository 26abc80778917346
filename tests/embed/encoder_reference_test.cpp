// Embeddings must match sentence-transformers on PyTorch (cosine >= 0.9999 per sentence), whether
// a sentence is encoded alone or packed in a batch with sentences of other lengths.
#include <gtest/gtest.h>

#include <cmath>

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

TEST(EncoderReference, BatchedEmbeddingsMatchSentenceTransformers) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  auto model = SentenceModel::load(testing::model_dir());
  ASSERT_TRUE(model) << model.error().message;
  ASSERT_EQ((*model)->dimension(), 384);
  auto cases = testing::load_reference_cases();
  std::vector<std::string> texts;
  for (const auto& reference : cases) texts.push_back(reference.text);
  auto embeddings = (*model)->embed(texts);
  ASSERT_EQ(embeddings.size(), cases.size());
  double worst = 1.0;
  for (size_t i = 0; i < cases.size(); ++i) {
    ASSERT_EQ(embeddings[i].size(), cases[i].embedding.size());
    double similarity = cosine(embeddings[i], cases[i].embedding);
    worst = std::min(worst, similarity);
    EXPECT_GE(similarity, 0.9999) << "text: " << cases[i].text;
    double squares = 0;
    for (float v : embeddings[i]) squares += double(v) * v;
    // The empty text still has [CLS] [SEP], so every embedding is a unit vector.
    EXPECT_NEAR(std::sqrt(squares), 1.0, 1e-4) << "embeddings are L2-normalised";
  }
  RecordProperty("worst_cosine", std::to_string(worst));
}

TEST(EncoderReference, SingleSentenceEqualsItsBatchedResult) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  auto model = SentenceModel::load(testing::model_dir());
  ASSERT_TRUE(model);
  std::vector<std::string> texts = {"short one", "a considerably longer sentence about vectors",
                                    "mid length text here"};
  auto batched = (*model)->embed(texts);
  for (size_t i = 0; i < texts.size(); ++i) {
    auto alone = (*model)->embed({texts[i]});
    EXPECT_GE(cosine(alone[0], batched[i]), 0.999999) << texts[i];
  }
}

TEST(EncoderReference, SimilarSentencesScoreHigherThanUnrelatedOnes) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  auto model = SentenceModel::load(testing::model_dir());
  ASSERT_TRUE(model);
  auto e =
      (*model)->embed({"How do I reset my password?", "I forgot my password, how to change it?",
                       "The weather in Paris is sunny today."});
  EXPECT_GT(cosine(e[0], e[1]), cosine(e[0], e[2]) + 0.3);
}

}  // namespace
}  // namespace sextant::embed

namespace sextant::embed {
namespace {

TEST(EncoderReference, PackedKernelAndOpenBlasBackendsAgree) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  auto packed = SentenceModel::load(testing::model_dir(), DenseProducts::kPackedKernels);
  auto blas = SentenceModel::load(testing::model_dir(), DenseProducts::kBlas);
  ASSERT_TRUE(packed && blas);
  auto cases = testing::load_reference_cases();
  std::vector<std::string> texts;
  for (const auto& reference : cases) texts.push_back(reference.text);
  auto a = (*packed)->embed(texts);
  auto b = (*blas)->embed(texts);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_GE(cosine(a[i], cases[i].embedding), 0.9999) << texts[i];
    EXPECT_GE(cosine(a[i], b[i]), 0.99999) << texts[i];
  }
}

}  // namespace
}  // namespace sextant::embed
