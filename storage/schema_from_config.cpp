#include "storage/schema_from_config.hpp"

namespace sextant::storage {

CollectionSchema schema_from_config(const CollectionConfig& config) {
  CollectionSchema schema;
  for (const auto& vector : config.params.vectors) {
    DenseVectorSpec spec;
    spec.name = vector.name;
    spec.dim = static_cast<uint32_t>(vector.size);
    spec.distance = vector.distance;
    spec.datatype = vector.datatype.value_or(Datatype::kFloat32);
    spec.multivector = vector.multivector_comparator.has_value();
    spec.hnsw = effective_hnsw(config.hnsw_config, vector.hnsw_config);
    spec.quantization = effective_quantization(config.quantization_config, vector);
    schema.dense.push_back(std::move(spec));
  }
  if (config.params.sparse_vectors)
    for (const auto& sparse : *config.params.sparse_vectors) {
      SparseVectorSpec spec{sparse.name, sparse.modifier == SparseModifier::kIdf};
      if (sparse.index && sparse.index->full_scan_threshold)
        spec.full_scan_threshold = *sparse.index->full_scan_threshold;
      schema.sparse.push_back(std::move(spec));
    }
  schema.on_disk_payload = config.params.on_disk_payload;
  const OptimizersConfig& optimizer = config.optimizer_config;
  const auto* indexing_threshold = std::get_if<uint64_t>(&optimizer.indexing_threshold);
  schema.indexing_threshold_kb = indexing_threshold ? *indexing_threshold : 10000;
  schema.deleted_threshold = optimizer.deleted_threshold;
  schema.vacuum_min_vector_number = optimizer.vacuum_min_vector_number;
  return schema;
}

}  // namespace sextant::storage
