// sextant-streaming-graph-bench: graph quality of a one-shot build against a graph built from
// points arriving in small batches, as a collection's indexing thread applies them
// (storage/vector_index.cpp, VectorIndex::catch_up), over the annbench data set
// (../shared/annbench/README.md).
//
// Both builds go through HnswGraph::build on --threads threads (default: hardware concurrency,
// as the server's indexing thread uses). The streaming build first builds the points of the
// collection's indexing threshold at once (--first, default: 10000 KiB of float32 vectors, the
// default indexing_threshold), then inserts the rest in batches of --batch (default 256, one HTTP
// upsert each). With --links int8 the links are chosen on int8 codes (a collection with scalar
// quantization); the streaming build then trains the quantizer on its first batch, as
// catch_up does. For each build and each walk (float32, and int8 codes rescored on float32)
// it prints recall@k and single-thread QPS per --ef, one JSON line each, with the load average
// beside every figure (the machine is shared). The int8 walk rescores its whole beam on float32
// (--oversampling 0, the default: what a collection's internal codes do) or the best
// k * --oversampling; its beam is hnsw_ef + hnsw_ef / --widen (default 8, as the server's walk on
// internal codes; 0: hnsw_ef). The int8 scale keeps the --quantile fraction (default 1, as
// internal codes) of |components| unclipped.
//
// Usage: sextant-streaming-graph-bench --base B --query Q --gt G [--m 16] [--efc 100]
//        [--ef 16,32,64,128,256] [--threads N] [--batch 256] [--first N] [--links f32|int8]
//        [--walk f32|int8|both] [--oversampling X] [--quantile Q] [--widen N]
//        [--builds oneshot,streaming]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/index/ann_dataset.hpp"
#include "index/hnsw/hnsw_graph.hpp"
#include "index/quantization/scalar_quantizer.hpp"

namespace {

using sextant::index::HnswGraph;
using sextant::index::HnswParams;
using sextant::index::QuantizedVectors;
using sextant::index::ScalarQuantizer;
using sextant::index::SearchRequest;
using sextant::index::VectorSource;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string base, query, gt, efs = "16,32,64,128,256", links = "f32", walk = "both",
                               builds = "oneshot,streaming";
  int m = 16, efc = 100, k = 10, threads = 0, batch = 256, first = -1, widen = 8;
  double oversampling = 0;
  float quantile = 1.0f;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--base") o.base = value;
    if (name == "--query") o.query = value;
    if (name == "--gt") o.gt = value;
    if (name == "--ef") o.efs = value;
    if (name == "--links") o.links = value;
    if (name == "--walk") o.walk = value;
    if (name == "--builds") o.builds = value;
    if (name == "--m") o.m = std::stoi(value);
    if (name == "--efc") o.efc = std::stoi(value);
    if (name == "--k") o.k = std::stoi(value);
    if (name == "--threads") o.threads = std::stoi(value);
    if (name == "--batch") o.batch = std::stoi(value);
    if (name == "--first") o.first = std::stoi(value);
    if (name == "--oversampling") o.oversampling = std::stod(value);
    if (name == "--quantile") o.quantile = std::stof(value);
    if (name == "--widen") o.widen = std::stoi(value);
  }
  if (o.threads <= 0) o.threads = int(std::max(1u, std::thread::hardware_concurrency()));
  return o;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

// Up to 10000 offsets spread evenly over `offsets` (VectorIndex's quantizer sample).
std::vector<uint32_t> spread_sample(std::span<const uint32_t> offsets) {
  std::vector<uint32_t> sample;
  const size_t step = std::max<size_t>(1, offsets.size() / 10000);
  for (size_t i = 0; i < offsets.size(); i += step) sample.push_back(offsets[i]);
  return sample;
}

struct Built {
  HnswGraph graph;
  std::unique_ptr<QuantizedVectors> codes;  // int8 codes of every point
  double build_s = 0;
};

