#include "storage/vector_elements.hpp"

#include <cmath>
#include <cstring>

namespace sextant::storage {

using index::VectorDatatype;

void encode_elements(VectorDatatype datatype, const float* values, size_t count, uint8_t* out) {
  switch (datatype) {
    case VectorDatatype::kFloat32:
      std::memcpy(out, values, count * sizeof(float));
      return;
    case VectorDatatype::kFloat16:
      for (size_t i = 0; i < count; ++i) {
        const uint16_t half = index::float_to_half(values[i]);
        std::memcpy(out + i * 2, &half, 2);
      }
      return;
    case VectorDatatype::kUint8:
      for (size_t i = 0; i < count; ++i) {
        const float x = values[i];
        out[i] = std::isnan(x) || x <= 0.0f ? 0 : x >= 255.0f ? 255 : uint8_t(x);
      }
      return;
  }
}

void decode_elements(VectorDatatype datatype, const void* stored, size_t count, float* out) {
  const auto* bytes = static_cast<const uint8_t*>(stored);
  switch (datatype) {
    case VectorDatatype::kFloat32:
      std::memcpy(out, bytes, count * sizeof(float));
      return;
    case VectorDatatype::kFloat16:
      for (size_t i = 0; i < count; ++i) {
        uint16_t half;
        std::memcpy(&half, bytes + i * 2, 2);
        out[i] = index::half_to_float(half);
      }
      return;
    case VectorDatatype::kUint8:
      for (size_t i = 0; i < count; ++i) out[i] = float(bytes[i]);
      return;
  }
}

}  // namespace sextant::storage
