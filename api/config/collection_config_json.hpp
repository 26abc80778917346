// A collection's typed configuration <-> Qdrant's CollectionConfig JSON, the `config` that
// GET /collections/{name} reports: the one writer and the one parser of that shape. The parser
// reads what the writer wrote (the catalog, snapshots, and stores written when the catalog held
// this JSON verbatim); create and update bodies have their own shapes (collection_config.hpp).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "storage/collection_config.hpp"
#include "storage/collection_config_codec.hpp"

namespace sextant::api {

boost::json::object collection_config_json(const storage::CollectionConfig& config);
Result<storage::CollectionConfig> collection_config_from_json(const boost::json::object& reported);

// The codec the REST wire gives Storage: the configuration as the text of the JSON above.
class JsonCollectionConfigCodec : public storage::CollectionConfigCodec {
 public:
  std::string encode(const storage::CollectionConfig& config) const override;
  Result<storage::CollectionConfig> decode(std::string_view bytes) const override;
};

}  // namespace sextant::api
