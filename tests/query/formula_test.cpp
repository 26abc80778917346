// Evaluation of hand-built formula trees, without a parser or a collection: `$score[i]` and its
// defaults, payload variables and their defaults, conditions, the short circuits of mult and
// div, and Qdrant's error texts; plus the Rust float text those texts print.
#include "query/formula.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cmath>

namespace sextant::query::formula {
namespace {

namespace json = boost::json;
using Kind = Expression::Kind;

Expression constant(double value) {
  Expression e;
  e.kind = Kind::kConstant;
  e.constant = value;
  return e;
}

Expression score(size_t prefetch_index) {
  Expression e;
  e.kind = Kind::kScore;
  e.index = prefetch_index;
  return e;
}

Expression payload(const char* key) {
  Expression e;
  e.kind = Kind::kPayload;
  e.key = *index::payload::JsonPath::parse(key);
  return e;
}

Expression condition(size_t condition_index) {
  Expression e;
  e.kind = Kind::kCondition;
  e.index = condition_index;
  return e;
}

Expression apply(Kind kind, std::vector<Expression> operands) {
  Expression e;
  e.kind = kind;
  e.operands = std::move(operands);
  return e;
}

// Evaluates `formula` on a point with the payload given as JSON text, prefetch scores, and
// conditions that hold when their index is in `true_conditions`.
Result<double> eval(const Formula& formula, const std::string& payload_text = "{}",
                    std::vector<std::optional<float>> scores = {},
                    std::vector<size_t> true_conditions = {}) {
  json::object payload = json::parse(payload_text).as_object();
  PointInputs point;
  point.payload = &payload;
  point.prefetch_scores = std::move(scores);
  point.condition_holds = [&](size_t index) {
    return std::find(true_conditions.begin(), true_conditions.end(), index) !=
           true_conditions.end();
  };
  return evaluate(formula, point);
}

Formula of(Expression root) {
  Formula formula;
  formula.root = std::move(root);
  return formula;
}

double value(const Formula& formula, const std::string& payload_text = "{}",
             std::vector<std::optional<float>> scores = {}, std::vector<size_t> conditions = {}) {
  auto result = eval(formula, payload_text, std::move(scores), std::move(conditions));
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : NAN;
}

std::string error(const Formula& formula, const std::string& payload_text = "{}") {
  auto result = eval(formula, payload_text);
  EXPECT_FALSE(result.ok());
  return result.ok() ? "" : result.error().message;
}

TEST(FormulaEvaluation, ScoresFallBackToTheirDefaultThenZero) {
  EXPECT_DOUBLE_EQ(value(of(score(1)), "{}", {1.5f, 2.5f}), 2.5);
  EXPECT_DOUBLE_EQ(value(of(score(1)), "{}", {1.5f, std::nullopt}), 0.0);
  Formula with_default = of(score(3));
  with_default.score_defaults[3] = 0.25;
  EXPECT_DOUBLE_EQ(value(with_default), 0.25);
}

TEST(FormulaEvaluation, PayloadWinsOverItsDefault) {
  Formula formula = of(payload("p"));
  formula.payload_defaults["p"] = 3;
  EXPECT_DOUBLE_EQ(value(formula), 3.0);
  EXPECT_DOUBLE_EQ(value(formula, R"({"p": 4})"), 4.0);
  EXPECT_DOUBLE_EQ(value(of(payload("one")), R"({"one": [7]})"), 7.0);
}

TEST(FormulaEvaluation, PayloadErrorsNameTheKey) {
  EXPECT_EQ(error(of(payload("price"))),
            "Wrong input: Expected number value for price in the payload and/or in the formula "
            "defaults. Error: No value found in a payload nor defaults");
  EXPECT_EQ(error(of(payload("price")), R"({"price": "cheap"})"),
            "Wrong input: Expected number value for price in the payload and/or in the formula "
            "defaults. Error: Value is not a number");
}

TEST(FormulaEvaluation, ConditionsScoreOneOrZero) {
  const Formula formula = of(apply(Kind::kSum, {condition(0), condition(1)}));
  EXPECT_DOUBLE_EQ(value(formula, "{}", {}, {0}), 1.0);
  EXPECT_DOUBLE_EQ(value(formula, "{}", {}, {0, 1}), 2.0);
  EXPECT_DOUBLE_EQ(value(formula, "{}", {}, {}), 0.0);
}

TEST(FormulaEvaluation, ShortCircuitsSkipErrors) {
  EXPECT_DOUBLE_EQ(value(of(apply(Kind::kMult, {constant(0), payload("missing")}))), 0.0);
  EXPECT_DOUBLE_EQ(value(of(apply(Kind::kDiv, {constant(0), payload("missing")}))), 0.0);
}

TEST(FormulaEvaluation, DivisionByZeroUsesItsDefaultElseFails) {
  Expression div = apply(Kind::kDiv, {constant(1), constant(0)});
  EXPECT_EQ(error(of(div)), "Wrong input: The expression 1/0 = inf produced a non-finite number");
  div.by_zero_default = 7;
  EXPECT_DOUBLE_EQ(value(of(div)), 7.0);
}

TEST(FormulaEvaluation, NonFiniteResultsAreErrors) {
  EXPECT_EQ(error(of(apply(Kind::kLn, {constant(0)}))),
            "Wrong input: The expression ln(0) = -inf produced a non-finite number");
  EXPECT_EQ(error(of(apply(Kind::kSqrt, {constant(-3)}))),
            "Wrong input: The expression \xE2\x88\x9A-3 = NaN produced a non-finite number");
}

TEST(FormulaEvaluation, RustFloatText) {
  EXPECT_EQ(rust_float_text(1.0), "1");
  EXPECT_EQ(rust_float_text(0.5), "0.5");
  EXPECT_EQ(rust_float_text(-3.0), "-3");
  EXPECT_EQ(rust_float_text(INFINITY), "inf");
  EXPECT_EQ(rust_float_text(-INFINITY), "-inf");
  EXPECT_EQ(rust_float_text(NAN), "NaN");
  EXPECT_EQ(rust_float_text(1e20), "100000000000000000000");
}

}  // namespace
}  // namespace sextant::query::formula
