// Field conditions: match (value / text / text_any / phrase / prefix / any / except), range
// (numbers, or datetimes when any bound is a string), geo_bounding_box, geo_radius, geo_polygon,
// values_count, is_empty, is_null. Errors are reported in serde's words, as Qdrant does for
// conditions that carry a "key".
#include <charconv>
#include <cmath>
#include <limits>

#include "api/parse/filter_parser_internal.hpp"
#include "index/filter/datetime.hpp"

namespace sextant::api::filter_parsing {

namespace json = boost::json;
using namespace index::filter;

// Shortest round-trip text of a double, as Rust prints it (serde's float descriptions keep a
// trailing ".0" for whole numbers).
std::string format_f64(double x, bool keep_point_zero) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), x);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  if (keep_point_zero && text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// serde's description of an unexpected value.
std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return v.get_bool() ? "boolean `true`" : "boolean `false`";
    case json::kind::int64:
      return concat({"integer `", std::to_string(v.get_int64()), "`"});
    case json::kind::uint64:
      return concat({"integer `", std::to_string(v.get_uint64()), "`"});
    case json::kind::double_:
      return concat({"floating point `", format_f64(v.get_double(), true), "`"});
    case json::kind::string:
      return concat({"string ", json::serialize(v)});
    case json::kind::array:
      return "sequence";
    case json::kind::object:
      return "map";
  }
  return "value";
}

std::string invalid_type(const json::value& v, const std::string& expected) {
  return concat({"invalid type: ", describe(v), ", expected ", expected});
}

bool parse_path(const json::value& v, JsonPath& out, Parse& p) {
  if (!v.is_string()) return p.fail(invalid_type(v, "a string"));
  auto path = JsonPath::parse(v.get_string());
  if (!path) return p.fail(concat({"Invalid json path: '", v.get_string(), "'"}));
  out = std::move(*path);
  return true;
}

bool parse_f64(const json::value& v, double& out, Parse& p) {
  if (!v.is_number()) return p.fail(invalid_type(v, "f64"));
  out = v.to_number<double>();
  return true;
}

bool parse_usize(const json::value& v, uint64_t& out, Parse& p) {
  if (v.is_uint64()) {
    out = v.get_uint64();
    return true;
  }
  if (v.is_int64() && v.get_int64() >= 0) {
    out = static_cast<uint64_t>(v.get_int64());
    return true;
  }
  if (v.is_int64()) {
    return p.fail(
        concat({"invalid value: integer `", std::to_string(v.get_int64()), "`, expected usize"}));
  }
  return p.fail(invalid_type(v, "usize"));
}

