// A node's identity in the cluster: its peer id (a u64, as Qdrant's peer ids) chosen at random
// the first time the node starts on a storage directory and kept there in `cluster_node_id`, so
// a restarted node is the same peer (same durable consumers, same place in the shard maps).
//
// Invariants: the id is never 0 and never changes for a storage directory once written.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.hpp"

namespace sextant::cluster {

// Reads the id stored under `storage_path`, or picks one and stores it (written to a temporary
// file and renamed, so a crash never leaves half an id).
Result<uint64_t> load_or_create_node_id(const std::string& storage_path);

}  // namespace sextant::cluster
