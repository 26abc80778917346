// Parsing of Qdrant's FormulaQuery: JSON -> formula::Expression tree, conditions and defaults.
// Shape errors answer as serde does for the untagged query enum (400 format error); what Qdrant
// rejects after deserialising (variable names, datetimes, decay parameters) answers 400
// "Wrong input: Validation failed: ...".
#include "api/parse/formula_query.hpp"

#include <cmath>

#include "api/parse/filter_parser.hpp"
#include "api/parse/json_numbers.hpp"
#include "index/filter/datetime.hpp"

namespace sextant::api::formula {
namespace json = boost::json;
using index::payload::JsonPath;
using index::payload::JsonPathItem;
using query::formula::DecayKind;
using query::formula::Expression;
using query::formula::Formula;
using query::formula::rust_float_text;

namespace {

constexpr const char* kNoVariant = "data did not match any variant of untagged enum QueryInterface";
constexpr size_t kMaxDepth = 64;

Error shape_error() { return Error::format(kNoVariant); }

Error validation_failed(const std::string& description) {
  return Error::bad_input("Validation failed: " + description);
}

// A variable name: `$score`, `$score[i]` or a payload key path.
struct VariableId {
  bool is_score = false;
  size_t score_index = 0;
  JsonPath path;
};

Result<VariableId> parse_variable(const std::string& text) {
  auto failed = [&](const std::string& message) {
    return validation_failed("failed to parse variable ID " + text + ": " + message);
  };
  VariableId id;
  if (!text.empty() && text[0] == '$') {
    auto reserved = JsonPath::parse(std::string_view(text).substr(1));
    if (!reserved) return failed("Invalid reserved variable: " + text);
    if (reserved->first_key != "score") return failed("Invalid reserved word: " + text);
    id.is_score = true;
    if (reserved->rest.empty()) return id;
    if (reserved->rest.size() == 1 && reserved->rest[0].kind == JsonPathItem::Kind::kIndex) {
      id.score_index = reserved->rest[0].index;
      return id;
    }
    return failed("Invalid reserved variable: " + text);
  }
  auto path = JsonPath::parse(text);
  if (!path) return failed("Invalid payload variable: " + text);
  id.path = std::move(*path);
  return id;
}

// An f32 field of the request widened as Qdrant widens it (0.1 -> 0.10000000149011612).
double f32_value(const json::value& v) { return double(float(json_double(v))); }

Result<JsonPath> parse_key(const json::value& v) {
  if (!v.is_string()) return shape_error();
  auto path = JsonPath::parse(std::string(v.get_string()));
  if (!path) return shape_error();
  return std::move(*path);
}

class ExpressionParser {
 public:
  explicit ExpressionParser(Formula& formula) : formula_(formula) {}

  Result<Expression> parse(const json::value& v, size_t depth) {
    if (depth > kMaxDepth) return Error::bad_request("formula nesting is too deep");
    Expression e;
    if (v.is_number()) {
      e.kind = Expression::Kind::kConstant;
      e.constant = f32_value(v);
      return e;
    }
    if (v.is_string()) return variable(std::string(v.get_string()));
    if (!v.is_object()) return shape_error();
    const auto& o = v.get_object();
    if (o.size() == 1) {
      const auto& [name, inner] = *o.begin();
      if (auto op = unary_kind(name)) return unary(*op, inner, depth);
      if (name == "mult") return list(Expression::Kind::kMult, inner, depth);
      if (name == "sum") return list(Expression::Kind::kSum, inner, depth);
      if (name == "div") return div(inner, depth);
      if (name == "pow") return pow(inner, depth);
      if (name == "geo_distance") return geo_distance(inner);
      if (name == "datetime") return datetime(inner);
      if (name == "datetime_key") return datetime_key(inner);
      if (name == "lin_decay") return decay(DecayKind::kLinear, inner, depth);
      if (name == "exp_decay") return decay(DecayKind::kExponential, inner, depth);
      if (name == "gauss_decay") return decay(DecayKind::kGauss, inner, depth);
    }
    return condition(v);
  }

