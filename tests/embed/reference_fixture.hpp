// Shared helpers for the model-backed tests: where the model and the reference fixture live, and
// the fixture's parsed cases (text, Hugging Face token ids, sentence-transformers embedding).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sextant::embed::testing {

struct ReferenceCase {
  std::string text;
  std::vector<int32_t> token_ids;
  std::vector<float> embedding;
};

inline std::string model_dir() { return SEXTANT_TEST_MODEL_DIR; }

inline bool model_present() {
  return std::filesystem::exists(std::filesystem::path(model_dir()) / "model.safetensors");
}

inline std::vector<ReferenceCase> load_reference_cases() {
  std::ifstream in(std::string(SEXTANT_TEST_FIXTURE_DIR) + "/minilm_reference.json");
  std::stringstream text;
  text << in.rdbuf();
  boost::json::value root = boost::json::parse(text.str());
  std::vector<ReferenceCase> cases;
  for (const auto& entry : root.at("cases").as_array()) {
    ReferenceCase reference;
    reference.text = std::string(entry.at("text").as_string());
    for (const auto& id : entry.at("token_ids").as_array()) {
      reference.token_ids.push_back(static_cast<int32_t>(id.as_int64()));
    }
    for (const auto& value : entry.at("embedding").as_array()) {
      reference.embedding.push_back(static_cast<float>(value.to_number<double>()));
    }
    cases.push_back(std::move(reference));
  }
  return cases;
}

}  // namespace sextant::embed::testing

#define SEXTANT_SKIP_WITHOUT_MODEL()                                              \
  if (!::sextant::embed::testing::model_present())                                \
  GTEST_SKIP() << "model not found at " << ::sextant::embed::testing::model_dir() \
               << "; run scripts/fetch-model.sh to enable this test"
