// The evaluator's promise that checking a point allocates nothing on the common paths: counted
// by replacing the global allocation functions of this test binary with counting forwarders to
// malloc/free (the count is per thread, so other tests are unaffected).
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "filter_test_support.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEXTANT_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(SEXTANT_UNDER_ASAN)
#define SEXTANT_COUNT_ALLOCATIONS 0  // AddressSanitizer owns the allocation functions
#else
#define SEXTANT_COUNT_ALLOCATIONS 1
#endif

namespace {
thread_local size_t allocations_on_this_thread = 0;
}  // namespace

#if SEXTANT_COUNT_ALLOCATIONS

void* operator new(std::size_t size) {
  ++allocations_on_this_thread;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  ++allocations_on_this_thread;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// The deallocation functions hand memory back to free(), which is what the replaced operator new
// took it from; GCC cannot see that pairing once these are inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++allocations_on_this_thread;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  ++allocations_on_this_thread;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif  // SEXTANT_COUNT_ALLOCATIONS

namespace sextant::index::filter {
namespace {

using namespace testing;

TEST(EvaluatorAllocations, CommonConditionsAllocateNothing) {
  if (!SEXTANT_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under ASan";
  boost::json::object payload = boost::json::parse(R"({
      "city": "London", "tags": ["a", "b", "c"], "price": 12.5, "count": 3,
      "at": "2024-05-01T10:00:00+02:00", "loc": {"lon": 0.0, "lat": 51.5},
      "diet": [{"food": "meat", "likes": true}], "note": "a good cheap phone", "empty": []})")
                                    .as_object();
  RangeBounds<double> cheap;
  cheap.lt = 20;
  FieldCondition dates = field("at");
  RangeCondition date_range;
  date_range.is_datetime = true;
  date_range.datetime_micros.gt = 0;
  dates.range = date_range;
  FieldCondition near = field("loc");
  near.geo_radius = GeoRadius{{0.0, 51.5}, 1000};
  Filter inner = must({match_keyword("food", "meat"), match_value("likes", true)});
  Filter f;
  f.must = std::vector<Condition>{match_keyword("city", "London"),
                                  match_set("tags", Match::Kind::kAny, make_string_set({"x", "c"})),
                                  number_range("price", cheap),
                                  match_value("count", int64_t{3}),
                                  dates,
                                  near,
                                  make_nested(path("diet"), inner),
                                  match_text("note", Match::Kind::kTextAny, "cheap fast"),
                                  IsEmptyCondition{path("empty")},
                                  make_has_id({PointId::from_number(1), PointId::from_number(9)}),
                                  SliceCondition{1, 0}};
  f.must_not = std::vector<Condition>{IsNullCondition{path("city")}};
  PointView view{PointId::from_number(1), &payload, nullptr};
  ASSERT_TRUE(evaluate(f, view));  // warm-up (statics)
  size_t probe = allocations_on_this_thread;
  {
    std::vector<int> counted(64);  // the counter itself must see allocations
    EXPECT_EQ(counted.size(), 64u);
  }
  ASSERT_GT(allocations_on_this_thread, probe);
  size_t before = allocations_on_this_thread;
  bool all = true;
  for (int i = 0; i < 1000; ++i) all = all && evaluate(f, view);
  EXPECT_TRUE(all);
  EXPECT_EQ(allocations_on_this_thread - before, 0u);
}

}  // namespace
}  // namespace sextant::index::filter
