// JSON filters as clients send them -> typed filters, and Qdrant's answers for bad ones.
#include "api/parse/filter_parser.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "index/filter/datetime.hpp"
#include "index/filter/evaluator.hpp"

namespace sextant::api {
namespace {

namespace json = boost::json;
using namespace index::filter;
using index::PointId;

Filter parse_ok(const char* text) {
  auto result = parse_filter(json::parse(text));
  EXPECT_TRUE(result.ok()) << text << " -> " << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : Filter{};
}

Error parse_error(const char* text) {
  auto result = parse_filter(json::parse(text));
  EXPECT_FALSE(result.ok()) << text;
  return result.ok() ? Error{} : result.error();
}

bool matches(const Filter& filter, const char* payload_text, uint64_t id = 1) {
  json::object payload = json::parse(payload_text).as_object();
  PointView view{PointId::from_number(id), &payload, nullptr};
  return evaluate(filter, view);
}

TEST(FilterParser, DocumentedClausesRoundTripThroughTheEvaluator) {
  Filter f = parse_ok(R"({"must": [{"key": "city", "match": {"value": "London"}},
                                   {"key": "color", "match": {"value": "red"}}]})");
  EXPECT_TRUE(matches(f, R"({"city": "London", "color": "red"})"));
  EXPECT_FALSE(matches(f, R"({"city": "London", "color": "blue"})"));
  Filter g = parse_ok(R"({"should": {"key": "city", "match": {"value": "London"}},
                         "must_not": null})");
  ASSERT_TRUE(g.should);
  EXPECT_EQ(g.should->size(), 1u);
  EXPECT_FALSE(g.must_not);
  Filter empty = parse_ok("{}");
  EXPECT_TRUE(matches(empty, "{}"));
}

TEST(FilterParser, MatchVariants) {
  auto match_of = [](const char* condition) {
    std::string text = std::string(R"({"must": [{"key": "k", "match": )") + condition + "}]}";
    Filter f = parse_ok(text.c_str());
    return std::get<FieldCondition>(f.must->front()).match->kind;
  };
  EXPECT_EQ(match_of(R"({"value": "x"})"), Match::Kind::kValue);
  EXPECT_EQ(match_of(R"({"value": 5})"), Match::Kind::kValue);
  EXPECT_EQ(match_of(R"({"value": true})"), Match::Kind::kValue);
  EXPECT_EQ(match_of(R"({"text": "x"})"), Match::Kind::kText);
  EXPECT_EQ(match_of(R"({"text_any": "x y"})"), Match::Kind::kTextAny);
  EXPECT_EQ(match_of(R"({"phrase": "x y"})"), Match::Kind::kPhrase);
  EXPECT_EQ(match_of(R"({"prefix": "x"})"), Match::Kind::kPrefix);
  EXPECT_EQ(match_of(R"({"any": ["a", "b"]})"), Match::Kind::kAny);
  EXPECT_EQ(match_of(R"({"except": [1, 2]})"), Match::Kind::kExcept);
  Filter f = parse_ok(R"({"must": {"key": "n", "match": {"any": [3, 1, 3]}}})");
  const MatchSet& set = std::get<FieldCondition>(f.must->front()).match->set;
  EXPECT_TRUE(set.is_integers);
  EXPECT_EQ(set.integers, (std::vector<int64_t>{1, 3}));
  EXPECT_TRUE(matches(f, R"({"n": [7, 3]})"));
}

TEST(FilterParser, BadMatchIsAFormatError) {
  for (const char* text : {R"({"must": [{"key": "k", "match": {"value": 1.5}}]})",
                           R"({"must": [{"key": "k", "match": {"any": ["a", 1]}}]})",
                           R"({"must": [{"key": "k", "match": {"unknown": 1}}]})",
                           R"({"must": [{"key": "k", "match": "x"}]})"}) {
    Error e = parse_error(text);
    EXPECT_EQ(e.kind, ErrorKind::kFormat);
    EXPECT_EQ(e.message,
              "Format error in JSON body: data did not match any variant of untagged enum "
              "MatchInterface");
  }
}

TEST(FilterParser, RangesOfNumbersAndDatetimes) {
  Filter numbers = parse_ok(R"({"must": [{"key": "price", "range": {"gte": 10, "lt": 20.5}}]})");
  EXPECT_TRUE(matches(numbers, R"({"price": 20})"));
  EXPECT_FALSE(matches(numbers, R"({"price": 20.5})"));
  Filter dates = parse_ok(R"({"must": [{"key": "date", "range": {
                              "gt": "2023-02-08T10:49:00Z", "lte": "2024-01-31 10:14:31Z"}}]})");
  const auto& range = *std::get<FieldCondition>(dates.must->front()).range;
  EXPECT_TRUE(range.is_datetime);
  EXPECT_EQ(range.datetime_micros.gt, parse_datetime_micros("2023-02-08T10:49:00Z"));
  EXPECT_TRUE(matches(dates, R"({"date": "2023-12-01"})"));
  Error bad = parse_error(R"({"must": [{"key": "d", "range": {"gt": "tomorrow"}}]})");
  EXPECT_EQ(bad.message,
            "Format error in JSON body: 'tomorrow' does not match accepted datetime format "
            "(RFC3339). Example: 2014-01-01T00:00:00Z");
}

