#include "api/strict_mode/request_limits.hpp"

#include <cctype>
#include <charconv>
#include <string_view>
#include <utility>

#include "api/strict_mode/filter_limits.hpp"
#include "index/payload_index/field_schema.hpp"

namespace sextant::api::strict_mode {
namespace filter = index::filter;

namespace {

constexpr uint64_t kSparseIndicesPerCostUnit = 64;

// Rust's Display of a float: the shortest text that reads back the same, never an exponent.
template <typename Float>
std::string shortest_decimal(Float value) {
  char buffer[128];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed).ptr;
  return std::string(buffer, end);
}

Status check_float_limit(std::optional<double> value, std::optional<double> limit,
                         const std::string& name) {
  if (!value || !limit || *value <= *limit) return {};
  const std::string shown_limit = shortest_decimal(*limit);
  return strict_mode_error(
      "Limit exceeded " + shortest_decimal(*value) + " > " + shown_limit + " for \"" + name + "\"",
      "Reduce the \"" + name + "\" parameter to or below " + shown_limit + ".");
}

uint64_t vector_cost(const storage::QueryVector& vector) {
  if (const auto* sparse = std::get_if<storage::SparseVector>(&vector))
    return (sparse->indices.size() + kSparseIndicesPerCostUnit - 1) / kSparseIndicesPerCostUnit;
  if (const auto* multi = std::get_if<storage::MultiVector>(&vector)) return multi->rows();
  return 1;
}

uint64_t example_cost(const query::Example& example) {
  if (const auto* sparse = std::get_if<storage::SparseVector>(&example))
    return (sparse->indices.size() + kSparseIndicesPerCostUnit - 1) / kSparseIndicesPerCostUnit;
  if (const auto* multi = std::get_if<storage::MultiVector>(&example)) return multi->rows();
  return 1;
}

// The cost of the stage's own search, or nullopt for a stage that only scrolls.
std::optional<uint64_t> search_cost(const query::Query& query) {
  if (const auto* nearest = std::get_if<query::NearestQuery>(&query)) {
    if (const auto* vector = std::get_if<storage::QueryVector>(&nearest->target))
      return vector_cost(*vector);
    return 1;
  }
  if (const auto* recommend = std::get_if<query::RecommendQuery>(&query)) {
    uint64_t cost = 0;
    for (const auto& e : recommend->positive) cost += example_cost(e);
    for (const auto& e : recommend->negative) cost += example_cost(e);
    return cost;
  }
  if (const auto* discover = std::get_if<query::DiscoverQuery>(&query)) {
    uint64_t cost = example_cost(discover->target);
    for (const auto& pair : discover->context)
      cost += example_cost(pair.positive) + example_cost(pair.negative);
    return cost;
  }
  if (const auto* context = std::get_if<query::ContextQuery>(&query)) {
    uint64_t cost = 0;
    for (const auto& pair : context->context)
      cost += example_cost(pair.positive) + example_cost(pair.negative);
    return cost;
  }
  if (const auto* feedback = std::get_if<query::RelevanceFeedbackQuery>(&query)) {
    uint64_t cost = example_cost(feedback->target);
    for (const auto& item : feedback->feedback) cost += example_cost(item.example);
    return cost;
  }
  return std::nullopt;
}

Status check_multivector_rows(const storage::PointVectors& vectors,
                              const storage::StrictModeConfig& config) {
  if (!config.multivector_config) return {};
  for (const auto& [name, limit] : *config.multivector_config) {
    if (!limit) continue;
    auto it = vectors.multi.find(name);
    if (it == vectors.multi.end()) continue;
    const size_t rows = it->second.rows();
    if (rows > *limit)
      return Error::bad_request("Multivector '" + name + "' has a limit of " +
                                std::to_string(*limit) + " vectors, but " + std::to_string(rows) +
                                " were provided!");
  }
  return {};
}

Status check_sparse_lengths(const storage::PointVectors& vectors,
                            const storage::StrictModeConfig& config) {
  if (!config.sparse_config) return {};
  for (const auto& [name, limit] : *config.sparse_config) {
    if (!limit) continue;
    auto it = vectors.sparse.find(name);
    if (it == vectors.sparse.end()) continue;
    const size_t length = it->second.indices.size();
    if (length > *limit || it->second.values.size() > *limit)
      return Error::bad_request("Sparse vector '" + name + "' has a limit of " +
                                std::to_string(*limit) + " indices, but " + std::to_string(length) +
                                " were provided!");
  }
  return {};
}

// Qdrant's estimate of the bytes the collection's dense vectors take: float32 elements of every
// stored point.
uint64_t vector_storage_bytes(const storage::Collection& collection, uint64_t points_count) {
  uint64_t bytes_per_point = 0;
  for (const auto& vector : collection.config().params.vectors)
    bytes_per_point += vector.size * sizeof(float);
  return bytes_per_point * points_count;
}

// Qdrant's texts for its size limits: the limit in MB as a 32-bit float printed in full.
Error storage_size_error(const char* what, uint64_t limit_bytes) {
  const float size_in_mb = static_cast<float>(limit_bytes) / (1024.0f * 1024.0f);
  return Error::bad_request("Max " + std::string(what) + " storage size limit of " +
                            shortest_decimal(size_in_mb) + "MB reached!");
}

// max_collection_payload_size_bytes against the bytes the payload table takes (Qdrant compares
// its payload storage's size, without the payload indexes).
Status check_payload_size(const storage::CollectionStats& stats,
                          const storage::StrictModeConfig& config) {
  if (config.max_collection_payload_size_bytes &&
      stats.payload_storage_bytes >= *config.max_collection_payload_size_bytes)
    return storage_size_error("payload", *config.max_collection_payload_size_bytes);
  return {};
}

// Every collection size limit, in Qdrant's order: vectors, payloads, points.
Status check_collection_size(const storage::Collection& collection,
                             const storage::StrictModeConfig& config) {
  if (!config.max_collection_vector_size_bytes && !config.max_collection_payload_size_bytes &&
      !config.max_points_count)
    return {};
  const storage::CollectionStats stats = collection.stats();
  const uint64_t points_count = stats.points_count;
  if (config.max_collection_vector_size_bytes &&
      vector_storage_bytes(collection, points_count) >= *config.max_collection_vector_size_bytes)
    return storage_size_error("vector", *config.max_collection_vector_size_bytes);
  if (auto st = check_payload_size(stats, config); !st) return st;
  if (config.max_points_count && points_count >= *config.max_points_count)
    return Error::bad_request("Max points count limit of " +
                              std::to_string(*config.max_points_count) + " reached!");
  return {};
}

Status check_written_points(const std::vector<storage::PointWrite>& points, const char* limit_name,
                            const storage::Collection& collection,
                            const storage::StrictModeConfig& config) {
  if (auto st = check_limit(points.size(), config.upsert_max_batchsize, limit_name); !st) return st;
  if (auto st = check_collection_size(collection, config); !st) return st;
  for (const auto& point : points)
    if (auto st = check_multivector_rows(point.vectors, config); !st) return st;
  for (const auto& point : points)
    if (auto st = check_sparse_lengths(point.vectors, config); !st) return st;
  return {};
}

const filter::Filter* selector_filter(const storage::PointSelector& selector) {
  return selector.filter.get();
}

// True when a top-level condition of `filter` reads a key whose index is a tenant index.
bool uses_tenant_index(const filter::Filter* f, const boost::json::object& index_schemas) {
  if (!f) return false;
  auto is_tenant_key = [&](const filter::Condition& condition) {
    const auto* field = std::get_if<filter::FieldCondition>(&condition);
    if (!field) return false;
    const boost::json::value* schema = index_schemas.if_contains(field->key.to_string());
    if (!schema || !schema->is_object()) return false;
    const boost::json::value* tenant = schema->get_object().if_contains("is_tenant");
    return tenant && tenant->is_bool() && tenant->get_bool();
  };
  for (const auto* clause : {&f->must, &f->must_not, &f->should})
    if (*clause)
      for (const auto& condition : **clause)
        if (is_tenant_key(condition)) return true;
  if (f->min_should)
    for (const auto& condition : f->min_should->conditions)
      if (is_tenant_key(condition)) return true;
  return false;
}

// Qdrant's check_fullscan: with search_allow_exact false, a vector query on a dense vector
// whose graph is disabled (m = 0) needs a tenant filter and payload_m > 0.
Status check_full_scan(const query::QueryPlan& plan, const storage::CollectionConfig& collection,
                       const boost::json::object& index_schemas,
                       const storage::StrictModeConfig& config) {
  if (config.search_allow_exact != false) return {};
  const bool vector_query = std::holds_alternative<query::NearestQuery>(plan.query) ||
                            std::holds_alternative<query::RecommendQuery>(plan.query) ||
                            std::holds_alternative<query::DiscoverQuery>(plan.query) ||
                            std::holds_alternative<query::ContextQuery>(plan.query) ||
                            std::holds_alternative<query::RelevanceFeedbackQuery>(plan.query);
  if (!vector_query) return {};
  if (collection.params.sparse_vectors)
    for (const auto& sparse : *collection.params.sparse_vectors)
      if (sparse.name == plan.using_name) return {};  // sparse vectors are always indexed
  std::optional<uint64_t> own_m, own_payload_m;
  for (const auto& vector : collection.params.vectors)
    if (vector.name == plan.using_name && vector.hnsw_config) {
      own_m = vector.hnsw_config->m;
      own_payload_m = vector.hnsw_config->payload_m;
    }
  const uint64_t m = own_m.value_or(collection.hnsw_config.m);
  if (m > 0) return {};
  const uint64_t payload_m =
      own_payload_m ? *own_payload_m : collection.hnsw_config.payload_m.value_or(m);
  const std::string label = plan.using_name.empty() ? "" : " on '" + plan.using_name + "'";
  if (!uses_tenant_index(plan.filter.get(), index_schemas))
    return strict_mode_error("Request is forbidden" + label +
                                 " because global vector indexing is disabled (hnsw_config.m = 0)",
                             "Use tenant-specific filter, enable global vector indexing or enable "
                             "strict mode `search_allow_exact` option");
  if (payload_m == 0)
    return strict_mode_error("Request is forbidden" + label +
                                 " because vector indexing is disabled (hnsw_config.m = 0 and "
                                 "hnsw_config.payload_m = 0)",
                             "Enable vector indexing, use a prefetch query with indexed vectors or "
                             "enable strict mode `search_allow_exact` option");
  return {};
}

}  // namespace

