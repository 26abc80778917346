#include "api/strict_mode/strict_mode_gate.hpp"

#include "api/strict_mode/filter_limits.hpp"
#include "api/strict_mode/request_limits.hpp"

namespace sextant::api::strict_mode {

Status gate_query_plans(CollectionRateLimits& limits, const storage::Collection& collection,
                        const Request& request, const std::vector<const query::QueryPlan*>& plans,
                        std::optional<size_t> batch_size, bool universal_query,
                        const std::string* group_by) {
  auto config = enabled_strict_mode(collection);
  if (!config) return {};
  if (batch_size)
    if (auto st = check_limit(*batch_size, config->search_max_batchsize, "search batch size"); !st)
      return st;
  const boost::json::object schemas = collection.payload_index_schemas();
  if (group_by)
    if (auto st = check_grouping_key(*group_by, schemas, *config); !st) return st;
  const storage::CollectionConfig collection_config = collection.config();
  for (const query::QueryPlan* plan : plans)
    if (auto st = check_query_plan(*plan, collection_config, schemas, *config, universal_query);
        !st)
      return st;
  if (auto st = check_timeout(request, *config); !st) return st;
  uint64_t cost = 0;
  for (const query::QueryPlan* plan : plans) cost += query_plan_read_cost(*plan);
  return limits.consume(collection.directory(), *config, RateKind::kRead, cost);
}

Status gate_scroll_like(CollectionRateLimits& limits, const storage::Collection& collection,
                        const Request& request, const index::filter::Filter* filter,
                        std::optional<uint64_t> limit, bool exact) {
  auto config = enabled_strict_mode(collection);
  if (!config) return {};
  if (auto st = check_limit(limit, config->max_query_limit, "limit"); !st) return st;
  const boost::json::object schemas = collection.payload_index_schemas();
  if (auto st = check_filter(filter, FilterUse::kRead, schemas, *config); !st) return st;
  if (config->search_allow_exact == false && exact)
    return strict_mode_error("Exact search disabled!", "Set exact=false.");
  if (auto st = check_timeout(request, *config); !st) return st;
  return limits.consume(collection.directory(), *config, RateKind::kRead,
                        1 + filter_read_cost(filter));
}

Status gate_retrieve(CollectionRateLimits& limits, const storage::Collection& collection,
                     const Request& request, uint64_t ids_count) {
  auto config = enabled_strict_mode(collection);
  if (!config) return {};
  if (auto st = check_timeout(request, *config); !st) return st;
  return limits.consume(collection.directory(), *config, RateKind::kRead, ids_count);
}

Status gate_update(CollectionRateLimits& limits, const storage::Collection& collection,
                   const Request& request,
                   const std::vector<storage::UpdateOperation>& operations) {
  auto config = enabled_strict_mode(collection);
  if (!config) {
    limits.note_write(collection.directory());
    return {};
  }
  if (auto st = check_update_operations(operations, collection, *config); !st) return st;
  if (auto st = check_timeout(request, *config); !st) return st;
  const bool first_write = limits.note_write(collection.directory());
  const uint64_t cost = update_write_cost(operations, collection);
  // Qdrant 1.19 takes the cost of a collection's first write (since the server started) from
  // the bucket twice, later writes once: a fresh bucket of 10 is at 8 after a first 1-point
  // upsert, and a first 10-point upsert is refused with "only 0.0" available (the first take
  // stays spent). The refused write changes nothing.
  if (first_write)
    if (auto st = limits.consume(collection.directory(), *config, RateKind::kWrite, cost); !st)
      return st;
  return limits.consume(collection.directory(), *config, RateKind::kWrite, cost);
}

}  // namespace sextant::api::strict_mode
