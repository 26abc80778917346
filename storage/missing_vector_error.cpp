#include "storage/missing_vector_error.hpp"

#include <algorithm>
#include <vector>

namespace sextant::storage {

Error unconfigured_vector_error(const CollectionSchema& schema, const std::string& name) {
  std::vector<std::string> dense_names, sparse_names;
  for (const auto& spec : schema.dense) dense_names.push_back(spec.name);
  for (const auto& spec : schema.sparse) sparse_names.push_back(spec.name);
  std::sort(dense_names.begin(), dense_names.end());
  std::sort(sparse_names.begin(), sparse_names.end());
  std::vector<std::string> available = std::move(dense_names);
  available.insert(available.end(), sparse_names.begin(), sparse_names.end());

  if (available.empty()) return Error::bad_input("Vectors are not configured in this collection");
  if (available.size() == 1 && available[0].empty())
    return Error::bad_input("Vector with name " + name + " is not configured in this collection");
  std::string listed;
  for (const auto& available_name : available)
    listed += (listed.empty() ? "" : ", ") + available_name;
  if (name.empty())
    return Error::bad_input(
        "Collection requires specified vector name in the request, available names: " + listed);
  return Error::bad_input("Vector with name `" + name +
                          "` is not configured in this collection, available names: " + listed);
}

}  // namespace sextant::storage
