// Qdrant's score-boosting formula (`{"formula": <Expression>, "defaults": {...}}`) as the engine
// holds it: a typed expression tree (built by the wire's parser), its evaluation for one point,
// and the rescoring of prefetch results by it.
//
// Evaluation follows Qdrant: arithmetic in double precision; `$score[i]` is the point's score in
// prefetch i (else its default, else 0); payload variables read the key path (arrays flattened,
// one value used as is, several values are not a number), else the default, else an error; a
// filter condition is 1 when it holds and 0 otherwise; `mult` stops at a zero factor, `div` at a
// zero numerator; any non-finite intermediate result of div/sqrt/pow/exp/log10/ln is an error.
//
// Invariants of a parsed Formula: every condition index in the tree is < conditions.size();
// decay lambdas were computed from validated midpoint/scale; Div and Pow hold exactly two
// operands, Decay one or two (x, then target), Neg/Abs/Sqrt/Exp/Log10/Ln one.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "index/filter/filter.hpp"
#include "index/payload/json_path.hpp"
#include "storage/read_view.hpp"
#include "storage/vector_search.hpp"

namespace sextant::query::formula {

enum class DecayKind { kLinear, kExponential, kGauss };

struct Expression {
  enum class Kind {
    kConstant,
    kScore,
    kPayload,
    kCondition,
    kGeoDistance,
    kDatetime,
    kDatetimeKey,
    kMult,
    kSum,
    kNeg,
    kAbs,
    kDiv,
    kSqrt,
    kPow,
    kExp,
    kLog10,
    kLn,
    kDecay
  };
  Kind kind = Kind::kConstant;
  double constant = 0;                    // kConstant; kDatetime: seconds since the epoch
  size_t index = 0;                       // kScore: prefetch index; kCondition: condition index
  index::payload::JsonPath key;           // kPayload, kGeoDistance, kDatetimeKey
  double origin_lat = 0, origin_lon = 0;  // kGeoDistance
  std::optional<double> by_zero_default;  // kDiv
  DecayKind decay = DecayKind::kLinear;   // kDecay
  double lambda = 0;                      // kDecay: shape constant from midpoint and scale
  std::vector<Expression> operands;
};

struct Formula {
  Expression root;
  std::vector<std::shared_ptr<const index::filter::Filter>> conditions;  // one condition each
  std::map<size_t, double> score_defaults;  // `$score[i]` -> its numeric default
  // Canonical key path -> the value that stands in for a missing payload value. Defaults are
  // user data of the same kind as payloads (a number, a geo point, a datetime string), so they
  // are held as payload values are (index/payload/json_path.hpp) and read by the same code.
  std::map<std::string, boost::json::value> payload_defaults;
};

// What one point offers to the formula.
struct PointInputs {
  const boost::json::object* payload = nullptr;       // null: no payload (user data)
  std::vector<std::optional<float>> prefetch_scores;  // by prefetch index
  std::function<bool(size_t condition_index)> condition_holds;
};

// The formula's value for one point, or Qdrant's error for it.
Result<double> evaluate(const Formula& formula, const PointInputs& point);

// Rescoring of prefetch results: every distinct candidate that passes `filter` is scored by the
// formula; results are ordered by score descending, those below `score_threshold` dropped, then
// `offset` skipped and `limit` kept.
Result<std::vector<storage::ScoredOffset>> rescore_with_formula(
    const storage::ReadView& view, const Formula& formula,
    const std::vector<std::vector<storage::ScoredOffset>>& prefetch_results,
    const index::filter::Filter* filter, std::optional<float> score_threshold, size_t limit,
    size_t offset);

// Rust's Display of an f64 ("1", "0.5", "inf", "NaN"), as Qdrant's formula messages print it.
std::string rust_float_text(double value);

}  // namespace sextant::query::formula
