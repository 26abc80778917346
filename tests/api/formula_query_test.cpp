// Formula parsing, and the parsed formula evaluated by the engine, without a collection: every
// expression kind, `$score[i]` and payload defaults, conditions, and Qdrant's errors (missing or
// non-numeric variables, non-finite results, invalid variable names and decay parameters).
// Evaluation of hand-built formulas is tested in tests/query/formula_test.cpp.
#include "api/parse/formula_query.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>

namespace sextant::api::formula {
namespace {

namespace json = boost::json;
using query::formula::Formula;
using query::formula::PointInputs;

std::shared_ptr<const Formula> parse_ok(const std::string& text) {
  auto formula = parse_formula_query(json::parse(text).as_object());
  EXPECT_TRUE(formula.ok()) << (formula.ok() ? "" : formula.error().message);
  return formula.ok() ? formula.value() : nullptr;
}

std::string parse_error(const std::string& text) {
  auto formula = parse_formula_query(json::parse(text).as_object());
  EXPECT_FALSE(formula.ok());
  return formula.ok() ? "" : formula.error().message;
}

// Evaluates with the payload given as JSON text, prefetch scores, and conditions that hold
// when their index is in `true_conditions`.
Result<double> eval(const std::string& formula_text, const std::string& payload = "{}",
                    std::vector<std::optional<float>> scores = {},
                    std::vector<size_t> true_conditions = {}) {
  auto formula = parse_ok(formula_text);
  if (!formula) return Error::internal("parse failed");
  json::object object = json::parse(payload).as_object();
  PointInputs point;
  point.payload = &object;
  point.prefetch_scores = std::move(scores);
  point.condition_holds = [&](size_t index) {
    return std::find(true_conditions.begin(), true_conditions.end(), index) !=
           true_conditions.end();
  };
  return query::formula::evaluate(*formula, point);
}

double value(const std::string& formula_text, const std::string& payload = "{}",
             std::vector<std::optional<float>> scores = {}, std::vector<size_t> conditions = {}) {
  auto result = eval(formula_text, payload, std::move(scores), std::move(conditions));
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : NAN;
}

std::string error(const std::string& formula_text, const std::string& payload = "{}") {
  auto result = eval(formula_text, payload);
  EXPECT_FALSE(result.ok());
  return result.ok() ? "" : result.error().message;
}

TEST(FormulaQuery, ConstantsAreWidenedFromF32) {
  EXPECT_DOUBLE_EQ(value(R"({"formula": 5})"), 5.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": 0.1})"), double(0.1f));
}

TEST(FormulaQuery, ScoreVariables) {
  EXPECT_DOUBLE_EQ(value(R"({"formula": "$score"})", "{}", {1.5f, 2.5f}), 1.5);
  EXPECT_DOUBLE_EQ(value(R"({"formula": "$score[1]"})", "{}", {1.5f, 2.5f}), 2.5);
  // Missing from a prefetch: the default, else 0.
  EXPECT_DOUBLE_EQ(value(R"({"formula": "$score[1]"})", "{}", {1.5f, std::nullopt}), 0.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": "$score[3]", "defaults": {"$score[3]": 0.25}})"), 0.25);
  EXPECT_DOUBLE_EQ(value(R"({"formula": "$score", "defaults": {"$score": "x"}})"), 0.0);
}

TEST(FormulaQuery, PayloadVariablesAndDefaults) {
  EXPECT_DOUBLE_EQ(value(R"({"formula": "price"})", R"({"price": 12})"), 12.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": "a.b"})", R"({"a": {"b": -2.5}})"), -2.5);
  EXPECT_DOUBLE_EQ(value(R"({"formula": "one"})", R"({"one": [7]})"), 7.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": "p", "defaults": {"p": 3}})"), 3.0);
  // The payload wins over the default.
  EXPECT_DOUBLE_EQ(value(R"({"formula": "p", "defaults": {"p": 3}})", R"({"p": 4})"), 4.0);
}

