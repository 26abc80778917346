// See read_resolve.hpp.
#include "server/cluster/read_resolve.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace sextant::server {
namespace {

namespace json = boost::json;

// What makes two answers of one point equal: the point without its version.
std::string content_key(const json::value& point) {
  json::object copy = point.as_object();
  copy.erase("version");
  return json::serialize(copy);
}

}  // namespace

ReadConsistency parse_read_consistency(std::optional<std::string_view> value) {
  ReadConsistency consistency;
  if (!value) return consistency;
  if (*value == "all") consistency.level = ReadConsistency::Level::kAll;
  if (*value == "majority") consistency.level = ReadConsistency::Level::kMajority;
  if (*value == "quorum") consistency.level = ReadConsistency::Level::kQuorum;
  if (consistency.level != ReadConsistency::Level::kFactor) return consistency;
  uint64_t factor = 0;
  for (char c : *value) {
    if (c < '0' || c > '9' || factor > UINT32_MAX) return consistency;
    factor = factor * 10 + static_cast<uint64_t>(c - '0');
  }
  consistency.factor = std::max<uint64_t>(factor, 1);
  return consistency;
}

ReplicaRequirement replica_requirement(const ReadConsistency& consistency, size_t total) {
  switch (consistency.level) {
    case ReadConsistency::Level::kAll:
      return {total, ResolveCondition::kAll};
    case ReadConsistency::Level::kMajority:
      return {total, ResolveCondition::kMajority};
    case ReadConsistency::Level::kQuorum:
      return {total / 2 + 1, ResolveCondition::kAll};
    case ReadConsistency::Level::kFactor:
      break;
  }
  const size_t factor = static_cast<size_t>(std::max<uint64_t>(consistency.factor, 1));
  return {std::min(factor, std::max<size_t>(total, 1)), ResolveCondition::kAll};
}

std::vector<json::array> resolve_points(const std::vector<json::array>& answers,
                                        ResolveCondition condition) {
  if (answers.size() <= 1) return answers;
  const size_t needed =
      condition == ResolveCondition::kAll ? answers.size() : answers.size() / 2 + 1;
  // By id, then by content: how many answers hold it, and where it was seen first.
  struct Seen {
    size_t count = 0;
    size_t row = 0;
    size_t index = 0;
  };
  std::map<std::string, std::map<std::string, Seen>> seen;
  for (size_t row = 0; row < answers.size(); ++row)
    for (size_t index = 0; index < answers[row].size(); ++index) {
      const json::value& point = answers[row][index];
      if (!point.is_object() || !point.as_object().contains("id")) continue;
      auto& versions = seen[json::serialize(point.as_object().at("id"))];
      auto [entry, added] = versions.try_emplace(content_key(point), Seen{0, row, index});
      ++entry->second.count;
    }
  std::vector<std::vector<bool>> kept(answers.size());
  for (size_t row = 0; row < answers.size(); ++row) kept[row].assign(answers[row].size(), false);
  for (const auto& [id, versions] : seen)
    for (const auto& [content, where] : versions)
      if (where.count >= needed) {
        kept[where.row][where.index] = true;
        break;
      }
  std::vector<json::array> resolved(answers.size());
  for (size_t row = 0; row < answers.size(); ++row)
    for (size_t index = 0; index < answers[row].size(); ++index)
      if (kept[row][index]) resolved[row].push_back(answers[row][index]);
  return resolved;
}

uint64_t resolve_count(std::vector<uint64_t> counts, ResolveCondition condition) {
  if (counts.empty()) return 0;
  if (condition == ResolveCondition::kAll) return *std::min_element(counts.begin(), counts.end());
  std::sort(counts.begin(), counts.end());
  return counts[counts.size() / 2];
}

}  // namespace sextant::server
