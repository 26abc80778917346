// Points in the client's direction: the REST JSON a migration reads or writes as the protobuf
// messages it sends, and the protobuf results it receives as REST JSON.
//
// Vector JSON forms (both ways): dense [f...], sparse {"indices","values"}, multi-dense
// [[f...]...], named {"name": vector}. A VectorOutput whose `vector` oneof is empty is read from
// the deprecated flat form (`data`, with `indices` for sparse, with `vectors_count` for
// multi-dense), so an older server's answer converts the same.
//
// Invariants: points written to JSON carry "id", and "payload" / "vector" / "shard_key" only when
// the message has them (no nulls), as Qdrant 1.19's REST answers them; the *_from_json functions
// fail (return false with a message) on a value of the wrong JSON kind.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "points.pb.h"

namespace sextant::grpc_wire::client {

bool vectors_from_json(const boost::json::value& json, qdrant::Vectors* vectors,
                       std::string* error);
// A query vector (dense, sparse or multi-dense) as the `nearest` input of a Query.
bool vector_input_from_json(const boost::json::value& json, qdrant::VectorInput* input,
                            std::string* error);
// {"id", "vector", "payload"} -> PointStruct.
bool point_struct_from_json(const boost::json::value& json, qdrant::PointStruct* point,
                            std::string* error);

boost::json::value vectors_output_to_json(const qdrant::VectorsOutput& vectors);
boost::json::value retrieved_point_to_json(const qdrant::RetrievedPoint& point);
boost::json::value scored_point_to_json(const qdrant::ScoredPoint& point);

}  // namespace sextant::grpc_wire::client
