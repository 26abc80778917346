// run_migrate: the orchestration of a migration (see migrate_command.hpp).
#include "migrate/migrate_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "migrate/collection_setup.hpp"
#include "migrate/collection_translation.hpp"
#include "migrate/cursor_store.hpp"
#include "migrate/migrate_options.hpp"
#include "migrate/point_copier.hpp"
#include "migrate/progress_display.hpp"
#include "migrate/qdrant_endpoint.hpp"
#include "migrate/verifier.hpp"

namespace sextant::migrate {

namespace json = boost::json;

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "sextant migrate: %s\n", message.c_str());
  return 1;
}

Result<std::vector<std::string>> source_collections(QdrantEndpoint& source) {
  auto answer = source.get("/collections");
  if (!answer.ok()) return answer.error();
  std::vector<std::string> names;
  auto* list = answer->is_object() ? answer->as_object().if_contains("collections") : nullptr;
  if (list && list->is_array()) {
    for (const auto& entry : list->as_array()) {
      names.emplace_back(entry.as_object().at("name").as_string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<CollectionPlan> plan_from_source(QdrantEndpoint& source, const std::string& name) {
  auto info = source.get("/collections/" + path_segment(name));
  if (!info.ok()) return info.error();
  json::value cluster;
  auto* params = info->at("config").at("params").if_object();
  auto* method = params ? params->if_contains("sharding_method") : nullptr;
  if (method && method->is_string() && method->as_string() == "custom") {
    auto answer = source.get("/collections/" + path_segment(name) + "/cluster");
    if (!answer.ok()) return answer.error();
    cluster = std::move(*answer);
  }
  return plan_collection(name, *info, cluster);
}

Result<uint64_t> exact_source_count(QdrantEndpoint& source, const std::string& name) {
  auto answer = source.post("/collections/" + path_segment(name) + "/points/count",
                            json::object{{"exact", true}});
  if (!answer.ok()) return answer.error();
  return answer->at("count").to_number<uint64_t>();
}

// Copies the points of `collections`, `parallel` at a time, each worker with its own
// connections (one to the source, one to the target per upsert in flight). Returns the first error
// any worker met (the others finish their collection).
Status copy_all(const MigrateOptions& options, const std::vector<std::string>& collections,
                CursorStore& cursors, ProgressDisplay& progress) {
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::optional<Error> first_error;
  auto worker = [&] {
    auto source = QdrantEndpoint::open(options.source);
    if (!source.ok()) {
      std::lock_guard lock(error_mutex);
      if (!first_error) first_error = source.error();
      return;
    }
    std::vector<std::unique_ptr<QdrantEndpoint>> targets;  // one per upsert in flight
    std::vector<QdrantEndpoint*> target_connections;
    for (size_t i = 0; i < options.parallel_batches; ++i) {
      auto target = QdrantEndpoint::open(options.target);
      if (!target.ok()) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = target.error();
        return;
      }
      targets.push_back(std::move(*target));
      target_connections.push_back(targets.back().get());
    }
    PointCopier copier(**source, target_connections, cursors, progress, options.batch_size);
    for (size_t i = next++; i < collections.size(); i = next++) {
      {
        std::lock_guard lock(error_mutex);
        if (first_error) return;
      }
      auto copied = copier.copy(collections[i]);
      if (!copied.ok()) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = copied.error();
        return;
      }
      progress.note("collection " + collections[i] + ": " + std::to_string(*copied) +
                    " points copied (" + std::to_string(cursors.get(collections[i]).points_copied) +
                    " in all)");
    }
  };
  std::vector<std::thread> workers;
  size_t count = std::min(options.parallel_collections, collections.size());
  for (size_t i = 0; i < count; ++i) workers.emplace_back(worker);
  for (auto& thread : workers) thread.join();
  if (first_error) return *first_error;
  return {};
}

}  // namespace

int run_migrate(const std::vector<std::string>& args,
                const std::function<std::string(const std::string&)>& environment,
                const StorageTargetOpener& open_storage, const GrpcEndpointOpener& open_grpc) {
  auto parsed = parse_migrate_args(args, environment);
  if (!parsed.ok()) {
    std::fprintf(stderr, "sextant migrate: %s\n", parsed.error().message.c_str());
    return 2;
  }
  if (parsed->help) {
    std::fputs(migrate_help_text().c_str(), stdout);
    return 0;
  }
  if (!parsed->target_storage.empty()) {
    if (!open_storage) return fail("--to-storage is not available in this build");
    auto local = open_storage(parsed->target_storage);
    if (!local.ok()) return fail(local.error().message);
    parsed->target.local = std::move(*local);
  }
  for (EndpointOptions* endpoint : {&parsed->source, &parsed->target}) {
    if (endpoint->local || !is_grpc_url(endpoint->url)) continue;
    if (!open_grpc) return fail("gRPC endpoints are not available in this build");
    auto opened = open_grpc(*endpoint);
    if (!opened.ok()) return fail(opened.error().message);
    endpoint->local = std::move(*opened);
  }
  const MigrateOptions& options = *parsed;

  auto source = QdrantEndpoint::open(options.source);
  if (!source.ok()) return fail(source.error().message);
  auto target = QdrantEndpoint::open(options.target);
  if (!target.ok()) return fail(target.error().message);

  auto available = source_collections(**source);
  if (!available.ok()) return fail(available.error().message);
  std::vector<std::string> collections = options.collections;
  if (collections.empty()) collections = *available;
  for (const auto& name : collections) {
    if (std::find(available->begin(), available->end(), name) == available->end()) {
      return fail("collection " + name + " does not exist at the source " + options.source.url);
    }
  }

  auto cursors = CursorStore::open(options.state_path, options.source.url, options.target.url);
  if (!cursors.ok()) return fail(cursors.error().message);
  if ((*cursors)->resumed()) {
    std::fprintf(stderr, "sextant migrate: resuming from %s\n", options.state_path.c_str());
  }

  uint64_t total_points = 0;
  uint64_t already_copied = 0;
  for (const auto& name : collections) {
    CollectionCursor cursor = (*cursors)->get(name);
    auto count = exact_source_count(**source, name);
    if (!count.ok()) return fail(count.error().message);
    total_points += *count;
    already_copied += std::min<uint64_t>(cursor.points_copied, *count);
    if (cursor.created) continue;
    auto plan = plan_from_source(**source, name);
    if (!plan.ok()) return fail(plan.error().message);
    auto exists = (*target)->collection_exists(name);
    if (!exists.ok()) return fail(exists.error().message);
    if (*exists && !cursor.recorded) {
      return fail("collection " + name + " already exists at the target " + options.target.url +
                  " (and the state file " + options.state_path +
                  " does not say this migration created it)");
    }
    cursor.recorded = true;
    Status recorded = (*cursors)->put(name, cursor);  // before creating: a rerun may go on
    if (!recorded.ok()) return fail(recorded.error().message);
    Status set_up = set_up_collection(**target, *plan);
    if (!set_up.ok()) return fail(set_up.error().message);
    cursor.created = true;
    Status saved = (*cursors)->put(name, cursor);
    if (!saved.ok()) return fail(saved.error().message);
  }

  ProgressDisplay progress(total_points, already_copied, isatty(STDERR_FILENO) == 1);
  Status copied = copy_all(options, collections, **cursors, progress);
  progress.finish();
  double copy_seconds = progress.seconds();
  uint64_t copied_points = progress.copied_this_run();
  if (!copied.ok()) return fail(copied.error().message);

  auto aliases = copy_aliases(**source, **target, collections);
  if (!aliases.ok()) return fail(aliases.error().message);

  bool all_verified = true;
  std::vector<CollectionVerification> verifications;
  if (options.verify) {
    for (const auto& name : collections) {
      auto verification = verify_collection(**source, **target, name, options.verification);
      if (!verification.ok()) return fail(verification.error().message);
      all_verified = all_verified && verification->ok();
      verifications.push_back(std::move(*verification));
    }
  }

  std::printf("migrated %zu collection(s), %zu alias(es) from %s to %s\n", collections.size(),
              *aliases, options.source.url.c_str(), options.target.url.c_str());
  std::printf("points: %llu copied in this run in %.1f s (%.0f points/s); %llu in all\n",
              static_cast<unsigned long long>(copied_points), copy_seconds,
              copy_seconds > 0 ? copied_points / copy_seconds : 0.0,
              static_cast<unsigned long long>(total_points));
  for (const auto& v : verifications) {
    std::printf(
        "verify %s: points %llu/%llu, sample %zu/%zu equal, exact searches %zu/%zu equal: %s\n",
        v.collection.c_str(), static_cast<unsigned long long>(v.target_points),
        static_cast<unsigned long long>(v.source_points), v.sampled - v.sample_mismatches,
        v.sampled, v.searches - v.search_mismatches, v.searches, v.ok() ? "ok" : "MISMATCH");
    for (const auto& problem : v.problems) std::printf("  %s\n", problem.c_str());
  }
  if (!options.verify) std::printf("verification skipped (--no-verify)\n");
  std::fflush(stdout);
  if (!all_verified) {
    std::fprintf(stderr, "sextant migrate: verification found mismatches\n");
    return 1;
  }
  return 0;
}

}  // namespace sextant::migrate
