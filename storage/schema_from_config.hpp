// Derives the typed CollectionSchema that storage and search act on from a collection's typed
// configuration: each dense vector's effective hnsw and quantization settings (its overrides
// over the collection's), sparse modifiers, and the optimizer thresholds. Called when a
// collection is opened; configuration updates act on the schema at the next open.
#pragma once

#include "storage/collection_config.hpp"
#include "storage/collection_schema.hpp"

namespace sextant::storage {

CollectionSchema schema_from_config(const CollectionConfig& config);

}  // namespace sextant::storage
