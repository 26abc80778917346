#include "storage/payload_update.hpp"

#include "index/payload/json_path.hpp"

namespace sextant::storage {

Status set_payload(boost::json::object& target, const boost::json::object& values,
                   const std::optional<std::string>& key) {
  if (!key) {
    index::payload::set_values_at(nullptr, target, values);
    return {};
  }
  auto path = index::payload::JsonPath::parse(*key);
  if (!path) return Error::bad_input("Invalid payload key: " + *key);
  index::payload::set_values_at(&*path, target, values);
  return {};
}

void delete_payload_keys(boost::json::object& target, const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    if (auto path = index::payload::JsonPath::parse(key))
      index::payload::remove_values_at(*path, target);
  }
}

}  // namespace sextant::storage
