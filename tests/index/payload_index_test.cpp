// Payload indexes: schema parsing, incremental updates, candidates, estimates, facets and the
// token-based text matching a full-text index brings.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "filter_test_support.hpp"
#include "index/filter/datetime.hpp"
#include "index/payload_index/filter_estimation.hpp"
#include "index/payload_index/payload_index_set.hpp"
#include "index/payload_index/text_tokenizer.hpp"

namespace sextant::index::payload_index {
namespace {

namespace json = boost::json;
using namespace filter::testing;
using filter::Filter;
using filter::Match;
using Offsets = std::vector<uint32_t>;

FieldSchema schema_of(const char* text) {
  auto schema = parse_field_schema(json::parse(text));
  EXPECT_TRUE(schema) << text << ": " << schema.error().message;
  return schema ? *schema : FieldSchema{};
}

// A collection stand-in: payloads by offset plus the index set, kept in step.
class Collection {
 public:
  void index(const char* field, const char* schema) {
    Status created = indexes.create(field, schema_of(schema));
    ASSERT_TRUE(created) << created.error().message;
    for (const auto& [offset, payload] : payloads) indexes.index_point(field, offset, payload);
  }
  void upsert(uint32_t offset, const char* payload) {
    payloads[offset] = json::parse(payload).as_object();
    indexes.on_upsert(offset, payloads[offset]);
  }
  void erase(uint32_t offset) {
    payloads.erase(offset);
    indexes.on_delete(offset);
  }
  Offsets scan(const Filter& f) const {
    Offsets out;
    for (const auto& [offset, payload] : payloads) {
      filter::PointView view{PointId::from_number(offset), &payload, nullptr};
      if (filter::evaluate(f, view, &indexes)) out.push_back(offset);
    }
    return out;
  }
  Offsets candidates(const Filter& f) const {
    auto c = indexes.candidates(f);
    EXPECT_TRUE(c);
    return c ? c->offsets : Offsets{};
  }
  std::map<uint32_t, json::object> payloads;
  PayloadIndexSet indexes;
};

TEST(FieldSchemaParse, NamesAndParams) {
  EXPECT_EQ(schema_of(R"("keyword")").type, FieldType::kKeyword);
  FieldSchema integer = schema_of(R"({"type": "integer", "lookup": false, "range": true})");
  EXPECT_EQ(integer.type, FieldType::kInteger);
  EXPECT_FALSE(integer.integer_lookup);
  FieldSchema text = schema_of(R"({"type": "text", "tokenizer": "prefix", "min_token_len": 2,
      "max_token_len": 10, "lowercase": false, "phrase_matching": true, "stopwords": "english"})");
  EXPECT_EQ(text.text.tokenizer, Tokenizer::kPrefix);
  EXPECT_EQ(text.text.min_token_len, 2u);
  EXPECT_FALSE(text.text.lowercase);
  EXPECT_FALSE(text.text.stopwords.empty());
  EXPECT_FALSE(parse_field_schema(json::parse(R"("vector")")));
  EXPECT_FALSE(parse_field_schema(json::parse(R"({"type": "text", "tokenizer": "x"})")));
  EXPECT_STREQ(field_type_name(FieldType::kDatetime), "datetime");
}

TEST(TextTokenizerTest, WordWhitespaceAndPrefix) {
  TextOptions word;
  TextTokenizer words(word);
  EXPECT_EQ(words.query_tokens("Hello, World! x-ray"),
            (std::vector<std::string>{"hello", "world", "x", "ray"}));
  TextOptions space;
  space.tokenizer = Tokenizer::kWhitespace;
  space.lowercase = false;
  EXPECT_EQ(TextTokenizer(space).query_tokens(" Hello,  x-ray "),
            (std::vector<std::string>{"Hello,", "x-ray"}));
  TextOptions prefix;
  prefix.tokenizer = Tokenizer::kPrefix;
  prefix.min_token_len = 2;
  prefix.max_token_len = 4;
  EXPECT_EQ(TextTokenizer(prefix).document_tokens("hello go"),
            (std::vector<std::string>{"he", "hel", "hell", "go"}));
  EXPECT_EQ(words.query_tokens("Straße—ÉCOLE «Москва» Ωmega 東京🙂tokyo"),
            (std::vector<std::string>{"straße", "école", "москва", "ωmega", "東京", "tokyo"}));
  EXPECT_EQ(words.query_tokens("ĀĹŸŊ"), (std::vector<std::string>{"āĺÿŋ"}));
  TextOptions stop;
  stop.stopwords = {"the", "a"};
  stop.min_token_len = 2;
  EXPECT_EQ(TextTokenizer(stop).query_tokens("The cat and a Dog"),
            (std::vector<std::string>{"cat", "and", "dog"}));
}

TEST(KeywordIndex, MatchAnyPrefixAndUpdates) {
  Collection c;
  c.upsert(0, R"({"city": "London"})");
  c.upsert(1, R"({"city": ["Berlin", "London"]})");
  c.upsert(2, R"({"city": "Lisbon"})");
  c.upsert(3, R"({"town": "London"})");
  c.index("city", R"("keyword")");
  EXPECT_EQ(c.indexes.points_count("city"), 3u);
  EXPECT_EQ(c.candidates(must({match_keyword("city", "London")})), (Offsets{0, 1}));
  EXPECT_EQ(c.candidates(must({match_set("city", Match::Kind::kAny,
                                         filter::make_string_set({"Berlin", "Lisbon"}))})),
            (Offsets{1, 2}));
  EXPECT_EQ(c.candidates(must({match_text("city", Match::Kind::kPrefix, "L")})),
            (Offsets{0, 1, 2}));
  c.upsert(0, R"({"city": "Paris"})");
  c.erase(1);
  EXPECT_EQ(c.candidates(must({match_keyword("city", "London")})), (Offsets{}));
  EXPECT_EQ(c.indexes.points_count("city"), 2u);
  Cardinality estimate = c.indexes.estimate(must({match_keyword("city", "Paris")}), 3);
  EXPECT_EQ(estimate.min, 1u);
  EXPECT_EQ(estimate.max, 1u);
}

TEST(NumericIndexes, IntegerFloatBoolDatetimeUuid) {
  Collection c;
  c.index("n", R"("integer")");
  c.index("price", R"("float")");
  c.index("ok", R"("bool")");
  c.index("at", R"("datetime")");
  c.index("ref", R"("uuid")");
  c.upsert(0, R"({"n": 1, "price": 9.5, "ok": true, "at": "2024-01-01T00:00:00Z",
                  "ref": "550E8400-E29B-41D4-A716-446655440000"})");
  c.upsert(1, R"({"n": [5, 7], "price": 20, "ok": false, "at": "2024-06-01 12:00"})");
  c.upsert(2, R"({"n": 7.5, "price": "cheap", "ok": [true], "at": "bad"})");
  EXPECT_EQ(c.candidates(must({match_value("n", int64_t{7})})), (Offsets{1}));
  filter::RangeBounds<double> n_range;
  n_range.gt = 1;
  n_range.lte = 5;
  EXPECT_EQ(c.candidates(must({number_range("n", n_range)})), (Offsets{1}));
  filter::RangeBounds<double> price_range;
  price_range.gte = 9.5;
  price_range.lt = 20;
  EXPECT_EQ(c.candidates(must({number_range("price", price_range)})), (Offsets{0}));
  EXPECT_EQ(c.candidates(must({match_value("ok", true)})), (Offsets{0, 2}));
  filter::FieldCondition dates = field("at");
  filter::RangeCondition r;
  r.is_datetime = true;
  r.datetime_micros.gte = filter::parse_datetime_micros("2024-03-01");
  dates.range = r;
  EXPECT_EQ(c.candidates(must({dates})), (Offsets{1}));
  EXPECT_EQ(c.candidates(must({match_keyword("ref", "550e8400e29b41d4a716446655440000")})),
            (Offsets{0}));
  EXPECT_EQ(c.indexes.points_count("at"), 2u);
  EXPECT_EQ(c.indexes.points_count("price"), 2u);
  EXPECT_FALSE(c.indexes.points_count("missing"));
}

