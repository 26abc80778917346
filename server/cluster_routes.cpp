// Handlers of the standalone cluster routes and /quotas.
#include "server/cluster_routes.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>

#include "api/envelope.hpp"
#include "common/status.hpp"

namespace sextant::server {
namespace {

using api::HttpMethod;
using api::Request;
using api::Response;

constexpr std::string_view kStandaloneMode = "Qdrant is running in standalone mode";

// The answer to a malformed query parameter, as actix's Query extractor and validator give it.
struct QueryParam {
  const char* name;
  enum class Kind { kBool, kUnsigned, kPositive } kind;
};

std::optional<Response> check_query(const Request& request,
                                    std::initializer_list<QueryParam> params) {
  const auto started = api::Clock::now();
  for (const QueryParam& param : params) {
    auto value = request.query_param(param.name);
    if (!value) continue;
    if (param.kind == QueryParam::Kind::kBool) {
      if (*value == "true" || *value == "false") continue;
      return api::error_response(
          400, "Deserialize error in query parameters: provided string was not `true` or `false`",
          started);
    }
    if (value->empty()) {
      return api::error_response(
          400, "Deserialize error in query parameters: cannot parse integer from empty string",
          started);
    }
    const bool digits = value->find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits || value->size() > 20) {
      return api::error_response(
          400, "Deserialize error in query parameters: invalid digit found in string", started);
    }
    if (param.kind == QueryParam::Kind::kPositive &&
        value->find_first_not_of('0') == std::string_view::npos) {
      return api::error_response(422,
                                 std::string("Validation error in query parameters: [") +
                                     param.name + ": value 0 invalid, must be 1 or larger]",
                                 started);
    }
  }
  return std::nullopt;
}

constexpr QueryParam kWait{"wait", QueryParam::Kind::kBool};

Response standalone_mode(const Request&) {
  return api::error_response(405, kStandaloneMode, api::Clock::now());
}

Response standalone_mode_with_wait(const Request& request) {
  if (auto bad = check_query(request, {kWait})) return *bad;
  return standalone_mode(request);
}

// POST /collections/{c}/cluster: a body naming one cluster operation is refused as a
// standalone node refuses it; anything else is not a ClusterOperations body.
Response collection_cluster_operation(const Request& request) {
  static constexpr std::string_view kOperations[] = {
      "move_shard",          "replicate_shard",   "abort_transfer",   "drop_replica",
      "create_sharding_key", "drop_sharding_key", "restart_transfer", "start_resharding",
      "abort_resharding",    "replicate_points"};
  if (auto bad = check_query(request, {QueryParam{"timeout", QueryParam::Kind::kPositive}}))
    return *bad;
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(request.body, ec);
  bool is_operation = false;
  if (!ec && body.is_object() && body.get_object().size() == 1)
    for (std::string_view operation : kOperations)
      if (body.get_object().contains(operation)) is_operation = true;
  if (!is_operation)
    return api::error_response(400,
                               "Format error in JSON body: data did not match any variant of "
                               "untagged enum ClusterOperations",
                               api::Clock::now());
  return standalone_mode(request);
}

// actix's path extractor refuses a peer id that is not a u64 with a plain-text 404.
bool is_u64(std::string_view text) {
  if (text.empty() || text.size() > 20) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return text.size() < 20 || text <= "18446744073709551615";
}

Response remove_peer(const Request& request) {
  auto started = api::Clock::now();
  const std::string& peer_id = request.path_params[0];
  if (!is_u64(peer_id)) {
    Response response;
    response.status = 404;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "can not parse \"" + peer_id + "\" to a u64";
    return response;
  }
  if (auto bad = check_query(request, {{"force", QueryParam::Kind::kBool},
                                       {"timeout", QueryParam::Kind::kPositive}})) {
    return *bad;
  }
  return api::error_response(405, kStandaloneMode, started);
}

Response cluster_telemetry(const Request& request) {
  if (auto bad = check_query(request, {{"details_level", QueryParam::Kind::kUnsigned},
                                       {"timeout", QueryParam::Kind::kPositive}})) {
    return *bad;
  }
  // A standalone node has no peers to gather telemetry from.
  return api::error_response(500, "Service internal error: Could not get telemetry from cluster",
                             api::Clock::now());
}

// Qdrant's QuotaConfig: `enabled` (bool) and percentages within their ranges.
Result<boost::json::object> parse_quota_config(std::string_view body) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  if (ec) return Error::format(ec.message());
  boost::json::object config{{"enabled", false}};
  // serde reads an empty sequence as a struct of defaults.
  if (parsed.is_array() && parsed.get_array().empty()) return config;
  if (!parsed.is_object()) {
    return Error::format("invalid type: expected struct QuotaConfig");
  }
  for (const auto& [key, value] : parsed.as_object()) {
    if (key == "enabled") {
      if (!value.is_bool()) {
        std::string message = "invalid type: ";
        message.append(boost::json::serialize(value)).append(", expected a boolean");
        return Error::format(message);
      }
      config["enabled"] = value.as_bool();
      continue;
    }
    const bool is_limit = key == "max_resident_memory_percent" || key == "max_disk_usage_percent";
    if (!is_limit && key != "release_margin_percent") continue;  // unknown fields are ignored
    if (value.is_null()) continue;
    if (!value.is_int64() && !value.is_uint64()) {
      std::string message = "invalid type: ";
      message.append(boost::json::serialize(value)).append(", expected u8");
      return Error::format(message);
    }
    const int64_t percent = value.to_number<int64_t>();
    const int64_t minimum = is_limit ? 1 : 0;
    if (percent < minimum || percent > 100) {
      std::string message = "[";
      message.append(key).append(": value ").append(std::to_string(percent));
      message.append(is_limit ? " invalid, must be from 1 to 100]"
                              : " invalid, must be 100 or smaller]");
      return Error::validation(message);
    }
    config[key] = percent;
  }
  return config;
}

uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

boost::json::object QuotaState::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void QuotaState::set_config(boost::json::object config) {
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
}

boost::json::object quota_usage(const Config& config) {
  boost::json::object usage;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  const uint64_t total_memory =
      pages > 0 && page_size > 0 ? static_cast<uint64_t>(pages) * page_size : 0;
  usage["resident_memory_percent"] =
      total_memory ? static_cast<int64_t>(resident_bytes() * 100 / total_memory) : 0;
  std::error_code ec;
  auto space = std::filesystem::space(config.storage.storage_path, ec);
  if (!ec && space.capacity > 0) {
    usage["disk_usage_percent"] =
        static_cast<int64_t>((space.capacity - space.available) * 100 / space.capacity);
  } else {
    usage["disk_usage_percent"] = nullptr;
  }
  return usage;
}

void register_cluster_routes(const Config& config, std::shared_ptr<QuotaState> quotas,
                             api::Router& router) {
  auto add = [&router](HttpMethod method, std::string pattern, api::Handler handler, bool is_write,
                       bool needs_global_access = true) {
    api::Route route;
    route.method = method;
    route.pattern = std::move(pattern);
    route.handler = std::move(handler);
    route.execution = api::Execution::kInline;
    route.is_write = is_write;
    route.needs_global_access = needs_global_access;
    router.add(std::move(route));
  };
  add(HttpMethod::kPost, "/cluster/recover", standalone_mode, true);
  add(HttpMethod::kPost, "/collections/{collection_name}/cluster", collection_cluster_operation,
      true, /*needs_global_access=*/false);
  add(HttpMethod::kDelete, "/cluster/peer/{peer_id}", remove_peer, true);
  add(HttpMethod::kGet, "/cluster/metadata/keys", standalone_mode, false);
  add(HttpMethod::kGet, "/cluster/metadata/keys/{key}", standalone_mode, false);
  add(HttpMethod::kPut, "/cluster/metadata/keys/{key}", standalone_mode_with_wait, true);
  add(HttpMethod::kDelete, "/cluster/metadata/keys/{key}", standalone_mode_with_wait, true);
  // Collection-scoped tokens may ask: Qdrant narrows the telemetry to their collections.
  add(HttpMethod::kGet, "/cluster/telemetry", cluster_telemetry, false,
      /*needs_global_access=*/false);
  const Config* config_ptr = &config;
  add(
      HttpMethod::kGet, "/quotas",
      [quotas, config_ptr](Request&) {
        return api::ok_response(
            boost::json::object{{"config", quotas->config()}, {"usage", quota_usage(*config_ptr)}},
            api::Clock::now());
      },
      false);
  add(
      HttpMethod::kPut, "/quotas",
      [quotas](Request& request) {
        auto started = api::Clock::now();
        if (auto bad = check_query(request, {kWait})) return *bad;
        auto parsed = parse_quota_config(request.body);
        if (!parsed.ok()) {
          return api::error_response(parsed.error().kind == ErrorKind::kValidation ? 422 : 400,
                                     parsed.error().message, started);
        }
        quotas->set_config(std::move(parsed.value()));
        return api::ok_response(true, started);
      },
      true);
}

}  // namespace sextant::server
