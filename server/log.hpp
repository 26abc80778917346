// Start-up and runtime logging for the server process: one line per event on stderr,
// "<UTC timestamp> <LEVEL> sextant: <message>", filtered by the configured log_level
// (Qdrant's levels: TRACE, DEBUG, INFO, WARN, ERROR).
//
// The level is the one piece of process-wide state outside the Server object: it is set once
// at start-up, before any thread starts, and read with relaxed atomics afterwards.
#pragma once

#include <optional>
#include <string_view>

namespace sextant::server {

enum class LogLevel { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4 };

// Parses Qdrant's level names, case-insensitively ("info", "WARN", "warning"...). Qdrant also
// accepts filter directives like "INFO,qdrant=debug": the first comma-separated item is used.
std::optional<LogLevel> parse_log_level(std::string_view text);

void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);
void log_line(LogLevel level, std::string_view message);

inline void log_debug(std::string_view message) { log_line(LogLevel::kDebug, message); }
inline void log_info(std::string_view message) { log_line(LogLevel::kInfo, message); }
inline void log_warn(std::string_view message) { log_line(LogLevel::kWarn, message); }
inline void log_error(std::string_view message) { log_line(LogLevel::kError, message); }

}  // namespace sextant::server
