// qdrant.Qdrant/HealthCheck and grpc.health.v1.Health/Check.
//
// Both are answered without an api key, as Qdrant exempts them: HealthCheck is the twin of
// GET / (itself exempt from auth), called without the caller's metadata, so a wrong key does
// not fail it; Health/Check answers SERVING as long as the server accepts calls.
#include <boost/json/parse.hpp>
#include <string>

#include "grpc/grpc_services.hpp"
#include "health_check.grpc.pb.h"
#include "qdrant.grpc.pb.h"

namespace sextant::grpc_wire {

namespace {

class QdrantService final : public qdrant::Qdrant::CallbackService {
 public:
  explicit QdrantService(const ServiceContext& context) : context_(context) {}

  ::grpc::ServerUnaryReactor* HealthCheck(::grpc::CallbackServerContext* call,
                                          const qdrant::HealthCheckRequest*,
                                          qdrant::HealthCheckReply* reply) override {
    return run_unary(call, context_, [this, reply](const CallMetadata&) {
      EngineCall version_info{api::HttpMethod::kGet, "/", {}, ""};
      EngineReply engine_reply = context_.call_engine(version_info, {});
      if (engine_reply.http_status != 200) return decode_reply(engine_reply).status;
      // GET / answers the version info itself, not inside an envelope.
      boost::system::error_code ec;
      boost::json::value parsed = boost::json::parse(engine_reply.body, ec);
      if (ec || !parsed.is_object())
        return ::grpc::Status(::grpc::StatusCode::INTERNAL, "malformed version info");
      const boost::json::object& info = parsed.get_object();
      auto text = [&info](const char* key) -> const boost::json::string* {
        const boost::json::value* value = info.if_contains(key);
        return value && value->is_string() ? &value->get_string() : nullptr;
      };
      if (const auto* title = text("title")) reply->set_title(std::string(*title));
      if (const auto* version = text("version")) reply->set_version(std::string(*version));
      if (const auto* commit = text("commit")) reply->set_commit(std::string(*commit));
      return ::grpc::Status::OK;
    });
  }

 private:
  const ServiceContext& context_;
};

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  ::grpc::ServerUnaryReactor* Check(::grpc::CallbackServerContext* call,
                                    const grpc::health::v1::HealthCheckRequest*,
                                    grpc::health::v1::HealthCheckResponse* response) override {
    response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    ::grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
    reactor->Finish(::grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

std::unique_ptr<::grpc::Service> make_qdrant_service(const ServiceContext& context) {
  return std::make_unique<QdrantService>(context);
}

std::unique_ptr<::grpc::Service> make_health_service(const ServiceContext&) {
  return std::make_unique<HealthService>();
}

}  // namespace sextant::grpc_wire