TEST(FormulaQuery, PayloadVariableErrors) {
  EXPECT_EQ(error(R"({"formula": "price"})"),
            "Wrong input: Expected number value for price in the payload and/or in the formula "
            "defaults. Error: No value found in a payload nor defaults");
  EXPECT_EQ(error(R"({"formula": "price"})", R"({"price": "cheap"})"),
            "Wrong input: Expected number value for price in the payload and/or in the formula "
            "defaults. Error: Value is not a number");
  // Several values are not one number.
  EXPECT_NE(error(R"({"formula": "many"})", R"({"many": [1, 2]})").find("Value is not a number"),
            std::string::npos);
}

TEST(FormulaQuery, ConditionsScoreOneOrZero) {
  const std::string formula =
      R"({"formula": {"sum": [{"key": "tag", "match": {"value": "a"}}, {"has_id": [1]}]}})";
  EXPECT_DOUBLE_EQ(value(formula, "{}", {}, {0}), 1.0);
  EXPECT_DOUBLE_EQ(value(formula, "{}", {}, {0, 1}), 2.0);
  EXPECT_DOUBLE_EQ(value(formula, "{}", {}, {}), 0.0);
  auto parsed = parse_ok(formula);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->conditions.size(), 2u);
}

TEST(FormulaQuery, Arithmetic) {
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"sum": [1, 2, "$score"]}})", "{}", {0.5f}), 3.5);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"mult": [2, 3, "$score"]}})", "{}", {0.5f}), 3.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"mult": []}})"), 1.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"sum": []}})"), 0.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"neg": 4}})"), -4.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"abs": {"neg": 4}}})"), 4.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"div": {"left": 9, "right": 2}}})"), 4.5);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"sqrt": 16}})"), 4.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"pow": {"base": 2, "exponent": 10}}})"), 1024.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"exp": 0}})"), 1.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"log10": 1000}})"), 3.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"ln": 1}})"), 0.0);
}

TEST(FormulaQuery, ShortCircuitsSkipErrors) {
  // A zero factor stops `mult` before a missing variable is read; so does a zero numerator.
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"mult": [0, "missing"]}})"), 0.0);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"div": {"left": 0, "right": "missing"}}})"), 0.0);
}

TEST(FormulaQuery, DivisionByZero) {
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"div": {"left": 1, "right": 0, "by_zero_default": 7}}})"),
                   7.0);
  EXPECT_EQ(error(R"({"formula": {"div": {"left": 1, "right": 0}}})"),
            "Wrong input: The expression 1/0 = inf produced a non-finite number");
}

TEST(FormulaQuery, NonFiniteResults) {
  EXPECT_EQ(error(R"({"formula": {"sqrt": -3}})"),
            "Wrong input: The expression \xE2\x88\x9A-3 = NaN produced a non-finite number");
  EXPECT_EQ(error(R"({"formula": {"pow": {"base": -1, "exponent": 0.5}}})"),
            "Wrong input: The expression -1^0.5 = NaN produced a non-finite number");
  EXPECT_EQ(error(R"({"formula": {"log10": 0}})"),
            "Wrong input: The expression log10(0) = -inf produced a non-finite number");
  EXPECT_EQ(error(R"({"formula": {"ln": 0}})"),
            "Wrong input: The expression ln(0) = -inf produced a non-finite number");
  EXPECT_EQ(error(R"({"formula": {"exp": 1000}})"),
            "Wrong input: The expression exp(1000) = inf produced a non-finite number");
}

TEST(FormulaQuery, GeoDistanceInMeters) {
  const std::string formula =
      R"({"formula": {"geo_distance": {"origin": {"lat": 25.717877679163667,
          "lon": -100.43383200156751}, "to": "location"}}})";
  EXPECT_NEAR(value(formula, R"({"location": {"lat": 25.628482424190565,
                                  "lon": -100.23881855976}})"),
              21926.494151786308, 1e-6);
  EXPECT_NE(error(formula).find("Expected geo point value for location"), std::string::npos);
  EXPECT_NE(error(formula, R"({"location": 5})").find("Expected geo point value for location"),
            std::string::npos);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"geo_distance": {"origin": {"lat": 1, "lon": 2},
                            "to": "here"}}, "defaults": {"here": {"lat": 1, "lon": 2}}})"),
                   0.0);
}

