// Recreating a collection's shape on the target before its points arrive, and its aliases after.
//
// set_up_collection is safe to run again on a collection it already (partly) set up: the
// collection is created only when missing, payload indexes are (re)created with the same
// parameters (an idempotent request in Qdrant's API), and only shard keys the target lacks are
// created.
#pragma once

#include <string>
#include <vector>

#include "common/status.hpp"
#include "migrate/collection_translation.hpp"
#include "migrate/qdrant_endpoint.hpp"

namespace sextant::migrate {

Status set_up_collection(QdrantEndpoint& target, const CollectionPlan& plan);

// Creates at the target each alias of the source that points at one of `collections` and is not
// already there; returns how many aliases the selected collections have.
Result<size_t> copy_aliases(QdrantEndpoint& source, QdrantEndpoint& target,
                            const std::vector<std::string>& collections);

}  // namespace sextant::migrate
