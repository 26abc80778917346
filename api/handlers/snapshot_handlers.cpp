// Snapshot routes: request parsing and envelopes; the work is in storage/snapshot/.
#include "api/handlers/snapshot_handlers.hpp"

#include <boost/json.hpp>
#include <chrono>

#include "api/handler_support.hpp"
#include "api/handlers/shard_snapshot_handlers.hpp"
#include "api/handlers/snapshot_route_support.hpp"
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

namespace {

Result<json::value> recover_from_location(ApiContext& context, Request& request) {
  const std::string& collection = request.path_params[0];
  if (auto st = validate_collection_name_param(collection); !st.ok()) return st.error();
  auto recover = parse_recover_body(request);
  if (!recover.ok()) return recover.error();
  if (auto st = check_recovery_location(context, recover->location); !st.ok()) return st.error();
  const std::string& url = recover->location;
  if (url.find("://") == std::string::npos)
    return Error::format("relative URL without a base: \"" + url + "\"");
  if (auto st = storage::snapshot::recover_collection_from_location(
          context.storage, context.config.snapshots_path, url, collection, recover->checksum,
          recover->api_key, download_timeouts(context));
      !st.ok())
    return st.error();
  return json::value(true);
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
    return upload_checksum_mismatch(stored->sha256, *checksum);
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
  for (HttpMethod method : {HttpMethod::kPost, HttpMethod::kPut})
    router.add(snapshot_upload_route(
        ctx, method, "/collections/{collection_name}/snapshots/upload", [ctx](Request& r) {
          return respond_snapshot(r, [&] { return recover_from_upload(*ctx, r); });
        }));
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

}  // namespace

void register_snapshot_routes(Router& router, ApiContext& context) {
  storage::snapshot::discard_unfinished_snapshot_work(context.config.snapshots_path);
  register_collection_snapshot_routes(router, &context);
  register_full_snapshot_routes(router, &context);
  register_shard_snapshot_routes(router, &context);
}

}  // namespace sextant::api
