// The rule checks Qdrant runs on a parsed filter (its `validate` pass), with its field paths:
// "filter.must[0].__all__: At least one field condition must be specified",
// "filter.min_should.min_count: min_count must be greater than 0", and the slice bound.
#include "api/parse/filter_parser_internal.hpp"

namespace sextant::api::filter_parsing {
namespace {

using namespace index::filter;

bool has_any_check(const FieldCondition& c) {
  return c.match || c.range || c.geo_bounding_box || c.geo_radius || c.geo_polygon ||
         c.values_count || c.is_empty || c.is_null;
}

void validate_condition(const Condition& condition, const std::string& path,
                        std::vector<std::string>& violations) {
  if (const auto* field = std::get_if<FieldCondition>(&condition)) {
    if (!has_any_check(*field)) {
      violations.push_back(path + ".__all__: At least one field condition must be specified");
    }
  } else if (const auto* slice = std::get_if<SliceCondition>(&condition)) {
    if (slice->index >= slice->total) {
      violations.push_back(path +
                           ".__all__: Validation error: Slice index must be less than the total "
                           "number of slices [{}]");
    }
  } else if (const auto* nested = std::get_if<NestedCondition>(&condition)) {
    validate_filter(*nested->filter, path + ".nested.filter", violations);
  } else if (const auto* inner = std::get_if<FilterCondition>(&condition)) {
    validate_filter(*inner->filter, path, violations);
  }
}

void validate_clause(const std::optional<std::vector<Condition>>& clause, const std::string& path,
                     std::vector<std::string>& violations) {
  if (!clause) return;
  for (size_t i = 0; i < clause->size(); ++i) {
    validate_condition((*clause)[i], path + "[" + std::to_string(i) + "]", violations);
  }
}

}  // namespace

void validate_filter(const Filter& filter, const std::string& path,
                     std::vector<std::string>& violations) {
  validate_clause(filter.should, path + ".should", violations);
  if (filter.min_should) {
    validate_clause(filter.min_should->conditions, path + ".min_should.conditions", violations);
    if (filter.min_should->min_count == 0) {
      violations.push_back(path + ".min_should.min_count: min_count must be greater than 0");
    }
  }
  validate_clause(filter.must, path + ".must", violations);
  validate_clause(filter.must_not, path + ".must_not", violations);
}

}  // namespace sextant::api::filter_parsing
