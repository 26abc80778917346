// The build-tree check walks up at most kMaxBuildTreeDepth directories so that an installed
// binary (/usr/bin) never scans far; a build tree keeps its binaries within a few levels of
// CMakeCache.txt.
#include "embed/bundled_model_places.hpp"

#include <filesystem>
#include <fstream>

namespace sextant::embed {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxBuildTreeDepth = 3;
constexpr std::string_view kHomeDirectoryKey = "CMAKE_HOME_DIRECTORY:INTERNAL=";

std::string source_directory_in(const fs::path& cache_file) {
  std::ifstream in(cache_file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(kHomeDirectoryKey, 0) == 0) return line.substr(kHomeDirectoryKey.size());
  }
  return "";
}

}  // namespace

std::string checkout_of_build_tree(const std::string& executable_path) {
  if (executable_path.empty()) return "";
  std::error_code error;
  fs::path directory = fs::path(executable_path).parent_path();
  for (int depth = 0; depth < kMaxBuildTreeDepth && !directory.empty(); ++depth) {
    fs::path cache_file = directory / "CMakeCache.txt";
    if (fs::is_regular_file(cache_file, error)) return source_directory_in(cache_file);
    if (directory == directory.parent_path()) break;
    directory = directory.parent_path();
  }
  return "";
}

std::vector<BundledModelPlace> bundled_model_places(const std::string& folder,
                                                    const std::string& executable_path) {
  std::vector<BundledModelPlace> places;
  if (!executable_path.empty()) {
    fs::path binary_directory = fs::path(executable_path).parent_path();
    places.push_back(
        {"installation", (binary_directory.parent_path() / "share" / "sextant" / "models" / folder)
                             .lexically_normal()
                             .string()});
    std::string checkout = checkout_of_build_tree(executable_path);
    if (!checkout.empty()) {
      places.push_back({"checkout", (fs::path(checkout) / "models" / folder).string()});
    }
  }
  std::error_code error;
  fs::path relative = fs::path("models") / folder;
  fs::path absolute = fs::absolute(relative, error);
  places.push_back({"working directory", error ? relative.string() : absolute.string()});
  return places;
}

}  // namespace sextant::embed
