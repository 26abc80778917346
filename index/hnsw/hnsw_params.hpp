// Construction parameters of an HNSW graph (Qdrant's `hnsw_config`, graph part).
#pragma once

#include <cstdint>

#include "index/distance/distance.hpp"

namespace sextant::index {

struct HnswParams {
  uint32_t m = 16;              // links per node on upper levels; level 0 keeps 2 * m
  uint32_t ef_construct = 100;  // beam width while inserting
  uint64_t seed = 0x5eed;       // level assignment is reproducible for a given seed
  Distance distance = Distance::kCosine;
  uint32_t dim = 0;
  VectorDatatype datatype = VectorDatatype::kFloat32;

  uint32_t level0_links() const { return 2 * m; }
};

}  // namespace sextant::index
