// GET /telemetry: Qdrant's TelemetryData for a single node, by details_level:
//   0: id, app {name, version, startup}, collections {number_of_collections}, and for callers
//      with global access cluster {enabled: false} and requests {rest, grpc} response counts
//   1+: app.features and app.system, per-collection summaries from api/, durations
//      (min/max/total, last_responded) in the request statistics
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
