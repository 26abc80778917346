#include "storage/snapshot/shard_snapshot_data.hpp"

#include "storage/collection.hpp"
#include "storage/shards.hpp"

namespace sextant::storage::snapshot {

Status keep_only_shard(const std::string& data_directory, const CollectionSchema& schema,
                       const ShardOfCollection& shard) {
  auto copy = Collection::open(data_directory, schema);
  if (!copy.ok()) return copy.error();
  DeletePoints others;
  {
    auto view = copy.value()->view();
    const ViewState& state = view->state();
    PointReader reader = view->reader();
    if (state.alive) {
      state.alive->for_each(state.offset_limit, [&](uint32_t offset) {
        const PointId id = reader.id(offset);
        const bool in_shard = shard.custom_sharding
                                  ? shard_of_point(*view, id) == shard.shard_id
                                  : route_point(id, shard.shard_number) == shard.shard_id;
        if (!in_shard) others.selector.ids.push_back(id);
      });
    }
  }
  Status status;
  if (!others.selector.ids.empty()) {
    std::vector<UpdateOperation> operations;
    operations.push_back(std::move(others));
    auto result = copy.value()->update(std::move(operations), true);
    if (!result.ok()) status = result.error();
  }
  copy.value()->close();
  return status;
}

}  // namespace sextant::storage::snapshot
