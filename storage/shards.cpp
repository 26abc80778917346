#include "storage/shards.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "storage/point_reader.hpp"

namespace sextant::storage {

namespace {

constexpr uint8_t kNumberKeyTag = 'n';
constexpr uint8_t kKeywordKeyTag = 's';
// meta key of the next custom shard id: ids are never reused, as Qdrant's.
constexpr char kNextShardIdKey[] = "next_shard_id";

lmdb::Bytes shard_id_key(const uint32_t& shard_id) {
  return {reinterpret_cast<const uint8_t*>(&shard_id), sizeof(shard_id)};
}

std::optional<uint32_t> read_u32(lmdb::Bytes bytes) {
  if (bytes.size() != sizeof(uint32_t)) return std::nullopt;
  uint32_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof(value));
  return value;
}

// Calls fn(point id key, shard id) for every recorded point.
template <typename Fn>
Status for_each_point_shard(const lmdb::Txn& txn, const CollectionDbs& dbs, Fn&& fn) {
  auto cursor = lmdb::Cursor::open(txn, dbs.point_shard);
  if (!cursor.ok()) return cursor.error();
  for (bool more = cursor->seek(); more; more = cursor->next()) {
    auto shard_id = read_u32(cursor->value());
    if (!shard_id || cursor->key().size() != index::PointId::kKeySize) continue;
    fn(cursor->key(), *shard_id);
  }
  return cursor->status();
}

}  // namespace

std::string encode_shard_key(const ShardKey& key) {
  std::string out;
  if (const auto* number = std::get_if<uint64_t>(&key)) {
    out.push_back(char(kNumberKeyTag));
    out.append(reinterpret_cast<const char*>(number), sizeof(*number));
  } else {
    out.push_back(char(kKeywordKeyTag));
    out.append(std::get<std::string>(key));
  }
  return out;
}

std::optional<ShardKey> decode_shard_key(lmdb::Bytes bytes) {
  if (bytes.empty()) return std::nullopt;
  if (bytes[0] == kNumberKeyTag && bytes.size() == 1 + sizeof(uint64_t)) {
    uint64_t number = 0;
    std::memcpy(&number, bytes.data() + 1, sizeof(number));
    return ShardKey(number);
  }
  if (bytes[0] == kKeywordKeyTag)
    return ShardKey(std::string(reinterpret_cast<const char*>(bytes.data()) + 1, bytes.size() - 1));
  return std::nullopt;
}

uint32_t route_point(const PointId& id, uint32_t shard_count) {
  if (shard_count <= 1) return 0;
  // FNV-1a over the stored key, then a splitmix64 finaliser: stable across runs and builds.
  uint64_t hash = 1469598103934665603ull;
  for (uint8_t byte : id.to_key()) hash = (hash ^ byte) * 1099511628211ull;
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ull;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebull;
  hash ^= hash >> 31;
  return uint32_t(hash % shard_count);
}

Result<std::vector<ShardEntry>> read_shard_keys(const ReadView& view) {
  std::vector<ShardEntry> shards;
  auto cursor = lmdb::Cursor::open(view.txn(), view.state().dbs.shard_keys);
  if (!cursor.ok()) return cursor.error();
  for (bool more = cursor->seek(); more; more = cursor->next()) {
    auto shard_id = read_u32(cursor->key());
    auto key = decode_shard_key(cursor->value());
    if (shard_id && key) shards.push_back({*shard_id, std::move(*key)});
  }
  if (auto st = cursor->status(); !st.ok()) return st.error();
  return shards;
}

Result<std::vector<LocalShard>> local_shards(const ReadView& view, bool custom_sharding,
                                             uint32_t shard_number) {
  std::vector<LocalShard> shards;
  const ViewState& state = view.state();
  PointReader reader = view.reader();
  if (!custom_sharding) {
    const uint32_t count = std::max<uint32_t>(1, shard_number);
    for (uint32_t i = 0; i < count; ++i) shards.push_back({i, std::nullopt, 0});
    if (count == 1) {
      shards[0].points_count = state.alive_count;
    } else if (state.alive) {
      state.alive->for_each(state.offset_limit, [&](uint32_t offset) {
        ++shards[route_point(reader.id(offset), count)].points_count;
      });
    }
    return shards;
  }
  auto keys = read_shard_keys(view);
  if (!keys.ok()) return keys.error();
  std::map<uint32_t, size_t> position;
  for (auto& entry : keys.value()) {
    position[entry.shard_id] = shards.size();
    shards.push_back({entry.shard_id, std::move(entry.key), 0});
  }
  auto st = for_each_point_shard(view.txn(), state.dbs, [&](lmdb::Bytes id_key, uint32_t shard) {
    auto found = position.find(shard);
    if (found == position.end()) return;
    auto offset = reader.find(PointId::from_key(id_key.data()));
    if (offset && reader.alive(*offset)) ++shards[found->second].points_count;
  });
  if (!st.ok()) return st.error();
  return shards;
}

