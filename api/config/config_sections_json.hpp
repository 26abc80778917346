// Qdrant's JSON for the sections of a collection's configuration (collection_config.hpp): one
// parser and one writer per section, shared by the create/update body parsers
// (api/collection_config.hpp) and the whole-config parser and writer
// (api/collection_config_json.hpp). Parsers validate with Qdrant's error texts; `field` is the
// section's path in the request ("vectors.image", "hnsw_config"), used in those texts.
// Parsers are in config_sections_json.cpp, writers in config_sections_writer.cpp.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "common/status.hpp"
#include "storage/collection_config.hpp"

namespace sextant::api {

constexpr uint64_t kMaxVectorDimension = 65536;

Error type_error(const std::string& field, const char* expected);
Status check_vector_name(const std::string& name);

// null: an empty diff.
Result<storage::HnswConfigDiff> parse_hnsw_diff(const boost::json::value& value,
                                                const std::string& field);
// An object with one of `scalar`, `product`, `binary`, `turbo`.
Result<storage::QuantizationConfig> parse_quantization(const boost::json::value& value,
                                                       const std::string& field);
// One dense vector's VectorParams (`field` is "vectors" for the unnamed one).
Result<storage::VectorParams> parse_vector_params(const boost::json::value& value,
                                                  const std::string& field);
// `vectors`: {"size", "distance", ...} for the unnamed vector, else a map of named vectors.
Status parse_vectors_config(const boost::json::value& value, storage::CollectionParams& params);
// One sparse vector's SparseVectorParams (null: none set). `validation_path` names it in
// validation texts as Qdrant does: `sparse_vectors[i]` (the name's rank in the sorted map) in a
// create body, `sparse_vectors.?` in an update.
Result<storage::SparseVectorParams> parse_sparse_params(
    const std::string& name, const boost::json::value& value,
    const std::string& validation_path = "sparse_vectors.?");
// `strict_counts`: the size thresholds must be numbers (requests); false for stored
// configurations, which may hold them as text.
Result<storage::OptimizersConfigDiff> parse_optimizers_diff(const boost::json::value& value,
                                                            bool strict_counts = true);
Result<storage::WalConfigDiff> parse_wal_diff(const boost::json::value& value,
                                              const std::string& field);
Result<storage::StrictModeConfig> parse_strict_mode(const boost::json::value& value,
                                                    const std::string& field);
Result<storage::PayloadStorageParams> parse_payload_params(const boost::json::value& value,
                                                           const std::string& field);

boost::json::object hnsw_diff_json(const storage::HnswConfigDiff& diff);
boost::json::object hnsw_config_json(const storage::HnswConfig& config);
boost::json::value quantization_json(const storage::QuantizationConfig& config);
boost::json::value vectors_config_json(const storage::CollectionParams& params);
boost::json::object sparse_params_json(const storage::SparseVectorParams& params);
boost::json::object optimizers_config_json(const storage::OptimizersConfig& config);
boost::json::object wal_config_json(const storage::WalConfig& config);
boost::json::object strict_mode_json(const storage::StrictModeConfig& config);
boost::json::object payload_params_json(const storage::PayloadStorageParams& params);

}  // namespace sextant::api
