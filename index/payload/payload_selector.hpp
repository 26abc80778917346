// What `with_payload` asks for: nothing, everything, only some key paths (include) or everything
// but some key paths (exclude). Applying a selector to a payload follows Qdrant's include/exclude
// rules (see include_paths / exclude_paths in json_path.hpp).
#pragma once

#include <boost/json/object.hpp>
#include <vector>

#include "index/payload/json_path.hpp"

namespace sextant::index::payload {

struct PayloadSelector {
  enum class Mode { kNone, kAll, kInclude, kExclude };
  Mode mode = Mode::kNone;
  std::vector<JsonPath> paths;  // kInclude / kExclude patterns

  static PayloadSelector none() { return {Mode::kNone, {}}; }
  static PayloadSelector all() { return {Mode::kAll, {}}; }
  // False only for kNone: the response then carries no payload at all.
  bool enabled() const { return mode != Mode::kNone; }
  // The payload as the response shows it (an empty object for kNone).
  boost::json::object apply(const boost::json::object& payload) const {
    switch (mode) {
      case Mode::kNone:
        return {};
      case Mode::kAll:
        return payload;
      case Mode::kInclude:
        return include_paths(payload, paths);
      case Mode::kExclude:
        return exclude_paths(payload, paths);
    }
    return {};
  }
};

}  // namespace sextant::index::payload
