// A place whose directory exists but does not load (files missing or damaged) is passed over
// like an absent one, with the loader's error as the reason, so a broken copy never hides a good
// one further down the list.
#include "api/handlers/default_embedding_model.hpp"

#include <filesystem>

#include "embed/bundled_model_places.hpp"
#include "embed/model_locator.hpp"

namespace sextant::api {
namespace {

constexpr const char* kDefaultModelName = "sentence-transformers/all-MiniLM-L6-v2";
constexpr const char* kDefaultModelFolder = "all-MiniLM-L6-v2";

void emit(const storage::LogSink& log, const std::string& line) {
  if (log) log(line);
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

}  // namespace

std::string served_model_line(const embed::EmbedService& service, const std::string& name,
                              const std::string& directory) {
  auto config = service.model_config(name);
  return "Embedding model " + name + " served: dimension " +
         std::to_string(config ? config->hidden_size : 0) + ", directory " + directory +
         ", loaded on first use";
}

bool load_default_embedding_model(embed::EmbedService& service, const DefaultModelSearch& search,
                                  const storage::LogSink& log) {
  const std::string name = kDefaultModelName;
  std::vector<std::string> passed_over;
  auto try_directory = [&](const std::string& label, const std::string& location) {
    std::error_code error;
    if (!std::filesystem::exists(location, error)) {
      passed_over.push_back(label + " " + location + ": no such directory");
      return false;
    }
    auto directory = embed::locate_model_directory(location, {});
    if (!directory) {
      passed_over.push_back(label + " " + location + ": " + directory.error().message);
      return false;
    }
    auto loaded = service.load_model(name, *directory, search.precision);
    if (!loaded) {
      passed_over.push_back(label + " " + *directory + ": " + loaded.error().message);
      return false;
    }
    emit(log, served_model_line(service, name, *directory) + " (" + label + ")");
    return true;
  };

  for (const auto& place :
       embed::bundled_model_places(kDefaultModelFolder, search.executable_path)) {
    if (try_directory(place.label, place.directory)) return true;
    emit(log, "Embedding model " + name + " skipped in the " + passed_over.back());
  }
  if (search.hub_cache_roots.empty()) {
    passed_over.push_back(
        "Hugging Face cache: no cache directory (HF_HUB_CACHE, HF_HOME, HOME unset)");
  } else {
    auto directory = embed::locate_model_directory(name, search.hub_cache_roots);
    if (directory) {
      if (try_directory("Hugging Face cache", *directory)) return true;
    } else {
      passed_over.push_back("Hugging Face cache " + joined(search.hub_cache_roots) + ": no " +
                            name + " there");
    }
  }
  emit(log, "Embedding model " + name + " skipped in the " + passed_over.back());
  emit(log, "No embedding model served: " + name + " was not found (looked in " +
                std::to_string(passed_over.size()) +
                " places, above); put it in one of them (scripts/fetch-model.sh) or set "
                "embedding.models");
  return false;
}

}  // namespace sextant::api
