#include "api/strict_mode/filter_limits.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "index/payload_index/field_schema.hpp"

namespace sextant::api::strict_mode {
namespace json = boost::json;
namespace filter = index::filter;

namespace {

// What an index can answer (Qdrant's FieldIndexType).
enum class Capability {
  kIntMatch,
  kIntRange,
  kKeywordMatch,
  kKeywordPrefix,
  kFloatRange,
  kText,
  kTextPhrase,
  kBoolMatch,
  kUuidMatch,
  kUuidRange,
  kDatetimeRange,
  kGeo,
};

const Capability kAllCapabilities[] = {
    Capability::kIntMatch,      Capability::kIntRange,      Capability::kKeywordMatch,
    Capability::kKeywordPrefix, Capability::kFloatRange,    Capability::kText,
    Capability::kTextPhrase,    Capability::kBoolMatch,     Capability::kUuidMatch,
    Capability::kUuidRange,     Capability::kDatetimeRange, Capability::kGeo};

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

bool looks_like_uuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::vector<Capability> required_for_set(const filter::MatchSet& set) {
  if (set.size() == 0) return {};  // a no-op condition needs no index
  if (set.is_integers) return {Capability::kIntMatch};
  std::vector<Capability> required;
  if (std::all_of(set.strings.begin(), set.strings.end(), looks_like_uuid))
    required.push_back(Capability::kUuidMatch);
  required.push_back(Capability::kKeywordMatch);
  return required;
}

std::vector<Capability> required_for_match(const filter::Match& match) {
  switch (match.kind) {
    case filter::Match::Kind::kValue:
      if (const auto* text = std::get_if<std::string>(&match.value)) {
        if (looks_like_uuid(*text)) return {Capability::kUuidMatch, Capability::kKeywordMatch};
        return {Capability::kKeywordMatch};
      }
      if (std::holds_alternative<int64_t>(match.value)) return {Capability::kIntMatch};
      return {Capability::kBoolMatch};
    case filter::Match::Kind::kText:
    case filter::Match::Kind::kTextAny:
      return {Capability::kText};
    case filter::Match::Kind::kPhrase:
      return {Capability::kTextPhrase};
    case filter::Match::Kind::kPrefix:
      return {Capability::kKeywordPrefix};
    case filter::Match::Kind::kAny:
    case filter::Match::Kind::kExcept:
      return required_for_set(match.set);
  }
  return {};
}

std::vector<Capability> required_for_field(const filter::FieldCondition& field) {
  std::vector<Capability> required;
  if (field.match) {
    auto more = required_for_match(*field.match);
    required.insert(required.end(), more.begin(), more.end());
  }
  if (field.range) {
    if (field.range->is_datetime) {
      required.push_back(Capability::kDatetimeRange);
    } else {
      required.push_back(Capability::kFloatRange);
      required.push_back(Capability::kIntRange);
    }
  }
  if (field.geo_bounding_box || field.geo_radius || field.geo_polygon)
    required.push_back(Capability::kGeo);
  if (field.values_count || field.is_empty || field.is_null)
    required.insert(required.end(), std::begin(kAllCapabilities), std::end(kAllCapabilities));
  return required;
}

bool flag(const json::object& schema, const char* name) {
  const json::value* value = schema.if_contains(name);
  return value && value->is_bool() && value->get_bool();
}

std::set<Capability> capabilities(const json::value& schema_json) {
  std::set<Capability> found;
  auto parsed = index::payload_index::parse_field_schema(schema_json);
  if (!parsed.ok()) return found;
  const json::object empty;
  const json::object& options = schema_json.is_object() ? schema_json.get_object() : empty;
  using index::payload_index::FieldType;
  switch (parsed->type) {
    case FieldType::kKeyword:
      found.insert(Capability::kKeywordMatch);
      if (flag(options, "prefix")) found.insert(Capability::kKeywordPrefix);
      break;
    case FieldType::kInteger:
      if (parsed->integer_lookup) found.insert(Capability::kIntMatch);
      if (parsed->integer_range) found.insert(Capability::kIntRange);
      break;
    case FieldType::kUuid:
      found.insert(Capability::kUuidMatch);
      found.insert(Capability::kUuidRange);
      break;
    case FieldType::kBool:
      found.insert(Capability::kBoolMatch);
      break;
    case FieldType::kFloat:
      found.insert(Capability::kFloatRange);
      break;
    case FieldType::kGeo:
      found.insert(Capability::kGeo);
      break;
    case FieldType::kText:
      found.insert(Capability::kText);
      if (parsed->text.phrase_matching) found.insert(Capability::kTextPhrase);
      break;
    case FieldType::kDatetime:
      found.insert(Capability::kDatetimeRange);
      break;
  }
  return found;
}

struct UnindexedKey {
  std::string key;
  std::vector<Capability> wanted;
};

// Finds the first key of `conditions` (under the nested `prefix`) with no index able to answer.
class UnindexedFinder {
 public:
  explicit UnindexedFinder(const json::object& schemas) : schemas_(schemas) {}

  std::optional<UnindexedKey> first(const filter::Filter& filter, const std::string& prefix) {
    for (const auto* clause : clauses(filter))
      for (const filter::Condition& condition : *clause)
        if (auto found = in_condition(condition, prefix)) return found;
    return std::nullopt;
  }

 private:
  static std::vector<const std::vector<filter::Condition>*> clauses(const filter::Filter& f) {
    std::vector<const std::vector<filter::Condition>*> out;
    if (f.must) out.push_back(&*f.must);  // Qdrant's order of iter_conditions
    if (f.must_not) out.push_back(&*f.must_not);
    if (f.should) out.push_back(&*f.should);
    if (f.min_should) out.push_back(&f.min_should->conditions);
    return out;
  }

  static std::string joined(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }

  std::optional<UnindexedKey> in_condition(const filter::Condition& condition,
                                           const std::string& prefix) {
    std::string key;
    std::vector<Capability> wanted;
    if (const auto* field = std::get_if<filter::FieldCondition>(&condition)) {
      key = field->key.to_string();
      wanted = required_for_field(*field);
    } else if (const auto* empty = std::get_if<filter::IsEmptyCondition>(&condition)) {
      key = empty->key.to_string();
      wanted.assign(std::begin(kAllCapabilities), std::end(kAllCapabilities));
    } else if (const auto* null = std::get_if<filter::IsNullCondition>(&condition)) {
      key = null->key.to_string();
      wanted.assign(std::begin(kAllCapabilities), std::end(kAllCapabilities));
    } else if (const auto* nested = std::get_if<filter::NestedCondition>(&condition)) {
      return first(*nested->filter, joined(prefix, nested->array_key.to_string()));
    } else if (const auto* inner = std::get_if<filter::FilterCondition>(&condition)) {
      return first(*inner->filter, prefix);
    } else {
      return std::nullopt;  // has_id, has_vector, slice: no index needed
    }
    if (wanted.empty()) return std::nullopt;
    const std::string full_key = joined(prefix, key);
    if (const json::value* schema = schemas_.if_contains(full_key)) {
      const std::set<Capability> has = capabilities(*schema);
      for (Capability capability : wanted)
        if (has.count(capability)) return std::nullopt;
    }
    return UnindexedKey{full_key, std::move(wanted)};
  }

  const json::object& schemas_;
};

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
    if (auto unindexed = UnindexedFinder(index_schemas).first(*f, "")) {
      std::set<std::string> names;
      for (Capability capability : unindexed->wanted) names.insert(schema_name(capability));
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
