// Payload writes, removals and with_payload selection by key path, with Qdrant's semantics.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "index/payload/json_path.hpp"

namespace sextant::index::payload {
namespace {

namespace json = boost::json;

json::object obj(const char* text) { return json::parse(text).as_object(); }
JsonPath path(const char* text) { return *JsonPath::parse(text); }

const char* kDocument = R"({"a": {"b": [{"c": 1}, {"c": 2}, {"d": {"e": 3}}]},
                            "f": 3, "g": ["g0", "g1", "g2"]})";

TEST(SetValues, WithoutKeyMergesTopLevelAndNullRemoves) {
  json::object payload = obj(R"({"a": 1, "b": {"x": 1}, "c": 3})");
  set_values_at(nullptr, payload, obj(R"({"b": {"y": 2}, "c": null, "d": [1]})"));
  EXPECT_EQ(payload, obj(R"({"a": 1, "b": {"y": 2}, "d": [1]})"));
}

TEST(SetValues, NestedKeyMergesIntoThatObject) {
  json::object payload = obj(R"({"a": {"x": 1, "y": 2}})");
  JsonPath key = path("a");
  set_values_at(&key, payload, obj(R"({"y": 5})"));
  EXPECT_EQ(payload, obj(R"({"a": {"x": 1, "y": 5}})"));
}

TEST(SetValues, CreatesMissingIntermediatesAndReplacesScalars) {
  json::object payload = obj(R"({"a": 10})");
  JsonPath key = path("a.b.c");
  set_values_at(&key, payload, obj(R"({"x": 1})"));
  EXPECT_EQ(payload, obj(R"({"a": {"b": {"c": {"x": 1}}}})"));
  json::object empty;
  JsonPath deep = path("k1.k2");
  set_values_at(&deep, empty, obj(R"({"v": true})"));
  EXPECT_EQ(empty, obj(R"({"k1": {"k2": {"v": true}}})"));
}

TEST(SetValues, ArrayIndexAndProjection) {
  json::object payload = obj(kDocument);
  JsonPath second = path("a.b[1]");
  set_values_at(&second, payload, obj(R"({"c": 5})"));
  EXPECT_EQ(payload["a"].at("b").at(1), json::parse(R"({"c": 5})"));
  JsonPath every = path("a.b[]");
  set_values_at(&every, payload, obj(R"({"z": 0})"));
  EXPECT_EQ(payload["a"].at("b"),
            json::parse(R"([{"c": 1, "z": 0}, {"c": 5, "z": 0}, {"d": {"e": 3}, "z": 0}])"));
  JsonPath past_end = path("a.b[7]");
  json::object before = payload;
  set_values_at(&past_end, payload, obj(R"({"q": 1})"));
  EXPECT_EQ(payload, before);
}

TEST(SetValues, ProjectionOnMissingArrayCreatesEmptyArray) {
  json::object payload;
  JsonPath key = path("key1.key2[].key3");
  set_values_at(&key, payload, obj(R"({"c": 1})"));
  EXPECT_EQ(payload, obj(R"({"key1": {"key2": []}})"));
}

TEST(RemoveValues, KeysNestedKeysAndProjections) {
  json::object payload = obj(R"({"a": 1, "b": {"c": 123, "e": {"f": [1, 2, 3], "g": 7,
                                  "i": [{"j": 1, "k": 2}, {"j": 3, "k": 4}]}}})");
  remove_values_at(path("b.c"), payload);
  EXPECT_FALSE(payload["b"].as_object().contains("c"));
  remove_values_at(path("b.e.i[0].j"), payload);
  EXPECT_EQ(payload["b"].at("e").at("i"), json::parse(R"([{"k": 2}, {"j": 3, "k": 4}])"));
  remove_values_at(path("b.e.i[].k"), payload);
  EXPECT_EQ(payload["b"].at("e").at("i"), json::parse(R"([{}, {"j": 3}])"));
  remove_values_at(path("b.e.i[]"), payload);
  EXPECT_EQ(payload["b"].at("e").at("i"), json::array());
  remove_values_at(path("b.e.f[1]"), payload);  // trailing index: no change
  EXPECT_EQ(payload["b"].at("e").at("f"), json::parse("[1, 2, 3]"));
  remove_values_at(path("missing.x"), payload);
  remove_values_at(path("a"), payload);
  EXPECT_EQ(payload, obj(R"({"b": {"e": {"f": [1, 2, 3], "g": 7, "i": []}}})"));
}

TEST(IncludePaths, KeepsTheSelectedBranches) {
  json::object payload = obj(kDocument);
  EXPECT_EQ(include_paths(payload, {path("a.b[].c")}),
            obj(R"({"a": {"b": [{"c": 1}, {"c": 2}, {}]}})"));
  EXPECT_EQ(include_paths(payload, {path("f"), path("g")}),
            obj(R"({"f": 3, "g": ["g0", "g1", "g2"]})"));
  EXPECT_EQ(include_paths(payload, {path("a")}), obj(R"({"a": {"b": [{"c": 1}, {"c": 2},
                                                                    {"d": {"e": 3}}]}})"));
  EXPECT_EQ(include_paths(payload, {path("zzz")}), json::object());
  // A key pattern does not step into array elements.
  EXPECT_EQ(include_paths(payload, {path("a.b.c")}), obj(R"({"a": {"b": []}})"));
}

TEST(IncludePaths, NestedObjectsKeepEnclosingObjects) {
  json::object payload = obj(R"({"city": {"name": "Berlin", "geo": {"lat": 1, "lon": 2}},
                                  "n": 5})");
  EXPECT_EQ(include_paths(payload, {path("city.geo.lat"), path("n")}),
            obj(R"({"city": {"geo": {"lat": 1}}, "n": 5})"));
  EXPECT_EQ(project_path(path("city.name"), payload),
            json::parse(R"({"city": {"name": "Berlin"}})"));
}

TEST(ExcludePaths, DropsEverythingUnderAPattern) {
  json::object payload = obj(kDocument);
  EXPECT_EQ(exclude_paths(payload, {path("a"), path("g")}), obj(R"({"f": 3})"));
  EXPECT_EQ(exclude_paths(payload, {path("a.b[].c")}),
            obj(R"({"a": {"b": [{}, {}, {"d": {"e": 3}}]}, "f": 3, "g": ["g0", "g1", "g2"]})"));
  EXPECT_EQ(exclude_paths(payload, {path("a.b.c")}), payload);
  json::object in_place = payload;
  remove_path_from(in_place, "a.b[].d.e");
  EXPECT_EQ(in_place["a"].at("b").at(2), json::parse(R"({"d": {}})"));
}

}  // namespace
}  // namespace sextant::index::payload
