// GET /telemetry: Qdrant's TelemetryData for a single node, by details_level, with the
// sections Qdrant 1.19 returns at each level:
//   0:  id, app {name, version, startup}, collections {number_of_collections}, quota, and for
//       callers with global access cluster {enabled, resharding_enabled} and requests
//   1+: app.features, runtime_features, low_memory_mode, hnsw_global_config, system;
//       collections.collections (collection_telemetry.hpp) and snapshots; memory, hardware and
//       search_pool (global access); durations in the request statistics
//   2+: cluster.config; per-collection snapshot counters
// app.sextant {version} names Sextant's own version (Qdrant has no such key).
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "server/service_routes.hpp"

namespace sextant::server {

struct TelemetryOptions {
  int details_level = 0;
  bool global_access = true;  // false for a JWT scoped to collections
};

boost::json::object build_telemetry(const ServiceContext& context, const TelemetryOptions& options);

// RFC 3339 UTC time with centisecond precision, as Qdrant prints its timestamps.
std::string format_timestamp(std::chrono::system_clock::time_point time);

}  // namespace sextant::server
