// sextant-ann: the annbench driver (../shared/annbench/README.md). Builds Sextant's HNSW over
// base.fvecs with --m/--efc on --threads threads, then for each --ef runs 200 untimed warm-up
// queries and every query once, single-threaded, printing one JSON line per phase. Each ef line
// also carries cpu_qps: queries per second of the search thread's CPU time (not in the contract;
// steadier than wall QPS on a shared machine, for comparing Sextant builds). Vectors are
// L2-normalised, so the index uses Cosine (= inner product). Anything not JSON goes to stderr.
//
// Extra options (not part of the contract): --quantization int8|none|both|binary|pq|turbo
// (default int8: the walk runs on scalar-quantized codes and the candidates are rescored on
// float32 vectors;
// the engine is reported as "sextant", and "sextant-f32" for the float32-only walk; binary walks
// on bit codes by Hamming distance, reported as "sextant-binary", with --binary-encoding
// one_bit|two_bits|one_and_half_bits and --binary-query-bits 0|4|8 (the query's bits per
// component for one_bit codes: 0 = binary), links chosen on float32; pq walks on product-quantized
// codes by a per-query lookup table, reported as "sextant-pq", with --pq-compression 4..64,
// default 16; turbo walks on TurboQuant codes by a per-query table, reported as "sextant-turbo",
// with --turbo-bits 1|1.5|2|4, default 4), and
// --image PATH: after the sweep, write the graph image to PATH, map it read-only and report the
// time from open to the first answer (what a restart costs); --graph-cache PATH: reuse the graph
// image at PATH instead of building (written there after a build), for tuning search only;
// --build-on-codes 0|1 (default 1): choose links on the int8 codes (faster) or on float32;
// --oversampling X (default 2): the quantized walk's best k * X candidates are rescored on
// float32.
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/index/ann_dataset.hpp"
#include "index/hnsw/hnsw_graph.hpp"
#include "index/hnsw/hnsw_image.hpp"
#include "index/quantization/binary_quantizer.hpp"
#include "index/quantization/product_quantizer.hpp"
#include "index/quantization/scalar_quantizer.hpp"
#include "index/quantization/turbo_quantizer.hpp"

namespace {

using sextant::index::HnswGraph;
using sextant::index::HnswParams;
using sextant::index::SearchRequest;
using sextant::index::VectorSource;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string base, query, gt, efs = "16,32,64,128,256";
  std::string quantization = "int8", binary_encoding = "one_bit", turbo_bits = "4", image,
              graph_cache;
  int m = 16, efc = 100, k = 10, threads = 2, pq_compression = 16, binary_query_bits = 0;
  bool build_on_codes = true;
  double oversampling = 2.0;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--base")
      o.base = value;
    else if (name == "--query")
      o.query = value;
    else if (name == "--gt")
      o.gt = value;
    else if (name == "--m")
      o.m = std::stoi(value);
    else if (name == "--efc")
      o.efc = std::stoi(value);
    else if (name == "--ef")
      o.efs = value;
    else if (name == "--k")
      o.k = std::stoi(value);
    else if (name == "--threads")
      o.threads = std::stoi(value);
    else if (name == "--quantization")
      o.quantization = value;
    else if (name == "--image")
      o.image = value;
    else if (name == "--graph-cache")
      o.graph_cache = value;
    else if (name == "--build-on-codes")
      o.build_on_codes = value != "0";
    else if (name == "--pq-compression")
      o.pq_compression = std::stoi(value);
    else if (name == "--binary-query-bits")
      o.binary_query_bits = std::stoi(value);
    else if (name == "--binary-encoding")
      o.binary_encoding = value;
    else if (name == "--turbo-bits")
      o.turbo_bits = value;
    else if (name == "--oversampling")
      o.oversampling = std::stod(value);
  }
  return o;
}

// CPU time of the calling thread: unlike wall time, it leaves out the time the thread waits while
// other processes run on a shared machine.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

