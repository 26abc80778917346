// Datetime values as Qdrant accepts them in payloads and in `range` bounds, reduced to
// microseconds since the Unix epoch (UTC). Accepted forms:
//   RFC 3339:                2014-01-01T00:00:00Z, 2014-01-01T01:00:00.123+01:00 ('T', 't', ' ')
//   offset without colon:    2014-01-01T00:00:00+0100, 2014-01-01 00:00:00-01
//   no offset (taken as UTC): 2014-01-01T00:00:00[.fff], 2014-01-01 00:00, 2014-01-01
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sextant::index::filter {

// nullopt when the text is not a datetime in one of the forms above. Never allocates.
std::optional<int64_t> parse_datetime_micros(std::string_view text);

}  // namespace sextant::index::filter
