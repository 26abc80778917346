// See nats_connection.hpp.
#include "cluster/nats_connection.hpp"

#include "cluster/nats_error.hpp"

namespace sextant::cluster {
namespace {

// Owns a natsOptions for the length of connect().
struct OptionsHolder {
  natsOptions* options = nullptr;
  ~OptionsHolder() { natsOptions_Destroy(options); }
};

}  // namespace

Result<std::unique_ptr<NatsConnection>> NatsConnection::connect(const ConnectionOptions& options) {
  if (options.server_urls.empty()) {
    return Error::bad_input("a NATS connection needs at least one server URL");
  }
  OptionsHolder holder;
  natsStatus status = natsOptions_Create(&holder.options);
  if (status != NATS_OK) return nats_error("creating NATS options", status);
  std::vector<const char*> urls;
  for (const auto& url : options.server_urls) urls.push_back(url.c_str());
  natsOptions* o = holder.options;
  status = natsOptions_SetServers(o, urls.data(), static_cast<int>(urls.size()));
  if (status == NATS_OK) status = natsOptions_SetName(o, options.client_name.c_str());
  if (status == NATS_OK) status = natsOptions_SetTimeout(o, options.connect_timeout_ms);
  if (status == NATS_OK) status = natsOptions_SetAllowReconnect(o, true);
  if (status == NATS_OK) status = natsOptions_SetMaxReconnect(o, options.max_reconnect_attempts);
  if (status == NATS_OK) status = natsOptions_SetReconnectWait(o, options.reconnect_wait_ms);
  // A server list in the given order: the first URL is the node's own (local) server.
  if (status == NATS_OK) status = natsOptions_SetNoRandomize(o, true);
  if (status != NATS_OK) return nats_error("setting NATS options", status);

  natsConnection* connection = nullptr;
  status = natsConnection_Connect(&connection, o);
  if (status != NATS_OK) {
    return nats_error("connecting to NATS at " + options.server_urls.front(), status);
  }
  jsOptions jetstream_options;
  jsOptions_Init(&jetstream_options);
  jetstream_options.Wait = options.jetstream_timeout_ms;
  jsCtx* jetstream = nullptr;
  status = natsConnection_JetStream(&jetstream, connection, &jetstream_options);
  if (status != NATS_OK) {
    natsConnection_Destroy(connection);
    return nats_error("opening a JetStream context", status);
  }
  return std::unique_ptr<NatsConnection>(
      new NatsConnection(connection, jetstream, options.jetstream_timeout_ms));
}

NatsConnection::~NatsConnection() {
  jsCtx_Destroy(jetstream_);
  natsConnection_Close(connection_);
  natsConnection_Destroy(connection_);
}

std::string NatsConnection::connected_url() const {
  char buffer[512] = {};
  if (natsConnection_GetConnectedUrl(connection_, buffer, sizeof buffer) != NATS_OK) return {};
  return buffer;
}

}  // namespace sextant::cluster
