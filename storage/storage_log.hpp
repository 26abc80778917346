// LogSink: how storage reports events no request asked about but an operator should hear of,
// one line each: stored data found damaged or in an older format and repaired on its own
// (quantized codes encoded again, an HNSW graph rebuilt). The process supplies the sink (the
// server writes the lines to its log as warnings); storage never writes to stderr itself. An
// empty sink drops the lines.
#pragma once

#include <functional>
#include <string_view>

namespace sextant::storage {

using LogSink = std::function<void(std::string_view line)>;

}  // namespace sextant::storage
