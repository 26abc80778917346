// The node id file: one line holding the id in decimal.
#include "cluster/node_identity.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace sextant::cluster {
namespace {

constexpr const char* kNodeIdFile = "cluster_node_id";

Result<uint64_t> parse_node_id(const std::string& text, const std::string& path) {
  uint64_t id = 0;
  const char* end = text.data() + text.size();
  auto [parsed_end, error] = std::from_chars(text.data(), end, id);
  if (error != std::errc() || id == 0 || (parsed_end != end && *parsed_end != '\n'))
    return Error::internal("the cluster node id in " + path + " is damaged: '" + text + "'");
  return id;
}

}  // namespace

Result<uint64_t> load_or_create_node_id(const std::string& storage_path) {
  namespace fs = std::filesystem;
  const fs::path path = fs::path(storage_path) / kNodeIdFile;
  if (std::ifstream in(path); in) {
    std::stringstream text;
    text << in.rdbuf();
    return parse_node_id(text.str(), path.string());
  }
  std::random_device entropy;
  std::mt19937_64 generator((static_cast<uint64_t>(entropy()) << 32) ^ entropy());
  uint64_t id = 0;
  while (id == 0) id = generator() >> 1;  // below 2^63: JSON readers in doubles stay exact
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << id << '\n';
    out.flush();
    if (!out) return Error::internal("cannot write the cluster node id to " + temporary.string());
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return Error::internal("cannot store the cluster node id at " + path.string());
  return id;
}

}  // namespace sextant::cluster