// One-shot (first == all) or streaming build of every offset, mirroring catch_up: codes are
// trained on the first batch, then every batch is encoded and inserted with HnswGraph::build.
Built build(const Options& o, const HnswParams& params, const std::vector<uint32_t>& offsets,
            const VectorSource& source, size_t first, size_t batch) {
  Built out{HnswGraph(params), nullptr, 0};
  const bool int8_links = o.links == "int8";
  const auto start = Clock::now();
  const size_t first_end = std::min(first, offsets.size());
  const std::span<const uint32_t> head(offsets.data(), first_end);
  out.codes = std::make_unique<QuantizedVectors>(
      ScalarQuantizer::train(source, spread_sample(head), o.quantile), params.dim);
  for (size_t begin = 0; begin < offsets.size();) {
    const size_t end = begin == 0 ? first_end : std::min(offsets.size(), begin + batch);
    const std::span<const uint32_t> part(offsets.data() + begin, end - begin);
    out.codes->encode_all(part, source, unsigned(o.threads));
    out.graph.build(part, source, unsigned(o.threads), int8_links ? out.codes.get() : nullptr);
    begin = end;
  }
  out.build_s = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

void sweep(const Options& o, const char* build_name, const Built& built, const VectorSource& source,
           const sextant::bench::VecsFile<float>& queries,
           const sextant::bench::VecsFile<int32_t>& truth, bool int8_walk) {
  std::stringstream ef_list(o.efs);
  for (std::string token; std::getline(ef_list, token, ',');) {
    SearchRequest request;
    request.k = size_t(o.k);
    request.ef = size_t(std::stoi(token));
    // The server's walk on internal codes widens its beam by ef / 8 (vector_index_search.cpp).
    if (int8_walk && o.widen > 0) request.ef += std::max<size_t>(1, request.ef / size_t(o.widen));
    request.quantized = int8_walk ? built.codes.get() : nullptr;
    // 0: rescore the whole beam, as a collection's internal codes do (vector_index_search.cpp).
    request.oversampling =
        o.oversampling > 0 ? o.oversampling : double(request.ef) / double(request.k);
    for (size_t q = 0; q < std::min<size_t>(queries.rows, 200); ++q) {
      request.query = queries.row(q);
      built.graph.search(request, source);
    }
    size_t hits = 0;
    const auto start = Clock::now();
    for (size_t q = 0; q < queries.rows; ++q) {
      request.query = queries.row(q);
      const auto result = built.graph.search(request, source);
      const int32_t* expected = truth.row(q);
      for (const auto& hit : result)
        if (std::find(expected, expected + o.k, int32_t(hit.offset)) != expected + o.k) ++hits;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf(
        "{\"build\":\"%s\",\"links\":\"%s\",\"walk\":\"%s\",\"ef\":%s,\"recall\":%.4f,"
        "\"qps\":%.1f,\"load\":%s}\n",
        build_name, o.links.c_str(), int8_walk ? "int8" : "f32", token.c_str(),
        double(hits) / double(queries.rows * size_t(o.k)), double(queries.rows) / seconds,
        load_average().c_str());
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::string error;
  const auto base = sextant::bench::read_fvecs(o.base, &error);
  const auto queries = sextant::bench::read_fvecs(o.query, &error);
  const auto truth = sextant::bench::read_ivecs(o.gt, &error);
  if (base.rows == 0 || queries.rows == 0 || truth.rows == 0) {
    std::fprintf(stderr, "sextant-streaming-graph-bench: %s\n", error.c_str());
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
  const size_t first =
      o.first >= 0 ? size_t(o.first) : size_t(10000) * 1024 / (base.dim * sizeof(float));

  for (const std::string name : {"oneshot", "streaming"}) {
    if (o.builds.find(name) == std::string::npos) continue;
    const bool streaming = name == "streaming";
    const Built built = build(o, params, offsets, source, streaming ? first : offsets.size(),
                              size_t(std::max(1, o.batch)));
    std::printf(
        "{\"build\":\"%s\",\"links\":\"%s\",\"n\":%zu,\"threads\":%d,\"first\":%zu,"
        "\"batch\":%d,\"build_s\":%.2f,\"load\":%s}\n",
        name.c_str(), o.links.c_str(), base.rows, o.threads, streaming ? first : base.rows,
        streaming ? o.batch : 0, built.build_s, load_average().c_str());
    std::fflush(stdout);
    if (o.walk != "int8") sweep(o, name.c_str(), built, source, queries, truth, false);
    if (o.walk != "f32") sweep(o, name.c_str(), built, source, queries, truth, true);
  }
  return 0;
}
