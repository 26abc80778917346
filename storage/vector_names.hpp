// Qdrant 1.19's named vector add/delete on an existing collection: the configuration rules and
// the change of a collection's stored data that a removal needs.
//
// Rules (Qdrant's texts, all "Wrong input" 400s): adding a name that exists with the same
// schema (size, distance, multivector, datatype; modifier and datatype for sparse) changes
// nothing; with another schema, or as the other kind (dense/sparse), it is refused. Removing a
// name that does not exist changes nothing; the last vector may be removed.
//
// Invariants: a new vector is appended after the existing ones of its kind, so every stored
// table keeps its position (`dense:<i>`, `multi:<i>`, `sparse:<i>`, bit i of a point's dense
// mask) and existing points simply lack the new vector. Removing vector i moves the tables of
// the vectors after it down one position, clears bit i of every point's mask (shifting the
// higher bits down), and empties the `graph` table (HNSW images and quantized codes are
// positional; they are rebuilt from the stored vectors when the collection opens).
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "common/status.hpp"
#include "storage/collection_config.hpp"
#include "storage/collection_schema.hpp"
#include "storage/lmdb.hpp"

namespace sextant::storage {

using NewVectorName = std::variant<VectorParams, SparseVectorParams>;

// Adds `vector` to `config` (an unnamed single vector becomes the vector named ""); false when
// it was already there with the same schema.
Result<bool> add_vector_name(CollectionConfig& config, const NewVectorName& vector);

struct RemovedVector {
  bool sparse = false;
  size_t position = 0;  // in the schema's dense or sparse list before the removal
};

// Removes vector `name` from `config`; nullopt when there is none.
std::optional<RemovedVector> remove_vector_name(CollectionConfig& config, const std::string& name);

// Moves the stored data of the collection environment `env` (not opened by a Collection) from
// `old_schema` to the schema without `removed`, in one write transaction.
Status remove_vector_data(lmdb::Env& env, const CollectionSchema& old_schema,
                          const RemovedVector& removed);

}  // namespace sextant::storage