void sweep(const Options& o, const HnswGraph& graph, const VectorSource& source,
           const sextant::bench::VecsFile<float>& queries,
           const sextant::bench::VecsFile<int32_t>& truth,
           const sextant::index::QuantizedVectors* codes,
           const sextant::index::BinaryVectors* binary,
           const sextant::index::ProductVectors* product, const sextant::index::TurboVectors* turbo,
           const char* engine) {
  std::stringstream ef_list(o.efs);
  for (std::string token; std::getline(ef_list, token, ',');) {
    SearchRequest request;
    request.k = size_t(o.k);
    request.ef = size_t(std::stoi(token));
    request.quantized = codes;
    request.binary = binary;
    request.product = product;
    request.turbo = turbo;
    request.oversampling = o.oversampling;
    for (size_t q = 0; q < std::min<size_t>(queries.rows, 200); ++q) {
      request.query = queries.row(q);
      graph.search(request, source);
    }
    std::vector<double> latency_ms(queries.rows);
    size_t hits = 0;
    const double cpu_start = thread_cpu_seconds();
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
    const double cpu_s = thread_cpu_seconds() - cpu_start;
    std::sort(latency_ms.begin(), latency_ms.end());
    std::printf(
        "{\"engine\":\"%s\",\"ef\":%s,\"k\":%d,\"recall\":%.4f,\"qps\":%.1f,"
        "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"cpu_qps\":%.1f}\n",
        engine, token.c_str(), o.k, double(hits) / double(queries.rows * size_t(o.k)),
        double(queries.rows) / total_s, latency_ms[queries.rows / 2],
        latency_ms[queries.rows * 99 / 100], double(queries.rows) / cpu_s);
    std::fflush(stdout);
  }
}

HnswGraph load_or_build(const Options& o, const HnswParams& params,
                        const std::vector<uint32_t>& offsets, const VectorSource& source,
                        const sextant::index::QuantizedVectors* codes) {
  if (!o.graph_cache.empty()) {
    std::ifstream in(o.graph_cache, std::ios::binary | std::ios::ate);
    if (in) {
      std::vector<uint64_t> words((size_t(in.tellg()) + 7) / 8);
      const size_t bytes = size_t(in.tellg());
      in.seekg(0);
      in.read(reinterpret_cast<char*>(words.data()), std::streamsize(bytes));
      auto loaded =
          HnswGraph::from_image({reinterpret_cast<const std::byte*>(words.data()), bytes});
      if (loaded) return std::move(*loaded);
      std::fprintf(stderr, "sextant-ann: ignoring graph cache: %s\n",
                   loaded.error().message.c_str());
    }
  }
  HnswGraph graph(params);
  graph.build(offsets, source, unsigned(o.threads), o.build_on_codes ? codes : nullptr);
  if (!o.graph_cache.empty()) {
    const std::vector<std::byte> image = graph.serialize();
    std::ofstream out(o.graph_cache, std::ios::binary);
    out.write(reinterpret_cast<const char*>(image.data()), std::streamsize(image.size()));
  }
  return graph;
}

