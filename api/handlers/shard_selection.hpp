// The shard surface of requests: a read's `shard_key` selector turned into the view it runs on,
// a write's `shard_key` turned into the shard of every point it writes, and the `shard_key`
// Qdrant writes into each point of an answer from a custom-sharded collection
// (storage/shards.hpp holds the partition itself).
//
// Qdrant's rules, as a single node answers them: a custom-sharded collection needs a shard key
// on every point write ("Shard key not specified"), a key that does not exist is refused
// ("Shard key \"k\" not found"; 400 Wrong input for writes, Bad request for reads), and an
// auto-sharded collection has no shard keys at all. A read without a selector sees every shard.
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "storage/collection.hpp"
#include "storage/point_types.hpp"

namespace sextant::api {

bool custom_sharding(const storage::Collection& collection);

// A ShardKey (a string or an unsigned integer); none for anything else.
std::optional<storage::ShardKey> shard_key_from_json(const boost::json::value& value);
boost::json::value shard_key_json(const storage::ShardKey& key);
// The key as Qdrant writes it in messages: "a" quoted, 7 bare.
std::string shard_key_text(const storage::ShardKey& key);

// The view a read of `collection` runs on: its current view, restricted to the shards of the
// keys `body["shard_key"]` names when it names any.
Result<std::shared_ptr<const storage::ReadView>> read_view_for(
    const storage::Collection& collection, const boost::json::object& body);

// Checks a write's `shard_key` against `collection`, records the shard of every point the
// upserts in `operations` write, and confines the operations selecting points (by ids or by
// filter) to the shards of the keys named.
Status route_writes(const storage::Collection& collection, const boost::json::object& body,
                    std::vector<storage::UpdateOperation>& operations);

// Adds `shard_key` to every point object of `points` read from `view` of a custom-sharded
// collection (the key of the shard each point was written to).
void add_shard_keys(boost::json::array& points, const storage::Collection& collection,
                    const storage::ReadView& view);

}  // namespace sextant::api
