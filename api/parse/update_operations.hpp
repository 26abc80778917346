// Request bodies of the point-changing endpoints -> typed UpdateOperations. Each parser is
// used both by its own endpoint and by `POST /points/batch`, so both validate identically.
#pragma once

#include <boost/json/object.hpp>

#include "common/status.hpp"
#include "inference/inference.hpp"
#include "storage/collection_schema.hpp"
#include "storage/point_types.hpp"

namespace sextant::api {

using inference::Inference;
using storage::UpdateOperation;

Result<UpdateOperation> parse_upsert(const boost::json::object& body,
                                     const storage::CollectionSchema& schema, Inference* inference);
Result<UpdateOperation> parse_delete_points(const boost::json::object& body);
Result<UpdateOperation> parse_set_payload(const boost::json::object& body);
Result<UpdateOperation> parse_overwrite_payload(const boost::json::object& body);
Result<UpdateOperation> parse_delete_payload(const boost::json::object& body);
Result<UpdateOperation> parse_clear_payload(const boost::json::object& body);
Result<UpdateOperation> parse_update_vectors(const boost::json::object& body,
                                             const storage::CollectionSchema& schema,
                                             Inference* inference);
Result<UpdateOperation> parse_delete_vectors(const boost::json::object& body,
                                             const storage::CollectionSchema& schema);
// `{"operations": [{"upsert": {...}}, {"delete": {...}}, ...]}`
Result<std::vector<UpdateOperation>> parse_batch(const boost::json::object& body,
                                                 const storage::CollectionSchema& schema,
                                                 Inference* inference);

}  // namespace sextant::api
