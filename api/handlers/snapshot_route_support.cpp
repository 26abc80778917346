// Helpers the snapshot route families share; see snapshot_route_support.hpp.
#include "api/handlers/snapshot_route_support.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <optional>

#include "api/handler_support.hpp"
#include "api/write/json_text.hpp"
#include "storage/snapshot/snapshot_location.hpp"

namespace sextant::api {
namespace json = boost::json;
using storage::snapshot::SnapshotDescription;

namespace {

constexpr const char* kPriorities[] = {"no_sync", "snapshot", "replica"};

// Snapshot routes wait by default (Qdrant's `wait.unwrap_or(true)`).
Result<bool> snapshot_wait(const Request& request) {
  if (!request.query_param("wait")) return true;
  return wait_flag(request);
}

Response accepted_response(Clock::time_point started) {
  Response response = ok_response(json::value(), started, 202);
  json::value envelope = json::parse(response.body);
  envelope.as_object()["status"] = "accepted";
  response.body = to_json_text(envelope);
  return response;
}

}  // namespace

json::value description_json(const SnapshotDescription& description) {
  json::object out{{"name", description.name},
                   {"creation_time", description.creation_time},
                   {"size", description.size_bytes}};
  out["checksum"] = description.checksum ? json::value(*description.checksum) : json::value();
  return out;
}

json::value descriptions_json(const std::vector<SnapshotDescription>& descriptions) {
  json::array list;
  for (const auto& description : descriptions) list.push_back(description_json(description));
  return list;
}

Status check_priority(const std::string& value, bool from_query) {
  for (const char* known : kPriorities)
    if (value == known) return {};
  std::string detail =
      "unknown variant `" + value + "`, expected one of `no_sync`, `snapshot`, `replica`";
  if (from_query)
    return Error{ErrorKind::kBadRequest, "Deserialize error in query parameters: " + detail};
  return Error::format(detail);
}

Response respond_snapshot(const Request& request,
                          const std::function<Result<json::value>()>& work) {
  const auto started = Clock::now();
  auto wait = snapshot_wait(request);
  if (!wait.ok()) return error_response_for(wait.error(), started);
  auto result = work();
  if (!result.ok()) return error_response_for(result.error(), started);
  if (!wait.value()) return accepted_response(started);
  return ok_response(result.value(), started);
}

Status check_recovery_location(const ApiContext& context, const std::string& location) {
  if (context.config.enable_snapshot_url_recovery || !storage::snapshot::is_http_location(location))
    return {};
  return Error{ErrorKind::kForbidden,
               "Forbidden: Snapshot recovery from remote URLs is disabled in the configuration"};
}

Result<RecoverRequest> parse_recover_body(const Request& request) {
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto location = body->if_contains("location");
  if (!location) return Error::format("missing field `location`");
  if (!location->is_string())
    return Error::format("invalid type: " + std::string(location->is_null() ? "null" : "value") +
                         ", expected a string");
  RecoverRequest recover;
  recover.location = std::string(location->get_string());
  if (auto value = body->if_contains("checksum"); value && !value->is_null()) {
    if (!value->is_string()) return Error::format("invalid type for `checksum`: expected a string");
    recover.checksum = std::string(value->get_string());
  }
  if (auto value = body->if_contains("priority"); value && !value->is_null()) {
    if (!value->is_string()) return Error::format("invalid type for `priority`: expected a string");
    if (auto st = check_priority(std::string(value->get_string()), false); !st.ok())
      return st.error();
  }
  if (auto value = body->if_contains("api_key"); value && !value->is_null()) {
    if (!value->is_string()) return Error::format("invalid type for `api_key`: expected a string");
    recover.api_key = std::string(value->get_string());
  }
  return recover;
}

storage::snapshot::DownloadTimeouts download_timeouts(const ApiContext& context) {
  storage::snapshot::DownloadTimeouts timeouts;
  timeouts.connect = std::chrono::seconds(context.config.snapshot_download_connect_timeout_sec);
  timeouts.read = std::chrono::seconds(context.config.snapshot_download_read_timeout_sec);
  return timeouts;
}

Result<std::string> existing_collection(ApiContext& context, const std::string& name) {
  if (auto st = validate_collection_name_param(name); !st.ok()) return st.error();
  auto resolved = context.storage.resolve(name);
  if (!resolved) return Error::collection_not_found(name);
  return *resolved;
}

std::shared_ptr<SnapshotUpload> received_upload(ApiContext& context, const Request& request) {
  if (auto upload = std::dynamic_pointer_cast<SnapshotUpload>(request.received_body)) return upload;
  auto upload = std::make_shared<SnapshotUpload>(context.config.snapshots_path,
                                                 request.header("content-type"));
  upload->receive(request.body);
  upload->finish();
  return upload;
}

Response download_response(Result<std::string> path, const std::string& name) {
  if (!path.ok()) return error_response_for(path.error(), Clock::now());
  Response response;
  response.content_type = "application/octet-stream";
  response.file_path = path.value();
  response.headers.emplace_back("content-disposition", "attachment; filename=\"" + name + "\"");
  return response;
}

Route collection_snapshot_route(HttpMethod method, std::string pattern, Handler handler,
                                bool is_write) {
  Route route{method, std::move(pattern), std::move(handler), is_write};
  route.needs_collection_extras = true;
  return route;
}

Route global_snapshot_route(HttpMethod method, std::string pattern, Handler handler,
                            bool is_write) {
  Route route{method, std::move(pattern), std::move(handler), is_write};
  route.needs_global_access = true;
  return route;
}

Error upload_checksum_mismatch(const std::string& actual, const std::string& expected) {
  // Qdrant's StorageError::ChecksumMismatch text (400, no "Bad request" prefix).
  return Error{ErrorKind::kBadRequest,
               "Checksum mismatch: expected " + actual + ", actual " + expected};
}

Route snapshot_upload_route(ApiContext* context, HttpMethod method, std::string pattern,
                            Handler handler) {
  Route upload = global_snapshot_route(method, std::move(pattern), std::move(handler), true);
  upload.make_body_receiver = [context](const Request& r) -> std::unique_ptr<BodyReceiver> {
    std::optional<uint64_t> length;
    if (auto header = r.header("content-length")) {
      uint64_t value = 0;
      auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), value);
      if (ec == std::errc() && end == header->data() + header->size()) length = value;
    }
    return std::make_unique<SnapshotUpload>(context->config.snapshots_path,
                                            r.header("content-type"), length);
  };
  return upload;
}

}  // namespace sextant::api
