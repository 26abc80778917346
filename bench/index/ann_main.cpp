// sextant-ann: the annbench driver (../shared/annbench/README.md). Builds Sextant's HNSW over
// base.fvecs with --m/--efc on --threads threads, then for each --ef runs 200 untimed warm-up
// queries and every query once, single-threaded, printing one JSON line per phase. Vectors are
// L2-normalised, so the index uses Cosine (= inner product). Anything not JSON goes to stderr.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "bench/index/ann_dataset.hpp"
#include "index/hnsw/hnsw_graph.hpp"

namespace {

using sextant::index::HnswGraph;
using sextant::index::HnswParams;
using sextant::index::SearchRequest;
using sextant::index::VectorSource;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string base, query, gt, efs = "16,32,64,128,256";
  int m = 16, efc = 100, k = 10, threads = 2;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--base") o.base = value;
    else if (name == "--query") o.query = value;
    else if (name == "--gt") o.gt = value;
    else if (name == "--m") o.m = std::stoi(value);
    else if (name == "--efc") o.efc = std::stoi(value);
    else if (name == "--ef") o.efs = value;
    else if (name == "--k") o.k = std::stoi(value);
    else if (name == "--threads") o.threads = std::stoi(value);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::string error;
  const auto base = sextant::bench::read_fvecs(o.base, &error);
  const auto queries = sextant::bench::read_fvecs(o.query, &error);
  const auto truth = sextant::bench::read_ivecs(o.gt, &error);
  if (base.rows == 0 || queries.rows == 0 || truth.rows == 0) {
    std::fprintf(stderr, "sextant-ann: %s\n", error.c_str());
    return 1;
  }

  HnswParams params;
  params.m = uint32_t(o.m);
  params.ef_construct = uint32_t(o.efc);
  params.dim = uint32_t(base.dim);
  params.distance = sextant::index::Distance::kCosine;
  const float* chunk = base.values.data();
  const VectorSource source = VectorSource::from_float_chunks(&chunk, 31, params.dim);

  std::vector<uint32_t> offsets(base.rows);
  for (size_t i = 0; i < base.rows; ++i) offsets[i] = uint32_t(i);
  HnswGraph graph(params);
  const auto build_start = Clock::now();
  graph.build(offsets, source, unsigned(o.threads));
  const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();
  std::printf(
      "{\"engine\":\"sextant\",\"phase\":\"build\",\"n\":%zu,\"dim\":%zu,\"m\":%d,\"efc\":%d,"
      "\"threads\":%d,\"build_s\":%.3f,\"rss_mb\":%.1f}\n",
      base.rows, base.dim, o.m, o.efc, o.threads, build_s, sextant::bench::peak_rss_mb());
  std::fflush(stdout);
  std::fprintf(stderr, "sextant-ann: graph %.1f MB\n", graph.memory_bytes() / 1048576.0);

  std::stringstream ef_list(o.efs);
  for (std::string token; std::getline(ef_list, token, ',');) {
    SearchRequest request;
    request.k = size_t(o.k);
    request.ef = size_t(std::stoi(token));
    for (size_t q = 0; q < std::min<size_t>(queries.rows, 200); ++q) {
      request.query = queries.row(q);
      graph.search(request, source);
    }
    std::vector<double> latency_ms(queries.rows);
    size_t hits = 0;
    const auto sweep_start = Clock::now();
    for (size_t q = 0; q < queries.rows; ++q) {
      request.query = queries.row(q);
      const auto start = Clock::now();
      const auto result = graph.search(request, source);
      latency_ms[q] = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      const int32_t* expected = truth.row(q);
      for (const auto& hit : result)
        if (std::find(expected, expected + o.k, int32_t(hit.offset)) != expected + o.k) ++hits;
    }
    const double total_s = std::chrono::duration<double>(Clock::now() - sweep_start).count();
    std::sort(latency_ms.begin(), latency_ms.end());
    std::printf(
        "{\"engine\":\"sextant\",\"ef\":%s,\"k\":%d,\"recall\":%.4f,\"qps\":%.1f,"
        "\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
        token.c_str(), o.k, double(hits) / double(queries.rows * size_t(o.k)),
        double(queries.rows) / total_s, latency_ms[queries.rows / 2],
        latency_ms[queries.rows * 99 / 100]);
    std::fflush(stdout);
  }
  return 0;
}
