// See nats_error.hpp.
#include "cluster/nats_error.hpp"

namespace sextant::cluster {

Error nats_error(const std::string& operation, natsStatus status, jsErrCode jetstream_code) {
  std::string message = operation + " failed: " + natsStatus_GetText(status);
  if (jetstream_code != 0) message += " (JetStream error " + std::to_string(jetstream_code) + ")";
  const char* detail = nats_GetLastError(nullptr);
  if (detail != nullptr && *detail != '\0' && message.find(detail) == std::string::npos) {
    message += ": ";
    message += detail;
  }
  switch (status) {
    case NATS_TIMEOUT:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NO_SERVER:
    case NATS_NO_RESPONDERS:
    case NATS_STALE_CONNECTION:
      return Error::unavailable(std::move(message));
    default:
      return Error::internal(message);
  }
}

bool last_error_is_wrong_last_sequence(jsErrCode jetstream_code) {
  if (jetstream_code == JSStreamWrongLastSequenceErr) return true;
  const char* detail = nats_GetLastError(nullptr);
  return detail != nullptr && std::string(detail).find("wrong last sequence") != std::string::npos;
}

}  // namespace sextant::cluster
