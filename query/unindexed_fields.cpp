// The unindexed-field analysis of filters.
#include "query/unindexed_fields.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "index/payload_index/field_schema.hpp"

namespace sextant::query {
namespace {

using namespace index::filter;

using Capability = IndexCapability;

constexpr std::array kAllCapabilities = {
    Capability::kIntMatch,      Capability::kIntRange,      Capability::kKeywordMatch,
    Capability::kKeywordPrefix, Capability::kFloatRange,    Capability::kText,
    Capability::kTextPhrase,    Capability::kBoolMatch,     Capability::kUuidMatch,
    Capability::kUuidRange,     Capability::kDatetimeRange, Capability::kGeo,
};

boost::json::value schema_for(Capability capability) {
  switch (capability) {
    case Capability::kIntMatch:
    case Capability::kIntRange:
      return "integer";
    case Capability::kKeywordMatch:
      return "keyword";
    case Capability::kKeywordPrefix:
      return boost::json::object{{"type", "keyword"}, {"prefix", true}};
    case Capability::kFloatRange:
      return "float";
    case Capability::kText:
      return "text";
    case Capability::kTextPhrase:
      return boost::json::object{{"type", "text"}, {"phrase_matching", true}};
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

bool is_uuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::vector<Capability> for_set(const MatchSet& set) {
  if (set.size() == 0) return {};
  if (set.is_integers) return {Capability::kIntMatch};
  std::vector<Capability> needed;
  if (std::all_of(set.strings.begin(), set.strings.end(), is_uuid)) {
    needed.push_back(Capability::kUuidMatch);
  }
  needed.push_back(Capability::kKeywordMatch);
  return needed;
}

std::vector<Capability> for_match(const Match& match) {
  switch (match.kind) {
    case Match::Kind::kValue:
      if (const auto* text = std::get_if<std::string>(&match.value)) {
        if (is_uuid(*text)) return {Capability::kUuidMatch, Capability::kKeywordMatch};
        return {Capability::kKeywordMatch};
      }
      if (std::holds_alternative<int64_t>(match.value)) return {Capability::kIntMatch};
      return {Capability::kBoolMatch};
    case Match::Kind::kText:
    case Match::Kind::kTextAny:
      return {Capability::kText};
    case Match::Kind::kPhrase:
      return {Capability::kTextPhrase};
    case Match::Kind::kPrefix:
      return {Capability::kKeywordPrefix};
    case Match::Kind::kAny:
    case Match::Kind::kExcept:
      return for_set(match.set);
  }
  return {};
}

std::vector<Capability> for_field(const FieldCondition& field) {
  std::vector<Capability> needed;
  if (field.match) needed = for_match(*field.match);
  if (field.range) {
    if (field.range->is_datetime) {
      needed.push_back(Capability::kDatetimeRange);
    } else {
      needed.push_back(Capability::kFloatRange);
      needed.push_back(Capability::kIntRange);
    }
  }
  if (field.geo_bounding_box || field.geo_radius || field.geo_polygon) {
    needed.push_back(Capability::kGeo);
  }
  if (field.values_count || field.is_empty || field.is_null) {
    needed.insert(needed.end(), kAllCapabilities.begin(), kAllCapabilities.end());
  }
  return needed;
}

// What an existing index of `schema` serves (Qdrant's schema_capabilities).
std::set<Capability> capabilities_of(const boost::json::value& schema) {
  std::set<Capability> served;
  auto parsed = index::payload_index::parse_field_schema(schema);
  if (!parsed.ok()) return served;
  using index::payload_index::FieldType;
  switch (parsed->type) {
    case FieldType::kKeyword:
      served.insert(Capability::kKeywordMatch);
      if (const auto* options = schema.if_object()) {
        const boost::json::value* prefix = options->if_contains("prefix");
        if (prefix && prefix->is_bool() && prefix->get_bool())
          served.insert(Capability::kKeywordPrefix);
      }
      break;
    case FieldType::kInteger:
      if (parsed->integer_lookup) served.insert(Capability::kIntMatch);
      if (parsed->integer_range) served.insert(Capability::kIntRange);
      break;
    case FieldType::kUuid:
      served.insert({Capability::kUuidMatch, Capability::kUuidRange});
      break;
    case FieldType::kBool:
      served.insert(Capability::kBoolMatch);
      break;
    case FieldType::kFloat:
      served.insert(Capability::kFloatRange);
      break;
    case FieldType::kGeo:
      served.insert(Capability::kGeo);
      break;
    case FieldType::kText:
      served.insert(Capability::kText);
      if (parsed->text.phrase_matching) served.insert(Capability::kTextPhrase);
      break;
    case FieldType::kDatetime:
      served.insert(Capability::kDatetimeRange);
      break;
  }
  return served;
}

class Collector {
 public:
  explicit Collector(const boost::json::object& payload_schema) : schema_(payload_schema) {}

  // Every condition of `filter` in Qdrant's order (iter_conditions). With `stop_at_first`,
  // the walk ends after the first condition that reported a field.
  void visit(const Filter& filter, const std::string& prefix, bool stop_at_first = false) {
    for (const auto* clause : {&filter.must, &filter.must_not, &filter.should}) {
      if (!*clause) continue;
      for (const auto& condition : **clause) {
        visit(condition, prefix);
        if (stop_at_first && !fields_.empty()) return;
      }
    }
    if (filter.min_should) {
      for (const auto& condition : filter.min_should->conditions) {
        visit(condition, prefix);
        if (stop_at_first && !fields_.empty()) return;
      }
    }
  }

  std::vector<UnindexedField> take() { return std::move(fields_); }

 private:
  void visit(const Condition& condition, const std::string& prefix) {
    if (const auto* field = std::get_if<FieldCondition>(&condition)) {
      report(prefix + field->key.to_string(), for_field(*field));
    } else if (const auto* empty = std::get_if<IsEmptyCondition>(&condition)) {
      report(prefix + empty->key.to_string(),
             std::vector<Capability>(kAllCapabilities.begin(), kAllCapabilities.end()));
    } else if (const auto* null = std::get_if<IsNullCondition>(&condition)) {
      report(prefix + null->key.to_string(),
             std::vector<Capability>(kAllCapabilities.begin(), kAllCapabilities.end()));
    } else if (const auto* nested = std::get_if<NestedCondition>(&condition)) {
      if (nested->filter) visit(*nested->filter, prefix + nested->array_key.to_string() + ".");
    } else if (const auto* inner = std::get_if<FilterCondition>(&condition)) {
      if (inner->filter) visit(*inner->filter, prefix);
    }
  }

  void report(const std::string& key, std::vector<Capability> needed) {
    if (needed.empty()) return;
    if (const boost::json::value* existing = schema_.if_contains(key)) {
      const std::set<Capability> served = capabilities_of(*existing);
      for (Capability capability : needed) {
        if (served.count(capability)) return;
      }
    }
    auto entry = std::find_if(fields_.begin(), fields_.end(),
                              [&](const UnindexedField& field) { return field.key == key; });
    if (entry == fields_.end()) {
      fields_.push_back({key, {}, {}});
      entry = std::prev(fields_.end());
    }
    std::sort(needed.begin(), needed.end());
    for (Capability capability : needed) {
      if (std::find(entry->capabilities.begin(), entry->capabilities.end(), capability) ==
          entry->capabilities.end()) {
        entry->capabilities.push_back(capability);
      }
      boost::json::value schema = schema_for(capability);
      if (std::find(entry->schemas.begin(), entry->schemas.end(), schema) == entry->schemas.end()) {
        entry->schemas.push_back(std::move(schema));
      }
    }
  }

  const boost::json::object& schema_;
  std::vector<UnindexedField> fields_;
};

}  // namespace

std::vector<UnindexedField> unindexed_fields(const Filter& filter,
                                             const boost::json::object& payload_schema) {
  Collector collector(payload_schema);
  collector.visit(filter, "");
  return collector.take();
}

std::optional<UnindexedField> first_unindexed_field(const Filter& filter,
                                                    const boost::json::object& payload_schema) {
  Collector collector(payload_schema);
  collector.visit(filter, "", true);
  auto fields = collector.take();
  if (fields.empty()) return std::nullopt;
  return std::move(fields.front());
}

}  // namespace sextant::query