TEST(FormulaQuery, DatetimesInSeconds) {
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"datetime": "1970-01-02T00:00:00Z"}})"), 86400.0);
  EXPECT_DOUBLE_EQ(
      value(R"({"formula": {"datetime_key": "at"}})", R"({"at": "1970-01-01T00:00:01.5Z"})"), 1.5);
  EXPECT_NE(error(R"({"formula": {"datetime_key": "at"}})", R"({"at": 5})")
                .find("Expected datetime value for at in the payload and/or in the formula "
                      "defaults. Error: Value is not a string"),
            std::string::npos);
  EXPECT_EQ(parse_error(R"({"formula": {"datetime": "yesterday"}})")
                .rfind("Wrong input: Validation failed: failed to parse date-time yesterday", 0),
            0u);
}

TEST(FormulaQuery, Decays) {
  // Default midpoint 0.5 and scale 1: value 0.5 at |x - target| == 1, 1 at the target.
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"lin_decay": {"x": 1}}})"), 0.5);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"exp_decay": {"x": 1}}})"), 0.5);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"gauss_decay": {"x": -1}}})"), 0.5);
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"gauss_decay": {"x": 3, "target": 3}}})"), 1.0);
  // Linear decay reaches 0 and stays there.
  EXPECT_DOUBLE_EQ(value(R"({"formula": {"lin_decay": {"x": 10}}})"), 0.0);
  EXPECT_NEAR(value(R"({"formula": {"exp_decay": {"x": 20, "target": 10, "scale": 10,
                       "midpoint": 0.25}}})"),
              0.25, 1e-6);
  EXPECT_NEAR(value(R"({"formula": {"gauss_decay": {"x": 5, "scale": 10}}})"),
              std::exp(std::log(0.5) / 100.0 * 25.0), 1e-9);
}

TEST(FormulaQuery, DecayParameterValidation) {
  EXPECT_EQ(parse_error(R"({"formula": {"lin_decay": {"x": 1, "midpoint": 1.5}}})"),
            "Wrong input: Validation failed: Linear decay midpoint should be in the range "
            "[0.0, 1.0], got 1.5.");
  EXPECT_EQ(parse_error(R"({"formula": {"exp_decay": {"x": 1, "midpoint": 1}}})"),
            "Wrong input: Validation failed: Decay midpoint should be in the range (0.0, 1.0), "
            "got 1.");
  EXPECT_EQ(parse_error(R"({"formula": {"gauss_decay": {"x": 1, "scale": 0}}})"),
            "Wrong input: Validation failed: Decay scale should be non-zero positive, got 0.");
}

TEST(FormulaQuery, VariableNameErrors) {
  EXPECT_EQ(parse_error(R"({"formula": "$price"})"),
            "Wrong input: Validation failed: failed to parse variable ID $price: Invalid reserved "
            "word: $price");
  EXPECT_EQ(parse_error(R"({"formula": "$score[]"})"),
            "Wrong input: Validation failed: failed to parse variable ID $score[]: Invalid "
            "reserved variable: $score[]");
  EXPECT_EQ(parse_error(R"({"formula": 1, "defaults": {"$bad": 1}})"),
            "Wrong input: Validation failed: failed to parse variable ID $bad: Invalid reserved "
            "word: $bad");
  EXPECT_NE(parse_error(R"({"formula": ""})").find("Invalid payload variable"), std::string::npos);
}

TEST(FormulaQuery, ShapeErrorsAreFormatErrors) {
  for (const char* text :
       {R"({"formula": true})", R"({"formula": {"mult": 3}})",
        R"({"formula": {"div": {"left": 1}}})", R"({"formula": {"pow": {"base": 1}}})"}) {
    auto formula = parse_formula_query(json::parse(text).as_object());
    ASSERT_FALSE(formula.ok()) << text;
    EXPECT_EQ(formula.error().kind, ErrorKind::kFormat) << text;
  }
}

}  // namespace
}  // namespace sextant::api::formula