 private:
  static std::optional<Expression::Kind> unary_kind(std::string_view name) {
    if (name == "neg") return Expression::Kind::kNeg;
    if (name == "abs") return Expression::Kind::kAbs;
    if (name == "sqrt") return Expression::Kind::kSqrt;
    if (name == "exp") return Expression::Kind::kExp;
    if (name == "log10") return Expression::Kind::kLog10;
    if (name == "ln") return Expression::Kind::kLn;
    return std::nullopt;
  }

  Result<Expression> variable(const std::string& text) {
    auto id = parse_variable(text);
    if (!id.ok()) return id.error();
    Expression e;
    if (id->is_score) {
      e.kind = Expression::Kind::kScore;
      e.index = id->score_index;
    } else {
      e.kind = Expression::Kind::kPayload;
      e.key = std::move(id->path);
    }
    return e;
  }

  Status push_operand(Expression& e, const json::value& v, size_t depth) {
    auto operand = parse(v, depth + 1);
    if (!operand.ok()) return operand.error();
    e.operands.push_back(std::move(operand.value()));
    return {};
  }

  Result<Expression> unary(Expression::Kind kind, const json::value& inner, size_t depth) {
    Expression e;
    e.kind = kind;
    if (auto st = push_operand(e, inner, depth); !st.ok()) return st.error();
    return e;
  }

  Result<Expression> list(Expression::Kind kind, const json::value& inner, size_t depth) {
    if (!inner.is_array()) return shape_error();
    Expression e;
    e.kind = kind;
    for (const auto& item : inner.get_array())
      if (auto st = push_operand(e, item, depth); !st.ok()) return st.error();
    return e;
  }

  // An object with two required operand fields.
  Result<Expression> binary(Expression::Kind kind, const json::value& inner, const char* first,
                            const char* second, size_t depth) {
    if (!inner.is_object()) return shape_error();
    const auto& o = inner.get_object();
    const json::value* a = o.if_contains(first);
    const json::value* b = o.if_contains(second);
    if (!a || !b) return shape_error();
    Expression e;
    e.kind = kind;
    if (auto st = push_operand(e, *a, depth); !st.ok()) return st.error();
    if (auto st = push_operand(e, *b, depth); !st.ok()) return st.error();
    return e;
  }

  Result<Expression> div(const json::value& inner, size_t depth) {
    auto e = binary(Expression::Kind::kDiv, inner, "left", "right", depth);
    if (!e.ok()) return e;
    if (auto d = inner.get_object().if_contains("by_zero_default"); d && !d->is_null()) {
      if (!d->is_number()) return shape_error();
      e->by_zero_default = f32_value(*d);
    }
    return e;
  }

  Result<Expression> pow(const json::value& inner, size_t depth) {
    return binary(Expression::Kind::kPow, inner, "base", "exponent", depth);
  }

  Result<Expression> geo_distance(const json::value& inner) {
    if (!inner.is_object()) return shape_error();
    const auto& o = inner.get_object();
    const json::value* origin = o.if_contains("origin");
    const json::value* to = o.if_contains("to");
    if (!origin || !to || !origin->is_object()) return shape_error();
    const json::value* lat = origin->get_object().if_contains("lat");
    const json::value* lon = origin->get_object().if_contains("lon");
    if (!lat || !lon || !lat->is_number() || !lon->is_number()) return shape_error();
    auto key = parse_key(*to);
    if (!key.ok()) return key.error();
    Expression e;
    e.kind = Expression::Kind::kGeoDistance;
    e.origin_lat = json_double(*lat);
    e.origin_lon = json_double(*lon);
    e.key = std::move(key.value());
    return e;
  }

  Result<Expression> datetime(const json::value& inner) {
    if (!inner.is_string()) return shape_error();
    const std::string text(inner.get_string());
    auto micros = index::filter::parse_datetime_micros(text);
    if (!micros)
      return validation_failed("failed to parse date-time " + text +
                               ": input contains invalid characters");
    Expression e;
    e.kind = Expression::Kind::kDatetime;
    e.constant = double(*micros) / 1'000'000.0;
    return e;
  }

