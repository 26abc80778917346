// Shard snapshot routes: request parsing and envelopes; the work is in storage/snapshot/.
#include "api/handlers/shard_snapshot_handlers.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <optional>

#include "api/handler_support.hpp"
#include "api/handlers/snapshot_route_support.hpp"
#include "storage/shards.hpp"
#include "storage/snapshot/shard_snapshot_data.hpp"
#include "storage/snapshot/snapshot_archive.hpp"
#include "storage/snapshot/snapshot_location.hpp"

namespace sextant::api {
namespace json = boost::json;
using storage::snapshot::list_snapshots;
using storage::snapshot::remove_snapshot_files;
using storage::snapshot::resolve_snapshot_file;

namespace {

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

// A URL with a scheme (Rust's Url parses it; anything else is a file name): its scheme.
std::optional<std::string> url_scheme(const std::string& location) {
  const size_t colon = location.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  if (!std::isalpha(static_cast<unsigned char>(location[0]))) return std::nullopt;
  for (size_t i = 1; i < colon; ++i) {
    const char c = location[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return std::nullopt;
  }
  return location.substr(0, colon);
}

Result<json::value> recover_shard_from_location(ApiContext& context, Request& request) {
  auto recover = parse_recover_body(request);
  if (!recover.ok()) return recover.error();
  if (auto st = check_recovery_location(context, recover->location); !st.ok()) return st.error();
  storage::snapshot::ShardOfCollection shard;
  auto directory =
      existing_shard_directory(context, request.path_params[0], request.path_params[1], &shard);
  if (!directory.ok()) return directory.error();
  auto collection = existing_collection(context, request.path_params[0]);
  if (!collection.ok()) return collection.error();
  const std::string& snapshots_path = context.config.snapshots_path;
  auto recover_from = [&](const std::string& archive_path) {
    return storage::snapshot::recover_shard(context.storage, snapshots_path, archive_path,
                                            collection.value(), shard, recover->checksum);
  };
  const std::string& location = recover->location;
  Status status;
  if (storage::snapshot::is_http_location(location)) {
    status = storage::snapshot::with_downloaded_snapshot(snapshots_path, location, recover->api_key,
                                                         download_timeouts(context), recover_from);
  } else if (auto scheme = url_scheme(location)) {
    return Error::bad_input("Invalid snapshot URL " + location + ": URLs with " + *scheme +
                            " scheme are not supported");
  } else {
    auto path = resolve_snapshot_file(directory.value(), location);
    if (!path.ok()) return path.error();
    status = recover_from(path.value());
  }
  if (!status.ok()) return status.error();
  return json::value(true);
}

Result<json::value> recover_shard_from_upload(ApiContext& context, Request& request) {
  if (auto priority = request.query_param("priority"))
    if (auto st = check_priority(std::string(*priority), true); !st.ok()) return st.error();
  std::optional<std::string> checksum;
  if (auto value = request.query_param("checksum")) checksum = std::string(*value);
  auto upload = received_upload(context, request);
  auto stored = upload->result();
  if (!stored.ok()) return stored.error();
  if (checksum && !storage::snapshot::checksums_equal(stored->sha256, *checksum))
    return upload_checksum_mismatch(stored->sha256, *checksum);
  storage::snapshot::ShardOfCollection shard;
  auto directory =
      existing_shard_directory(context, request.path_params[0], request.path_params[1], &shard);
  if (!directory.ok()) return directory.error();
  auto collection = existing_collection(context, request.path_params[0]);
  if (!collection.ok()) return collection.error();
  // The upload is recovered from its scratch file and not kept (as Qdrant's temporary file).
  if (auto st =
          storage::snapshot::recover_shard(context.storage, context.config.snapshots_path,
                                           stored->path, collection.value(), shard, std::nullopt);
      !st.ok())
    return st.error();
  return json::value();
}

}  // namespace

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
  router.add(global_snapshot_route(
      HttpMethod::kPut, base + "/snapshots/recover",
      [ctx](Request& r) {
        return respond_snapshot(r, [&] { return recover_shard_from_location(*ctx, r); });
      },
      true));
  router.add(
      snapshot_upload_route(ctx, HttpMethod::kPost, base + "/snapshots/upload", [ctx](Request& r) {
        return respond_snapshot(r, [&] { return recover_shard_from_upload(*ctx, r); });
      }));
}

}  // namespace sextant::api
