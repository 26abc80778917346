// Replays every kept fuzz input through the parsing entry points of fuzz/entry_points.hpp.
// An input passes when the parsers return (an error value is fine); a crash, a failed
// round-trip check (__builtin_trap) or an escaping exception fails the test. Inputs live in
// tests/fuzz_regressions/<target>/ (crashers found by fuzzing, named after what they broke) and
// fuzz/corpus/<target>/ (the seeds).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/entry_points.hpp"

namespace sextant::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_under(const fs::path& folder) {
  std::vector<fs::path> files;
  if (!fs::exists(folder)) return files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.is_regular_file()) files.push_back(entry.path());
  return files;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void replay(const std::string& target, const std::function<void(std::string_view)>& entry) {
  size_t count = 0;
  for (const fs::path& root :
       {fs::path(SEXTANT_FUZZ_REGRESSION_DIR), fs::path(SEXTANT_FUZZ_CORPUS_DIR)}) {
    for (const fs::path& file : inputs_under(root / target)) {
      SCOPED_TRACE(file.string());
      std::string bytes = read_all(file);
      EXPECT_NO_THROW(entry(bytes));
      ++count;
    }
  }
  EXPECT_GT(count, 0u) << "no inputs kept for " << target;
}

TEST(FuzzRegressions, RequestBodiesParseWithoutCrashing) {
  replay("request_body", parse_request_body);
}

TEST(FuzzRegressions, FiltersParseWithoutCrashing) { replay("filter", parse_filter_body); }

TEST(FuzzRegressions, PointIdsParseWithoutCrashing) { replay("point_id", parse_point_id_text); }

TEST(FuzzRegressions, GroupBodiesParseWithoutCrashing) {
  replay("group_request", parse_groups_body);
}

TEST(FuzzRegressions, ScrollBodiesParseWithoutCrashing) {
  replay("scroll_request", parse_scroll_body);
}

TEST(FuzzRegressions, UpdateBodiesParseWithoutCrashing) {
  replay("update_operations", parse_update_body);
}

TEST(FuzzRegressions, CollectionConfigsParseWithoutCrashing) {
  replay("collection_config", parse_collection_config_body);
}

// Inputs that must be rejected cleanly whatever the corpus holds: numbers that are not exact
// integers where an integer is expected, extreme nesting, and ids at the edges of u64.
TEST(FuzzRegressions, HandPickedEdgeCasesDoNotThrow) {
  const char* bodies[] = {
      R"({"query":[1,2,3,4],"limit":1.5})",
      R"({"query":[1,2,3,4],"limit":18446744073709551616})",
      R"({"query":[1,2,3,4],"limit":-1,"offset":1e300})",
      R"({"query":[1,2,3,4],"params":{"hnsw_ef":1e20}})",
      R"({"points":[{"id":18446744073709551615,"vector":[1e39,0,0,0]}]})",
      R"({"points":[{"id":-1,"vector":[0,0,0,0]}],"ids":[1.0,2.5]})",
      R"({"batch":{"ids":[1,2],"vectors":[[1,2,3,4]]}})",
      R"({"vector":{"name":"image","vector":[1,2,3]},"limit":0.5})",
  };
  for (const char* body : bodies) {
    SCOPED_TRACE(body);
    EXPECT_NO_THROW(parse_request_body(body));
  }
  std::string deep(100000, '[');
  EXPECT_NO_THROW(parse_filter_body(deep));
  EXPECT_NO_THROW(parse_point_id_text("{5c56c793-69f3-4fbf-87e6-c4bf54c28c26"));
  EXPECT_NO_THROW(parse_point_id_text("urn:uuid:"));
}

}  // namespace
}  // namespace sextant::fuzz
