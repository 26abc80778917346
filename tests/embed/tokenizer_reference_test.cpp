// The tokenizer must produce exactly Hugging Face's token ids on the reference corpus (accents,
// CJK, emoji, punctuation, control characters, long words, literal special tokens, truncation).
#include <gtest/gtest.h>

#include "embed/sentence_model.hpp"
#include "embed/wordpiece_tokenizer.hpp"
#include "reference_fixture.hpp"

namespace sextant::embed {
namespace {

TEST(TokenizerReference, MatchesHuggingFaceTokenIdsOnEveryCase) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  auto model = SentenceModel::load(testing::model_dir());
  ASSERT_TRUE(model) << model.error().message;
  auto cases = testing::load_reference_cases();
  ASSERT_GE(cases.size(), 30u);
  size_t truncated_cases = 0;
  for (const auto& reference : cases) {
    std::vector<int32_t> ids = (*model)->tokenize(reference.text);
    EXPECT_EQ(ids, reference.token_ids) << "text: " << reference.text;
    if (ids.size() == 256) ++truncated_cases;
  }
  EXPECT_GE(truncated_cases, 1u) << "the corpus must exercise truncation at 256 tokens";
}

TEST(TokenizerReference, VocabTxtGivesTheSameIdsAsTokenizerJson) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  // A copy of the model directory without tokenizer.json forces the vocab.txt path.
  auto dir = std::filesystem::temp_directory_path() / "sextant_vocab_only";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(std::filesystem::path(testing::model_dir()) / "vocab.txt",
                             dir / "vocab.txt", std::filesystem::copy_options::overwrite_existing);
  auto from_vocab = WordpieceTokenizer::load(dir.string(), BertNormalizerOptions{}, 256);
  ASSERT_TRUE(from_vocab) << from_vocab.error().message;
  for (const auto& reference : testing::load_reference_cases()) {
    EXPECT_EQ((*from_vocab)->encode(reference.text), reference.token_ids)
        << "text: " << reference.text;
  }
  std::filesystem::remove_all(dir);
}

TEST(TokenizerReference, CallerLimitTruncatesAndReportsIt) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  auto model = SentenceModel::load(testing::model_dir());
  ASSERT_TRUE(model);
  bool truncated = false;
  auto ids = (*model)->tokenizer().encode("one two three four five six", 5, &truncated);
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(ids.front(), (*model)->tokenizer().token_id("[CLS]"));
  EXPECT_EQ(ids.back(), (*model)->tokenizer().token_id("[SEP]"));
  (*model)->tokenizer().encode("short", 5, &truncated);
  EXPECT_FALSE(truncated);
}

}  // namespace
}  // namespace sextant::embed
