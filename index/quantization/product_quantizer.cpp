// Product quantizer training (k-means per sub-vector), encoding and lookup tables
// (product_quantizer.hpp).
#include "index/quantization/product_quantizer.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <random>
#include <thread>

#include "index/quantization/parallel_encode.hpp"

namespace sextant::index {
namespace {

constexpr size_t kMaxTrainingRows = 8192;

// The sub-vectors of the sample for one sub-space, rows of `width` floats.
std::vector<float> gather(const VectorSource& source, std::span<const uint32_t> sample,
                          uint32_t first, uint32_t width) {
  std::vector<float> rows(sample.size() * width);
  for (size_t i = 0; i < sample.size(); ++i) {
    const float* v = source.vector(sample[i]) + first;
    std::copy(v, v + width, rows.begin() + std::ptrdiff_t(i * width));
  }
  return rows;
}

// Narrow sub-vectors (x4 gives one component each) are cheaper inline than through a kernel
// call per centroid.
float l2_squared_narrow(const float* a, const float* b, uint32_t width) {
  float sum = 0;
  for (uint32_t j = 0; j < width; ++j) sum += (a[j] - b[j]) * (a[j] - b[j]);
  return sum;
}

uint32_t nearest(const float* point, const float* centroids, uint32_t count, uint32_t width) {
  const bool narrow = width < 8;
  const auto l2_kernel = kernels().l2_squared_f32;
  uint32_t best = 0;
  float best_distance = std::numeric_limits<float>::infinity();
  for (uint32_t c = 0; c < count; ++c) {
    const float* centre = centroids + size_t(c) * width;
    const float d =
        narrow ? l2_squared_narrow(point, centre, width) : l2_kernel(point, centre, width);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

// Lloyd's k-means with `count` centroids (ProductQuantizer::kCentroids at most; fewer points
// than that repeat the last centroid so every code byte decodes). Writes kCentroids centroids.
void kmeans(const std::vector<float>& rows, uint32_t width, uint32_t seed, int iterations,
            float* centroids) {
  const size_t points = rows.size() / width;
  constexpr uint32_t kAll = ProductQuantizer::kCentroids;
  std::fill(centroids, centroids + size_t(kAll) * width, 0.0f);
  if (points == 0) return;
  const uint32_t count = uint32_t(std::min<size_t>(kAll, points));
  std::mt19937 rng(seed);
  std::vector<uint32_t> order(points);
  for (size_t i = 0; i < points; ++i) order[i] = uint32_t(i);
  std::shuffle(order.begin(), order.end(), rng);
  for (uint32_t c = 0; c < count; ++c)
    std::copy_n(rows.data() + size_t(order[c]) * width, width, centroids + size_t(c) * width);

  std::vector<uint32_t> assignment(points);
  std::vector<double> sums(size_t(count) * width);
  std::vector<uint32_t> members(count);
  std::uniform_int_distribution<size_t> any_point(0, points - 1);
  for (int round = 0; round < iterations; ++round) {
    for (size_t i = 0; i < points; ++i)
      assignment[i] = nearest(rows.data() + i * width, centroids, count, width);
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(members.begin(), members.end(), 0u);
    for (size_t i = 0; i < points; ++i) {
      const uint32_t c = assignment[i];
      ++members[c];
      for (uint32_t j = 0; j < width; ++j) sums[size_t(c) * width + j] += rows[i * width + j];
    }
    for (uint32_t c = 0; c < count; ++c) {
      float* centroid = centroids + size_t(c) * width;
      if (members[c] == 0) {  // an empty cluster restarts from a random point
        std::copy_n(rows.data() + any_point(rng) * width, width, centroid);
        continue;
      }
      for (uint32_t j = 0; j < width; ++j)
        centroid[j] = float(sums[size_t(c) * width + j] / members[c]);
    }
  }
  for (uint32_t c = count; c < kAll; ++c)
    std::copy_n(centroids + size_t(count - 1) * width, width, centroids + size_t(c) * width);
}

}  // namespace

ProductQuantizer::ProductQuantizer(uint32_t dim, uint32_t sub_count, std::vector<float> codebooks)
    : dim_(dim), sub_count_(std::min(sub_count, dim)), codebooks_(std::move(codebooks)) {}

uint32_t ProductQuantizer::sub_count_for(uint32_t dim, uint32_t compression) {
  const uint64_t bytes = uint64_t(dim) * 4 / std::max<uint32_t>(compression, 1);
  return uint32_t(std::clamp<uint64_t>(bytes, 1, std::max<uint32_t>(dim, 1)));
}

ProductQuantizer ProductQuantizer::train(const VectorSource& source,
                                         std::span<const uint32_t> sample, uint32_t sub_count,
                                         unsigned threads, uint32_t seed, int iterations) {
  ProductQuantizer quantizer(source.dim, std::clamp<uint32_t>(sub_count, 1, source.dim), {});
  std::vector<uint32_t> rows_used;
  const size_t step = (sample.size() + kMaxTrainingRows - 1) / kMaxTrainingRows;
  for (size_t i = 0; i < sample.size(); i += std::max<size_t>(step, 1))
    rows_used.push_back(sample[i]);
  sample = rows_used;
  quantizer.codebooks_.assign(size_t(kCentroids) * source.dim, 0.0f);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<uint32_t> next{0};
  auto work = [&] {
    for (uint32_t sub; (sub = next.fetch_add(1)) < quantizer.sub_count_;) {
      const uint32_t width = quantizer.sub_dim(sub);
      const auto rows = gather(source, sample, quantizer.begin(sub), width);
      kmeans(rows, width, seed + sub, iterations,
             quantizer.codebooks_.data() + size_t(quantizer.begin(sub)) * kCentroids);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < quantizer.sub_count_; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  return quantizer;
}

void ProductQuantizer::encode(const float* vector, uint8_t* code) const {
  for (uint32_t sub = 0; sub < sub_count_; ++sub)
    code[sub] = uint8_t(nearest(vector + begin(sub), centroid(sub, 0), kCentroids, sub_dim(sub)));
}

void ProductQuantizer::fill_table(Distance distance, const float* query, float* table) const {
  // Plain loops: sub-vectors are short (4 components at x16), so a kernel call per centroid
  // would cost more than the arithmetic.
  for (uint32_t sub = 0; sub < sub_count_; ++sub) {
    const float* part = query + begin(sub);
    const uint32_t width = sub_dim(sub);
    float* row = table + size_t(sub) * kCentroids;
    const float* centre = centroid(sub, 0);
    for (uint32_t c = 0; c < kCentroids; ++c, centre += width) {
      float sum = 0;
      switch (distance) {
        case Distance::kCosine:
        case Distance::kDot:
          for (uint32_t j = 0; j < width; ++j) sum -= part[j] * centre[j];
          break;
        case Distance::kEuclid:
          for (uint32_t j = 0; j < width; ++j) sum += (part[j] - centre[j]) * (part[j] - centre[j]);
          break;
        case Distance::kManhattan:
          for (uint32_t j = 0; j < width; ++j) sum += std::fabs(part[j] - centre[j]);
          break;
      }
      row[c] = sum;
    }
  }
}

void ProductVectors::reserve(uint32_t capacity) {
  const size_t bytes = size_t(capacity) * quantizer_.sub_count();
  if (bytes > codes_.size()) codes_.resize(bytes, 0);
}

void ProductVectors::encode_all(std::span<const uint32_t> offsets, const VectorSource& source,
                                unsigned threads) {
  encode_offsets(*this, offsets, source, threads);
}

}  // namespace sextant::index