TEST(GeoIndexTest, RadiusCandidates) {
  Collection c;
  c.index("loc", R"("geo")");
  c.upsert(0, R"({"loc": {"lon": 13.40, "lat": 52.52}})");
  c.upsert(1, R"({"loc": [{"lon": 2.35, "lat": 48.85}, {"lon": 13.41, "lat": 52.52}]})");
  c.upsert(2, R"({"loc": {"lon": 2.35, "lat": 48.85}})");
  filter::FieldCondition near_berlin = field("loc");
  near_berlin.geo_radius = filter::GeoRadius{{13.405, 52.52}, 5000};
  EXPECT_EQ(c.candidates(must({near_berlin})), (Offsets{0, 1}));
  EXPECT_EQ(c.scan(must({near_berlin})), (Offsets{0, 1}));
}

TEST(TextIndexTest, IndexMakesTextMatchTokenBased) {
  Collection c;
  c.upsert(0, R"({"d": "Good and cheap phone"})");
  c.upsert(1, R"({"d": "a goodcheap phone"})");
  c.upsert(2, R"({"d": ["cheap", "good"]})");
  Filter text = must({match_text("d", Match::Kind::kText, "cheap good")});
  EXPECT_EQ(c.scan(text), (Offsets{}));  // no index: substring test
  c.index("d", R"({"type": "text", "tokenizer": "word"})");
  EXPECT_EQ(c.scan(text), (Offsets{0}));  // all tokens within one value
  auto candidates = c.indexes.candidates(text);
  ASSERT_TRUE(candidates);
  EXPECT_FALSE(candidates->exact);
  EXPECT_EQ(candidates->offsets, (Offsets{0, 2}));
  EXPECT_EQ(c.scan(must({match_text("d", Match::Kind::kTextAny, "cheap nothing")})),
            (Offsets{0, 2}));
  EXPECT_EQ(c.scan(must({match_text("d", Match::Kind::kPhrase, "cheap phone")})), (Offsets{0}));
  EXPECT_EQ(c.scan(must({match_text("d", Match::Kind::kPhrase, "phone cheap")})), (Offsets{}));
}

