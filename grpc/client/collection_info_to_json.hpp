// qdrant.CollectionInfo -> the `result` of REST's GET /collections/{name}: the inverse of
// collections/collection_info_from_json.hpp.
//
// The generic rules of proto_json.hpp do most of it; three places differ from the message:
// optimizer_status ({ok, error} -> "ok" or {"error": text}), each payload_schema entry's
// `params` (the oneof member keyword_index_params, ... -> {"type": "keyword", ...}), and the
// optimizer's thread setting: deprecated_max_optimization_threads, which REST does not have, is
// left out, and so is max_optimization_threads `auto`, which is how Qdrant's gRPC API sends the
// setting REST answers as null.
#pragma once

#include <boost/json/value.hpp>

#include "collections.pb.h"

namespace sextant::grpc_wire::client {

boost::json::value collection_info_to_json(const qdrant::CollectionInfo& info);

}  // namespace sextant::grpc_wire::client
