// CreateCollection / UpdateCollection bodies -> the collection's reported configuration
// (Qdrant's CollectionConfig shape with every default filled in), validated with Qdrant's
// messages. The reported JSON is what storage persists and what GET /collections/{name} shows.
#pragma once

#include <boost/json/object.hpp>

#include "api/api.hpp"
#include "storage/collection_schema.hpp"
#include "storage/status.hpp"

namespace sextant::api {

constexpr uint64_t kMaxVectorDimension = 65536;

storage::Result<storage::CollectionConfig> config_from_create_body(const boost::json::object& body,
                                                                   const ApiConfig& defaults);
// Applies an UpdateCollection body to `reported`; vectors and sparse vectors keep their
// structure (names, sizes and distances cannot change).
storage::Result<boost::json::object> apply_update_body(const boost::json::object& reported,
                                                       const boost::json::object& body);

}  // namespace sextant::api
