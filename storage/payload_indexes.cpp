#include "storage/payload_indexes.hpp"

#include <mutex>

#include "storage/point_queries.hpp"

namespace sextant::storage {

Status PayloadIndexes::create(const std::string& field, const boost::json::object& field_schema,
                              const ReadView& view) {
  auto schema = index::payload_index::parse_field_schema(boost::json::value(field_schema));
  if (!schema) return Error::bad_input(schema.error().message);
  std::unique_lock lock(mutex_);
  const bool existed = set_.has(field);
  if (Status created = set_.create(field, *schema); !created) {
    return Error::bad_input(created.error().message);
  }
  if (!existed) ++count_;
  generation_ = view.state().generation;
  index_all(field, view);
  return {};
}

void PayloadIndexes::index_all(const std::string& field, const ReadView& view) {
  for_each_matching(view, nullptr, [&](const PointReader& reader, uint32_t offset) {
    if (auto payload = reader.payload(offset)) set_.index_point(field, offset, *payload);
  });
}

void PayloadIndexes::drop(const std::string& field) {
  std::unique_lock lock(mutex_);
  if (set_.has(field)) --count_;
  set_.drop(field);
}

void PayloadIndexes::apply(const ChangeSet& changes, const ReadView& view) {
  if (changes.renumbered) {  // every offset changed: all indexes again, in one pass
    std::unique_lock lock(mutex_);
    generation_ = view.state().generation;
    if (count_ == 0) return;
    set_.clear_points();
    for_each_matching(view, nullptr, [&](const PointReader& reader, uint32_t offset) {
      if (auto payload = reader.payload(offset)) set_.on_upsert(offset, *payload);
    });
    return;
  }
  if (empty()) return;
  PointReader reader = view.reader();
  std::unique_lock lock(mutex_);
  for (uint32_t offset : changes.removed) set_.on_delete(offset);
  for (uint32_t offset : changes.written) {
    if (!reader.alive(offset)) continue;
    if (auto payload = reader.payload(offset)) set_.on_upsert(offset, *payload);
  }
}

bool PayloadIndexes::empty() const {
  std::shared_lock lock(mutex_);
  return count_ == 0;
}

std::optional<uint64_t> PayloadIndexes::points_count(const std::string& field) const {
  std::shared_lock lock(mutex_);
  return set_.points_count(field);
}

std::optional<index::payload_index::FieldType> PayloadIndexes::field_type(
    const std::string& field) const {
  std::shared_lock lock(mutex_);
  const index::payload_index::FieldSchema* schema = set_.schema(field);
  if (!schema) return std::nullopt;
  return schema->type;
}

index::payload_index::Cardinality PayloadIndexes::estimate(const index::filter::Filter& filter,
                                                           uint64_t total_points) const {
  std::shared_lock lock(mutex_);
  return set_.estimate(filter, total_points);
}

std::optional<std::vector<index::payload_index::FacetHit>> PayloadIndexes::facet(
    const std::string& field, const std::function<bool(uint32_t)>* accept, size_t limit,
    uint64_t generation, bool* stale) const {
  std::shared_lock lock(mutex_);
  *stale = generation != generation_;
  if (*stale) return std::nullopt;
  return set_.facet(field, accept, limit);
}

std::optional<bool> PayloadIndexes::special_check(const index::filter::FieldCondition& condition,
                                                  const boost::json::value& value) const {
  std::shared_lock lock(mutex_);
  return set_.special_check(condition, value);
}

}  // namespace sextant::storage
