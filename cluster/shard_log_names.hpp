// The JetStream names of one shard's operation log: stream `SXT_<collection>_<shard>` holding
// subject `sextant.<collection>.<shard>`, and the durable consumer `node-<node>` of each node that
// materialises the shard.
//
// Collection names may hold characters NATS forbids in subjects and stream names ('.', '*', '>',
// spaces, slashes): every byte other than an ASCII letter, digit or '-' is written as '_' and two
// hex digits, so distinct collections never share a log and the name reads back.
#pragma once

#include <cstdint>
#include <string>

namespace sextant::cluster {

struct ShardLogNames {
  std::string stream;   // e.g. SXT_my-collection_3
  std::string subject;  // e.g. sextant.my-collection.3
};

// Escapes a collection (or node) name into one NATS token (see the file comment).
std::string encode_name_token(const std::string& name);
ShardLogNames shard_log_names(const std::string& collection, uint32_t shard_id);
// The durable consumer through which node `node_id` applies a shard.
std::string shard_consumer_name(const std::string& node_id);

}  // namespace sextant::cluster