TEST(FilterParser, GeoConditions) {
  Filter f = parse_ok(R"({"must": [
      {"key": "loc", "geo_radius": {"center": {"lon": 13.4, "lat": 52.5}, "radius": 1000.0}},
      {"key": "loc", "geo_bounding_box": {"top_left": {"lon": 13, "lat": 53},
                                          "bottom_right": {"lon": 14, "lat": 52}}},
      {"key": "loc", "geo_polygon": {
          "exterior": {"points": [{"lon": 13, "lat": 52}, {"lon": 14, "lat": 52},
                                  {"lon": 14, "lat": 53}, {"lon": 13, "lat": 53},
                                  {"lon": 13, "lat": 52}]},
          "interiors": [{"points": [
              {"lon": 13.1, "lat": 52.1}, {"lon": 13.2, "lat": 52.1},
              {"lon": 13.2, "lat": 52.2}, {"lon": 13.1, "lat": 52.1}]}]}}]})");
  EXPECT_TRUE(matches(f, R"({"loc": {"lon": 13.4001, "lat": 52.5001}})"));
  EXPECT_FALSE(matches(f, R"({"loc": {"lon": 13.5, "lat": 52.6}})"));
  Error open_ring = parse_error(R"({"must": [{"key": "l", "geo_polygon": {"exterior":
      {"points": [{"lon": 1, "lat": 1}, {"lon": 2, "lat": 1}, {"lon": 2, "lat": 2},
                  {"lon": 1, "lat": 2}]}}}]})");
  EXPECT_EQ(open_ring.message,
            "Format error in JSON body: polygon invalid, the first and the last points should be "
            "the same to form a closed line");
  Error short_ring = parse_error(R"({"must": [{"key": "l", "geo_polygon": {"exterior":
      {"points": [{"lon": 1, "lat": 1}, {"lon": 2, "lat": 1}, {"lon": 1, "lat": 1}]}}}]})");
  EXPECT_EQ(short_ring.message,
            "Format error in JSON body: polygon invalid, the size must be at least 4, got 3");
  Error bad_lat = parse_error(R"({"must": [{"key": "l", "geo_radius": {
      "center": {"lon": 1, "lat": 91.5}, "radius": 5}}]})");
  EXPECT_EQ(bad_lat.message,
            "Format error in JSON body: Wrong format of GeoPoint payload: expected `lat` = 91.5 "
            "within [-90;90] and `lon` = 1 within [-180;180]");
}

TEST(FilterParser, ConditionsWithoutKey) {
  Filter f = parse_ok(R"({"must": [
      {"is_empty": {"key": "a"}}, {"is_null": {"key": "b"}},
      {"has_id": [1, "550e8400-e29b-41d4-a716-446655440000"]},
      {"has_vector": "image"}, {"slice": {"total": 4, "index": 3}},
      {"nested": {"key": "diet",
                  "filter": {"must": [{"key": "food", "match": {"value": "meat"}}]}}},
      {"should": [{"key": "x", "match": {"value": 1}}]}]})");
  ASSERT_EQ(f.must->size(), 7u);
  EXPECT_TRUE(std::holds_alternative<IsEmptyCondition>((*f.must)[0]));
  EXPECT_TRUE(std::holds_alternative<IsNullCondition>((*f.must)[1]));
  EXPECT_EQ(std::get<HasIdCondition>((*f.must)[2]).ids.size(), 2u);
  EXPECT_EQ(std::get<HasVectorCondition>((*f.must)[3]).vector_name, "image");
  EXPECT_EQ(std::get<SliceCondition>((*f.must)[4]).total, 4u);
  EXPECT_EQ(std::get<NestedCondition>((*f.must)[5]).array_key.to_string(), "diet[]");
  EXPECT_TRUE(std::holds_alternative<FilterCondition>((*f.must)[6]));
}

TEST(FilterParser, NestedDocumentedExample) {
  Filter f = parse_ok(R"({"must": [{"nested": {"key": "diet", "filter": {"must": [
      {"key": "food", "match": {"value": "meat"}},
      {"key": "likes", "match": {"value": true}}]}}}]})");
  EXPECT_TRUE(matches(f, R"({"diet": [{"food": "leaves", "likes": false},
                                      {"food": "meat", "likes": true}]})"));
  EXPECT_FALSE(matches(f, R"({"diet": [{"food": "leaves", "likes": true},
                                       {"food": "meat", "likes": false}]})"));
}

