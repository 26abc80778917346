// The cluster's collections as this node follows them: a watch on the `collections.*` keys of
// the metadata bucket that hands every placement (and every removal) to the node's applier in
// revision order, remembers the placements, and lets the node that wrote a change wait until its
// own applier has carried it out.
//
// The applier (given by the server) creates the local collection a placement describes, with all
// shard_number shards so points route alike everywhere, of which only the hosted ones are
// written to; or drops the local collection. Its outcome is kept per collection with the
// revision it was for.
//
// Invariants:
//   - The applier runs on the watch's thread, one change at a time, in revision order; it is
//     not called after the catalog is destroyed.
//   - placement(name) reflects every change the applier has been handed.
//   - The MetadataStore outlives the catalog.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "cluster/collection_placement.hpp"
#include "cluster/metadata_store.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

struct CollectionApplier {
  std::function<Status(const CollectionPlacement&)> create;
  std::function<Status(const std::string& name)> drop;
};

class CollectionCatalog {
 public:
  static Result<std::unique_ptr<CollectionCatalog>> start(MetadataStore& metadata,
                                                          CollectionApplier applier);
  ~CollectionCatalog();
  CollectionCatalog(const CollectionCatalog&) = delete;
  CollectionCatalog& operator=(const CollectionCatalog&) = delete;

  std::optional<CollectionPlacement> placement(const std::string& name) const;
  // The placement as the bucket holds it now: when another node just created the collection and
  // this node's watch has not delivered it yet, waits (up to `timeout`) until it has, so a
  // request right after a create through another node is not taken for a local collection.
  std::optional<CollectionPlacement> current_placement(const std::string& name,
                                                       MetadataStore& metadata,
                                                       std::chrono::milliseconds timeout) const;
  std::map<std::string, CollectionPlacement> placements() const;
  // The highest metadata revision handed to the applier (GET /cluster's commit).
  uint64_t applied_revision() const;

  // Waits until the change of `name` at `revision` (or a later one) was applied here and returns
  // the applier's outcome for it; unavailable() after `timeout`.
  Status wait_applied(const std::string& name, uint64_t revision,
                      std::chrono::milliseconds timeout) const;

 private:
  explicit CollectionCatalog(CollectionApplier applier) : applier_(std::move(applier)) {}
  void on_change(const MetadataEntry& entry);
  // After a watch's resynchronisation: drops the collections whose keys it no longer delivered.
  void forget_absent(const std::set<std::string>& present_keys);

  struct Outcome {
    uint64_t revision = 0;
    Status status;
  };

  CollectionApplier applier_;
  mutable std::mutex mutex_;
  mutable std::condition_variable applied_;
  std::map<std::string, CollectionPlacement> placements_;
  std::map<std::string, std::string> names_by_key_;  // a deletion carries only the key
  std::map<std::string, Outcome> outcomes_;
  uint64_t applied_revision_ = 0;
  std::unique_ptr<MetadataWatch> watch_;  // last: stopped first
};

}  // namespace sextant::cluster
