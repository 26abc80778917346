// How a collection's configuration is written to and read from bytes: in the catalog beside
// the collection's directory, and in snapshots. Storage holds no format of its own for it: the
// server injects a codec when it opens the Storage. The REST wire's codec writes Qdrant's
// CollectionConfig JSON (api/collection_config_json.hpp), so stores and snapshots written
// before the configuration was typed, which hold that JSON, open with identical configurations,
// and the one writer and parser of that JSON stay in api/.
//
// Invariants:
// - decode(encode(config)) yields `config` again.
// - The encoding is one JSON document: the catalog entry {"dir", "config"} and a snapshot's
//   manifest embed it as their `config` member, the layout they have always had.
// - Both are pure: no I/O, safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.hpp"
#include "storage/collection_config.hpp"

namespace sextant::storage {

class CollectionConfigCodec {
 public:
  virtual ~CollectionConfigCodec() = default;
  virtual std::string encode(const CollectionConfig& config) const = 0;
  virtual Result<CollectionConfig> decode(std::string_view bytes) const = 0;
};

}  // namespace sextant::storage
