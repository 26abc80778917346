// range (numbers and datetimes, in every format Qdrant accepts) and the geo conditions.
#include <gtest/gtest.h>

#include "filter_test_support.hpp"
#include "index/filter/datetime.hpp"
#include "index/filter/geo.hpp"

namespace sextant::index::filter {
namespace {

using namespace testing;

TEST(NumberRange, BoundsAreInclusiveOrStrictAsNamed) {
  RangeBounds<double> b;
  b.gte = 1.0;
  b.lt = 2.0;
  auto c = number_range("price", b);
  EXPECT_TRUE(accepts(c, R"({"price": 1})"));
  EXPECT_TRUE(accepts(c, R"({"price": 1.99})"));
  EXPECT_FALSE(accepts(c, R"({"price": 2.0})"));
  EXPECT_FALSE(accepts(c, R"({"price": 0.5})"));
  EXPECT_TRUE(accepts(c, R"({"price": [5, 1.5]})"));
  EXPECT_FALSE(accepts(c, R"({"price": "1.5"})"));
  EXPECT_FALSE(accepts(c, R"({"price": null})"));
  EXPECT_FALSE(accepts(c, R"({})"));
  RangeBounds<double> open;
  auto any_number = number_range("price", open);
  EXPECT_TRUE(accepts(any_number, R"({"price": -1e300})"));
  EXPECT_FALSE(accepts(any_number, R"({"price": true})"));
}

TEST(Datetime, ParsesEveryAcceptedForm) {
  const int64_t expected = 1388534400LL * 1000000;  // 2014-01-01T00:00:00Z
  for (const char* text :
       {"2014-01-01T00:00:00Z", "2014-01-01t00:00:00z", "2014-01-01 00:00:00Z",
        "2014-01-01T01:00:00+01:00", "2014-01-01T01:00:00+0100", "2014-01-01 01:00:00+01",
        "2013-12-31T23:00:00-01:00", "2014-01-01T00:00:00", "2014-01-01 00:00:00.000",
        "2014-01-01T00:00", "2014-01-01 00:00", "2014-01-01"}) {
    auto parsed = parse_datetime_micros(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(*parsed, expected) << text;
  }
  EXPECT_EQ(*parse_datetime_micros("2014-01-01T00:00:00.123456789Z"), expected + 123456);
  EXPECT_EQ(*parse_datetime_micros("1969-12-31T23:59:59Z"), -1000000);
  EXPECT_EQ(*parse_datetime_micros("2024-02-29"), 1709164800LL * 1000000);
}

TEST(Datetime, RejectsInvalidText) {
  for (const char* text : {"", "2014", "2014-13-01", "2023-02-29", "2014-01-01T25:00:00Z",
                           "2014-01-01T00:00:00+", "2014-01-01T00:00:00 Z", "01/01/2014",
                           "2014-01-01T00", "2014-01-01T00:00:00Zjunk", "yesterday"}) {
    EXPECT_FALSE(parse_datetime_micros(text)) << text;
  }
}

TEST(DatetimeRange, ComparesInstantsAcrossTimeZones) {
  FieldCondition c = field("date");
  RangeCondition r;
  r.is_datetime = true;
  r.datetime_micros.gt = parse_datetime_micros("2023-02-08T10:49:00Z");
  r.datetime_micros.lte = parse_datetime_micros("2024-01-31 10:14:31Z");
  c.range = r;
  EXPECT_TRUE(accepts(c, R"({"date": "2023-06-01"})"));
  EXPECT_TRUE(accepts(c, R"({"date": "2024-01-31T11:14:31+01:00"})"));
  EXPECT_FALSE(accepts(c, R"({"date": "2024-01-31T10:14:32Z"})"));
  EXPECT_FALSE(accepts(c, R"({"date": "2023-02-08T10:49:00Z"})"));
  EXPECT_TRUE(accepts(c, R"({"date": ["2000-01-01", "2023-12-24 18:00"]})"));
  EXPECT_FALSE(accepts(c, R"({"date": "not a date"})"));
  EXPECT_FALSE(accepts(c, R"({"date": 1700000000})"));
}

TEST(GeoBoundingBox, StrictInsideAndAntimeridian) {
  FieldCondition c = field("location");
  c.geo_bounding_box = GeoBoundingBox{{-0.1, 52.52}, {0.1, 51.4}};  // around London
  EXPECT_FALSE(accepts(c, R"({"location": {"lon": -0.1276, "lat": 51.5072}})"));
  EXPECT_TRUE(accepts(c, R"({"location": {"lon": 0.0, "lat": 51.5}})"));
  EXPECT_FALSE(accepts(c, R"({"location": {"lon": 0.1, "lat": 51.5}})"));
  EXPECT_TRUE(accepts(c, R"({"location": [{"lon": 30, "lat": 10}, {"lon": 0.05, "lat": 52}]})"));
  EXPECT_FALSE(accepts(c, R"({"location": {"lon": "0", "lat": 51.5}})"));
  EXPECT_FALSE(accepts(c, R"({"location": [0.0, 51.5]})"));
  GeoBoundingBox usa{{167.0, 74.071028}, {-66.885417, 18.7763}};
  EXPECT_TRUE(geo_contains(usa, GeoPoint{-100.0, 40.0}));
  EXPECT_TRUE(geo_contains(usa, GeoPoint{170.0, 60.0}));
  EXPECT_FALSE(geo_contains(usa, GeoPoint{0.0, 40.0}));
}

TEST(GeoRadius, HaversineDistanceInMeters) {
  // Qdrant's reference: (0,0)-(0.5,0.5) is 78626 m; (0,0)-(1.5,1.5) is 235866 m.
  EXPECT_NEAR(haversine_distance_meters({0, 0}, {0.5, 0.5}), 78626.3, 1.0);
  GeoRadius radius{{0.0, 0.0}, 80000.0};
  EXPECT_TRUE(geo_contains(radius, {0.5, 0.5}));
  EXPECT_FALSE(geo_contains(radius, {1.5, 1.5}));
  FieldCondition c = field("city");
  c.geo_radius = GeoRadius{{13.413637, 52.521976}, 2000.0};  // near Berlin
  EXPECT_TRUE(accepts(c, R"({"city": [{"lat": 52.52197645, "lon": 13.413637435864272},
                                     {"lat": 55.7536283, "lon": 37.62137960067377}]})"));
  c.geo_radius->center = {20.423637, 52.511};
  EXPECT_FALSE(accepts(c, R"({"city": {"lat": 52.52197645, "lon": 13.413637435864272}})"));
}

TEST(GeoPolygon, ExteriorWithHoles) {
  GeoPolygon square;
  square.exterior = {{-10, -10}, {10, -10}, {10, 10}, {-10, 10}, {-10, -10}};
  EXPECT_TRUE(geo_contains(square, {0, 0}));
  EXPECT_FALSE(geo_contains(square, {11, 0}));
  EXPECT_FALSE(geo_contains(square, {10, 0}));  // boundary is outside
  square.interiors.push_back({{-2, -2}, {2, -2}, {2, 2}, {-2, 2}, {-2, -2}});
  EXPECT_FALSE(geo_contains(square, {0, 0}));
  EXPECT_FALSE(geo_contains(square, {2, 0}));
  EXPECT_TRUE(geo_contains(square, {5, 5}));
  FieldCondition c = field("loc");
  c.geo_polygon = square;
  EXPECT_TRUE(accepts(c, R"({"loc": {"lon": 5, "lat": -5}})"));
  EXPECT_FALSE(accepts(c, R"({"loc": {"lon": 1, "lat": 1}})"));
}

TEST(GeoPolygon, ConcaveShape) {
  GeoPolygon l_shape;
  l_shape.exterior = {{0, 0}, {4, 0}, {4, 1}, {1, 1}, {1, 4}, {0, 4}, {0, 0}};
  EXPECT_TRUE(geo_contains(l_shape, {0.5, 3}));
  EXPECT_TRUE(geo_contains(l_shape, {3, 0.5}));
  EXPECT_FALSE(geo_contains(l_shape, {3, 3}));
}

}  // namespace
}  // namespace sextant::index::filter
