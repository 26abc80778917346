// Read-only point queries on one read view: retrieve by ids, scroll in id order (or by a
// payload key), count. Payload selection (include/exclude) is applied by the caller on the
// returned payloads; vectors are copied out only for the names asked for.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "index/payload_index/field_schema.hpp"
#include "storage/point_types.hpp"
#include "storage/read_view.hpp"

namespace sextant::storage {

struct VectorSelection {
  bool all = false;
  std::vector<std::string> names;  // used when !all
  bool any() const { return all || !names.empty(); }
};

struct ReadOptions {
  bool with_payload = true;
  VectorSelection with_vectors;
};

// Points in the order of `ids`; missing ids are skipped (as Qdrant does).
std::vector<PointRecord> retrieve(const ReadView& view, const std::vector<PointId>& ids,
                                  const ReadOptions& options);
PointRecord read_point(const PointReader& reader, uint32_t offset, const ReadOptions& options);

// Qdrant's `order_by`: a point is listed once per distinct value its key holds (array elements
// each count), values at or past `start_from` only. `key_type` is the type of the key's range
// index, which decides the values that count: integers only, every number, or datetime strings
// (as microseconds since the epoch); unset, every number counts.
struct OrderBy {
  std::string key;
  bool descending = false;
  std::optional<double> start_from;
  std::optional<index::payload_index::FieldType> key_type;
};

struct ScrollRequest {
  std::optional<PointId> offset;
  size_t limit = 10;
  std::shared_ptr<const index::filter::Filter> filter;
  std::optional<OrderBy> order_by;
  ReadOptions read;
};

struct ScrollResult {
  std::vector<PointRecord> points;
  std::optional<PointId> next_page_offset;
  // order_by: the value each point was ordered by (Qdrant reports it as `order_value`), an
  // integer when the key's index holds integers or datetimes.
  std::vector<double> order_values;
  bool order_values_are_integers = false;
};

ScrollResult scroll(const ReadView& view, const ScrollRequest& request);

uint64_t count(const ReadView& view, const index::filter::Filter* filter);

// Calls fn(offset) for every live point matching `filter` (all live points when null).
void for_each_matching(const ReadView& view, const index::filter::Filter* filter,
                       const std::function<void(const PointReader&, uint32_t)>& fn);

}  // namespace sextant::storage
