// BM25 must produce Qdrant's indices (|int32 murmur3|) and weights, with its default English
// pipeline (word split, lowercase, stopwords before stemming, Snowball English).
#include "embed/bm25_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace sextant::embed {
namespace {

float weight_of(const SparseEmbedding& embedding, const std::string& term) {
  uint32_t index = bm25_token_index(term);
  for (size_t i = 0; i < embedding.indices.size(); ++i) {
    if (embedding.indices[i] == index) return embedding.values[i];
  }
  return -1.0f;
}

TEST(Bm25Model, MurmurHashMatchesPublishedVectors) {
  EXPECT_EQ(murmur3_x86_32("", 0), 0u);
  EXPECT_EQ(murmur3_x86_32("", 1), 0x514E28B7u);
  EXPECT_EQ(murmur3_x86_32("hello", 0), 0x248BFA47u);
  EXPECT_EQ(murmur3_x86_32("The quick brown fox jumps over the lazy dog", 0), 0x2E4FF723u);
  // Negative as int32 -> absolute value.
  uint32_t raw = murmur3_x86_32("hello world", 0);
  int32_t as_signed = static_cast<int32_t>(raw);
  EXPECT_EQ(bm25_token_index("hello world"),
            static_cast<uint32_t>(as_signed < 0 ? -int64_t(as_signed) : as_signed));
}

TEST(Bm25Model, DocumentWeightFollowsTheBm25TermFrequencyFormula) {
  Bm25Options options;
  options.avg_len = 5;
  options.text.stopword_languages = std::vector<std::string>{};
  options.text.stemmer_language = "";
  auto model = Bm25Model::create(options);
  ASSERT_TRUE(model);
  auto embedding = model->embed_document("the cat sat on the");
  // tf = 2 * 2.2 / (1.2 * (0.25 + 0.75 * 5 / 5) + 2) = 1.375
  EXPECT_NEAR(weight_of(embedding, "the"), 1.375f, 1e-6);
  EXPECT_EQ(embedding.indices.size(), 4u);
  EXPECT_TRUE(std::is_sorted(embedding.indices.begin(), embedding.indices.end()));
}

TEST(Bm25Model, DefaultPipelineDropsStopwordsAndStemsEnglish) {
  auto model = Bm25Model::create({});
  ASSERT_TRUE(model);
  auto embedding = model->embed_document("The Running dogs were running, and a dog RUNS!");
  // "the", "were", "and", "a" are stopwords; running/runs -> run, dogs/dog -> dog.
  ASSERT_EQ(embedding.indices.size(), 2u);
  EXPECT_GT(weight_of(embedding, "run"), 0.0f);
  EXPECT_GT(weight_of(embedding, "dog"), 0.0f);
  EXPECT_GT(weight_of(embedding, "run"), weight_of(embedding, "dog"));  // 3 vs 2 occurrences
}

TEST(Bm25Model, QueryGivesUnitWeightsToDistinctTerms) {
  auto model = Bm25Model::create({});
  ASSERT_TRUE(model);
  auto query = model->embed_query("vector search vectors SEARCH engine");
  ASSERT_EQ(query.indices.size(), 3u);
  for (float value : query.values) EXPECT_EQ(value, 1.0f);
  EXPECT_TRUE(std::is_sorted(query.indices.begin(), query.indices.end()));
  EXPECT_TRUE(model->embed_query("   ").indices.empty());
}

TEST(Bm25Model, DisabledStemmerKeepsInflectionsApart) {
  Bm25Options options;
  options.text.stemmer_language = "";
  auto model = Bm25Model::create(options);
  ASSERT_TRUE(model);
  EXPECT_EQ(model->embed_document("running run").indices.size(), 2u);
  auto stemmed = Bm25Model::create({});
  EXPECT_EQ(stemmed->embed_document("running run").indices.size(), 1u);
}

TEST(Bm25Model, PrefixTokenizerIndexesPrefixesAndQueriesTheLongest) {
  Bm25Options options;
  options.text.tokenizer = Bm25TokenizerType::kPrefix;
  options.text.stemmer_language = "";
  options.text.min_token_len = 2;
  options.text.max_token_len = 4;
  auto model = Bm25Model::create(options);
  ASSERT_TRUE(model);
  auto document = model->embed_document("hello");
  EXPECT_EQ(document.indices.size(), 3u);  // he, hel, hell
  EXPECT_GT(weight_of(document, "hell"), 0.0f);
  auto query = model->embed_query("hello");
  ASSERT_EQ(query.indices.size(), 1u);
  EXPECT_EQ(query.indices[0], bm25_token_index("hell"));
}

TEST(Bm25Model, InvalidParametersAreRejectedWithQdrantsMessages) {
  Bm25Options bad_k;
  bad_k.k = -1;
  auto result = Bm25Model::create(bad_k);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "BM25 k1 must be finite and >= 0, got -1");
  Bm25Options bad_b;
  bad_b.b = 1.5;
  EXPECT_FALSE(Bm25Model::create(bad_b));
  Bm25Options bad_len;
  bad_len.avg_len = 0;
  EXPECT_FALSE(Bm25Model::create(bad_len));
}

TEST(Bm25Model, AsciiFoldingAndCustomStopwords) {
  Bm25Options options;
  options.text.ascii_folding = true;
  options.text.stemmer_language = "";
  options.text.stopword_languages = std::vector<std::string>{};
  options.text.custom_stopwords = {"Foo"};
  auto model = Bm25Model::create(options);
  ASSERT_TRUE(model);
  auto embedding = model->embed_document("Ação foo café");
  EXPECT_EQ(embedding.indices.size(), 2u);
  EXPECT_GT(weight_of(embedding, "acao"), 0.0f);
  EXPECT_GT(weight_of(embedding, "cafe"), 0.0f);
}

}  // namespace
}  // namespace sextant::embed
