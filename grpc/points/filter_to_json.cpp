// Filters: protobuf Filter/Condition -> REST filter JSON.
#include "grpc/points/filter_to_json.hpp"

#include <google/protobuf/util/time_util.h>

#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/value_json.hpp"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

json::array conditions_to_json(
    const google::protobuf::RepeatedPtrField<qdrant::Condition>& conditions) {
  json::array items;
  for (const auto& condition : conditions)
    if (condition.condition_one_of_case() != qdrant::Condition::CONDITION_ONE_OF_NOT_SET)
      items.push_back(condition_to_json(condition));
  return items;
}

json::object match_to_json(const qdrant::Match& match) {
  auto strings = [](const qdrant::RepeatedStrings& list) {
    json::array items;
    for (const auto& s : list.strings()) items.push_back(json::string(s));
    return items;
  };
  auto integers = [](const qdrant::RepeatedIntegers& list) {
    json::array items;
    for (auto i : list.integers()) items.push_back(i);
    return items;
  };
  switch (match.match_value_case()) {
    case qdrant::Match::kKeyword:
      return {{"value", match.keyword()}};
    case qdrant::Match::kInteger:
      return {{"value", match.integer()}};
    case qdrant::Match::kBoolean:
      return {{"value", match.boolean()}};
    case qdrant::Match::kText:
      return {{"text", match.text()}};
    case qdrant::Match::kKeywords:
      return {{"any", strings(match.keywords())}};
    case qdrant::Match::kIntegers:
      return {{"any", integers(match.integers())}};
    case qdrant::Match::kExceptIntegers:
      return {{"except", integers(match.except_integers())}};
    case qdrant::Match::kExceptKeywords:
      return {{"except", strings(match.except_keywords())}};
    case qdrant::Match::kPhrase:
      return {{"phrase", match.phrase()}};
    case qdrant::Match::kTextAny:
      return {{"text_any", match.text_any()}};
    case qdrant::Match::kPrefix:
      return {{"prefix", match.prefix()}};
    case qdrant::Match::MATCH_VALUE_NOT_SET:
      break;
  }
  throw InvalidProto("Malformed Match condition");
}

json::object range_to_json(const qdrant::Range& range) {
  json::object object;
  if (range.has_lt()) object["lt"] = range.lt();
  if (range.has_gt()) object["gt"] = range.gt();
  if (range.has_gte()) object["gte"] = range.gte();
  if (range.has_lte()) object["lte"] = range.lte();
  return object;
}

json::object datetime_range_to_json(const qdrant::DatetimeRange& range) {
  using google::protobuf::util::TimeUtil;
  json::object object;
  if (range.has_lt()) object["lt"] = TimeUtil::ToString(range.lt());
  if (range.has_gt()) object["gt"] = TimeUtil::ToString(range.gt());
  if (range.has_gte()) object["gte"] = TimeUtil::ToString(range.gte());
  if (range.has_lte()) object["lte"] = TimeUtil::ToString(range.lte());
  return object;
}

json::object values_count_to_json(const qdrant::ValuesCount& count) {
  json::object object;
  if (count.has_lt()) object["lt"] = count.lt();
  if (count.has_gt()) object["gt"] = count.gt();
  if (count.has_gte()) object["gte"] = count.gte();
  if (count.has_lte()) object["lte"] = count.lte();
  return object;
}

json::object line_string_to_json(const qdrant::GeoLineString& line) {
  json::array points;
  for (const auto& point : line.points()) points.push_back(geo_point_to_json(point));
  return {{"points", std::move(points)}};
}

json::object field_condition_to_json(const qdrant::FieldCondition& field) {
  json::object object{{"key", field.key()}};
  if (field.has_match()) object["match"] = match_to_json(field.match());
  if (field.has_range()) object["range"] = range_to_json(field.range());
  if (field.has_datetime_range()) object["range"] = datetime_range_to_json(field.datetime_range());
  if (field.has_geo_bounding_box()) {
    const auto& box = field.geo_bounding_box();
    if (!box.has_top_left() || !box.has_bottom_right())
      throw InvalidProto("Malformed GeoBoundingBox type");
    object["geo_bounding_box"] =
        json::object{{"top_left", geo_point_to_json(box.top_left())},
                     {"bottom_right", geo_point_to_json(box.bottom_right())}};
  }
  if (field.has_geo_radius()) {
    const auto& radius = field.geo_radius();
    if (!radius.has_center()) throw InvalidProto("Malformed GeoRadius type");
    object["geo_radius"] = json::object{{"center", geo_point_to_json(radius.center())},
                                        {"radius", static_cast<double>(radius.radius())}};
  }
  if (field.has_geo_polygon()) {
    const auto& polygon = field.geo_polygon();
    if (!polygon.has_exterior())
      throw InvalidProto("Malformed GeoPolygon type - field `exterior` is required");
    json::object geo{{"exterior", line_string_to_json(polygon.exterior())}};
    if (polygon.interiors_size() > 0) {
      json::array interiors;
      for (const auto& interior : polygon.interiors())
        interiors.push_back(line_string_to_json(interior));
      geo["interiors"] = std::move(interiors);
    }
    object["geo_polygon"] = std::move(geo);
  }
  if (field.has_values_count()) object["values_count"] = values_count_to_json(field.values_count());
  if (field.has_is_empty()) object["is_empty"] = field.is_empty();
  if (field.has_is_null()) object["is_null"] = field.is_null();
  return object;
}

}  // namespace

json::object geo_point_to_json(const qdrant::GeoPoint& point) {
  return {{"lon", point.lon()}, {"lat", point.lat()}};
}

json::object filter_to_json(const qdrant::Filter& filter) {
  json::object object;
  if (filter.must_size() > 0) object["must"] = conditions_to_json(filter.must());
  if (filter.should_size() > 0) object["should"] = conditions_to_json(filter.should());
  if (filter.must_not_size() > 0) object["must_not"] = conditions_to_json(filter.must_not());
  if (filter.has_min_should())
    object["min_should"] =
        json::object{{"conditions", conditions_to_json(filter.min_should().conditions())},
                     {"min_count", filter.min_should().min_count()}};
  return object;
}

json::object condition_to_json(const qdrant::Condition& condition) {
  switch (condition.condition_one_of_case()) {
    case qdrant::Condition::kField:
      return field_condition_to_json(condition.field());
    case qdrant::Condition::kIsEmpty:
      return {{"is_empty", json::object{{"key", condition.is_empty().key()}}}};
    case qdrant::Condition::kIsNull:
      return {{"is_null", json::object{{"key", condition.is_null().key()}}}};
    case qdrant::Condition::kHasId: {
      json::array ids;
      for (const auto& id : condition.has_id().has_id()) ids.push_back(point_id_to_json(id));
      return {{"has_id", std::move(ids)}};
    }
    case qdrant::Condition::kFilter:
      return filter_to_json(condition.filter());
    case qdrant::Condition::kNested:
      if (!condition.nested().has_filter())
        throw InvalidProto("Nested condition must have a filter");
      return {{"nested", json::object{{"key", condition.nested().key()},
                                      {"filter", filter_to_json(condition.nested().filter())}}}};
    case qdrant::Condition::kHasVector:
      return {{"has_vector", condition.has_vector().has_vector()}};
    case qdrant::Condition::kSlice:
      return {{"slice", json::object{{"total", condition.slice().total()},
                                     {"index", condition.slice().index()}}}};
    case qdrant::Condition::CONDITION_ONE_OF_NOT_SET:
      break;
  }
  throw InvalidProto("Malformed Condition type");
}

}  // namespace sextant::grpc_wire::points
