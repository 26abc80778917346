// Snapshot routes: request parsing and envelopes; the work is in storage/snapshot/.
#include "api/handlers/snapshot_handlers.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>

#include "api/handler_support.hpp"
#include "api/parse/snapshot_upload.hpp"
#include "api/write/json_text.hpp"
#include "storage/shards.hpp"
#include "storage/snapshot/shard_snapshot_data.hpp"
#include "storage/snapshot/snapshot_archive.hpp"
#include "storage/snapshot/snapshot_files.hpp"
#include "storage/snapshot/snapshot_location.hpp"

namespace sextant::api {
namespace json = boost::json;
using storage::snapshot::checksums_equal;
using storage::snapshot::collection_snapshots_directory;
using storage::snapshot::create_collection_snapshot;
using storage::snapshot::create_full_snapshot;
using storage::snapshot::list_snapshots;
using storage::snapshot::recover_collection;
using storage::snapshot::remove_snapshot_files;
using storage::snapshot::resolve_snapshot_file;
using storage::snapshot::SnapshotDescription;

namespace {

constexpr const char* kPriorities[] = {"no_sync", "snapshot", "replica"};

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

// Snapshot routes wait by default (Qdrant's `wait.unwrap_or(true)`).
Result<bool> snapshot_wait(const Request& request) {
  if (!request.query_param("wait")) return true;
  return wait_flag(request);
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

Response accepted_response(Clock::time_point started) {
  Response response = ok_response(json::value(), started, 202);
  json::value envelope = json::parse(response.body);
  envelope.as_object()["status"] = "accepted";
  response.body = to_json_text(envelope);
  return response;
}

// Runs `work` and answers with its result, or 202 when the caller passed wait=false (the work
// still completes before the answer: requests run on the worker pool, never on I/O threads).
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

Result<std::string> existing_collection(ApiContext& context, const std::string& name) {
  if (auto st = validate_collection_name_param(name); !st.ok()) return st.error();
  auto resolved = context.storage.resolve(name);
  if (!resolved) return Error::collection_not_found(name);
  return *resolved;
}

Result<json::value> recover_from_location(ApiContext& context, Request& request) {
  const std::string& collection = request.path_params[0];
  if (auto st = validate_collection_name_param(collection); !st.ok()) return st.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto location = body->if_contains("location");
  if (!location) return Error::format("missing field `location`");
  if (!location->is_string())
    return Error::format("invalid type: " + std::string(location->is_null() ? "null" : "value") +
                         ", expected a string");
  const std::string url(location->get_string());
  if (url.find("://") == std::string::npos)
    return Error::format("relative URL without a base: \"" + url + "\"");
  std::optional<std::string> checksum;
  if (auto value = body->if_contains("checksum"); value && !value->is_null()) {
    if (!value->is_string()) return Error::format("invalid type for `checksum`: expected a string");
    checksum = std::string(value->get_string());
  }
  if (auto value = body->if_contains("priority"); value && !value->is_null()) {
    if (!value->is_string()) return Error::format("invalid type for `priority`: expected a string");
    if (auto st = check_priority(std::string(value->get_string()), false); !st.ok())
      return st.error();
  }
  std::string api_key;
  if (auto value = body->if_contains("api_key"); value && !value->is_null()) {
    if (!value->is_string()) return Error::format("invalid type for `api_key`: expected a string");
    api_key = std::string(value->get_string());
  }
  storage::snapshot::DownloadTimeouts timeouts;
  timeouts.connect = std::chrono::seconds(context.config.snapshot_download_connect_timeout_sec);
  timeouts.read = std::chrono::seconds(context.config.snapshot_download_read_timeout_sec);
  if (auto st = storage::snapshot::recover_collection_from_location(
          context.storage, context.config.snapshots_path, url, collection, checksum, api_key,
          timeouts);
      !st.ok())
    return st.error();
  return json::value(true);
}

// The upload the server streamed into a SnapshotUpload, or, when the handler is called
// directly with the body in memory, the same receiver fed with that body.
std::shared_ptr<SnapshotUpload> received_upload(ApiContext& context, const Request& request) {
  if (auto upload = std::dynamic_pointer_cast<SnapshotUpload>(request.received_body)) return upload;
  auto upload = std::make_shared<SnapshotUpload>(context.config.snapshots_path,
                                                 request.header("content-type"));
  upload->receive(request.body);
  upload->finish();
  return upload;
}

Result<json::value> recover_from_upload(ApiContext& context, Request& request) {
  const std::string& collection = request.path_params[0];
  if (auto st = validate_collection_name_param(collection); !st.ok()) return st.error();
  if (auto priority = request.query_param("priority"))
    if (auto st = check_priority(std::string(*priority), true); !st.ok()) return st.error();
  std::optional<std::string> checksum;
  if (auto value = request.query_param("checksum")) checksum = std::string(*value);
  auto upload = received_upload(context, request);
  auto stored = upload->result();
  if (!stored.ok()) return stored.error();
  if (checksum && !checksums_equal(stored->sha256, *checksum))
    // Qdrant's StorageError::ChecksumMismatch text (400, no "Bad request" prefix).
    return Error{ErrorKind::kBadRequest,
                 "Checksum mismatch: expected " + stored->sha256 + ", actual " + *checksum};
  const std::string& snapshots_path = context.config.snapshots_path;
  if (auto st = recover_collection(context.storage, snapshots_path, stored->path, collection,
                                   std::nullopt);
      !st.ok())
    return st.error();
  // The collection is recovered either way; failing to list the upload among its snapshots
  // only loses a copy the client still has.
  (void)upload->keep_as_snapshot(collection_snapshots_directory(snapshots_path, collection));
  return json::value(true);
}

Response download_response(Result<std::string> path, const std::string& name) {
  if (!path.ok()) return error_response_for(path.error(), Clock::now());
  Response response;
  response.content_type = "application/octet-stream";
  response.file_path = path.value();
  response.headers.emplace_back("content-disposition", "attachment; filename=\"" + name + "\"");
  return response;
}

// Qdrant's access rules for snapshot routes, as a per-collection JWT meets them:
// a collection's own snapshots need its "extras" (refused to "prw"), and "rw" to create or
// delete one; recovering or uploading replaces a collection and needs global manage access;
// full-storage snapshots need global access (manage to create or delete).
Route collection_snapshot_route(HttpMethod method, std::string pattern, Handler handler,
                                bool is_write = false) {
  Route route{method, std::move(pattern), std::move(handler), is_write};
  route.needs_collection_extras = true;
  return route;
}

Route global_snapshot_route(HttpMethod method, std::string pattern, Handler handler,
                            bool is_write = false) {
  Route route{method, std::move(pattern), std::move(handler), is_write};
  route.needs_global_access = true;
  return route;
}

void register_collection_snapshot_routes(Router& router, ApiContext* ctx) {
  router.add(collection_snapshot_route(
      HttpMethod::kGet, "/collections/{collection_name}/snapshots", [ctx](Request& r) {
        return respond([&]() -> Result<json::value> {
          auto name = existing_collection(*ctx, r.path_params[0]);
          if (!name.ok()) return name.error();
          return descriptions_json(list_snapshots(
              collection_snapshots_directory(ctx->config.snapshots_path, name.value())));
        });
      }));
  router.add(collection_snapshot_route(
      HttpMethod::kPost, "/collections/{collection_name}/snapshots",
      [ctx](Request& r) {
        return respond_snapshot(r, [&]() -> Result<json::value> {
          auto name = existing_collection(*ctx, r.path_params[0]);
          if (!name.ok()) return name.error();
          auto created =
              create_collection_snapshot(ctx->storage, ctx->config.snapshots_path, name.value());
          if (!created.ok()) return created.error();
          return description_json(created.value());
        });
      },
      true));
  router.add(collection_snapshot_route(
      HttpMethod::kGet, "/collections/{collection_name}/snapshots/{snapshot_name}",
      [ctx](Request& r) {
        auto name = existing_collection(*ctx, r.path_params[0]);
        if (!name.ok()) return error_response_for(name.error(), Clock::now());
        return download_response(
            resolve_snapshot_file(
                collection_snapshots_directory(ctx->config.snapshots_path, name.value()),
                r.path_params[1]),
            r.path_params[1]);
      }));
  router.add(collection_snapshot_route(
      HttpMethod::kDelete, "/collections/{collection_name}/snapshots/{snapshot_name}",
      [ctx](Request& r) {
        return respond_snapshot(r, [&]() -> Result<json::value> {
          auto name = existing_collection(*ctx, r.path_params[0]);
          if (!name.ok()) return name.error();
          auto path = resolve_snapshot_file(
              collection_snapshots_directory(ctx->config.snapshots_path, name.value()),
              r.path_params[1]);
          if (!path.ok()) return path.error();
          if (auto st = remove_snapshot_files(path.value()); !st.ok()) return st.error();
          return json::value(true);
        });
      },
      true));
  router.add(global_snapshot_route(
      HttpMethod::kPut, "/collections/{collection_name}/snapshots/recover",
      [ctx](Request& r) {
        return respond_snapshot(r, [&] { return recover_from_location(*ctx, r); });
      },
      true));
  for (HttpMethod method : {HttpMethod::kPost, HttpMethod::kPut}) {
    Route upload = global_snapshot_route(
        method, "/collections/{collection_name}/snapshots/upload",
        [ctx](Request& r) {
          return respond_snapshot(r, [&] { return recover_from_upload(*ctx, r); });
        },
        true);
    // Snapshots can be many GB: the body streams to a scratch file, with no size limit (as
    // Qdrant's multipart form, whose total_limit is unbounded).
    upload.make_body_receiver = [ctx](const Request& r) -> std::unique_ptr<BodyReceiver> {
      std::optional<uint64_t> length;
      if (auto header = r.header("content-length")) {
        uint64_t value = 0;
        auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), value);
        if (ec == std::errc() && end == header->data() + header->size()) length = value;
      }
      return std::make_unique<SnapshotUpload>(ctx->config.snapshots_path, r.header("content-type"),
                                              length);
    };
    router.add(std::move(upload));
  }
}

void register_full_snapshot_routes(Router& router, ApiContext* ctx) {
  router.add(global_snapshot_route(HttpMethod::kGet, "/snapshots", [ctx](Request&) {
    return respond([&]() -> Result<json::value> {
      return descriptions_json(list_snapshots(ctx->config.snapshots_path));
    });
  }));
  router.add(global_snapshot_route(
      HttpMethod::kPost, "/snapshots",
      [ctx](Request& r) {
        return respond_snapshot(r, [&]() -> Result<json::value> {
          auto created = create_full_snapshot(ctx->storage, ctx->config.snapshots_path);
          if (!created.ok()) return created.error();
          return description_json(created.value());
        });
      },
      true));
  router.add(
      global_snapshot_route(HttpMethod::kGet, "/snapshots/{snapshot_name}", [ctx](Request& r) {
        return download_response(
            resolve_snapshot_file(ctx->config.snapshots_path, r.path_params[0]), r.path_params[0]);
      }));
  router.add(global_snapshot_route(
      HttpMethod::kDelete, "/snapshots/{snapshot_name}",
      [ctx](Request& r) {
        return respond_snapshot(r, [&]() -> Result<json::value> {
          auto path = resolve_snapshot_file(ctx->config.snapshots_path, r.path_params[0]);
          if (!path.ok()) return path.error();
          if (auto st = remove_snapshot_files(path.value()); !st.ok()) return st.error();
          return json::value(true);
        });
      },
      true));
}

// The snapshot directory of shard `shard_text` of `collection`, or Qdrant's 404 "shard N not
// found" when the collection has no such local shard.
Result<std::string> existing_shard_directory(ApiContext& context, const std::string& collection,
                                             const std::string& shard_text,
                                             storage::snapshot::ShardOfCollection* shard_out) {
  auto name = existing_collection(context, collection);
  if (!name.ok()) return name.error();
  auto opened = context.storage.collection(name.value());
  if (!opened.ok()) return opened.error();
  uint32_t shard_id = 0;
  auto [end, ec] =
      std::from_chars(shard_text.data(), shard_text.data() + shard_text.size(), shard_id);
  if (ec != std::errc() || end != shard_text.data() + shard_text.size())
    return Error::bad_request("Invalid shard id: " + shard_text);
  const auto config = opened.value()->config();
  storage::snapshot::ShardOfCollection shard;
  shard.custom_sharding =
      config.params.sharding_method && *config.params.sharding_method == "custom";
  shard.shard_number = uint32_t(config.params.shard_number);
  shard.shard_id = shard_id;
  auto local =
      storage::local_shards(*opened.value()->view(), shard.custom_sharding, shard.shard_number);
  if (!local.ok()) return local.error();
  bool found = false;
  for (const auto& each : local.value()) found = found || each.shard_id == shard_id;
  if (!found) return Error::not_found("shard " + std::to_string(shard_id) + " not found");
  if (shard_out) *shard_out = shard;
  return storage::snapshot::shard_snapshots_directory(context.config.snapshots_path, name.value(),
                                                      shard_id);
}

Result<storage::snapshot::SnapshotDescription> create_shard_snapshot_of(ApiContext& context,
                                                                        const Request& request) {
  storage::snapshot::ShardOfCollection shard;
  auto directory =
      existing_shard_directory(context, request.path_params[0], request.path_params[1], &shard);
  if (!directory.ok()) return directory.error();
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  const storage::CollectionSchema schema = collection.value()->schema();
  return storage::snapshot::create_shard_snapshot(
      context.storage, context.config.snapshots_path, request.path_params[0], shard.shard_id,
      [schema, shard](const std::string& data_directory) {
        return storage::snapshot::keep_only_shard(data_directory, schema, shard);
      });
}

// Shard snapshots: a collection snapshot holding one shard's points (snapshot_archive.hpp).
void register_shard_snapshot_routes(Router& router, ApiContext* ctx) {
  const std::string base = "/collections/{collection_name}/shards/{shard_id}";
  router.add(collection_snapshot_route(HttpMethod::kGet, base + "/snapshots", [ctx](Request& r) {
    return respond([&]() -> Result<json::value> {
      auto directory = existing_shard_directory(*ctx, r.path_params[0], r.path_params[1], nullptr);
      if (!directory.ok()) return directory.error();
      return descriptions_json(list_snapshots(directory.value()));
    });
  }));
  router.add(collection_snapshot_route(
      HttpMethod::kPost, base + "/snapshots",
      [ctx](Request& r) {
        return respond_snapshot(r, [&]() -> Result<json::value> {
          auto created = create_shard_snapshot_of(*ctx, r);
          if (!created.ok()) return created.error();
          return description_json(created.value());
        });
      },
      true));
  router.add(collection_snapshot_route(
      HttpMethod::kGet, base + "/snapshots/{snapshot_name}", [ctx](Request& r) {
        auto directory =
            existing_shard_directory(*ctx, r.path_params[0], r.path_params[1], nullptr);
        if (!directory.ok()) return error_response_for(directory.error(), Clock::now());
        return download_response(resolve_snapshot_file(directory.value(), r.path_params[2]),
                                 r.path_params[2]);
      }));
  router.add(collection_snapshot_route(
      HttpMethod::kDelete, base + "/snapshots/{snapshot_name}",
      [ctx](Request& r) {
        return respond_snapshot(r, [&]() -> Result<json::value> {
          auto directory =
              existing_shard_directory(*ctx, r.path_params[0], r.path_params[1], nullptr);
          if (!directory.ok()) return directory.error();
          auto path = resolve_snapshot_file(directory.value(), r.path_params[2]);
          if (!path.ok()) return path.error();
          if (auto st = remove_snapshot_files(path.value()); !st.ok()) return st.error();
          return json::value(true);
        });
      },
      true));
  // The shard's snapshot made and streamed in one request (it stays listed afterwards).
  router.add(collection_snapshot_route(HttpMethod::kGet, base + "/snapshot", [ctx](Request& r) {
    auto created = create_shard_snapshot_of(*ctx, r);
    if (!created.ok()) return error_response_for(created.error(), Clock::now());
    auto directory = existing_shard_directory(*ctx, r.path_params[0], r.path_params[1], nullptr);
    if (!directory.ok()) return error_response_for(directory.error(), Clock::now());
    return download_response(resolve_snapshot_file(directory.value(), created->name),
                             created->name);
  }));
}

}  // namespace

void register_snapshot_routes(Router& router, ApiContext& context) {
  storage::snapshot::discard_unfinished_snapshot_work(context.config.snapshots_path);
  register_collection_snapshot_routes(router, &context);
  register_full_snapshot_routes(router, &context);
  register_shard_snapshot_routes(router, &context);
}

}  // namespace sextant::api
