// How close the int8 encoder's embeddings are to the float32 encoder's, sentence by sentence, on
// bench/embed/sentences.txt (the reference set): prints one JSON object with the minimum, median
// and mean cosine and how many sentences fall below the 0.995 bar that int8 must hold everywhere
// to become the default precision. With --fixture (tests/embed/fixtures/minilm_reference.json,
// written by make_reference.py from sentence-transformers in float32) it prints the same figures
// for both precisions against those reference embeddings on that corpus (accents, CJK, emoji,
// texts over the 256-token limit).
//
// Usage: int8_fidelity [--model DIR] [--sentences FILE] [--fixture FILE]
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "embed/sentence_model.hpp"

using sextant::embed::DenseProducts;
using sextant::embed::Precision;
using sextant::embed::SentenceModel;

namespace {

double cosine(const std::vector<float>& x, const std::vector<float>& y) {
  double dot = 0, a = 0, b = 0;
  for (size_t d = 0; d < x.size(); ++d) {
    dot += double(x[d]) * y[d];
    a += double(x[d]) * x[d];
    b += double(y[d]) * y[d];
  }
  return dot / std::sqrt(a * b);
}

void print_summary(const char* comparison, std::vector<double> cosines) {
  std::sort(cosines.begin(), cosines.end());
  double sum = 0;
  for (double c : cosines) sum += c;
  size_t below = std::count_if(cosines.begin(), cosines.end(), [](double c) { return c < 0.995; });
  std::printf(
      "{\"comparison\": \"%s\", \"sentences\": %zu, \"min_cosine\": %.5f, "
      "\"median_cosine\": %.5f, \"mean_cosine\": %.5f, \"below_0.995\": %zu}\n",
      comparison, cosines.size(), cosines.front(), cosines[cosines.size() / 2],
      sum / cosines.size(), below);
}

// Both precisions against the PyTorch embeddings stored in the fixture.
int compare_with_fixture(const std::string& path, const SentenceModel& reference,
                         const SentenceModel& quantized) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code error;
  boost::json::value fixture = boost::json::parse(text.str(), error);
  if (error || !fixture.is_object()) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }
  std::vector<double> float_cosines, int8_cosines;
  for (const auto& item : fixture.at("cases").as_array()) {
    const auto& record = item.as_object();
    std::vector<float> expected;
    for (const auto& value : record.at("embedding").as_array()) {
      expected.push_back(static_cast<float>(value.to_number<double>()));
    }
    std::vector<std::string> texts{std::string(record.at("text").as_string())};
    float_cosines.push_back(cosine(expected, reference.embed(texts)[0]));
    int8_cosines.push_back(cosine(expected, quantized.embed(texts)[0]));
  }
  print_summary("float32 vs sentence-transformers (fixture)", float_cosines);
  print_summary("int8 vs sentence-transformers (fixture)", int8_cosines);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_dir = "models/all-MiniLM-L6-v2";
  std::string sentences_path = "bench/embed/sentences.txt";
  std::string fixture_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--model") model_dir = argv[i + 1];
    if (flag == "--sentences") sentences_path = argv[i + 1];
    if (flag == "--fixture") fixture_path = argv[i + 1];
  }
  std::vector<std::string> sentences;
  std::ifstream in(sentences_path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) sentences.push_back(line);
  }
  auto reference = SentenceModel::load(model_dir, DenseProducts::kAuto, Precision::kFloat32);
  auto quantized = SentenceModel::load(model_dir, DenseProducts::kAuto, Precision::kInt8);
  if (!reference || !quantized || sentences.empty()) {
    std::fprintf(stderr, "cannot load %s or %s\n", model_dir.c_str(), sentences_path.c_str());
    return 1;
  }
  std::vector<double> cosines;
  for (size_t first = 0; first < sentences.size(); first += 32) {
    std::vector<std::string> slice(sentences.begin() + first,
                                   sentences.begin() + std::min(first + 32, sentences.size()));
    auto expected = (*reference)->embed(slice);
    auto actual = (*quantized)->embed(slice);
    for (size_t i = 0; i < slice.size(); ++i) cosines.push_back(cosine(expected[i], actual[i]));
  }
  print_summary("int8 vs float32 (sentences.txt)", cosines);
  if (!fixture_path.empty()) return compare_with_fixture(fixture_path, **reference, **quantized);
  return 0;
}
