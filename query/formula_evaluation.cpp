// Evaluation of a formula for one point. Values and errors follow Qdrant's formula scorer (see
// formula.hpp for the rules). Payload values (and their defaults) are user data, read as storage
// hands payloads out.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "index/filter/datetime.hpp"
#include "query/formula.hpp"

namespace sextant::query::formula {
namespace json = boost::json;  // payload values: user data, as storage hands them out

std::string rust_float_text(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[512];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (ec == std::errc()) return std::string(buffer, end);
  auto [shortest_end, shortest_ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return shortest_ec == std::errc() ? std::string(buffer, shortest_end) : std::string("NaN");
}

namespace {

constexpr double kMeanEarthRadiusMeters = 6371008.8;

// Great-circle distance in meters (haversine on the mean Earth radius).
double haversine_meters(double lat1, double lon1, double lat2, double lon2) {
  const double to_radians = M_PI / 180.0;
  const double phi1 = lat1 * to_radians, phi2 = lat2 * to_radians;
  const double delta_phi = (lat2 - lat1) * to_radians;
  const double delta_lambda = (lon2 - lon1) * to_radians;
  const double a = std::pow(std::sin(delta_phi / 2), 2) +
                   std::cos(phi1) * std::cos(phi2) * std::pow(std::sin(delta_lambda / 2), 2);
  return kMeanEarthRadiusMeters * 2.0 * std::asin(std::sqrt(a));
}

Error non_finite(const std::string& expression) {
  return Error::bad_input("The expression " + expression + " produced a non-finite number");
}

Result<double> finite_or_error(double value, const std::string& expression) {
  if (std::isfinite(value)) return value;
  return non_finite(expression);
}

struct GeoValue {
  double lat = 0, lon = 0;
};

class Evaluator {
 public:
  Evaluator(const Formula& formula, const PointInputs& point) : formula_(formula), point_(point) {}

  Result<double> eval(const Expression& e) {
    using Kind = Expression::Kind;
    switch (e.kind) {
      case Kind::kConstant:
        return e.constant;
      case Kind::kScore:
        return score(e.index);
      case Kind::kCondition:
        return point_.condition_holds(e.index) ? 1.0 : 0.0;
      case Kind::kPayload:
        return number(e.key);
      case Kind::kGeoDistance: {
        auto to = geo(e.key);
        if (!to.ok()) return to.error();
        return haversine_meters(e.origin_lat, e.origin_lon, to->lat, to->lon);
      }
      case Kind::kDatetime:
        return e.constant;
      case Kind::kDatetimeKey:
        return datetime_seconds(e.key);
      case Kind::kMult: {
        double product = 1.0;
        for (const auto& operand : e.operands) {
          auto v = eval(operand);
          if (!v.ok()) return v;
          if (*v == 0.0) return 0.0;
          product *= *v;
        }
        return product;
      }
      case Kind::kSum: {
        double sum = 0.0;
        for (const auto& operand : e.operands) {
          auto v = eval(operand);
          if (!v.ok()) return v;
          sum += *v;
        }
        return sum;
      }
      case Kind::kDiv: {
        auto left = eval(e.operands[0]);
        if (!left.ok() || *left == 0.0) return left;
        auto right = eval(e.operands[1]);
        if (!right.ok()) return right;
        if (*right == 0.0 && e.by_zero_default) return *e.by_zero_default;
        const double quotient = *left / *right;
        return finite_or_error(quotient, rust_float_text(*left) + "/" + rust_float_text(*right) +
                                             " = " + rust_float_text(quotient));
      }
      case Kind::kPow: {
        auto base = eval(e.operands[0]);
        if (!base.ok()) return base;
        auto exponent = eval(e.operands[1]);
        if (!exponent.ok()) return exponent;
        const double power = std::pow(*base, *exponent);
        return finite_or_error(power, rust_float_text(*base) + "^" + rust_float_text(*exponent) +
                                          " = " + rust_float_text(power));
      }
      case Kind::kDecay:
        return decay(e);
      default:
        return unary(e);
    }
  }

 private:
  Result<double> unary(const Expression& e) {
    using Kind = Expression::Kind;
    auto v = eval(e.operands[0]);
    if (!v.ok()) return v;
    const double x = *v;
    auto checked = [&](double result, const std::string& prefix, const std::string& suffix) {
      return finite_or_error(
          result, prefix + rust_float_text(x) + suffix + " = " + rust_float_text(result));
    };
    switch (e.kind) {
      case Kind::kNeg:
        return -x;
      case Kind::kAbs:
        return std::fabs(x);
      case Kind::kSqrt:
        return checked(std::sqrt(x), "\xE2\x88\x9A", "");
      case Kind::kExp:
        return checked(std::exp(x), "exp(", ")");
      case Kind::kLog10:
        return checked(std::log10(x), "log10(", ")");
      case Kind::kLn:
        return checked(std::log(x), "ln(", ")");
      default:
        return Error::internal("unexpected formula expression");
    }
  }

  Result<double> decay(const Expression& e) {
    auto x = eval(e.operands[0]);
    if (!x.ok()) return x;
    double target = 0.0;
    if (e.operands.size() > 1) {
      auto t = eval(e.operands[1]);
      if (!t.ok()) return t;
      target = *t;
    }
    const double diff = *x - target;
    switch (e.decay) {
      case DecayKind::kLinear:
        return std::max(0.0, -e.lambda * std::fabs(diff) + 1.0);
      case DecayKind::kExponential:
        return std::exp(e.lambda * std::fabs(diff));
      case DecayKind::kGauss:
        return std::exp(e.lambda * diff * diff);
    }
    return 0.0;
  }

  double score(size_t prefetch_index) const {
    if (prefetch_index < point_.prefetch_scores.size() && point_.prefetch_scores[prefetch_index])
      return *point_.prefetch_scores[prefetch_index];
    auto d = formula_.score_defaults.find(prefetch_index);
    return d != formula_.score_defaults.end() ? d->second : 0.0;
  }

  // The payload value at `key` (several values become one array), else the default.
  std::optional<json::value> value_at(const index::payload::JsonPath& key) const {
    json::array values;
    if (point_.payload) {
      const bool flatten = !key.has_wildcard_suffix();
      index::payload::for_each_value(key, *point_.payload, [&](const json::value& v) {
        if (flatten && v.is_array()) {
          for (const auto& element : v.get_array()) values.push_back(element);
        } else {
          values.push_back(v);
        }
        return true;
      });
    }
    if (values.size() == 1) return values[0];
    if (values.size() > 1) return json::value(std::move(values));
    auto d = formula_.payload_defaults.find(key.to_string());
    if (d != formula_.payload_defaults.end()) return d->second;
    return std::nullopt;
  }

  static Error type_error(const index::payload::JsonPath& key, const char* expected,
                          const std::string& description) {
    return Error::bad_input(
        std::string("Expected ") + expected + " value for " + key.to_string() +
        " in the payload and/or in the formula defaults. Error: " + description);
  }

  static constexpr const char* kNoValue = "No value found in a payload nor defaults";

  Result<double> number(const index::payload::JsonPath& key) const {
    auto v = value_at(key);
    if (!v) return type_error(key, "number", kNoValue);
    if (v->is_double()) return v->get_double();
    if (v->is_int64()) return double(v->get_int64());
    if (v->is_uint64()) return double(v->get_uint64());
    return type_error(key, "number", "Value is not a number");
  }

  Result<GeoValue> geo(const index::payload::JsonPath& key) const {
    auto v = value_at(key);
    if (!v) return type_error(key, "geo point", kNoValue);
    const json::object* o = v->if_object();
    const json::value* lat = o ? o->if_contains("lat") : nullptr;
    const json::value* lon = o ? o->if_contains("lon") : nullptr;
    if (!o) return type_error(key, "geo point", "invalid type: expected struct GeoPoint");
    if (!lat || !lon || !lat->is_number() || !lon->is_number())
      return type_error(key, "geo point", "invalid value: expected struct GeoPoint");
    auto as_double = [](const json::value& n) {
      return n.is_double()  ? n.get_double()
             : n.is_int64() ? double(n.get_int64())
                            : double(n.get_uint64());
    };
    return GeoValue{as_double(*lat), as_double(*lon)};
  }

  Result<double> datetime_seconds(const index::payload::JsonPath& key) const {
    auto v = value_at(key);
    if (!v) return type_error(key, "datetime", kNoValue);
    if (!v->is_string()) return type_error(key, "datetime", "Value is not a string");
    auto micros = index::filter::parse_datetime_micros(v->get_string());
    if (!micros) return type_error(key, "datetime", "input contains invalid characters");
    return double(*micros) / 1'000'000.0;
  }

  const Formula& formula_;
  const PointInputs& point_;
};

}  // namespace

Result<double> evaluate(const Formula& formula, const PointInputs& point) {
  return Evaluator(formula, point).eval(formula.root);
}

}  // namespace sextant::query::formula