// Restart cost: write the image, map it read-only, open it and answer one query.
void time_reopen(const Options& o, const HnswGraph& graph, const VectorSource& source,
                 const sextant::bench::VecsFile<float>& queries) {
  {
    const std::vector<std::byte> image = graph.serialize();
    std::ofstream out(o.image, std::ios::binary);
    out.write(reinterpret_cast<const char*>(image.data()), std::streamsize(image.size()));
  }
  const auto start = Clock::now();
  const int fd = ::open(o.image.c_str(), O_RDONLY);
  const off_t bytes = ::lseek(fd, 0, SEEK_END);
  void* map = ::mmap(nullptr, size_t(bytes), PROT_READ, MAP_SHARED, fd, 0);
  const auto view =
      sextant::index::HnswImageView::open({static_cast<const std::byte*>(map), size_t(bytes)});
  if (!view) {
    std::fprintf(stderr, "sextant-ann: %s\n", view.error().message.c_str());
    return;
  }
  SearchRequest request;
  request.query = queries.row(0);
  request.k = size_t(o.k);
  request.ef = 64;
  const auto hits = view->search(request, source);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::fprintf(stderr, "sextant-ann: image %.1f MB, open + first answer %.2f ms (%zu hits)\n",
               double(bytes) / 1048576.0, ms, hits.size());
  ::munmap(map, size_t(bytes));
  ::close(fd);
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
  const auto build_start = Clock::now();
  std::vector<uint32_t> sample;
  for (size_t i = 0; i < base.rows; i += std::max<size_t>(1, base.rows / 10000))
    sample.push_back(uint32_t(i));
  std::unique_ptr<sextant::index::BinaryVectors> binary;
  if (o.quantization == "binary") {
    using sextant::index::BinaryEncoding;
    const BinaryEncoding encoding = o.binary_encoding == "two_bits" ? BinaryEncoding::kTwoBits
                                    : o.binary_encoding == "one_and_half_bits"
                                        ? BinaryEncoding::kOneAndHalfBits
                                        : BinaryEncoding::kOneBit;
    binary = std::make_unique<sextant::index::BinaryVectors>(
        sextant::index::BinaryQuantizer::train(encoding, source, sample));
    binary->encode_all(offsets, source, unsigned(o.threads));
    binary->set_query_bits(uint32_t(o.binary_query_bits));
  }
  std::unique_ptr<sextant::index::ProductVectors> product;
  if (o.quantization == "pq") {
    using sextant::index::ProductQuantizer;
    const auto train_start = Clock::now();
    product = std::make_unique<sextant::index::ProductVectors>(ProductQuantizer::train(
        source, sample, ProductQuantizer::sub_count_for(params.dim, uint32_t(o.pq_compression)),
        unsigned(o.threads)));
    product->encode_all(offsets, source, unsigned(o.threads));
    std::fprintf(stderr, "sextant-ann: pq x%d trained and encoded in %.1f s\n", o.pq_compression,
                 std::chrono::duration<double>(Clock::now() - train_start).count());
  }
  std::unique_ptr<sextant::index::TurboVectors> turbo;
  if (o.quantization == "turbo") {
    using sextant::index::TurboBits;
    const TurboBits bits = o.turbo_bits == "1"     ? TurboBits::kBits1
                           : o.turbo_bits == "1.5" ? TurboBits::kBits1_5
                           : o.turbo_bits == "2"   ? TurboBits::kBits2
                                                   : TurboBits::kBits4;
    const auto encode_start = Clock::now();
    turbo = std::make_unique<sextant::index::TurboVectors>(
        sextant::index::TurboQuantizer(params.dim, bits));
    turbo->encode_all(offsets, source, unsigned(o.threads));
    std::fprintf(stderr, "sextant-ann: turbo %s bits encoded in %.1f s\n", o.turbo_bits.c_str(),
                 std::chrono::duration<double>(Clock::now() - encode_start).count());
  }
  std::unique_ptr<sextant::index::QuantizedVectors> codes;
  if (o.quantization == "int8" || o.quantization == "both") {
    codes = std::make_unique<sextant::index::QuantizedVectors>(
        sextant::index::ScalarQuantizer::train(source, sample, 0.999f), params.dim);
    codes->encode_all(offsets, source, unsigned(o.threads));
  }
  HnswGraph graph = load_or_build(o, params, offsets, source, codes.get());
  const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();
  std::printf(
      "{\"engine\":\"sextant\",\"phase\":\"build\",\"n\":%zu,\"dim\":%zu,\"m\":%d,\"efc\":%d,"
      "\"threads\":%d,\"build_s\":%.3f,\"rss_mb\":%.1f}\n",
      base.rows, base.dim, o.m, o.efc, o.threads, build_s, sextant::bench::peak_rss_mb());
  std::fflush(stdout);
  std::fprintf(stderr,
               "sextant-ann: graph %.1f MB, int8 codes %.1f MB, binary codes %.1f MB, "
               "pq codes %.1f MB, turbo codes %.1f MB, vectors %.1f MB\n",
               double(graph.memory_bytes()) / 1048576.0,
               codes ? double(codes->memory_bytes()) / 1048576.0 : 0.0,
               binary ? double(binary->memory_bytes()) / 1048576.0 : 0.0,
               product ? double(product->memory_bytes()) / 1048576.0 : 0.0,
               turbo ? double(turbo->memory_bytes()) / 1048576.0 : 0.0,
               double(base.values.size() * sizeof(float)) / 1048576.0);

  if (o.quantization == "none" || o.quantization == "both")
    sweep(o, graph, source, queries, truth, nullptr, nullptr, nullptr, nullptr, "sextant-f32");
  if (codes)
    sweep(o, graph, source, queries, truth, codes.get(), nullptr, nullptr, nullptr, "sextant");
  if (binary)
    sweep(o, graph, source, queries, truth, nullptr, binary.get(), nullptr, nullptr,
          "sextant-binary");
  if (product)
    sweep(o, graph, source, queries, truth, nullptr, nullptr, product.get(), nullptr, "sextant-pq");
  if (turbo)
    sweep(o, graph, source, queries, truth, nullptr, nullptr, nullptr, turbo.get(),
          "sextant-turbo");
  if (!o.image.empty()) time_reopen(o, graph, source, queries);
  return 0;
}
