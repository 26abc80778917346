// A collection's payload indexes (what PUT /collections/{c}/index creates), kept in memory and
// updated as points change. Storage owns one per collection and calls on_upsert / on_delete in
// the order it applies writes, and index_point() for every stored point when it (re)builds one
// index on load or on creation. Independent of LMDB: points are uint32 offsets.
//
// The set also serves queries: cardinality estimates and candidate offsets for a filter (for the
// planner), points_count per index (payload_schema), facet counts, and the special checks that
// make text matches token-based on keys with a full-text index (pass it to filter::evaluate).
//
// Not thread-safe for writes; concurrent readers are fine while no write runs.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "index/filter/evaluator.hpp"
#include "index/filter/filter.hpp"
#include "index/payload_index/field_index.hpp"
#include "index/payload_index/field_schema.hpp"

namespace sextant::index::payload_index {

class PayloadIndexSet final : public filter::IndexedFieldChecks {
 public:
  // Creates an empty index on `field` (replacing any index there); a kBadInput Error (message
  // without Qdrant's prefix) when the field is not a valid key path. Fill it with index_point()
  // for every stored point.
  Status create(const std::string& field, const FieldSchema& schema);
  void drop(const std::string& field);
  bool has(const std::string& field) const;
  const FieldSchema* schema(const std::string& field) const;

  // Indexes one point into the index on `field` only (building an index from stored points).
  void index_point(const std::string& field, uint32_t offset, const boost::json::object& payload);
  // Re-indexes a point whose payload was written (all indexes).
  void on_upsert(uint32_t offset, const boost::json::object& payload);
  void on_delete(uint32_t offset);
  // Empties every index, keeping its field and schema (the points are indexed again under new
  // offsets, as after an offset compaction).
  void clear_points();

  // Points with at least one value in the index on `field`; nullopt when there is none.
  std::optional<uint64_t> points_count(const std::string& field) const;

  // How many of `total_points` points the filter may select, using indexes where present.
  Cardinality estimate(const filter::Filter& filter, uint64_t total_points) const;
  // Offsets the filter may select, when indexes cover enough of it; nullopt means "scan".
  // Unless `exact`, every candidate must still be checked with filter::evaluate(.., this).
  std::optional<Candidates> candidates(const filter::Filter& filter) const;

  // Facet counts for `field` over the points `accept` admits (all when null), most frequent
  // first, at most `limit`. nullopt when `field` has no keyword/integer/bool/uuid index.
  std::optional<std::vector<FacetHit>> facet(const std::string& field,
                                             const std::function<bool(uint32_t)>* accept,
                                             size_t limit) const;

  std::optional<bool> special_check(const filter::FieldCondition& condition,
                                    const boost::json::value& value) const override;

 private:
  struct Entry {
    filter::JsonPath path;
    FieldSchema schema;
    std::unique_ptr<FieldIndex> index;
  };

  const Entry* find(const filter::JsonPath& path) const;
  void index_into(Entry& entry, uint32_t offset, const boost::json::object& payload);

  std::map<std::string, Entry> entries_;  // by canonical key path text
};

// Qdrant's message when a facet key has no suitable index.
std::string facet_missing_index_message(const std::string& key);

}  // namespace sextant::index::payload_index
