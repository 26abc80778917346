// The error for a vector name a collection does not configure, worded as Qdrant words it where
// it looks the name up in the collection's configuration (the distance matrix, the ordering of
// grouped nearest searches): it lists the names the collection has. Other lookups answer
// Error::vector_name_not_found ("Not existing vector name error: <name>"), as Qdrant's do.
#pragma once

#include <string>

#include "common/status.hpp"
#include "storage/collection_schema.hpp"

namespace sextant::storage {

// Names available: dense names in sorted order, then sparse names in sorted order. A collection
// with only the unnamed vector says the name is not configured; a request without a name on a
// collection of named vectors is told to give one.
Error unconfigured_vector_error(const CollectionSchema& schema, const std::string& name);

}  // namespace sextant::storage
