// The default embedding model (sentence-transformers/all-MiniLM-L6-v2), served when the
// configuration names no model: it is looked for in each bundled place (the installation, the
// checkout of a build tree, the working directory; embed/bundled_model_places.hpp), then in the
// Hugging Face cache, and served from the first place it loads from. A server with no model still
// starts; /embed and Document inference then answer that the model is not available.
//
// Every place tried and why it was passed over, or the model served (name, dimension, directory),
// goes to the log sink one line each, so an operator can tell from the start-up log why /embed
// has no model.
#pragma once

#include <string>
#include <vector>

#include "embed/embed_service.hpp"
#include "storage/storage_log.hpp"

namespace sextant::api {

struct DefaultModelSearch {
  std::string executable_path;               // "" when unknown: only the working directory
  std::vector<std::string> hub_cache_roots;  // Hugging Face caches, searched last
  embed::Precision precision = embed::Precision::kFloat32;
};

// Returns true when the default model was loaded into `service`.
bool load_default_embedding_model(embed::EmbedService& service, const DefaultModelSearch& search,
                                  const storage::LogSink& log);

// The line logged for a model being served: "Embedding model NAME served: dimension D,
// directory DIR, loaded on first use" (the service loads the weights at the first request).
std::string served_model_line(const embed::EmbedService& service, const std::string& name,
                              const std::string& directory);

}  // namespace sextant::api
