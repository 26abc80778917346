// Disk and memory per point by vector datatype: for float32, float16 and uint8, loads N points of
// dimension D (no HNSW index) into a fresh collection and prints the bytes LMDB holds and the
// growth of the process's resident set, each divided by N. Each datatype runs in its own child
// process so resident sets do not mix.
//
//   build/bench/sextant-datatype-bench --points 100000 --dim 384
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "storage/collection.hpp"

using namespace sextant::storage;
namespace fs = std::filesystem;

namespace {

uint64_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  return 0;
}

const char* datatype_name(Datatype datatype) {
  return datatype == Datatype::kFloat32   ? "float32"
         : datatype == Datatype::kFloat16 ? "float16"
                                          : "uint8";
}

int run_one(Datatype datatype, uint64_t points, uint32_t dim) {
  const fs::path dir =
      fs::temp_directory_path() / ("sextant-datatype-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  CollectionSchema schema;
  DenseVectorSpec spec;
  spec.dim = dim;
  spec.distance = Distance::kDot;
  spec.datatype = datatype;
  schema.dense.push_back(spec);
  schema.indexing_threshold_kb = 0;
  auto opened = Collection::open(dir.string(), schema);
  if (!opened.ok()) {
    std::fprintf(stderr, "open failed: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto collection = opened.value();
  const uint64_t rss_before = resident_bytes();
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uniform(0.0f, 255.0f);
  constexpr uint64_t kBatch = 1000;
  for (uint64_t first = 0; first < points; first += kBatch) {
    UpsertPoints upsert;
    for (uint64_t id = first; id < std::min(points, first + kBatch); ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      std::vector<float> v(dim);
      for (float& x : v) x = uniform(rng);
      point.vectors.dense[""] = std::move(v);
      upsert.points.push_back(std::move(point));
    }
    std::vector<UpdateOperation> operations;
    operations.emplace_back(std::move(upsert));
    if (auto result = collection->update(std::move(operations), true); !result.ok()) {
      std::fprintf(stderr, "upsert failed: %s\n", result.error().message.c_str());
      return 1;
    }
  }
  // Touch every stored vector once, as a search would, so the mapped pages count as resident.
  SearchRequest request;
  request.vector = std::vector<float>(dim, 1.0f);
  request.limit = 1;
  ParallelPool pool(1);
  (void)exact_search(*collection->view(), request, pool);
  const uint64_t rss_after = resident_bytes();
  const CollectionStats stats = collection->stats();
  std::printf(
      "datatype=%s points=%llu dim=%u disk_bytes_per_point=%.1f rss_bytes_per_point=%.1f "
      "raw_vector_bytes=%zu\n",
      datatype_name(datatype), (unsigned long long)points, dim,
      double(stats.data_bytes) / double(points),
      double(rss_after > rss_before ? rss_after - rss_before : 0) / double(points),
      size_t(dim) * sextant::index::datatype_bytes(datatype));
  collection->close();
  fs::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t points = 100000;
  uint32_t dim = 384;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--points") && i + 1 < argc)
      points = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--dim") && i + 1 < argc)
      dim = uint32_t(std::atoi(argv[++i]));
  }
  for (Datatype datatype : {Datatype::kFloat32, Datatype::kFloat16, Datatype::kUint8}) {
    std::fflush(stdout);
    const pid_t child = ::fork();
    if (child == 0) {
      const int code = run_one(datatype, points, dim);
      std::fflush(stdout);
      std::_Exit(code);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  return 0;
}