std::optional<storage::StrictModeConfig> enabled_strict_mode(
    const storage::Collection& collection) {
  storage::CollectionConfig config = collection.config();
  if (!config.strict_mode_config || !config.strict_mode_config->enabled.value_or(false))
    return std::nullopt;
  return std::move(config.strict_mode_config);
}

Status check_limit(std::optional<uint64_t> value, std::optional<uint64_t> limit,
                   const std::string& name) {
  if (!value || !limit || *value <= *limit) return {};
  return strict_mode_error(
      "Limit exceeded " + std::to_string(*value) + " > " + std::to_string(*limit) + " for \"" +
          name + "\"",
      "Reduce the \"" + name + "\" parameter to or below " + std::to_string(*limit) + ".");
}

Status check_timeout(const Request& request, const storage::StrictModeConfig& config) {
  auto text = request.query_param("timeout");
  if (!text || !config.max_timeout) return {};
  uint64_t timeout = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), timeout);
  if (ec != std::errc() || end != text->data() + text->size()) return {};
  return check_limit(timeout, config.max_timeout, "timeout");
}

Status check_search_params(const storage::SearchParams& params,
                           const storage::StrictModeConfig& config) {
  // Only an oversampling the request asks for is checked; 1 is the default.
  const double oversampling = params.quantization.oversampling;
  if (oversampling != 1.0)
    if (auto st = check_float_limit(oversampling, config.search_max_oversampling, "oversampling");
        !st)
      return st;
  if (params.hnsw_ef)
    if (auto st = check_limit(*params.hnsw_ef, config.search_max_hnsw_ef, "hnsw_ef"); !st)
      return st;
  if (config.search_allow_exact == false && params.exact)
    return strict_mode_error("Exact search disabled!", "Set exact=false.");
  return {};
}

