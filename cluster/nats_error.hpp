// Turns the NATS C client's failures into Sextant's errors as values (common/status.hpp), so no
// natsStatus or jsErrCode leaves cluster/. The message names the operation, the client's status
// text, the JetStream error code when the server sent one, and the client's last error detail.
#pragma once

#include <nats/nats.h>

#include <string>

#include "common/status.hpp"

namespace sextant::cluster {

// An unavailable() error (the cluster cannot be reached or did not answer: callers may retry) for
// timeouts, lost connections and missing responders; internal() for everything else.
Error nats_error(const std::string& operation, natsStatus status,
                 jsErrCode jetstream_code = static_cast<jsErrCode>(0));

// True when the failure text the client keeps for this thread says the server refused a write
// because the subject's last sequence was not the expected one (JetStream error 10071): a
// compare-and-set that lost, not a fault.
bool last_error_is_wrong_last_sequence(jsErrCode jetstream_code);

}  // namespace sextant::cluster
