// The batching service must return the same vectors as direct encoding, in input order, for
// concurrent callers, and reject unknown models and over-long texts when truncation is off.
#include "embed/embed_service.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "reference_fixture.hpp"

namespace sextant::embed {
namespace {

float max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

TEST(EmbedService, UnknownModelIsAnInvalidInputNamingTheAvailableOnes) {
  EmbedService service({.worker_threads = 1});
  auto result = service.embed("no/such-model", {"text"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(result.error().message.find("no/such-model"), std::string::npos);
}

TEST(EmbedService, MissingModelDirectoryFailsToLoadWithItsName) {
  EmbedService service({.worker_threads = 1});
  auto loaded = service.load_model("my-model", "/nonexistent/model/dir");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(loaded.error().message.find("my-model"), std::string::npos);
  EXPECT_FALSE(service.has_model("my-model"));
}

TEST(EmbedService, ConcurrentCallersGetTheirOwnVectorsInOrder) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  EmbedService service({.worker_threads = 2});
  ASSERT_TRUE(service.load_model("minilm", testing::model_dir()));
  auto cases = testing::load_reference_cases();
  std::vector<std::thread> callers;
  std::vector<int> mismatches(4, 0);
  for (int caller = 0; caller < 4; ++caller) {
    callers.emplace_back([&, caller] {
      std::vector<std::string> texts;
      std::vector<const testing::ReferenceCase*> expected;
      for (size_t i = caller; i < cases.size(); i += 4) {
        texts.push_back(cases[i].text);
        expected.push_back(&cases[i]);
      }
      auto result = service.embed("minilm", texts);
      if (!result || result->embeddings.size() != texts.size()) {
        mismatches[caller] = 1000;
        return;
      }
      for (size_t i = 0; i < texts.size(); ++i) {
        if (max_abs_difference(result->embeddings[i], expected[i]->embedding) > 2e-3f) {
          ++mismatches[caller];
        }
      }
    });
  }
  for (auto& caller : callers) caller.join();
  for (int caller = 0; caller < 4; ++caller) EXPECT_EQ(mismatches[caller], 0) << caller;
}

TEST(EmbedService, NormalizeFalseKeepsThePooledNormAndTruncateFalseRejectsLongText) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  EmbedService service({.worker_threads = 1});
  ASSERT_TRUE(service.load_model("minilm", testing::model_dir()));
  auto raw = service.embed("minilm", {"hello world"}, {.normalize = false});
  ASSERT_TRUE(raw);
  double squares = 0;
  for (float v : raw->embeddings[0]) squares += double(v) * v;
  EXPECT_GT(std::fabs(std::sqrt(squares) - 1.0), 0.01);
  EXPECT_EQ(raw->token_count, 4u);  // [CLS] hello world [SEP]

  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "word ";
  EXPECT_TRUE(service.embed("minilm", {long_text}));
  auto rejected = service.embed("minilm", {long_text}, {.truncate = false});
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().kind, ErrorKind::kBadInput);
}

}  // namespace
}  // namespace sextant::embed