Status check_query_plan(const query::QueryPlan& plan, const storage::CollectionConfig& collection,
                        const boost::json::object& index_schemas,
                        const storage::StrictModeConfig& config, bool universal_query) {
  for (const auto& prefetch : plan.prefetch)
    if (auto st = check_query_plan(prefetch, collection, index_schemas, config, universal_query);
        !st)
      return st;
  if (universal_query && plan.prefetch.empty())
    if (auto st = check_full_scan(plan, collection, index_schemas, config); !st) return st;
  if (auto st = check_limit(plan.limit, config.max_query_limit, "limit"); !st) return st;
  if (auto st = check_filter(plan.filter.get(), FilterUse::kRead, index_schemas, config); !st)
    return st;
  return check_search_params(plan.params, config);
}

Status check_grouping_key(const std::string& group_by, const boost::json::object& index_schemas,
                          const storage::StrictModeConfig& config) {
  if (config.unindexed_filtering_retrieve != false) return {};
  const boost::json::value* schema = index_schemas.if_contains(group_by);
  if (!schema)
    return strict_mode_error("Index required but not found for \"" + group_by + "\"",
                             "Create an index supporting `match` for this key.");
  auto parsed = index::payload_index::parse_field_schema(*schema);
  if (!parsed.ok()) return {};
  using index::payload_index::FieldType;
  bool supports_match = false;
  switch (parsed->type) {
    case FieldType::kKeyword:
    case FieldType::kUuid:
    case FieldType::kBool:
      supports_match = true;
      break;
    case FieldType::kInteger: {
      // Qdrant: an integer index given as bare "integer" answers match; given with parameters,
      // only when `lookup` is set to true.
      const auto* options = schema->is_object() ? &schema->get_object() : nullptr;
      const boost::json::value* lookup = options ? options->if_contains("lookup") : nullptr;
      supports_match = !options || (lookup && lookup->is_bool() && lookup->get_bool());
      break;
    }
    default:
      break;
  }
  if (supports_match) return {};
  std::string kind = index::payload_index::field_type_name(parsed->type);
  kind[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(kind[0])));
  return strict_mode_error("Index of type \"" + kind + "\" found for \"" + group_by + "\"",
                           "Create an index supporting `match` for this key.");
}

