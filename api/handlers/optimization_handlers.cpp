// The optimizations report of a collection.
#include "api/handlers/optimization_handlers.hpp"

#include <cstdio>
#include <ctime>
#include <functional>

#include "api/handler_support.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

constexpr uint64_t kDefaultCompletedLimit = 16;

struct OptimizationsOptions {
  bool queued = false;
  std::optional<uint64_t> completed_limit;
  bool idle_segments = false;
};

Result<OptimizationsOptions> parse_options(const Request& request) {
  auto limit = uint_query(request, "completed_limit");
  if (!limit.ok()) return limit.error();
  OptimizationsOptions options;
  std::string_view with = request.query_param("with").value_or("");
  while (true) {
    const size_t comma = with.find(',');
    std::string_view field = with.substr(0, comma);
    std::string_view trimmed = field;
    while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
    if (trimmed == "queued") {
      options.queued = true;
    } else if (trimmed == "completed") {
      options.completed_limit = limit.value().value_or(kDefaultCompletedLimit);
    } else if (trimmed == "idle_segments") {
      options.idle_segments = true;
    } else if (!trimmed.empty()) {
      return Error::bad_input("Unknown field in 'with' parameter: " + std::string(field));
    }
    if (comma == std::string_view::npos) break;
    with.remove_prefix(comma + 1);
  }
  return options;
}

// RFC 3339 UTC with microseconds, as Qdrant's progress timestamps.
std::string timestamp(std::chrono::system_clock::time_point time) {
  const auto seconds = std::chrono::system_clock::to_time_t(time);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          time.time_since_epoch() % std::chrono::seconds(1))
                          .count();
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(micros));
  return text;
}

// The one segment of a collection, named by a UUID-shaped hash of the collection's name.
std::string segment_uuid(const std::string& collection_name) {
  const uint64_t high = std::hash<std::string>{}(collection_name);
  const uint64_t low = std::hash<std::string>{}(collection_name + "/segment");
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-5%03x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0x0fff),
                static_cast<unsigned>(0x8000 | ((low >> 48) & 0x3fff)),
                static_cast<unsigned long long>(low & 0xffffffffffffull));
  return text;
}

json::object segment_info(const std::string& uuid, uint64_t points) {
  return json::object{{"uuid", uuid}, {"points_count", points}};
}

// A progress node: started_at always; finished_at and duration_sec once done; done/total when
// counted.
json::object progress_node(const std::string& name, const storage::IndexingRun& run,
                           std::optional<uint64_t> done, std::optional<uint64_t> total) {
  json::object node;
  node["name"] = name;
  node["started_at"] = timestamp(run.started);
  if (run.finished) {
    node["finished_at"] = timestamp(*run.finished);
    node["duration_sec"] = std::chrono::duration<double>(*run.finished - run.started).count();
  }
  if (done) node["done"] = *done;
  if (total) node["total"] = *total;
  return node;
}

json::object optimization_json(const storage::IndexingRun& run, const std::string& segment,
                               uint64_t done) {
  json::object vector_node = progress_node(run.vector_name, run, done, run.points);
  json::object index_node = progress_node("vector_index", run, std::nullopt, std::nullopt);
  index_node["children"] = json::array{std::move(vector_node)};
  json::object root = progress_node("Segment Optimizing", run, std::nullopt, std::nullopt);
  root["children"] = json::array{std::move(index_node)};
  json::object out;
  out["uuid"] = run.uuid;
  out["optimizer"] = "indexing";
  out["status"] = run.finished ? "done" : "optimizing";
  out["segments"] = json::array{segment_info(segment, run.points)};
  out["progress"] = std::move(root);
  return out;
}

Result<json::value> optimizations(ApiContext& context, const Request& request) {
  auto options = parse_options(request);
  if (!options.ok()) return options.error();
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  const std::string segment =
      segment_uuid(context.storage.resolve(request.path_params[0]).value_or(""));
  const storage::IndexingStatus status = collection.value()->indexing_status();
  const uint64_t points = collection.value()->stats().points_count;

  uint64_t queued_points = 0;
  for (const auto& pending : status.queued) queued_points += pending.points;
  const bool idle = !status.log.running && status.queued.empty();
  json::object summary;
  summary["queued_optimizations"] = status.queued.size();
  summary["queued_segments"] = status.queued.empty() ? 0 : 1;
  summary["queued_points"] = queued_points;
  summary["idle_segments"] = idle ? 1 : 0;

  json::object out;
  out["summary"] = std::move(summary);
  json::array running;
  if (status.log.running) {
    running.push_back(optimization_json(*status.log.running, segment, status.running_done));
  }
  out["running"] = std::move(running);
  if (options.value().queued) {
    json::array queued;
    for (const auto& pending : status.queued) {
      queued.push_back(
          json::object{{"optimizer", "indexing"},
                       {"segments", json::array{segment_info(segment, pending.points)}}});
    }
    out["queued"] = std::move(queued);
  }
  if (auto limit = options.value().completed_limit) {
    json::array completed;
    for (const auto& run : status.log.finished) {
      if (completed.size() >= *limit) break;
      completed.push_back(optimization_json(run, segment, run.points));
    }
    out["completed"] = std::move(completed);
  }
  if (options.value().idle_segments) {
    json::array idle_segments;
    if (idle) idle_segments.push_back(segment_info(segment, points));
    out["idle_segments"] = std::move(idle_segments);
  }
  return json::value(std::move(out));
}

}  // namespace

void register_optimization_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  router.add({HttpMethod::kGet, "/collections/{collection_name}/optimizations",
              [ctx](Request& r) { return respond([&] { return optimizations(*ctx, r); }); }});
}

}  // namespace sextant::api
