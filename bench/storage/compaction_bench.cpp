// Offset compaction cost: loads N points of dimension D into a collection, overwrites every one
// of them once (half the offset range is then dead, which triggers a compaction), and prints
// how long the renumbered graph took to prepare (searches and writes go on meanwhile), how long
// the writer's rewrite held writes, and the offset range and data file size before and after.
//
// With --no-vacuum the graph keeps its tombstones until the compaction (deleted_threshold 1), so
// the renumbered graph repairs every link to an overwritten point; otherwise the vacuum rebuild
// has removed them first and the renumbering only maps links.
//
//   build/bench/sextant-compaction-bench --points 100000 --dim 128 [--no-index] [--no-vacuum]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "storage/collection.hpp"

using namespace sextant::storage;
namespace fs = std::filesystem;

namespace {

void upsert_all(Collection& collection, uint64_t points, uint32_t dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  constexpr uint64_t kBatch = 1000;
  for (uint64_t first = 0; first < points; first += kBatch) {
    UpsertPoints upsert;
    for (uint64_t id = first; id < std::min(points, first + kBatch); ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      std::vector<float> v(dim);
      for (float& x : v) x = normal(rng);
      point.vectors.dense[""] = std::move(v);
      point.payload = boost::json::object{{"group", id % 10}};
      upsert.points.push_back(std::move(point));
    }
    std::vector<UpdateOperation> operations;
    operations.emplace_back(std::move(upsert));
    auto result = collection.update(std::move(operations), true);
    if (!result.ok()) {
      std::fprintf(stderr, "upsert failed: %s\n", result.error().message.c_str());
      std::exit(1);
    }
  }
}

double data_mb(const fs::path& dir) {
  std::error_code ec;
  return double(fs::file_size(dir / "data.mdb", ec)) / (1 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t points = 100000;
  uint32_t dim = 128;
  bool index = true;
  bool vacuum = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--points") && i + 1 < argc)
      points = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--dim") && i + 1 < argc)
      dim = uint32_t(std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--no-index"))
      index = false;
    else if (!std::strcmp(argv[i], "--no-vacuum"))
      vacuum = false;
  }
  const fs::path dir =
      fs::temp_directory_path() / ("sextant-compaction-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  CollectionSchema schema;
  DenseVectorSpec spec;
  spec.dim = dim;
  spec.distance = Distance::kCosine;
  schema.dense.push_back(spec);
  schema.indexing_threshold_kb = index ? 1 : 0;
  if (!vacuum) schema.deleted_threshold = 1.0;
  auto opened = Collection::open(dir.string(), schema);
  if (!opened.ok()) {
    std::fprintf(stderr, "open failed: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto collection = opened.value();
  auto wait_indexed = [&] {
    while (index && collection->stats().indexed_vectors_count < collection->stats().points_count)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  upsert_all(*collection, points, dim, 1);
  wait_indexed();
  const auto began = std::chrono::steady_clock::now();
  upsert_all(*collection, points, dim, 2);  // every point moves: half the range is dead
  const double overwrite_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const uint32_t limit_before = collection->view()->state().offset_limit;
  const double mb_before = data_mb(dir);
  while (collection->stats().compactions == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  wait_indexed();
  const CollectionStats stats = collection->stats();
  std::printf(
      "compaction points=%llu dim=%u index=%d vacuum=%d overwrite_s=%.2f prepare_ms=%.1f "
      "rewrite_ms=%.1f offset_limit_before=%u offset_limit_after=%u data_mb_before=%.1f "
      "data_mb_after=%.1f\n",
      (unsigned long long)points, dim, int(index), int(vacuum), overwrite_s,
      stats.last_compaction_prepare_ms, stats.last_compaction_rewrite_ms, limit_before,
      collection->view()->state().offset_limit, mb_before, data_mb(dir));
  collection->close();
  fs::remove_all(dir);
  return 0;
}
