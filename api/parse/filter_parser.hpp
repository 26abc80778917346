// JSON -> typed Filter and with_payload selector, with Qdrant 1.19's answers for bad input:
// deserialisation problems are ErrorKind::kFormat (400 "Format error in JSON body: ..."), rule
// violations found after parsing are ErrorKind::kValidation (422 "Validation error in JSON body:
// [path: message]"). Nothing here throws; every failure comes back as an Error value.
//
// Conditions are recognised as Qdrant does: an object with "key" is a field condition (and its
// errors are reported as they are); otherwise the first of is_empty, is_null, has_id, has_vector,
// slice, nested, filter that fits, else the generic "Expected some form of condition" error.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "index/filter/filter.hpp"
#include "index/payload/payload_selector.hpp"

namespace sextant::api {

// `field_name` names the filter in validation messages ("filter", "update_filter", ...).
Result<index::filter::Filter> parse_filter(const boost::json::value& json,
                                           const std::string& field_name = "filter");

// Same, shared for requests that hand the filter on to storage.
Result<std::shared_ptr<const index::filter::Filter>> parse_filter_json(
    const boost::json::value& json, const std::string& field_name = "filter");

// `with_payload`: true | false | ["key", ...] | {"include": [...]} | {"exclude": [...]}.
// A null value gives `default_selector`.
Result<index::payload::PayloadSelector> parse_payload_selector(
    const boost::json::value& json,
    index::payload::PayloadSelector default_selector = index::payload::PayloadSelector::none());

}  // namespace sextant::api
