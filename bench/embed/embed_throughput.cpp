// Throughput and latency of Sextant's sentence encoder through the EmbedService, on the
// sentences of bench/embed/sentences.txt. Prints one JSON object per figure, e.g.
//   {"system": "sextant", "mode": "batch32", "sentences_per_s": 812.4, "sentences": 512}
// so bench/embed/compare.py can put it beside PyTorch and ONNX Runtime.
//
// Usage: embed_throughput --model DIR --sentences FILE [--threads 2] [--backend packed|blas]
//                         [--rounds 2] [--precision float32|int8]
//                         (backend default: auto, packed below 128 rows)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "embed/embed_service.hpp"
#include "embed/sentence_model.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using sextant::embed::DenseProducts;
using sextant::embed::EmbedService;
using sextant::embed::Precision;
using sextant::embed::SentenceModel;

struct Options {
  std::string model_dir = "models/all-MiniLM-L6-v2";
  std::string sentences_path = "bench/embed/sentences.txt";
  int threads = 2;
  DenseProducts backend = DenseProducts::kAuto;
  int rounds = 2;
  Precision precision = Precision::kFloat32;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void print_rate(const char* backend, const char* mode, size_t sentences, double seconds) {
  std::printf(
      "{\"system\": \"sextant\", \"backend\": \"%s\", \"mode\": \"%s\", \"sentences_per_s\": "
      "%.1f, \"sentences\": %zu}\n",
      backend, mode, sentences / seconds, sentences);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--model") options.model_dir = value;
    if (flag == "--sentences") options.sentences_path = value;
    if (flag == "--threads") options.threads = std::stoi(value);
    if (flag == "--rounds") options.rounds = std::stoi(value);
    if (flag == "--precision") {
      options.precision = value == "int8" ? Precision::kInt8 : Precision::kFloat32;
    }
    if (flag == "--backend") {
      options.backend = value == "blas"     ? DenseProducts::kBlas
                        : value == "packed" ? DenseProducts::kPackedKernels
                                            : DenseProducts::kAuto;
    }
  }
  const char* backend = options.precision == Precision::kInt8              ? "int8"
                        : options.backend == DenseProducts::kBlas          ? "openblas"
                        : options.backend == DenseProducts::kPackedKernels ? "packed-avx2"
                                                                           : "auto";
  std::vector<std::string> sentences;
  std::ifstream in(options.sentences_path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) sentences.push_back(line);
  }
  if (sentences.empty()) {
    std::fprintf(stderr, "no sentences in %s\n", options.sentences_path.c_str());
    return 1;
  }
  auto model = SentenceModel::load(options.model_dir, options.backend, options.precision);
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 1;
  }
  EmbedService service({.worker_threads = options.threads});
  service.add_model("minilm", *model);
  // Warm-up; a failure here would make every figure below meaningless.
  if (auto warm_up = service.embed("minilm", {sentences.begin(), sentences.begin() + 32});
      !warm_up) {
    std::fprintf(stderr, "%s\n", warm_up.error().message.c_str());
    return 1;
  }

  // Batch 1: one caller, one sentence per call, back to back.
  {
    size_t count = std::min<size_t>(sentences.size(), 256);
    auto start = Clock::now();
    for (size_t i = 0; i < count; ++i) (void)service.embed("minilm", {sentences[i]});
    print_rate(backend, "batch1", count, seconds_since(start));
  }
  // Batch 1 with two concurrent callers (what a server under load sees).
  {
    size_t per_caller = std::min<size_t>(sentences.size(), 256);
    auto start = Clock::now();
    std::vector<std::thread> callers;
    for (int caller = 0; caller < 2; ++caller) {
      callers.emplace_back([&] {
        for (size_t i = 0; i < per_caller; ++i) (void)service.embed("minilm", {sentences[i]});
      });
    }
    for (auto& caller : callers) caller.join();
    print_rate(backend, "batch1x2callers", 2 * per_caller, seconds_since(start));
  }
  // Batch 32: calls of 32 sentences over the whole file, `rounds` times.
  {
    size_t count = 0;
    auto start = Clock::now();
    for (int round = 0; round < options.rounds; ++round) {
      for (size_t i = 0; i + 32 <= sentences.size(); i += 32) {
        (void)service.embed("minilm", {sentences.begin() + i, sentences.begin() + i + 32});
        count += 32;
      }
    }
    print_rate(backend, "batch32", count, seconds_since(start));
  }
  // Latency of one ~12-token sentence through the service (no HTTP).
  {
    const std::string text = "What is the capital city of France, and why?";
    std::vector<double> millis;
    for (int i = 0; i < 300; ++i) {
      auto start = Clock::now();
      (void)service.embed("minilm", {text});
      millis.push_back(seconds_since(start) * 1000.0);
    }
    std::sort(millis.begin(), millis.end());
    std::printf(
        "{\"system\": \"sextant\", \"backend\": \"%s\", \"mode\": \"latency_in_process\", "
        "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"tokens\": %zu}\n",
        backend, millis[millis.size() / 2], millis[millis.size() * 99 / 100],
        (*model)->tokenize(text).size());
  }
  return 0;
}
