// A collection's payload indexes, shared between the writer (which keeps them in step with each
// commit) and queries (which use them for full-text matching, cardinality estimates, facets and
// payload_schema counts).
//
// Thread-safety: every method may be called from any thread; writes take the exclusive lock,
// reads the shared one. The indexes reflect the newest commit; queries on an older view still
// re-check candidates against that view's payloads, so they never see points they shouldn't.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "index/payload_index/payload_index_set.hpp"
#include "storage/read_view.hpp"

namespace sextant::storage {

// What a commit changed, for keeping derived structures in step.
struct ChangeSet {
  std::vector<uint32_t> written;  // offsets whose payload (or whole point) was written
  std::vector<uint32_t> removed;  // offsets that stopped being alive
  bool renumbered = false;        // an offset compaction: every offset changed
};

class PayloadIndexes final : public index::filter::IndexedFieldChecks {
 public:
  // (Re)builds the index on `field` from every point of `view`.
  Status create(const std::string& field, const boost::json::object& field_schema,
                const ReadView& view);
  void drop(const std::string& field);
  // Keeps the indexes in step with a commit; after an offset compaction they are rebuilt from
  // `view`, in its offset space.
  void apply(const ChangeSet& changes, const ReadView& view);

  std::optional<uint64_t> points_count(const std::string& field) const;
  // The type `field` is indexed as; nullopt when it has no index.
  std::optional<index::payload_index::FieldType> field_type(const std::string& field) const;
  index::payload_index::Cardinality estimate(const index::filter::Filter& filter,
                                             uint64_t total_points) const;
  // nullopt when `field` has no index; *stale (and nullopt) when the indexes are keyed in
  // another offset space than `generation` (the caller's view is older or newer: retry).
  std::optional<std::vector<index::payload_index::FacetHit>> facet(
      const std::string& field, const std::function<bool(uint32_t)>* accept, size_t limit,
      uint64_t generation, bool* stale) const;
  bool empty() const;

  std::optional<bool> special_check(const index::filter::FieldCondition& condition,
                                    const boost::json::value& value) const override;

 private:
  // Indexes every point of `view` under `field` (exclusive lock held).
  void index_all(const std::string& field, const ReadView& view);

  mutable std::shared_mutex mutex_;
  index::payload_index::PayloadIndexSet set_;
  size_t count_ = 0;         // indexes in the set
  uint64_t generation_ = 0;  // the offset space the indexes are keyed in (ViewState::generation)
};

}  // namespace sextant::storage
