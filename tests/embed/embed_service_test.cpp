// The batching service must return the same vectors as direct encoding, in input order, for
// concurrent callers, and reject unknown models and over-long texts when truncation is off;
// asynchronous calls are answered exactly once, batched with others or not, even when the
// service stops with calls still queued.
#include "embed/embed_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
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

// load_model() registers the directory; the weights are loaded by the first request, once, however
// many requests arrive together.
TEST(EmbedService, ModelIsLoadedOnFirstUseOnce) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  EmbedService service({.worker_threads = 2});
  ASSERT_TRUE(service.load_model("minilm", testing::model_dir()));
  EXPECT_TRUE(service.has_model("minilm"));
  EXPECT_EQ(service.model("minilm"), nullptr);
  ASSERT_TRUE(service.model_config("minilm"));
  EXPECT_EQ(service.model_config("minilm")->hidden_size, 384);
  std::vector<std::thread> callers;
  std::vector<std::shared_ptr<const SentenceModel>> used(4);
  for (size_t i = 0; i < used.size(); ++i) {
    callers.emplace_back([&, i] {
      auto model = service.model_for_use("minilm");
      if (model) used[i] = *model;
    });
  }
  for (auto& caller : callers) caller.join();
  ASSERT_NE(service.model("minilm"), nullptr);
  for (const auto& model : used) EXPECT_EQ(model, service.model("minilm"));
  auto batch = service.embed("minilm", {"hello"});
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->embeddings.size(), 1u);
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

TEST(EmbedService, AsyncCallsAnswerEachCallOnceWithTheVectorsOfOneSentenceAlone) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  EmbedService service({.worker_threads = 2});
  ASSERT_TRUE(service.load_model("minilm", testing::model_dir()));
  auto cases = testing::load_reference_cases();
  ASSERT_FALSE(cases.empty());
  // The reference: each text encoded alone, in a batch of one.
  std::vector<std::vector<float>> alone;
  for (const auto& reference : cases) {
    auto result = service.embed("minilm", {reference.text});
    ASSERT_TRUE(result);
    alone.push_back(result->embeddings.front());
  }
  // Every text as its own async call, all queued at once, so the workers batch them together.
  constexpr int kRepeats = 4;
  const size_t calls = kRepeats * cases.size();
  std::mutex mutex;
  std::condition_variable all_done;
  std::vector<int> answers(calls, 0);
  std::vector<float> worst(calls, 0.0f);
  size_t answered = 0;
  for (size_t call = 0; call < calls; ++call) {
    const size_t index = call % cases.size();
    service.embed_async(
        "minilm", {cases[index].text}, {}, [&, call, index](Result<EmbeddingBatch> result) {
          std::lock_guard lock(mutex);
          ++answers[call];
          worst[call] =
              result ? max_abs_difference(result->embeddings.front(), alone[index]) : 1.0f;
          if (++answered == calls) all_done.notify_all();
        });
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(
      all_done.wait_for(lock, std::chrono::seconds(120), [&] { return answered == calls; }));
  for (size_t call = 0; call < calls; ++call) {
    EXPECT_EQ(answers[call], 1) << call;
    // Batched with others or alone, a sentence gets the same vector up to float rounding.
    EXPECT_LT(worst[call], 1e-4f) << cases[call % cases.size()].text;
  }
}

TEST(EmbedService, AsyncErrorsAreAnsweredBeforeTheCallReturns) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  EmbedService service({.worker_threads = 1});
  ASSERT_TRUE(service.load_model("minilm", testing::model_dir()));
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "word ";
  int unknown_model = 0, too_long = 0;
  service.embed_async("no/such-model", {"text"}, {}, [&](Result<EmbeddingBatch> result) {
    unknown_model += !result && result.error().kind == ErrorKind::kBadInput;
  });
  service.embed_async("minilm", {long_text}, {.truncate = false},
                      [&](Result<EmbeddingBatch> result) {
                        too_long += !result && result.error().kind == ErrorKind::kBadInput;
                      });
  EXPECT_EQ(unknown_model, 1);
  EXPECT_EQ(too_long, 1);
}

TEST(EmbedService, StoppingAnswersEveryQueuedCallExactlyOnce) {
  SEXTANT_SKIP_WITHOUT_MODEL();
  std::atomic<int> answered{0}, succeeded{0}, unavailable{0};
  constexpr int kCalls = 64;
  {
    EmbedService service({.worker_threads = 1});
    ASSERT_TRUE(service.load_model("minilm", testing::model_dir()));
    for (int call = 0; call < kCalls; ++call) {
      service.embed_async("minilm", {"a sentence to encode", "and a second one"}, {},
                          [&](Result<EmbeddingBatch> result) {
                            ++answered;
                            if (result) {
                              succeeded += result->embeddings.size() == 2;
                            } else {
                              unavailable += result.error().kind == ErrorKind::kUnavailable;
                            }
                          });
    }
  }  // the destructor stops the worker with most calls still queued
  EXPECT_EQ(answered.load(), kCalls);
  EXPECT_EQ(succeeded.load() + unavailable.load(), kCalls);
}

}  // namespace
}  // namespace sextant::embed
