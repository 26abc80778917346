// How close the int8 encoder's embeddings are to the float32 encoder's, sentence by sentence, per
// int8 variant (Int8Options), on the two reference sets:
//   - sentences.txt (bench/embed/sentences.txt, 512 ordinary sentences), in batches of 32;
//   - the edge-case set: the texts of tests/embed/fixtures/minilm_reference.json (accents, CJK,
//     emoji, texts over the 256-token limit), one at a time.
// For each variant it prints one JSON object with min / p1 / median cosine to float32 on both
// sets, how many sentences fall below the 0.995 bar int8 must hold everywhere to be the default
// precision, and its in-process speed on one thread (sentences per thread-CPU second in batches
// of 32, and one sentence at a time), with the load average beside it. The float32 encoder's speed
// is printed first, measured the same way.
//
// Usage: int8_fidelity [--model DIR] [--sentences FILE] [--fixture FILE] [--rounds N]
#include <time.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "embed/sentence_model.hpp"

using sextant::embed::DenseProducts;
using sextant::embed::EncoderWorkspace;
using sextant::embed::Int8Options;
using sextant::embed::Precision;
using sextant::embed::SentenceModel;

namespace {

struct Variant {
  const char* name;
  Int8Options options;
};

// The variants compared: plain per-token int8, outlier channels split off at a few thresholds,
// and mixed precision with the FFN down projection kept in float32.
const Variant kVariants[] = {
    {"per-token", {0.0f, false}},     {"outliers>8", {8.0f, false}},
    {"outliers>6", {6.0f, false}},    {"outliers>4", {4.0f, false}},
    {"float-ffn-down", {0.0f, true}}, {"outliers>6+float-ffn-down", {6.0f, true}},
};

double cosine(const std::vector<float>& x, const std::vector<float>& y) {
  double dot = 0, a = 0, b = 0;
  for (size_t d = 0; d < x.size(); ++d) {
    dot += double(x[d]) * y[d];
    a += double(x[d]) * x[d];
    b += double(y[d]) * y[d];
  }
  return dot / std::sqrt(a * b);
}

double load_average() {
  double loads[1] = {0.0};
  return getloadavg(loads, 1) == 1 ? loads[0] : -1.0;
}

std::string summary(std::vector<double> cosines) {
  std::sort(cosines.begin(), cosines.end());
  size_t below = std::count_if(cosines.begin(), cosines.end(), [](double c) { return c < 0.995; });
  char text[256];
  std::snprintf(text, sizeof(text),
                "{\"n\": %zu, \"min\": %.5f, \"p1\": %.5f, \"median\": %.5f, \"below_0.995\": %zu}",
                cosines.size(), cosines.front(), cosines[cosines.size() / 100],
                cosines[cosines.size() / 2], below);
  return text;
}

std::vector<std::vector<float>> embed_in_batches(const SentenceModel& model,
                                                 const std::vector<std::string>& texts,
                                                 size_t batch) {
  std::vector<std::vector<float>> result;
  for (size_t first = 0; first < texts.size(); first += batch) {
    std::vector<std::string> slice(texts.begin() + first,
                                   texts.begin() + std::min(first + batch, texts.size()));
    for (auto& vector : model.embed(slice)) result.push_back(std::move(vector));
  }
  return result;
}

// Thread CPU time now: on a machine shared with other work, sentences per CPU second of this
// thread are disturbed far less than sentences per wall second.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Sentences per CPU second of this thread over all `sequences`, in batches of `batch`; the best
// of `rounds` passes (the least disturbed by other processes).
double sentences_per_second(const SentenceModel& model,
                            const std::vector<std::vector<int32_t>>& sequences, size_t batch,
                            int rounds) {
  EncoderWorkspace workspace;
  std::vector<float> output(batch * static_cast<size_t>(model.dimension()));
  double best = 0;
  for (int round = 0; round < rounds; ++round) {
    const double start = thread_cpu_seconds();
    for (size_t first = 0; first < sequences.size(); first += batch) {
      const size_t count = std::min(batch, sequences.size() - first);
      std::vector<std::span<const int32_t>> views(sequences.begin() + first,
                                                  sequences.begin() + first + count);
      model.encode_batch(views, workspace, output.data());
    }
    const double seconds = thread_cpu_seconds() - start;
    best = std::max(best, static_cast<double>(sequences.size()) / seconds);
  }
  return best;
}

std::vector<std::string> fixture_texts(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code error;
  boost::json::value fixture = boost::json::parse(text.str(), error);
  std::vector<std::string> texts;
  if (error || !fixture.is_object()) return texts;
  for (const auto& item : fixture.at("cases").as_array()) {
    texts.emplace_back(item.as_object().at("text").as_string());
  }
  return texts;
}

void print_speed(const char* name, const SentenceModel& model,
                 const std::vector<std::vector<int32_t>>& sequences, int rounds) {
  const double batch32 = sentences_per_second(model, sequences, 32, rounds);
  const double single = sentences_per_second(model, sequences, 1, rounds);
  std::printf(
      "{\"variant\": \"%s\", \"batch32_sentences_per_cpu_s\": %.1f, \"one_sentence_per_cpu_s\": "
      "%.1f, "
      "\"load_average\": %.2f}\n",
      name, batch32, single, load_average());
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_dir = "models/all-MiniLM-L6-v2";
  std::string sentences_path = "bench/embed/sentences.txt";
  std::string fixture_path = "tests/embed/fixtures/minilm_reference.json";
  int rounds = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--model") model_dir = argv[i + 1];
    if (flag == "--sentences") sentences_path = argv[i + 1];
    if (flag == "--fixture") fixture_path = argv[i + 1];
    if (flag == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  std::vector<std::string> sentences;
  std::ifstream in(sentences_path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) sentences.push_back(line);
  }
  const std::vector<std::string> edge_cases = fixture_texts(fixture_path);
  auto reference = SentenceModel::load(model_dir, DenseProducts::kAuto, Precision::kFloat32);
  if (!reference || sentences.empty() || edge_cases.empty()) {
    std::fprintf(stderr, "cannot load %s, %s or %s\n", model_dir.c_str(), sentences_path.c_str(),
                 fixture_path.c_str());
    return 1;
  }
  std::vector<std::vector<int32_t>> sequences;
  for (const auto& sentence : sentences) sequences.push_back((*reference)->tokenize(sentence));
  const auto expected_sentences = embed_in_batches(**reference, sentences, 32);
  const auto expected_edge_cases = embed_in_batches(**reference, edge_cases, 1);
  print_speed("float32", **reference, sequences, rounds);

  for (const Variant& variant : kVariants) {
    auto model =
        SentenceModel::load(model_dir, DenseProducts::kAuto, Precision::kInt8, variant.options);
    if (!model) return 1;
    const auto actual_sentences = embed_in_batches(**model, sentences, 32);
    const auto actual_edge_cases = embed_in_batches(**model, edge_cases, 1);
    std::vector<double> sentence_cosines, edge_cosines;
    for (size_t i = 0; i < sentences.size(); ++i) {
      sentence_cosines.push_back(cosine(expected_sentences[i], actual_sentences[i]));
    }
    for (size_t i = 0; i < edge_cases.size(); ++i) {
      edge_cosines.push_back(cosine(expected_edge_cases[i], actual_edge_cases[i]));
    }
    std::printf("{\"variant\": \"%s\", \"sentences.txt\": %s, \"edge_cases\": %s}\n", variant.name,
                summary(sentence_cosines).c_str(), summary(edge_cosines).c_str());
    print_speed(variant.name, **model, sequences, rounds);
  }
  return 0;
}
