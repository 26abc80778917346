// Flattening of YAML documents and QDRANT__* variables into dotted keys.
#include "server/config_sources.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sextant::server {
namespace {

std::string to_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

void flatten(const YAML::Node& node, const std::string& prefix, const std::string& origin,
             FlatConfig* into) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      for (const auto& entry : node) {
        // Model names under embedding.models are what clients send: keep their case.
        std::string raw = entry.first.as<std::string>();
        std::string key = prefix == "embedding.models" ? raw : to_lower(raw);
        flatten(entry.second, prefix.empty() ? key : prefix + "." + key, origin, into);
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      (*into)[prefix] = ConfigValue{"", true, origin};
      break;
    case YAML::NodeType::Scalar:
      (*into)[prefix] = ConfigValue{node.Scalar(), false, origin};
      break;
    case YAML::NodeType::Sequence: {
      // No key Sextant acts on is a list; keep the flow text so the key is still reported.
      YAML::Emitter emitter;
      emitter << YAML::Flow << node;
      (*into)[prefix] = ConfigValue{emitter.c_str(), false, origin};
      break;
    }
  }
}

}  // namespace

bool merge_yaml_text(const std::string& yaml_text, const std::string& origin, FlatConfig* into,
                     std::string* error) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const std::exception& e) {
    *error = origin + ": invalid YAML: " + e.what();
    return false;
  }
  if (root.IsNull()) return true;  // an empty file is an empty layer
  if (!root.IsMap()) {
    *error = origin + ": the top level must be a mapping of sections";
    return false;
  }
  try {
    flatten(root, "", origin, into);
  } catch (const std::exception& e) {
    *error = origin + ": " + e.what();
    return false;
  }
  return true;
}

std::optional<bool> merge_yaml_file(const std::string& path, FlatConfig* into, std::string* error) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    *error = path + ": cannot be read";
    return false;
  }
  std::ostringstream text;
  text << file.rdbuf();
  return merge_yaml_text(text.str(), path, into, error);
}

void merge_environment(const std::vector<std::pair<std::string, std::string>>& environment,
                       FlatConfig* into) {
  static constexpr std::string_view kPrefix = "QDRANT__";
  for (const auto& [name, value] : environment) {
    if (name.size() <= kPrefix.size() || name.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    std::string key;
    std::string_view rest = std::string_view(name).substr(kPrefix.size());
    while (!rest.empty()) {
      size_t separator = rest.find("__");
      std::string_view part = rest.substr(0, separator);
      if (!key.empty()) key += '.';
      key += to_lower(std::string(part));
      if (separator == std::string_view::npos) break;
      rest = rest.substr(separator + 2);
    }
    (*into)[key] = ConfigValue{value, false, name};
  }
}

std::optional<std::string> find_env(
    const std::vector<std::pair<std::string, std::string>>& environment, const std::string& name) {
  for (const auto& [key, value] : environment) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace sextant::server
