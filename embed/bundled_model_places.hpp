// Where a model shipped with Sextant (the default embedding model) is looked for when the
// configuration names none, in order:
//   1. the installation: <directory of the binary>/../share/sextant/models/<folder>
//      (/usr/bin/sextant -> /usr/share/sextant/models, as the Debian package lays it out);
//   2. the checkout, when the binary runs from a CMake build tree: the nearest directory above the
//      binary holding CMakeCache.txt names the source directory, whose models/<folder> is where
//      scripts/fetch-model.sh puts the model;
//   3. the working directory: models/<folder>.
// The Hugging Face cache comes after these and is searched by the caller (model_locator).
// Pure apart from reading CMakeCache.txt; the binary's path is passed in (server/ reads it).
#pragma once

#include <string>
#include <vector>

namespace sextant::embed {

struct BundledModelPlace {
  std::string label;      // "installation", "checkout", "working directory"
  std::string directory;  // absolute unless the working directory itself is unknown
};

// `executable_path` may be empty (unknown): then only the working directory is returned.
std::vector<BundledModelPlace> bundled_model_places(const std::string& folder,
                                                    const std::string& executable_path);

// The source directory recorded in the CMakeCache.txt nearest above `executable_path`, or "" when
// the binary is not inside a CMake build tree.
std::string checkout_of_build_tree(const std::string& executable_path);

}  // namespace sextant::embed