Status check_update_operations(const std::vector<storage::UpdateOperation>& operations,
                               const storage::Collection& collection,
                               const storage::StrictModeConfig& config) {
  const boost::json::object schemas = collection.payload_index_schemas();
  auto write_filter = [&](const filter::Filter* f) {
    return check_filter(f, FilterUse::kWrite, schemas, config);
  };
  for (const auto& operation : operations) {
    Status status = std::visit(
        [&](const auto& op) -> Status {
          using Op = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<Op, storage::UpsertPoints>) {
            return check_written_points(op.points, "upsert limit", collection, config);
          } else if constexpr (std::is_same_v<Op, storage::UpdateVectors>) {
            return check_written_points(op.points, "update limit", collection, config);
          } else if constexpr (std::is_same_v<Op, storage::SetPayload> ||
                               std::is_same_v<Op, storage::OverwritePayload>) {
            // Setting a payload grows the payload storage: its limit comes first.
            if (config.max_collection_payload_size_bytes)
              if (auto st = check_payload_size(collection.stats(), config); !st) return st;
            return write_filter(selector_filter(op.selector));
          } else if constexpr (std::is_same_v<Op, storage::CreatePayloadIndex>) {
            // Counts every index, the one being replaced included, as Qdrant does.
            if (config.max_payload_index_count && schemas.size() >= *config.max_payload_index_count)
              return strict_mode_error(
                  "Collection already has the maximum number of payload indices (" +
                      std::to_string(*config.max_payload_index_count) + ")",
                  "Please delete an existing index before creating a new one.");
            return {};
          } else if constexpr (requires { op.selector; }) {
            return write_filter(selector_filter(op.selector));
          } else {
            return {};  // index deletion, shard-key changes: no points named, no filter
          }
        },
        operation);
    if (!status) return status;
  }
  return {};
}

uint64_t filter_read_cost(const filter::Filter* f) { return f ? total_conditions_count(*f) : 0; }

uint64_t query_plan_read_cost(const query::QueryPlan& plan) {
  uint64_t cost = 0;
  for (const auto& prefetch : plan.prefetch) cost += query_plan_read_cost(prefetch);
  if (!plan.prefetch.empty()) return cost;  // this stage rescores its prefetches' results
  const std::optional<uint64_t> searched = search_cost(plan.query);
  return (searched ? *searched : 1) + filter_read_cost(plan.filter.get());
}

uint64_t update_write_cost(const std::vector<storage::UpdateOperation>& operations,
                           const storage::Collection& collection) {
  uint64_t cost = 0;
  for (const auto& operation : operations) {
    cost += std::visit(
        [&](const auto& op) -> uint64_t {
          using Op = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<Op, storage::UpsertPoints> ||
                        std::is_same_v<Op, storage::UpdateVectors>) {
            return op.points.size();
          } else if constexpr (requires { op.selector; }) {
            if (!op.selector.filter) return op.selector.ids.size();
            auto view = collection.view();
            return storage::count(*view, op.selector.filter.get());
          } else {
            return 0;  // index and shard-key operations write no points
          }
        },
        operation);
  }
  return std::max<uint64_t>(cost, 1);
}

}  // namespace sextant::api::strict_mode