TEST(TextIndexTest, NestedFiltersUseTheIndexOnTheProjectedKey) {
  Collection c;
  c.index("items[].text", R"("text")");
  c.upsert(0, R"({"items": [{"text": "Cheap and good", "n": 1}, {"text": "bad", "n": 2}]})");
  c.upsert(1, R"({"items": [{"text": "cheap", "n": 1}, {"text": "good", "n": 2}]})");
  Filter inner =
      must({match_text("text", Match::Kind::kText, "good cheap"), match_value("n", int64_t{1})});
  EXPECT_EQ(c.scan(must({filter::make_nested(path("items"), inner)})), (Offsets{0}));
}

TEST(Facets, CountsPerValueMostFrequentFirst) {
  Collection c;
  c.index("color", R"("keyword")");
  c.upsert(0, R"({"color": "red"})");
  c.upsert(1, R"({"color": ["red", "blue"]})");
  c.upsert(2, R"({"color": "blue"})");
  c.upsert(3, R"({"color": "green"})");
  c.upsert(4, R"({"color": "red"})");
  auto hits = c.indexes.facet("color", nullptr, 10);
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 3u);
  EXPECT_EQ((*hits)[0].value, json::value("red"));
  EXPECT_EQ((*hits)[0].count, 3u);
  EXPECT_EQ((*hits)[1].value, json::value("blue"));
  EXPECT_EQ((*hits)[2].value, json::value("green"));
  std::function<bool(uint32_t)> only_odd = [](uint32_t offset) { return offset % 2 == 1; };
  auto filtered = c.indexes.facet("color", &only_odd, 1);
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ((*filtered)[0].count, 1u);
  c.index("d", R"("text")");
  EXPECT_FALSE(c.indexes.facet("d", nullptr, 10));
  EXPECT_FALSE(c.indexes.facet("nope", nullptr, 10));
}