std::optional<int64_t> as_i64(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

// Calls f(name, value) for each of the four bounds present and not null.
template <typename F>
bool for_each_bound(const json::object& o, F&& f) {
  for (const char* name : {"lt", "gt", "gte", "lte"}) {
    const json::value* v = o.if_contains(name);
    if (v != nullptr && !v->is_null() && !f(std::string_view(name), *v)) return false;
  }
  return true;
}

template <typename T>
void set_bound(RangeBounds<T>& bounds, std::string_view name, T value) {
  if (name == "lt") bounds.lt = value;
  if (name == "gt") bounds.gt = value;
  if (name == "gte") bounds.gte = value;
  if (name == "lte") bounds.lte = value;
}

bool parse_range(const json::value& v, RangeCondition& out, Parse& p) {
  if (!v.is_object()) {
    return p.fail("data did not match any variant of untagged enum RangeInterface");
  }
  const json::object& o = v.get_object();
  bool any_string = false;
  for_each_bound(o, [&](std::string_view, const json::value& b) {
    any_string = any_string || b.is_string();
    return true;
  });
  out.is_datetime = any_string;
  if (any_string) {
    return for_each_bound(o, [&](std::string_view name, const json::value& b) {
      if (!b.is_string()) return p.fail(invalid_type(b, "a string"));
      auto micros = parse_datetime_micros(b.get_string());
      if (!micros) {
        return p.fail(concat({"'", b.get_string(),
                              "' does not match accepted datetime format (RFC3339). Example: "
                              "2014-01-01T00:00:00Z"}));
      }
      set_bound(out.datetime_micros, name, *micros);
      return true;
    });
  }
  return for_each_bound(o, [&](std::string_view name, const json::value& b) {
    if (!b.is_number()) {
      return p.fail("data did not match any variant of untagged enum RangeInterfaceUntagged");
    }
    set_bound(out.numbers, name, b.to_number<double>());
    return true;
  });
}

bool parse_values_count(const json::value& v, ValuesCount& out, Parse& p) {
  if (!v.is_object()) return p.fail(invalid_type(v, "struct ValuesCount"));
  return for_each_bound(v.get_object(), [&](std::string_view name, const json::value& b) {
    uint64_t n = 0;
    if (!parse_usize(b, n, p)) return false;
    set_bound(out, name, n);
    return true;
  });
}

// The match set: all strings or all integers; an empty list is a string list.
bool parse_match_set(const json::value& v, MatchSet& out) {
  if (!v.is_array()) return false;
  const json::array& a = v.get_array();
  if (a.empty() || a.front().is_string()) {
    std::vector<std::string> strings;
    for (const json::value& e : a) {
      if (!e.is_string()) return false;
      strings.emplace_back(e.get_string());
    }
    out = make_string_set(std::move(strings));
    return true;
  }
  std::vector<int64_t> integers;
  for (const json::value& e : a) {
    auto n = as_i64(e);
    if (!n) return false;
    integers.push_back(*n);
  }
  out = make_integer_set(std::move(integers));
  return true;
}

// MatchInterface is untagged: the first variant whose field is present and well-typed wins.
bool parse_match(const json::value& v, Match& out, Parse& p) {
  const std::string no_variant = "data did not match any variant of untagged enum MatchInterface";
  if (!v.is_object()) return p.fail(no_variant);
  const json::object& o = v.get_object();
  if (const json::value* value = o.if_contains("value")) {
    out.kind = Match::Kind::kValue;
    if (value->is_string()) {
      out.value = std::string(value->get_string());
      return true;
    }
    if (auto n = as_i64(*value)) {
      out.value = *n;
      return true;
    }
    if (value->is_bool()) {
      out.value = value->get_bool();
      return true;
    }
  }
  static constexpr std::pair<const char*, Match::Kind> kTextual[] = {
      {"text", Match::Kind::kText},
      {"text_any", Match::Kind::kTextAny},
      {"phrase", Match::Kind::kPhrase},
      {"prefix", Match::Kind::kPrefix}};
  for (const auto& [name, kind] : kTextual) {
    const json::value* text = o.if_contains(name);
    if (text != nullptr && text->is_string()) {
      out.kind = kind;
      out.text = std::string(text->get_string());
      return true;
    }
  }
  if (const json::value* any = o.if_contains("any"); any && parse_match_set(*any, out.set)) {
    out.kind = Match::Kind::kAny;
    return true;
  }
  if (const json::value* except = o.if_contains("except");
      except && parse_match_set(*except, out.set)) {
    out.kind = Match::Kind::kExcept;
    return true;
  }
  return p.fail(no_variant);
}

bool parse_geo_point(const json::value& v, GeoPoint& out, Parse& p) {
  if (!v.is_object()) return p.fail(invalid_type(v, "struct GeoPointShadow"));
  const json::object& o = v.get_object();
  const json::value* lon = o.if_contains("lon");
  const json::value* lat = o.if_contains("lat");
  if (lon == nullptr) return p.fail("missing field `lon`");
  if (lat == nullptr) return p.fail("missing field `lat`");
  if (!parse_f64(*lon, out.lon, p) || !parse_f64(*lat, out.lat, p)) return false;
  if (out.lon < -180 || out.lon > 180 || out.lat < -90 || out.lat > 90) {
    return p.fail(concat(
        {"Wrong format of GeoPoint payload: expected `lat` = ", format_f64(out.lat, false),
         " within [-90;90] and `lon` = ", format_f64(out.lon, false), " within [-180;180]"}));
  }
  return true;
}

bool require(const json::object& o, const char* name, const json::value*& out, Parse& p) {
  out = o.if_contains(name);
  if (out == nullptr) return p.fail(concat({"missing field `", name, "`"}));
  return true;
}

bool parse_line(const json::value& v, std::vector<GeoPoint>& out, Parse& p) {
  if (!v.is_object()) return p.fail(invalid_type(v, "struct GeoLineString"));
  const json::value* points = nullptr;
  if (!require(v.get_object(), "points", points, p)) return false;
  if (!points->is_array()) return p.fail(invalid_type(*points, "a sequence"));
  for (const json::value& point : points->get_array()) {
    GeoPoint g;
    if (!parse_geo_point(point, g, p)) return false;
    out.push_back(g);
  }
  if (out.size() <= 3) {
    return p.fail(
        concat({"polygon invalid, the size must be at least 4, got ", std::to_string(out.size())}));
  }
  const double eps = std::numeric_limits<double>::epsilon();
  if (std::abs(out.front().lat - out.back().lat) > eps ||
      std::abs(out.front().lon - out.back().lon) > eps) {
    return p.fail(
        "polygon invalid, the first and the last points should be the same to form a closed "
        "line");
  }
  return true;
}

bool parse_geo_polygon(const json::value& v, GeoPolygon& out, Parse& p) {
  if (!v.is_object()) return p.fail(invalid_type(v, "struct GeoPolygonShadow"));
  const json::object& o = v.get_object();
  const json::value* exterior = nullptr;
  if (!require(o, "exterior", exterior, p) || !parse_line(*exterior, out.exterior, p)) {
    return false;
  }
  const json::value* interiors = o.if_contains("interiors");
  if (interiors == nullptr || interiors->is_null()) return true;
  if (!interiors->is_array()) return p.fail(invalid_type(*interiors, "a sequence"));
  for (const json::value& ring : interiors->get_array()) {
    out.interiors.emplace_back();
    if (!parse_line(ring, out.interiors.back(), p)) return false;
  }
  return true;
}

bool parse_bool_field(const json::value& v, std::optional<bool>& out, Parse& p) {
  if (v.is_null()) return true;
  if (!v.is_bool()) return p.fail(invalid_type(v, "a boolean"));
  out = v.get_bool();
  return true;
}

bool parse_field_condition(const json::object& o, FieldCondition& out, Parse& p) {
  if (!parse_path(o.at("key"), out.key, p)) return false;
  auto present = [&](const char* name) -> const json::value* {
    const json::value* v = o.if_contains(name);
    return v != nullptr && !v->is_null() ? v : nullptr;
  };
  if (auto v = present("match")) {
    if (!parse_match(*v, out.match.emplace(), p)) return false;
  }
  if (auto v = present("range")) {
    if (!parse_range(*v, out.range.emplace(), p)) return false;
  }
  if (auto v = present("geo_bounding_box")) {
    if (!v->is_object()) return p.fail(invalid_type(*v, "struct GeoBoundingBox"));
    const json::value *top_left = nullptr, *bottom_right = nullptr;
    auto& box = out.geo_bounding_box.emplace();
    if (!require(v->get_object(), "top_left", top_left, p) ||
        !require(v->get_object(), "bottom_right", bottom_right, p) ||
        !parse_geo_point(*top_left, box.top_left, p) ||
        !parse_geo_point(*bottom_right, box.bottom_right, p))
      return false;
  }
  if (auto v = present("geo_radius")) {
    if (!v->is_object()) return p.fail(invalid_type(*v, "struct GeoRadius"));
    const json::value *center = nullptr, *radius = nullptr;
    auto& circle = out.geo_radius.emplace();
    if (!require(v->get_object(), "center", center, p) ||
        !require(v->get_object(), "radius", radius, p) ||
        !parse_geo_point(*center, circle.center, p) || !parse_f64(*radius, circle.radius_meters, p))
      return false;
  }
  if (auto v = present("geo_polygon")) {
    if (!parse_geo_polygon(*v, out.geo_polygon.emplace(), p)) return false;
  }
  if (auto v = present("values_count")) {
    if (!parse_values_count(*v, out.values_count.emplace(), p)) return false;
  }
  if (auto v = o.if_contains("is_empty"); v && !parse_bool_field(*v, out.is_empty, p)) {
    return false;
  }
  if (auto v = o.if_contains("is_null"); v && !parse_bool_field(*v, out.is_null, p)) {
    return false;
  }
  return true;
}

}  // namespace sextant::api::filter_parsing
