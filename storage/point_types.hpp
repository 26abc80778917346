// Typed points and update operations: what api/ hands to a Collection after parsing and
// validating a request. Vectors are already checked against the schema (names, dimensions,
// finite values) when they reach storage; storage re-checks only what depends on stored state.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "index/point_id.hpp"

namespace sextant::index::filter {
struct Filter;
}

namespace sextant::storage {

using index::PointId;

struct SparseVector {
  std::vector<uint32_t> indices;
  std::vector<float> values;
};

// Multivectors are row-major: rows x dim.
struct MultiVector {
  uint32_t dim = 0;
  std::vector<float> values;
  size_t rows() const { return dim == 0 ? 0 : values.size() / dim; }
};

// All vectors of one point, by vector name ("" is the unnamed default).
struct PointVectors {
  std::map<std::string, std::vector<float>> dense;
  std::map<std::string, SparseVector> sparse;
  std::map<std::string, MultiVector> multi;
  bool empty() const { return dense.empty() && sparse.empty() && multi.empty(); }
};

struct PointWrite {
  PointId id;
  PointVectors vectors;
  boost::json::object payload;
};

// Which points an operation touches: explicit ids, or every point matching a filter.
struct PointSelector {
  std::vector<PointId> ids;
  std::shared_ptr<const index::filter::Filter> filter;  // set: select by filter instead of ids
  // Custom sharding: only points recorded in these shards are selected (an id outside them
  // counts as missing). Empty: every point.
  std::vector<uint32_t> shard_ids;
};

enum class UpdateMode { kUpsert, kInsertOnly, kUpdateOnly };

struct UpsertPoints {
  std::vector<PointWrite> points;
  // Custom sharding: the shard each point is written to (parallel to `points`), recorded in
  // the point -> shard table (storage/shards.hpp). Empty: the table is not touched.
  std::vector<uint32_t> shard_ids;
  std::shared_ptr<const index::filter::Filter> update_filter;  // existing points must match
  UpdateMode mode = UpdateMode::kUpsert;
};
struct DeletePoints {
  PointSelector selector;
};
struct SetPayload {
  boost::json::object payload;
  std::optional<std::string> key;  // nested path to set at
  PointSelector selector;
};
struct OverwritePayload {
  boost::json::object payload;
  PointSelector selector;
};
struct DeletePayloadKeys {
  std::vector<std::string> keys;
  PointSelector selector;
};
struct ClearPayload {
  PointSelector selector;
};
struct UpdateVectors {
  std::vector<PointWrite> points;  // only vectors are used
  std::shared_ptr<const index::filter::Filter> update_filter;
};
struct DeleteVectors {
  std::vector<std::string> names;
  PointSelector selector;
};
struct CreatePayloadIndex {
  std::string field_name;
  boost::json::object field_schema;  // Qdrant's PayloadFieldSchema, normalised to an object
};
struct DeletePayloadIndex {
  std::string field_name;
};
// A shard key of a custom-sharded collection: a keyword or a number, as Qdrant's ShardKey.
using ShardKey = std::variant<uint64_t, std::string>;
// Creates `shard_count` shards holding the points written with `key`, numbered after every
// shard the collection ever had (storage/shards.hpp).
struct CreateShardKey {
  ShardKey key;
  uint32_t shard_count = 1;
};
// Drops the shards of `shard_ids` with every point they hold.
struct DeleteShardKey {
  std::vector<uint32_t> shard_ids;
};

using UpdateOperation =
    std::variant<UpsertPoints, DeletePoints, SetPayload, OverwritePayload, DeletePayloadKeys,
                 ClearPayload, UpdateVectors, DeleteVectors, CreatePayloadIndex, DeletePayloadIndex,
                 CreateShardKey, DeleteShardKey>;

struct UpdateResult {
  uint64_t operation_id = 0;
  bool completed = false;  // false: acknowledged (wait=false)
};

// A stored point as read back.
struct PointRecord {
  PointId id;
  uint32_t offset = 0;
  uint64_t version = 0;
  std::optional<boost::json::object> payload;  // when requested
  PointVectors vectors;                        // the requested vectors
};

}  // namespace sextant::storage