Result<std::shared_ptr<const ReadView>> restrict_to_shards(std::shared_ptr<const ReadView> base,
                                                           const std::set<uint32_t>& shard_ids) {
  const ViewState& state = base->state();
  PointReader reader = base->reader();
  Bitset alive;
  // Sized as the base's bitset: the graph walk reads the live words over the whole range.
  if (state.offset_limit > 0) {
    alive.set(state.offset_limit - 1);
    alive.reset(state.offset_limit - 1);
  }
  uint64_t alive_count = 0;
  auto st = for_each_point_shard(base->txn(), state.dbs, [&](lmdb::Bytes id_key, uint32_t shard) {
    if (!shard_ids.contains(shard)) return;
    auto offset = reader.find(PointId::from_key(id_key.data()));
    if (!offset || !reader.alive(*offset) || alive.test(*offset)) return;
    alive.set(*offset);
    ++alive_count;
  });
  if (!st.ok()) return st.error();
  auto restricted = std::make_shared<ViewState>(state);
  restricted->alive = std::make_shared<const Bitset>(std::move(alive));
  restricted->alive_count = alive_count;
  restricted->shard_restricted = true;
  return std::shared_ptr<const ReadView>(std::make_shared<const ReadView>(base, restricted));
}

std::optional<uint32_t> shard_of_point(const lmdb::Txn& txn, const CollectionDbs& dbs,
                                       const PointId& id) {
  auto key = id.to_key();
  auto found = txn.get(dbs.point_shard, lmdb::Bytes(key.data(), key.size()));
  if (!found.ok() || !found.value()) return std::nullopt;
  return read_u32(*found.value());
}

std::optional<uint32_t> shard_of_point(const ReadView& view, const PointId& id) {
  return shard_of_point(view.txn(), view.state().dbs, id);
}

Status record_point_shard(lmdb::Txn& txn, const CollectionDbs& dbs, const PointId& id,
                          uint32_t shard_id) {
  auto key = id.to_key();
  return txn.put(dbs.point_shard, lmdb::Bytes(key.data(), key.size()), shard_id_key(shard_id));
}

Status forget_point_shard(lmdb::Txn& txn, const CollectionDbs& dbs, lmdb::Bytes id_key) {
  auto del = txn.del(dbs.point_shard, id_key);
  if (!del.ok()) return del.error();
  return {};
}

Status put_shard_key(lmdb::Txn& txn, const CollectionDbs& dbs, const CreateShardKey& op) {
  auto stored = txn.get(dbs.meta, lmdb::as_bytes(kNextShardIdKey));
  if (!stored.ok()) return stored.error();
  uint32_t next_shard_id = 1;
  if (stored.value()) next_shard_id = read_u32(*stored.value()).value_or(1);
  const std::string encoded = encode_shard_key(op.key);
  for (uint32_t i = 0; i < op.shard_count; ++i) {
    const uint32_t shard_id = next_shard_id++;
    auto st = txn.put(dbs.shard_keys, shard_id_key(shard_id), lmdb::as_bytes(encoded));
    if (!st.ok()) return st;
  }
  return txn.put(dbs.meta, lmdb::as_bytes(kNextShardIdKey), shard_id_key(next_shard_id));
}

Result<std::vector<PointId>> drop_shards(lmdb::Txn& txn, const CollectionDbs& dbs,
                                         const std::set<uint32_t>& shard_ids) {
  std::vector<PointId> points;
  auto st = for_each_point_shard(txn, dbs, [&](lmdb::Bytes id_key, uint32_t shard) {
    if (shard_ids.contains(shard)) points.push_back(PointId::from_key(id_key.data()));
  });
  if (!st.ok()) return st.error();
  for (const uint32_t& shard_id : shard_ids) {
    auto del = txn.del(dbs.shard_keys, shard_id_key(shard_id));
    if (!del.ok()) return del.error();
  }
  return points;
}

}  // namespace sextant::storage
