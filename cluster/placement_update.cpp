// See placement_update.hpp.
#include "cluster/placement_update.hpp"

namespace sextant::cluster {

Result<uint64_t> update_placement(MetadataStore& metadata, const std::string& name,
                                  const PlacementChange& change) {
  constexpr int kAttempts = 20;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto current = metadata.get(collection_key(name));
    if (!current.ok()) return current.error();
    if (!current.value()) return Error::collection_not_found(name);
    auto placement = decode_placement(current.value()->value);
    if (!placement.ok()) return placement.error();
    placement.value().revision = current.value()->revision;
    if (placement.value().generation == 0) placement.value().generation = current.value()->revision;
    auto changed = change(std::move(placement.value()));
    if (!changed.ok()) return changed.error();
    auto written = metadata.update(collection_key(name), encode_placement(changed.value()),
                                   current.value()->revision);
    if (!written.ok()) return written.error();
    if (!written.value().conflict) return written.value().revision;
  }
  return Error{ErrorKind::kUnavailable, "Service internal error: the placement of collection `" +
                                            name + "` kept changing while it was being updated"};
}

}  // namespace sextant::cluster