  Result<Expression> datetime_key(const json::value& inner) {
    auto key = parse_key(inner);
    if (!key.ok()) return key.error();
    Expression e;
    e.kind = Expression::Kind::kDatetimeKey;
    e.key = std::move(key.value());
    return e;
  }

  Result<Expression> decay(DecayKind kind, const json::value& inner, size_t depth) {
    if (!inner.is_object()) return shape_error();
    const auto& o = inner.get_object();
    const json::value* x = o.if_contains("x");
    if (!x) return shape_error();
    auto optional_f32 = [&](const char* name, double fallback) -> std::optional<double> {
      const json::value* v = o.if_contains(name);
      if (!v || v->is_null()) return fallback;
      if (!v->is_number()) return std::nullopt;
      return f32_value(*v);
    };
    auto midpoint = optional_f32("midpoint", 0.5);
    auto scale = optional_f32("scale", 1.0);
    if (!midpoint || !scale) return shape_error();
    if (kind == DecayKind::kLinear) {
      if (!(*midpoint >= 0.0 && *midpoint <= 1.0))
        return validation_failed("Linear decay midpoint should be in the range [0.0, 1.0], got " +
                                 rust_float_text(*midpoint) + ".");
    } else if (!(*midpoint > 0.0 && *midpoint < 1.0)) {
      return validation_failed("Decay midpoint should be in the range (0.0, 1.0), got " +
                               rust_float_text(*midpoint) + ".");
    }
    if (!(*scale > 0.0))
      return validation_failed("Decay scale should be non-zero positive, got " +
                               rust_float_text(*scale) + ".");
    Expression e;
    e.kind = Expression::Kind::kDecay;
    e.decay = kind;
    switch (kind) {
      case DecayKind::kLinear:
        e.lambda = (1.0 - *midpoint) / *scale;
        break;
      case DecayKind::kExponential:
        e.lambda = std::log(*midpoint) / *scale;
        break;
      case DecayKind::kGauss:
        e.lambda = std::log(*midpoint) / (*scale * *scale);
        break;
    }
    if (auto st = push_operand(e, *x, depth); !st.ok()) return st.error();
    if (const json::value* target = o.if_contains("target"); target && !target->is_null())
      if (auto st = push_operand(e, *target, depth); !st.ok()) return st.error();
    return e;
  }

  // Anything else must be a filter condition; it scores 1 when it holds, 0 otherwise.
  Result<Expression> condition(const json::value& v) {
    json::object wrapper;
    wrapper["must"] = json::array{v};
    auto filter = parse_filter_json(json::value(std::move(wrapper)));
    if (!filter.ok()) return filter.error();
    Expression e;
    e.kind = Expression::Kind::kCondition;
    e.index = formula_.conditions.size();
    formula_.conditions.push_back(std::move(filter.value()));
    return e;
  }

  Formula& formula_;
};

}  // namespace

Result<std::shared_ptr<const Formula>> parse_formula_query(const json::object& query) {
  auto formula = std::make_shared<Formula>();
  const json::value* expression = query.if_contains("formula");
  if (!expression) return Error::format("missing field `formula`");
  ExpressionParser parser(*formula);
  auto root = parser.parse(*expression, 0);
  if (!root.ok()) return root.error();
  formula->root = std::move(root.value());
  if (const json::value* defaults = query.if_contains("defaults");
      defaults && !defaults->is_null()) {
    if (!defaults->is_object()) return Error::format("invalid type: expected a map for `defaults`");
    for (const auto& [name, value] : defaults->get_object()) {
      auto id = parse_variable(std::string(name));
      if (!id.ok()) return id.error();
      if (!id->is_score) {
        formula->payload_defaults[id->path.to_string()] = value;
      } else if (value.is_number()) {
        formula->score_defaults[id->score_index] = json_double(value);
      } else {
        formula->score_defaults.erase(id->score_index);  // not a number: scores as no default
      }
    }
  }
  return std::shared_ptr<const Formula>(std::move(formula));
}

}  // namespace sextant::api::formula
