// See shard_log_names.hpp.
#include "cluster/shard_log_names.hpp"

namespace sextant::cluster {

std::string encode_name_token(const std::string& name) {
  static constexpr char kHexDigits[] = "0123456789ABCDEF";
  std::string token;
  token.reserve(name.size());
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                       (byte >= '0' && byte <= '9') || byte == '-';
    if (plain) {
      token += c;
    } else {
      token += '_';
      token += kHexDigits[byte >> 4];
      token += kHexDigits[byte & 0xF];
    }
  }
  return token;
}

ShardLogNames shard_log_names(const std::string& collection, uint32_t shard_id) {
  const std::string token = encode_name_token(collection);
  const std::string shard = std::to_string(shard_id);
  return {.stream = "SXT_" + token + "_" + shard, .subject = "sextant." + token + "." + shard};
}

std::string shard_consumer_name(const std::string& node_id) {
  return "node-" + encode_name_token(node_id);
}

}  // namespace sextant::cluster
