// Index bookkeeping for a collection and the filter-level queries built on the field indexes.
#include "index/payload_index/payload_index_set.hpp"

#include <algorithm>

#include "index/payload_index/filter_estimation.hpp"
#include "index/payload_index/index_factory.hpp"

namespace sextant::index::payload_index {

namespace json = boost::json;

Status PayloadIndexSet::create(const std::string& field, const FieldSchema& schema) {
  auto path = filter::JsonPath::parse(field);
  if (!path) return Error{ErrorKind::kBadInput, "Invalid json path: '" + field + "'"};
  Entry entry{*path, schema, make_field_index(schema)};
  entries_.insert_or_assign(path->to_string(), std::move(entry));
  return {};
}

void PayloadIndexSet::drop(const std::string& field) {
  auto path = filter::JsonPath::parse(field);
  if (path) entries_.erase(path->to_string());
}

bool PayloadIndexSet::has(const std::string& field) const { return schema(field) != nullptr; }

const FieldSchema* PayloadIndexSet::schema(const std::string& field) const {
  auto path = filter::JsonPath::parse(field);
  if (!path) return nullptr;
  const Entry* entry = find(*path);
  return entry == nullptr ? nullptr : &entry->schema;
}

const PayloadIndexSet::Entry* PayloadIndexSet::find(const filter::JsonPath& path) const {
  auto it = entries_.find(path.to_string());
  return it == entries_.end() ? nullptr : &it->second;
}

void PayloadIndexSet::index_into(Entry& entry, uint32_t offset, const json::object& payload) {
  std::vector<const json::value*> values;
  payload::for_each_value(entry.path, payload, [&](const json::value& value) {
    if (const json::array* array = value.if_array()) {
      for (const json::value& element : *array) values.push_back(&element);
    } else {
      values.push_back(&value);
    }
    return true;
  });
  entry.index->add(offset, values);
}

void PayloadIndexSet::index_point(const std::string& field, uint32_t offset,
                                  const json::object& payload) {
  auto path = filter::JsonPath::parse(field);
  if (!path) return;
  auto it = entries_.find(path->to_string());
  if (it != entries_.end()) index_into(it->second, offset, payload);
}

void PayloadIndexSet::on_upsert(uint32_t offset, const json::object& payload) {
  for (auto& [name, entry] : entries_) index_into(entry, offset, payload);
}

void PayloadIndexSet::on_delete(uint32_t offset) {
  for (auto& [name, entry] : entries_) entry.index->remove(offset);
}

void PayloadIndexSet::clear_points() {
  for (auto& [name, entry] : entries_) entry.index = make_field_index(entry.schema);
}

std::optional<uint64_t> PayloadIndexSet::points_count(const std::string& field) const {
  auto path = filter::JsonPath::parse(field);
  if (!path) return std::nullopt;
  const Entry* entry = find(*path);
  if (entry == nullptr) return std::nullopt;
  return entry->index->points_count();
}

Cardinality PayloadIndexSet::estimate(const filter::Filter& filter, uint64_t total_points) const {
  auto lookup = [this](const filter::FieldCondition& c) -> const FieldIndex* {
    const Entry* entry = find(c.key);
    return entry == nullptr ? nullptr : entry->index.get();
  };
  return estimate_filter(filter, total_points, lookup);
}

std::optional<Candidates> PayloadIndexSet::candidates(const filter::Filter& filter) const {
  auto lookup = [this](const filter::FieldCondition& c) -> const FieldIndex* {
    const Entry* entry = find(c.key);
    return entry == nullptr ? nullptr : entry->index.get();
  };
  return filter_candidates(filter, lookup);
}

std::optional<std::vector<FacetHit>> PayloadIndexSet::facet(
    const std::string& field, const std::function<bool(uint32_t)>* accept, size_t limit) const {
  auto path = filter::JsonPath::parse(field);
  if (!path) return std::nullopt;
  const Entry* entry = find(*path);
  if (entry == nullptr) return std::nullopt;
  auto hits = entry->index->facet(accept);
  if (hits && hits->size() > limit) hits->resize(limit);
  return hits;
}

std::optional<bool> PayloadIndexSet::special_check(const filter::FieldCondition& condition,
                                                   const json::value& value) const {
  const Entry* entry = find(condition.key);
  if (entry == nullptr) return std::nullopt;
  return entry->index->special_check(condition, value);
}

std::string facet_missing_index_message(const std::string& key) {
  return "No appropriate index for faceting: `" + key +
         "`. Please create one to facet on this field. Check "
         "https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which "
         "payload schemas support Match conditions";
}

}  // namespace sextant::index::payload_index
