// Payload mutations applied by the writer: Qdrant's set (merge, optionally at a nested key
// path), overwrite, delete keys (by key paths) and clear. Pure functions on JSON objects; the
// key-path rules come from index/payload.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace sextant::storage {

Status set_payload(boost::json::object& target, const boost::json::object& values,
                   const std::optional<std::string>& key);
void delete_payload_keys(boost::json::object& target, const std::vector<std::string>& keys);

}  // namespace sextant::storage
