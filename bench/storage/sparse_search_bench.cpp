// Sparse search with the inverted index against a full scan of the stored vectors, on the same
// view: loads N points with SPLADE-like sparse vectors (dimensions drawn from a power law over a
// vocabulary, so a few are common and most are rare), then runs the same queries both ways,
// checks they return the same points with the same scores, and prints latency and QPS of each.
//
//   build/bench/sextant-sparse-search-bench [--points 100000] [--vocabulary 30000]
//       [--point-dims 60] [--query-dims 20] [--queries 200] [--limit 10] [--idf]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>

#include "storage/collection.hpp"
#include "storage/sparse_search.hpp"

using namespace sextant::storage;
namespace fs = std::filesystem;

namespace {

struct Options {
  uint64_t points = 100000;
  uint32_t vocabulary = 30000;
  uint32_t point_dims = 60;
  uint32_t query_dims = 20;
  uint32_t queries = 200;
  uint32_t limit = 10;
  bool idf = false;
};

// Dimension d is drawn with probability proportional to 1 / (d + 10).
class PowerLawDims {
 public:
  explicit PowerLawDims(uint32_t vocabulary) {
    std::vector<double> weights(vocabulary);
    for (uint32_t d = 0; d < vocabulary; ++d) weights[d] = 1.0 / (d + 10.0);
    distribution_ = std::discrete_distribution<uint32_t>(weights.begin(), weights.end());
  }
  SparseVector draw(std::mt19937& rng, uint32_t count) {
    std::set<uint32_t> dims;
    while (dims.size() < count) dims.insert(distribution_(rng));
    std::uniform_real_distribution<float> weight(0.05f, 3.0f);
    SparseVector v;
    for (uint32_t d : dims) {
      v.indices.push_back(d);
      v.values.push_back(weight(rng));
    }
    return v;
  }

 private:
  std::discrete_distribution<uint32_t> distribution_;
};

template <typename Fn>
double seconds_of(Fn&& fn) {
  const auto began = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? std::strtoull(argv[++i], nullptr, 10) : 0ull; };
    if (!std::strcmp(argv[i], "--points"))
      options.points = next();
    else if (!std::strcmp(argv[i], "--vocabulary"))
      options.vocabulary = uint32_t(next());
    else if (!std::strcmp(argv[i], "--point-dims"))
      options.point_dims = uint32_t(next());
    else if (!std::strcmp(argv[i], "--query-dims"))
      options.query_dims = uint32_t(next());
    else if (!std::strcmp(argv[i], "--queries"))
      options.queries = uint32_t(next());
    else if (!std::strcmp(argv[i], "--limit"))
      options.limit = uint32_t(next());
    else if (!std::strcmp(argv[i], "--idf"))
      options.idf = true;
  }
  const fs::path dir =
      fs::temp_directory_path() / ("sextant-sparse-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  CollectionSchema schema;
  schema.sparse.push_back({"text", options.idf});
  auto opened = Collection::open(dir.string(), schema);
  if (!opened.ok()) {
    std::fprintf(stderr, "open failed: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto collection = opened.value();
  PowerLawDims dims(options.vocabulary);
  std::mt19937 rng(1);
  const double load_s = seconds_of([&] {
    constexpr uint64_t kBatch = 1000;
    for (uint64_t first = 0; first < options.points; first += kBatch) {
      UpsertPoints upsert;
      for (uint64_t id = first; id < std::min(options.points, first + kBatch); ++id) {
        PointWrite point;
        point.id = PointId::from_number(id);
        point.vectors.sparse["text"] = dims.draw(rng, options.point_dims);
        upsert.points.push_back(std::move(point));
      }
      std::vector<UpdateOperation> operations;
      operations.emplace_back(std::move(upsert));
      auto result = collection->update(std::move(operations), true);
      if (!result.ok()) {
        std::fprintf(stderr, "upsert failed: %s\n", result.error().message.c_str());
        std::exit(1);
      }
    }
  });

  std::vector<SearchRequest> requests(options.queries);
  for (auto& request : requests) {
    request.vector_name = "text";
    request.vector = dims.draw(rng, options.query_dims);
    request.limit = options.limit;
  }
  auto view = collection->view();
  std::vector<std::vector<ScoredOffset>> by_index(requests.size()), by_scan(requests.size());
  const double index_s = seconds_of([&] {
    for (size_t q = 0; q < requests.size(); ++q)
      by_index[q] = sparse_index_search(*view, requests[q]);
  });
  const double scan_s = seconds_of([&] {
    for (size_t q = 0; q < requests.size(); ++q)
      by_scan[q] = sparse_scan_search(*view, requests[q]);
  });
  size_t mismatches = 0;
  for (size_t q = 0; q < requests.size(); ++q) {
    if (by_index[q].size() != by_scan[q].size()) {
      ++mismatches;
      continue;
    }
    for (size_t i = 0; i < by_index[q].size(); ++i) {
      const float a = by_index[q][i].score, b = by_scan[q][i].score;
      if (std::fabs(a - b) > 1e-4f * std::max(1.0f, std::fabs(b))) {
        ++mismatches;
        break;
      }
    }
  }
  const auto& inverted = view->state().sparse_index[0];
  std::printf(
      "sparse points=%llu vocabulary=%u point_dims=%u query_dims=%u queries=%u limit=%u idf=%d "
      "load_s=%.2f runs=%zu postings=%zu\n",
      (unsigned long long)options.points, options.vocabulary, options.point_dims,
      options.query_dims, options.queries, options.limit, int(options.idf), load_s,
      inverted ? inverted->run_count() : 0, inverted ? inverted->posting_count() : 0);
  std::printf("inverted_index ms_per_query=%.3f qps=%.1f\n", 1000.0 * index_s / requests.size(),
              requests.size() / index_s);
  std::printf("full_scan      ms_per_query=%.3f qps=%.1f\n", 1000.0 * scan_s / requests.size(),
              requests.size() / scan_s);
  std::printf("same_results=%s mismatching_queries=%zu speedup=%.1fx\n",
              mismatches == 0 ? "yes" : "no", mismatches, scan_s / index_s);
  view.reset();
  collection->close();
  fs::remove_all(dir);
  return mismatches == 0 ? 0 : 1;
}
