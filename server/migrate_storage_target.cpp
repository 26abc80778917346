// MigrateStorageTarget: an Api over the storage directory, its routes, and a Dispatcher that
// each in-process transport hands requests to.
#include "server/migrate_storage_target.hpp"

#include "api/router.hpp"
#include "server/auth.hpp"
#include "server/dispatcher.hpp"
#include "server/request_metrics.hpp"

namespace sextant::server {

namespace {

class MigrateStorageTarget : public migrate::LocalTarget,
                             public std::enable_shared_from_this<MigrateStorageTarget> {
 public:
  MigrateStorageTarget(std::unique_ptr<api::Api> api, uint64_t max_request_size_bytes,
                       std::string name)
      : api_(std::move(api)),
        authenticator_(ServiceConfig{}),
        dispatcher_(router_, authenticator_, metrics_,
                    DispatcherOptions{false, max_request_size_bytes}),
        name_(std::move(name)) {
    api_->register_routes(router_);
  }
  ~MigrateStorageTarget() override { api_->shutdown(); }

  std::unique_ptr<migrate::Transport> connect() override;

  // Runs one request through the pipeline a server session uses. Thread-safe.
  migrate::HttpResponse handle(const std::string& method, const std::string& target,
                               const std::string& body) const {
    PreparedRequest prepared = dispatcher_.prepare(RequestHead{method, target, {}});
    api::Response response = prepared.early_response ? std::move(*prepared.early_response)
                                                     : dispatcher_.execute(prepared, body);
    return {response.status, std::move(response.body)};
  }
  const std::string& name() const { return name_; }

 private:
  std::unique_ptr<api::Api> api_;
  api::Router router_;
  Authenticator authenticator_;
  RequestMetrics metrics_;
  Dispatcher dispatcher_;
  std::string name_;
};

class StorageTransport : public migrate::Transport {
 public:
  explicit StorageTransport(std::shared_ptr<const MigrateStorageTarget> target)
      : target_(std::move(target)) {}
  Result<migrate::HttpResponse> request(const std::string& method, const std::string& target,
                                        const std::string& body) override {
    return target_->handle(method, target, body);
  }
  const std::string& url() const override { return target_->name(); }

 private:
  std::shared_ptr<const MigrateStorageTarget> target_;
};

std::unique_ptr<migrate::Transport> MigrateStorageTarget::connect() {
  return std::make_unique<StorageTransport>(shared_from_this());
}

}  // namespace

Result<std::shared_ptr<migrate::LocalTarget>> open_migrate_storage_target(
    const api::ApiConfig& api_config) {
  std::string error;
  std::unique_ptr<api::Api> api = api::Api::open(api_config, &error);
  if (!api) {
    // The reason as the server's start-up log shows it, without the API's error-kind prefix.
    const std::string prefix = "Service internal error: ";
    if (error.rfind(prefix, 0) == 0) error.erase(0, prefix.size());
    return Error{ErrorKind::kBadInput,
                 "cannot open storage " + api_config.storage_path + ": " + error};
  }
  return std::shared_ptr<migrate::LocalTarget>(std::make_shared<MigrateStorageTarget>(
      std::move(api), api_config.max_request_size_bytes, "storage:" + api_config.storage_path));
}

}  // namespace sextant::server