TEST(FilterParser, UnrecognisedConditionsGetQdrantsMessage) {
  const std::string expected =
      "Format error in JSON body: Expected some form of condition, which can be a field "
      "condition (like {\"key\": ..., \"match\": ... }), or some other mentioned in the "
      "documentation: https://qdrant.tech/documentation/concepts/filtering/#filtering-conditions";
  for (const char* text :
       {R"({"must": [{"foo": 1}]})", R"({"must": [{"has_id": [-1]}]})",
        R"({"must": [{"slice": {"total": 0, "index": 0}}]})",
        R"({"must": [{"nested": {"key": "a"}}]})", R"({"must": [5]})", R"({"must": "x"})"}) {
    EXPECT_EQ(parse_error(text).message, expected) << text;
  }
}

TEST(FilterParser, FormatErrorsOfTheFilterItself) {
  EXPECT_EQ(parse_error(R"({"mustt": []})").message,
            "Format error in JSON body: unknown field `mustt`, expected one of `should`, "
            "`min_should`, `must`, `must_not`");
  EXPECT_EQ(parse_error(R"("x")").message,
            "Format error in JSON body: invalid type: string \"x\", expected struct Filter");
  EXPECT_EQ(parse_error(R"({"must": [{"key": 5, "match": {"value": 1}}]})").message,
            "Format error in JSON body: Filter condition 'key' must be a string");
  EXPECT_EQ(parse_error(R"({"must": [{"key": "a..b", "match": {"value": 1}}]})").message,
            "Format error in JSON body: Invalid json path: 'a..b'");
  EXPECT_EQ(
      parse_error(R"({"must": [{"key": "a", "range": {"gt": "2020-01-01", "lt": 1.5}}]})").message,
      "Format error in JSON body: invalid type: floating point `1.5`, expected a string");
  EXPECT_EQ(parse_error(R"({"must": [{"key": "a", "values_count": {"gt": -1}}]})").message,
            "Format error in JSON body: invalid value: integer `-1`, expected usize");
}

TEST(FilterParser, ValidationErrorsAre422WithPaths) {
  Error empty_condition = parse_error(R"({"must": [{"key": "a"}]})");
  EXPECT_EQ(empty_condition.kind, ErrorKind::kValidation);
  EXPECT_EQ(empty_condition.message,
            "Validation error in JSON body: [filter.must[0].__all__: At least one field condition "
            "must be specified]");
  Error min_count = parse_error(
      R"({"min_should": {"conditions": [{"key": "a", "match": {"value": 1}}], "min_count": 0}})");
  EXPECT_EQ(min_count.message,
            "Validation error in JSON body: [filter.min_should.min_count: min_count must be "
            "greater than 0]");
  Error slice = parse_error(
      R"({"should": [{"has_vector": "v"}, {"slice": {"total": 4, "index": 4}}],
          "must": [{"key": "b"}]})");
  EXPECT_EQ(slice.message,
            "Validation error in JSON body: [filter.should[1].__all__: Validation error: Slice "
            "index must be less than the total number of slices [{}]; filter.must[0].__all__: At "
            "least one field condition must be specified]");
  auto named = parse_filter(json::parse(R"({"must": [{"key": "a"}]})"), "update_filter");
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.error().message.find("[update_filter.must[0]"), std::string::npos);
}

TEST(FilterParser, SharedPointerForm) {
  auto shared = parse_filter_json(json::parse(R"({"must": [{"has_id": [3]}]})"));
  ASSERT_TRUE(shared.ok());
  EXPECT_TRUE(matches(*shared.value(), "{}", 3));
  EXPECT_FALSE(matches(*shared.value(), "{}", 4));
}

TEST(PayloadSelectorParser, AllForms) {
  using Mode = index::payload::PayloadSelector::Mode;
  EXPECT_EQ(parse_payload_selector(json::parse("true")).value().mode, Mode::kAll);
  EXPECT_EQ(parse_payload_selector(json::parse("false")).value().mode, Mode::kNone);
  EXPECT_EQ(parse_payload_selector(json::value(nullptr), index::payload::PayloadSelector::all())
                .value()
                .mode,
            Mode::kAll);
  auto list = parse_payload_selector(json::parse(R"(["a", "b.c"])"));
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list.value().mode, Mode::kInclude);
  EXPECT_EQ(list.value().paths.size(), 2u);
  auto exclude = parse_payload_selector(json::parse(R"({"exclude": ["city.geo"]})"));
  ASSERT_TRUE(exclude.ok());
  EXPECT_EQ(exclude.value().mode, Mode::kExclude);
  json::object payload = json::parse(R"({"city": {"name": "B", "geo": 1}, "n": 2})").as_object();
  EXPECT_EQ(exclude.value().apply(payload), json::parse(R"({"city": {"name": "B"}, "n": 2})"));
  for (const char* bad : {"5", R"({"include": "a"})", R"({"other": ["a"]})", R"([1])"}) {
    auto result = parse_payload_selector(json::parse(bad));
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().message,
              "Format error in JSON body: Expected a boolean, an array of strings, or an object "
              "with an include/exclude field");
  }
}

}  // namespace
}  // namespace sextant::api
