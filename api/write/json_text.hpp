// JSON text of response bodies, written the way Qdrant's serializer writes it: floating-point
// numbers in their shortest round-trip decimal form with a plain exponent ("0.2", "4.2169e-5",
// "1.0", "1e21"), where boost::json::serialize would print "2E-1" and "1E0". Strings are
// escaped as JSON requires (quote, backslash, control characters); other UTF-8 passes through.
//
// Non-finite doubles (which a boost::json::value can hold but JSON cannot express) are written
// as null, as serde_json does.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace sextant::api {

std::string to_json_text(const boost::json::value& value);
void append_json_text(const boost::json::value& value, std::string& out);
// One double as to_json_text writes it (no quotes; "null" when not finite).
void append_json_double(double value, std::string& out);

}  // namespace sextant::api
