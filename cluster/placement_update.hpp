// Changing a collection's placement in the metadata bucket: read the entry, apply a change
// (placement_changes.hpp) and write it back with compare-and-set on the revision read, again
// from the start when another writer came first. The entry's generation is made explicit on the
// first update, so the logs keep their names (collection_placement.hpp).
#pragma once

#include <functional>
#include <string>

#include "cluster/collection_placement.hpp"
#include "cluster/metadata_store.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

using PlacementChange = std::function<Result<CollectionPlacement>(CollectionPlacement)>;

// The new revision; not_found (Qdrant's "doesn't exist" text) when the collection has no
// placement, the change's error when it refuses.
Result<uint64_t> update_placement(MetadataStore& metadata, const std::string& name,
                                  const PlacementChange& change);

}  // namespace sextant::cluster
