// Response JSON text: numbers as Qdrant's serializer writes them, escaping, and that every
// value reads back unchanged.
#include "api/write/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <charconv>
#include <random>

namespace sextant::api {
namespace {

namespace json = boost::json;

std::string text_of(double value) {
  std::string out;
  append_json_double(value, out);
  return out;
}

TEST(JsonText, DoublesUseTheShortestPlainForm) {
  EXPECT_EQ(text_of(0.2), "0.2");
  EXPECT_EQ(text_of(1.0), "1.0");
  EXPECT_EQ(text_of(-3.0), "-3.0");
  EXPECT_EQ(text_of(0.5), "0.5");
  EXPECT_EQ(text_of(4.2169e-5), "4.2169e-5");
  EXPECT_EQ(text_of(1e21), "1e21");
  EXPECT_EQ(text_of(1.5e-300), "1.5e-300");
  EXPECT_EQ(text_of(123456.75), "123456.75");
}

TEST(JsonText, NonFiniteDoublesBecomeNull) {
  EXPECT_EQ(text_of(std::nan("")), "null");
  EXPECT_EQ(text_of(INFINITY), "null");
}

TEST(JsonText, StringsAreEscapedAndUtf8PassesThrough) {
  json::value v = json::string("a\"b\\c\nd\x01 é 東京");
  EXPECT_EQ(to_json_text(v), "\"a\\\"b\\\\c\\nd\\u0001 é 東京\"");
}

TEST(JsonText, StructuresKeepOrderAndIntegersStayIntegers) {
  json::value v = json::parse(R"({"result":{"ids":[1,-2,18446744073709551615],"ok":true,)"
                              R"("none":null,"score":0.25},"status":"ok","time":4.2e-5})");
  EXPECT_EQ(to_json_text(v),
            R"({"result":{"ids":[1,-2,18446744073709551615],"ok":true,"none":null,)"
            R"("score":0.25},"status":"ok","time":4.2e-5})");
}

TEST(JsonText, EveryDoubleReadsBackExactly) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> unit(-1, 1);
  std::uniform_int_distribution<int> exponent(-300, 300);
  for (int i = 0; i < 20000; ++i) {
    const double value = std::ldexp(unit(random), exponent(random) / 10 * (i % 3));
    const std::string text = text_of(value);
    ASSERT_TRUE(json::parse(text).is_double()) << text;
    double back = 0;
    std::from_chars(text.data(), text.data() + text.size(), back);
    EXPECT_EQ(back, value) << text;
  }
}

}  // namespace
}  // namespace sextant::api
