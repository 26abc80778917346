// Raw similarities through the dispatched float32 kernels; the uint8 cosine divides by both norms
// as Qdrant's `cosine_similarity_bytes` does.
#include "index/distance/metric_similarity.hpp"

#include <cmath>

namespace sextant::index {

float metric_similarity(Distance distance, VectorDatatype datatype, const float* a, const float* b,
                        size_t dim) {
  const KernelTable& table = kernels();
  switch (distance) {
    case Distance::kCosine:
      if (datatype == VectorDatatype::kUint8) {
        const float norms = table.dot_f32(a, a, dim) * table.dot_f32(b, b, dim);
        if (norms == 0.0f) return 0.0f;
        return table.dot_f32(a, b, dim) / std::sqrt(norms);
      }
      return table.dot_f32(a, b, dim);
    case Distance::kDot:
      return table.dot_f32(a, b, dim);
    case Distance::kEuclid:
      return -table.l2_squared_f32(a, b, dim);
    case Distance::kManhattan:
      return -table.l1_f32(a, b, dim);
  }
  return 0.0f;
}

float max_sim(Distance distance, VectorDatatype datatype, const float* query, size_t query_rows,
              const float* point, size_t point_rows, size_t dim) {
  float sum = 0.0f;
  for (size_t q = 0; q < query_rows; ++q) {
    float best = -INFINITY;
    for (size_t r = 0; r < point_rows; ++r) {
      const float sim =
          metric_similarity(distance, datatype, query + q * dim, point + r * dim, dim);
      if (sim > best) best = sim;
    }
    sum += best;
  }
  return sum;
}

float postprocess_score(Distance distance, float similarity) {
  switch (distance) {
    case Distance::kEuclid:
      return std::sqrt(std::fabs(similarity));
    case Distance::kManhattan:
      return std::fabs(similarity);
    default:
      return similarity;
  }
}

void convert_to_datatype(VectorDatatype datatype, float* values, size_t count) {
  switch (datatype) {
    case VectorDatatype::kFloat32:
      return;
    case VectorDatatype::kFloat16:
      for (size_t i = 0; i < count; ++i) values[i] = half_to_float(float_to_half(values[i]));
      return;
    case VectorDatatype::kUint8:
      for (size_t i = 0; i < count; ++i) {
        const float x = values[i];
        values[i] = std::isnan(x) ? 0.0f : x <= 0.0f ? 0.0f : x >= 255.0f ? 255.0f : std::trunc(x);
      }
      return;
  }
}

}  // namespace sextant::index
