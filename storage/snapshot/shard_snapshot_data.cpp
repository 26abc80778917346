// A shard's points in snapshots; see shard_snapshot_data.hpp for the rules.
#include "storage/snapshot/shard_snapshot_data.hpp"

#include "storage/collection.hpp"
#include "storage/shards.hpp"
#include "storage/snapshot/snapshot_archive.hpp"

namespace sextant::storage::snapshot {
namespace {

// Points written per update request while a shard is recovered.
constexpr size_t kRecoveryBatchPoints = 1024;

bool in_shard(const ReadView& view, const PointId& id, const ShardOfCollection& shard) {
  return shard.custom_sharding ? shard_of_point(view, id) == shard.shard_id
                               : route_point(id, shard.shard_number) == shard.shard_id;
}

// The live points of `view` inside `shard` (or, with `inside` false, outside it).
std::vector<PointId> shard_point_ids(const ReadView& view, const ShardOfCollection& shard,
                                     bool inside) {
  std::vector<PointId> ids;
  const ViewState& state = view.state();
  PointReader reader = view.reader();
  if (state.alive) {
    state.alive->for_each(state.offset_limit, [&](uint32_t offset) {
      const PointId id = reader.id(offset);
      if (in_shard(view, id, shard) == inside) ids.push_back(id);
    });
  }
  return ids;
}

// Deletes the shard's points from `live`, then writes every point of `source` into the shard.
Status replace_shard_points(Collection& live, const Collection& source,
                            const ShardOfCollection& shard) {
  std::vector<UpdateOperation> batch;
  DeletePoints current;
  current.selector.ids = shard_point_ids(*live.view(), shard, true);
  if (!current.selector.ids.empty()) batch.push_back(std::move(current));
  UpsertPoints upsert;
  auto flush = [&]() -> Status {
    if (!upsert.points.empty()) batch.push_back(std::exchange(upsert, UpsertPoints{}));
    if (batch.empty()) return {};
    auto written = live.update(std::exchange(batch, {}), true);
    if (!written.ok()) return written.error();
    return {};
  };
  auto view = source.view();
  const ViewState& state = view->state();
  PointReader reader = view->reader();
  Status status;
  if (state.alive) {
    state.alive->for_each(state.offset_limit, [&](uint32_t offset) {
      if (!status.ok()) return;
      PointWrite point;
      point.id = reader.id(offset);
      point.vectors = reader.vectors(offset, nullptr);
      auto payload = reader.payload(offset);
      if (!payload) {
        status = Error::corrupted("Invalid snapshot archive: a point's payload cannot be read");
        return;
      }
      point.payload = std::move(*payload);
      upsert.points.push_back(std::move(point));
      if (shard.custom_sharding) upsert.shard_ids.push_back(shard.shard_id);
      if (upsert.points.size() >= kRecoveryBatchPoints) status = flush();
    });
  }
  if (!status.ok()) return status;
  return flush();
}

}  // namespace

Status keep_only_shard(const std::string& data_directory, const CollectionSchema& schema,
                       const ShardOfCollection& shard) {
  auto copy = Collection::open(data_directory, schema);
  if (!copy.ok()) return copy.error();
  DeletePoints others;
  others.selector.ids = shard_point_ids(*copy.value()->view(), shard, false);
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

Status recover_shard(Storage& storage, const std::string& snapshots_path,
                     const std::string& archive_path, const std::string& collection,
                     const ShardOfCollection& shard,
                     const std::optional<std::string>& expected_checksum) {
  auto live = storage.collection(collection);
  if (!live.ok()) return live.error();
  auto unpacked = unpack_collection_snapshot(storage, snapshots_path, archive_path, collection,
                                             expected_checksum);
  if (!unpacked.ok()) return unpacked.error();
  auto source = Collection::open(unpacked->scratch.path(), live.value()->schema());
  if (!source.ok()) return source.error();
  Status status = replace_shard_points(*live.value(), *source.value(), shard);
  source.value()->close();
  return status;
}

}  // namespace sextant::storage::snapshot
