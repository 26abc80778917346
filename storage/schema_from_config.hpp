// Derives the typed CollectionSchema from the reported configuration (Qdrant's
// CollectionConfig JSON shape). The reported JSON is the single source of truth persisted in the
// catalog; the schema is recomputed from it on load and after every configuration change.
#pragma once

#include <boost/json/object.hpp>

#include "storage/collection_schema.hpp"
#include "storage/status.hpp"

namespace sextant::storage {

Result<CollectionSchema> schema_from_config(const boost::json::object& reported);
const char* distance_name(Distance distance);

}  // namespace sextant::storage
