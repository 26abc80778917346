#include "api/strict_mode/filter_limits.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "query/unindexed_fields.hpp"

namespace sextant::api::strict_mode {
namespace json = boost::json;
namespace filter = index::filter;

namespace {

using Capability = query::IndexCapability;

// The schema Qdrant names in its message for an index able to answer `capability`.
std::string schema_name(Capability capability) {
  switch (capability) {
    case Capability::kIntMatch:
    case Capability::kIntRange:
      return "integer";
    case Capability::kKeywordMatch:
      return "keyword";
    case Capability::kKeywordPrefix:
      return "keyword (with prefix: true)";
    case Capability::kFloatRange:
      return "float";
    case Capability::kText:
      return "text";
    case Capability::kTextPhrase:
      return "text (with phrase_matching: true)";
    case Capability::kBoolMatch:
      return "bool";
    case Capability::kUuidMatch:
    case Capability::kUuidRange:
      return "uuid";
    case Capability::kDatetimeRange:
      return "datetime";
    case Capability::kGeo:
      return "geo";
  }
  return "keyword";
}

uint64_t sub_conditions_count(const filter::Condition& condition) {
  if (const auto* nested = std::get_if<filter::NestedCondition>(&condition))
    return total_conditions_count(*nested->filter);
  if (const auto* inner = std::get_if<filter::FilterCondition>(&condition))
    return total_conditions_count(*inner->filter);
  return 1;
}

uint64_t condition_input_size(const filter::Condition& condition) {
  if (const auto* field = std::get_if<filter::FieldCondition>(&condition)) {
    if (!field->match) return 0;
    const auto kind = field->match->kind;
    if (kind == filter::Match::Kind::kAny || kind == filter::Match::Kind::kExcept)
      return field->match->set.size();
    return 0;
  }
  if (const auto* has_id = std::get_if<filter::HasIdCondition>(&condition))
    return has_id->ids.size();
  if (const auto* nested = std::get_if<filter::NestedCondition>(&condition))
    return max_condition_input_size(*nested->filter);
  if (const auto* inner = std::get_if<filter::FilterCondition>(&condition))
    return max_condition_input_size(*inner->filter);
  return 0;
}

template <typename Visit>
void for_each_top_condition(const filter::Filter& f, Visit visit) {
  if (f.should)
    for (const auto& c : *f.should) visit(c);
  if (f.min_should)
    for (const auto& c : f.min_should->conditions) visit(c);
  if (f.must)
    for (const auto& c : *f.must) visit(c);
  if (f.must_not)
    for (const auto& c : *f.must_not) visit(c);
}

}  // namespace

Error strict_mode_error(const std::string& what, const std::string& solution) {
  return Error::bad_request(what + ". Help: " + solution);
}

uint64_t total_conditions_count(const filter::Filter& f) {
  uint64_t count = 0;
  for_each_top_condition(f, [&](const filter::Condition& c) { count += sub_conditions_count(c); });
  return count;
}

uint64_t max_condition_input_size(const filter::Filter& f) {
  uint64_t largest = 0;
  for_each_top_condition(
      f, [&](const filter::Condition& c) { largest = std::max(largest, condition_input_size(c)); });
  return largest;
}

Status check_filter(const filter::Filter* f, FilterUse use, const json::object& index_schemas,
                    const storage::StrictModeConfig& config) {
  if (!f) return {};
  const std::optional<bool> allow_unindexed = use == FilterUse::kRead
                                                  ? config.unindexed_filtering_retrieve
                                                  : config.unindexed_filtering_update;
  if (allow_unindexed == false) {
    if (auto unindexed = query::first_unindexed_field(*f, index_schemas)) {
      std::set<std::string> names;
      for (Capability capability : unindexed->capabilities) names.insert(schema_name(capability));
      std::string listed;
      for (const std::string& name : names) listed += (listed.empty() ? "" : ", ") + name;
      return strict_mode_error("Index required but not found for \"" + unindexed->key +
                                   "\" of one of the following types: [" + listed + "]",
                               "Create an index for this key or use a different filter.");
    }
  }
  if (config.filter_max_conditions) {
    const uint64_t count = total_conditions_count(*f);
    if (count > *config.filter_max_conditions)
      return strict_mode_error("Filter condition limit reached (" + std::to_string(count) + " > " +
                                   std::to_string(*config.filter_max_conditions) + ")",
                               "Reduce the amount of conditions of your filter.");
  }
  if (config.condition_max_size) {
    const uint64_t size = max_condition_input_size(*f);
    if (size > *config.condition_max_size)
      return strict_mode_error("Condition size limit reached (" + std::to_string(size) + " > " +
                                   std::to_string(*config.condition_max_size) + ")",
                               "Reduce the size of your condition.");
  }
  return {};
}

}  // namespace sextant::api::strict_mode