TEST(Estimation, CombinesClauses) {
  const uint64_t total = 1000;
  Cardinality a = Cardinality::exact(100), b = Cardinality::exact(500);
  Cardinality both = combine_must({a, b}, total);
  EXPECT_EQ(both.min, 0u);
  EXPECT_EQ(both.expected, 50u);
  EXPECT_EQ(both.max, 100u);
  Cardinality either = combine_should({a, b}, total);
  EXPECT_EQ(either.min, 500u);
  EXPECT_EQ(either.max, 600u);
  EXPECT_EQ(either.expected, 550u);
  Cardinality none = invert(a, total);
  EXPECT_EQ(none.min, 900u);
  EXPECT_EQ(none.max, 900u);
  Cardinality unknown = estimate_filter(must({match_keyword("x", "y")}), total,
                                        [](const filter::FieldCondition&) { return nullptr; });
  EXPECT_EQ(unknown.min, 0u);
  EXPECT_EQ(unknown.max, total);
  EXPECT_EQ(estimate_filter(Filter{}, total, nullptr).min, total);
}

// Property: for random payloads and filters, index candidates always contain every point the
// evaluator accepts, and equal them when marked exact.
TEST(Candidates, NeverMissAMatchingPoint) {
  std::mt19937 rng(7);
  Collection c;
  c.index("k", R"("keyword")");
  c.index("n", R"("integer")");
  const char* words[] = {"a", "b", "c", "d"};
  for (uint32_t offset = 0; offset < 300; ++offset) {
    json::object payload;
    if (rng() % 5 != 0) payload["k"] = words[rng() % 4];
    if (rng() % 3 == 0) payload["k"] = json::array{words[rng() % 4], words[rng() % 4]};
    if (rng() % 4 != 0) payload["n"] = static_cast<int64_t>(rng() % 20);
    payload["u"] = static_cast<int64_t>(rng() % 3);
    c.payloads[offset] = payload;
    c.indexes.on_upsert(offset, payload);
  }
  int answered = 0, exact = 0;
  for (int trial = 0; trial < 200; ++trial) {
    auto random_condition = [&]() -> filter::Condition {
      switch (rng() % 4) {
        case 0:
          return match_keyword("k", words[rng() % 4]);
        case 1: {
          filter::RangeBounds<double> b;
          b.gte = static_cast<double>(rng() % 20);
          b.lt = *b.gte + static_cast<double>(rng() % 8);
          return number_range("n", b);
        }
        case 2:
          return match_value("u", static_cast<int64_t>(rng() % 3));  // not indexed
        default:
          return match_set("n", Match::Kind::kAny,
                           filter::make_integer_set({static_cast<int64_t>(rng() % 20),
                                                     static_cast<int64_t>(rng() % 20)}));
      }
    };
    Filter f;
    f.must = std::vector<filter::Condition>{random_condition(), random_condition()};
    if (rng() % 2) {
      f.should = std::vector<filter::Condition>{random_condition(), random_condition()};
    }
    if (rng() % 3 == 0) f.must_not = std::vector<filter::Condition>{random_condition()};
    Offsets expected = c.scan(f);
    auto candidates = c.indexes.candidates(f);
    if (!candidates) continue;
    ++answered;
    exact += candidates->exact;
    EXPECT_TRUE(std::includes(candidates->offsets.begin(), candidates->offsets.end(),
                              expected.begin(), expected.end()));
    if (candidates->exact) {
      EXPECT_EQ(candidates->offsets, expected);
    }
    Cardinality estimate = c.indexes.estimate(f, c.payloads.size());
    EXPECT_LE(estimate.min, expected.size());
    EXPECT_GE(estimate.max, expected.size());
  }
  // The property must actually be exercised, both ways.
  EXPECT_GT(answered, 100);
  EXPECT_GT(exact, 10);
}

}  // namespace
}  // namespace sextant::index::payload_index
