// The raw layers of configuration before typing: each YAML file and the QDRANT__* environment
// flattened to dotted keys ("service.http_port") with scalar text values. Later layers
// override earlier ones key by key, which is how Qdrant's config crate merges nested maps.
//
// Invariant: keys are lower-case dotted paths; a YAML null or "~" becomes a value with
// is_null set (it resets an optional setting to unset).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sextant::server {

struct ConfigValue {
  std::string text;
  bool is_null = false;
  std::string origin;  // file path or environment variable name, for error messages
};

using FlatConfig = std::map<std::string, ConfigValue>;

// Parses YAML text and merges its scalars into `into`. Returns false with `error` set when the
// text is not valid YAML or its top level is not a mapping.
bool merge_yaml_text(const std::string& yaml_text, const std::string& origin, FlatConfig* into,
                     std::string* error);

// Reads a YAML file and merges it. Returns std::nullopt if the file does not exist, true when
// merged, false with `error` set on a read or parse failure.
std::optional<bool> merge_yaml_file(const std::string& path, FlatConfig* into, std::string* error);

// Merges QDRANT__A__B=value variables as key "a.b". Other variables are ignored.
void merge_environment(const std::vector<std::pair<std::string, std::string>>& environment,
                       FlatConfig* into);

// The environment variable `name`, if present.
std::optional<std::string> find_env(
    const std::vector<std::pair<std::string, std::string>>& environment, const std::string& name);

}  // namespace sextant::server
