// CreateCollection / UpdateCollection bodies -> the typed collection configuration, validated
// with Qdrant's messages. Defaults and the merge rules of an update belong to the type
// (storage/collection_config.hpp); what a collection reports is written by
// api/collection_config_json.hpp.
#pragma once

#include <boost/json/object.hpp>

#include "api/api.hpp"
#include "api/config/config_sections_json.hpp"
#include "common/status.hpp"
#include "storage/collection_config.hpp"

namespace sextant::api {

storage::CollectionDefaults collection_defaults(const ApiConfig& config);

Result<storage::CollectionConfig> config_from_create_body(const boost::json::object& body,
                                                          const ApiConfig& defaults);
// An UpdateCollection body; storage::apply_update applies it.
Result<storage::CollectionConfigUpdate> parse_update_body(const boost::json::object& body);

}  // namespace sextant::api
