// Throughput and latency of Sextant's sentence encoder through the EmbedService, on the
// sentences of bench/embed/sentences.txt. Prints one JSON object per figure, e.g.
//   {"system": "sextant", "mode": "batch32", "sentences_per_s": 812.4, "sentences": 512}
// so bench/embed/compare.py can put it beside PyTorch and ONNX Runtime.
//
// Usage: embed_throughput --model DIR --sentences FILE [--threads 2] [--backend packed|blas]
//                         [--rounds 2] [--precision float32|int8] [--only MODE]
//                         (backend default: auto, packed below 128 rows)
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <span>
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
  std::string only;  // run just this mode (e.g. batch32, for a profiler); empty: all
};

// Wall time and the process's CPU time since construction: CPU time per sentence is the figure
// that a busy, shared machine disturbs least.
struct Stopwatch {
  Clock::time_point wall = Clock::now();
  double cpu = process_cpu_seconds();

  static double process_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
  }
};

double load_average() {
  double loads[1] = {0.0};
  return getloadavg(loads, 1) == 1 ? loads[0] : -1.0;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void print_rate(const char* backend, const char* mode, size_t sentences, const Stopwatch& watch) {
  const double seconds = seconds_since(watch.wall);
  const double cpu_seconds = Stopwatch::process_cpu_seconds() - watch.cpu;
  std::printf(
      "{\"system\": \"sextant\", \"backend\": \"%s\", \"mode\": \"%s\", \"sentences_per_s\": "
      "%.1f, \"cpu_ms_per_sentence\": %.3f, \"sentences\": %zu, \"load1\": %.2f}\n",
      backend, mode, sentences / seconds, cpu_seconds * 1000.0 / sentences, sentences,
      load_average());
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
    if (flag == "--only") options.only = value;
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

  auto runs = [&](const char* mode) { return options.only.empty() || options.only == mode; };
  // The encoder alone on this thread (no service, no second core): the arithmetic per sentence
  // of one sentence per call against calls of 32, on the same sentences.
  for (size_t batch : {size_t{1}, size_t{32}}) {
    const std::string mode = "encoder_1thread_batch" + std::to_string(batch);
    if (!runs(mode.c_str())) continue;
    std::vector<std::vector<int32_t>> tokens;
    for (const auto& sentence : sentences) tokens.push_back((*model)->tokenize(sentence));
    sextant::embed::EncoderWorkspace workspace;
    std::vector<float> output(batch * static_cast<size_t>((*model)->dimension()));
    size_t count = 0;
    Stopwatch start;
    for (int round = 0; round < options.rounds; ++round) {
      for (size_t i = 0; i + batch <= tokens.size(); i += batch) {
        std::vector<std::span<const int32_t>> views(tokens.begin() + i, tokens.begin() + i + batch);
        (*model)->encode_batch(views, workspace, output.data());
        count += batch;
      }
    }
    print_rate(backend, mode.c_str(), count, start);
  }
  // Batch 1: one caller, one sentence per call, back to back.
  if (runs("batch1")) {
    size_t count = std::min<size_t>(sentences.size(), 256);
    Stopwatch start;
    for (size_t i = 0; i < count; ++i) (void)service.embed("minilm", {sentences[i]});
    print_rate(backend, "batch1", count, start);
  }
  // Batch 1 with two concurrent callers (what a server under load sees).
  if (runs("batch1x2callers")) {
    size_t per_caller = std::min<size_t>(sentences.size(), 256);
    Stopwatch start;
    std::vector<std::thread> callers;
    for (int caller = 0; caller < 2; ++caller) {
      callers.emplace_back([&] {
        for (size_t i = 0; i < per_caller; ++i) (void)service.embed("minilm", {sentences[i]});
      });
    }
    for (auto& caller : callers) caller.join();
    print_rate(backend, "batch1x2callers", 2 * per_caller, start);
  }
  // Batch 32: calls of 32 sentences over the whole file, `rounds` times.
  if (runs("batch32")) {
    size_t count = 0;
    Stopwatch start;
    for (int round = 0; round < options.rounds; ++round) {
      for (size_t i = 0; i + 32 <= sentences.size(); i += 32) {
        (void)service.embed("minilm", {sentences.begin() + i, sentences.begin() + i + 32});
        count += 32;
      }
    }
    print_rate(backend, "batch32", count, start);
  }
  // Latency of one ~12-token sentence through the service (no HTTP).
  if (runs("latency_in_process")) {
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
