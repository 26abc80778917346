// Finds a sentence-transformers model's files on disk. Two layouts are understood:
//   * a plain directory in the Hugging Face layout (config.json, model.safetensors, ...);
//   * the Hugging Face hub cache: <cache>/models--ORG--NAME/snapshots/<revision>/..., where the
//     revision is the one refs/main names, or else the most recently modified snapshot.
// Environment variables (HF_HOME, HF_HUB_CACHE) are read by the caller, which passes the cache
// roots in; this module never reads the environment.
#pragma once

#include <string>
#include <vector>

#include "common/status.hpp"

namespace sextant::embed {

// `location` is a directory path, a cache directory `models--ORG--NAME`, or a repository id
// `ORG/NAME` looked up under each of `hub_cache_roots` in order. Returns the directory that holds
// config.json.
Result<std::string> locate_model_directory(const std::string& location,
                                           const std::vector<std::string>& hub_cache_roots);

// The hub cache roots implied by the two Hugging Face variables (either may be empty):
// HF_HUB_CACHE if set, else $HF_HOME/hub, else $HOME/.cache/huggingface/hub.
std::vector<std::string> hub_cache_roots(const std::string& hf_hub_cache,
                                         const std::string& hf_home, const std::string& home);

}  // namespace sextant::embed
