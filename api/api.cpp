#include "api/api.hpp"

#include <boost/json/serialize.hpp>
#include <thread>

#include "api/api_context.hpp"
#ifdef SEXTANT_WITH_EMBED
#include "api/handlers/default_embedding_model.hpp"
#include "api/handlers/embed_handlers.hpp"
#include "embed/embed_service.hpp"
#include "inference/document_inference.hpp"
#endif
#include "api/collection_telemetry.hpp"
#include "api/config/collection_config_json.hpp"
#include "api/handlers/collection_handlers.hpp"
#include "api/handlers/facet_handlers.hpp"
#include "api/handlers/group_handlers.hpp"
#include "api/handlers/matrix_handlers.hpp"
#include "api/handlers/optimization_handlers.hpp"
#include "api/handlers/point_handlers.hpp"
#include "api/handlers/search_handlers.hpp"
#include "api/handlers/shard_handlers.hpp"
#include "api/handlers/snapshot_handlers.hpp"
#include "api/handlers/vector_name_handlers.hpp"

namespace sextant::api {

struct Api::Impl {
  ApiConfig config;
  std::unique_ptr<storage::Storage> storage;
  std::unique_ptr<storage::ParallelPool> pool;
  std::unique_ptr<ApiContext> context;
  IssueBoard issues;
#ifdef SEXTANT_WITH_EMBED
  std::unique_ptr<embed::EmbedService> embed_service;
  std::unique_ptr<inference::DocumentInference> inference;
#endif
};

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() { shutdown(); }

std::unique_ptr<Api> Api::open(const ApiConfig& config, std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  auto storage = storage::Storage::open(
      config.storage_path, std::make_shared<JsonCollectionConfigCodec>(), config.storage_log);
  if (!storage.ok()) {
    if (error) *error = storage.error().message;
    return nullptr;
  }
  impl->storage = std::move(storage.value());
  unsigned threads = config.worker_threads ? config.worker_threads
                                           : std::max(1u, std::thread::hardware_concurrency());
  impl->pool = std::make_unique<storage::ParallelPool>(threads);
  impl->context.reset(new ApiContext{*impl->storage, *impl->pool, impl->config});
  impl->context->issues = &impl->issues;
#ifdef SEXTANT_WITH_EMBED
  // Embedding models: configured ones must load; the default one is used when present.
  impl->embed_service = std::make_unique<embed::EmbedService>();
  const embed::Precision precision =
      config.embedding_int8 ? embed::Precision::kInt8 : embed::Precision::kFloat32;
  if (config.embedding_models.empty()) {
    load_default_embedding_model(
        *impl->embed_service, {config.executable_path, config.embedding_hub_cache_roots, precision},
        config.embedding_log);
  } else {
    std::string embed_error =
        load_embedding_models(*impl->embed_service, config.embedding_models,
                              config.embedding_hub_cache_roots, false, nullptr, precision);
    if (!embed_error.empty()) {
      if (error) *error = embed_error;
      return nullptr;
    }
    if (config.embedding_log) {
      for (const auto& [name, location] : config.embedding_models) {
        config.embedding_log(served_model_line(*impl->embed_service, name, location));
      }
    }
  }
  impl->inference = std::make_unique<inference::DocumentInference>(*impl->embed_service);
  impl->context->inference = impl->inference.get();
#endif
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

void Api::register_routes(Router& router) {
  register_collection_routes(router, *impl_->context);
  register_point_routes(router, *impl_->context);
  register_search_routes(router, *impl_->context);
  register_group_routes(router, *impl_->context);
  register_facet_routes(router, *impl_->context);
  register_matrix_routes(router, *impl_->context);
  register_vector_name_routes(router, *impl_->context);
  register_snapshot_routes(router, *impl_->context);
  register_shard_routes(router, *impl_->context);
  register_optimization_routes(router, *impl_->context);
#ifdef SEXTANT_WITH_EMBED
  register_embed_routes(router, *impl_->embed_service);
#endif
}

storage::Storage& Api::storage() { return *impl_->storage; }

IssueBoard& Api::issues() { return impl_->issues; }

void Api::register_embed_sidecar_routes(Router& router) {
#ifdef SEXTANT_WITH_EMBED
  api::register_embed_sidecar_routes(router, *impl_->embed_service);
#else
  (void)router;
#endif
}

ServiceStats Api::stats() const {
  ServiceStats stats;
  if (!impl_->storage) return stats;
  for (const auto& name : impl_->storage->collection_names()) {
    auto collection = impl_->storage->collection(name);
    if (!collection.ok()) continue;
    auto s = collection.value()->stats();
    ++stats.collections_total;
    stats.points_total += s.points_count;
    stats.vectors_total += s.vectors_count;
    CollectionFigures figures;
    figures.name = name;
    figures.points = s.points_count;
    figures.vectors_by_name = std::move(s.vectors_by_name);
    figures.running_optimizations = s.indexing ? 1 : 0;
    figures.pending_updates = s.pending_updates;
    stats.collections.push_back(std::move(figures));
  }
  return stats;
}

std::string Api::telemetry_collections_json(int details_level) const {
  if (!impl_->storage) return "[]";
  return boost::json::serialize(collections_telemetry(*impl_->storage, details_level));
}

void Api::shutdown() {
  if (impl_ && impl_->storage) {
    impl_->storage->close();
    impl_->storage.reset();
  }
}

}  // namespace sextant::api
