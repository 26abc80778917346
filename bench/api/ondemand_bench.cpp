// Prints the time to read a search body's plain query vector (384 float32 values written as
// Python writes them, up to 17 significant digits) four ways: simdjson's on-demand reader under
// its portable kernel (what the server's reader compiles to without -m options), the same under
// its AVX2 kernel, simdjson's runtime-dispatched DOM parser, and the server's own reader
// (api::split_plain_vector_body, which also checks each token and parses the other fields).
// Each figure is the median of --rounds rounds of --bodies reads, with the load average.
//
// Usage: build/bench/sextant-ondemand-bench [--dim 384] [--rounds 7] [--bodies 20000]
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "api/parse/plain_vector_body.hpp"
#include "common/cpu_features.hpp"

namespace sextant::bench {
namespace portable {
std::string_view kernel();
bool read_vector(std::string_view body, std::string_view key, std::vector<float>& out);
}  // namespace portable
namespace avx2 {
std::string_view kernel();
bool read_vector(std::string_view body, std::string_view key, std::vector<float>& out);
}  // namespace avx2

namespace {

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string first;
  in >> first;
  return first;
}

// {"query":[...],"limit":10} with `dim` float32 values printed as the shortest decimal of their
// double, as Python's json module writes numpy float32 values converted by tolist().
std::string search_body(size_t dim) {
  std::mt19937 rng(17);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  std::string body = "{\"query\":[";
  char text[32];
  for (size_t i = 0; i < dim; ++i) {
    const double value = normal(rng);
    auto end = std::to_chars(text, text + sizeof text, value).ptr;
    if (i) body += ',';
    body.append(text, end);
  }
  body += "],\"limit\":10}";
  return body;
}

bool dom_read(std::string_view body, std::vector<float>& out) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (parser.parse(body.data(), body.size()).get(document)) return false;
  simdjson::dom::array array;
  if (document["query"].get_array().get(array)) return false;
  out.clear();
  for (auto element : array) {
    double number = 0;
    if (element.get_double().get(number)) return false;
    out.push_back(static_cast<float>(number));
  }
  return true;
}

bool server_read(std::string_view body, std::vector<float>& out) {
  auto split = api::split_plain_vector_body(body, "query");
  if (!split) return false;
  out = std::move(split->vector);
  return true;
}

double median_us_per_body(const std::function<bool(std::string_view, std::vector<float>&)>& read,
                          const std::string& body, int rounds, int bodies,
                          std::vector<float>& out) {
  std::vector<double> figures;
  for (int round = 0; round < rounds; ++round) {
    const auto began = std::chrono::steady_clock::now();
    for (int i = 0; i < bodies; ++i)
      if (!read(body, out)) return -1;
    const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - began;
    figures.push_back(took.count() / bodies);
  }
  std::sort(figures.begin(), figures.end());
  return figures[figures.size() / 2];
}

}  // namespace
}  // namespace sextant::bench

int main(int argc, char** argv) {
  using namespace sextant::bench;
  size_t dim = 384;
  int rounds = 7, bodies = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--dim")) dim = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::stoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--bodies")) bodies = std::stoi(argv[i + 1]);
  }
  const std::string body = search_body(dim);
  std::printf("body: %zu values, %zu bytes; simdjson active (DOM) kernel %s\n", dim, body.size(),
              simdjson::get_active_implementation()->name().c_str());
  struct Reader {
    std::string name;
    std::function<bool(std::string_view, std::vector<float>&)> read;
  };
  std::vector<Reader> readers;
  readers.push_back({"on-demand " + std::string(portable::kernel()),
                     [](std::string_view b, std::vector<float>& o) {
                       return portable::read_vector(b, "query", o);
                     }});
  if (sextant::cpu_features().avx2)
    readers.push_back(
        {"on-demand " + std::string(avx2::kernel()), [](std::string_view b, std::vector<float>& o) {
           return avx2::read_vector(b, "query", o);
         }});
  readers.push_back({"DOM (runtime dispatch)", dom_read});
  readers.push_back({"server reader (split_plain_vector_body)", server_read});
  std::vector<float> reference;
  for (const auto& reader : readers) {
    std::vector<float> out;
    const double us = median_us_per_body(reader.read, body, rounds, bodies, out);
    if (reference.empty()) reference = out;
    std::printf("%-42s %7.2f us per body  %6.1f ns per value  same floats=%s  loadavg=%s\n",
                reader.name.c_str(), us, us * 1000 / double(dim), out == reference ? "yes" : "NO",
                load_average().c_str());
  }
  return 0;
}
