// Paths of validation errors: a nesting level's part goes in front of every listed field, a
// vector's error moves to where a query holds the vector, and other errors pass unchanged.
#include "api/parse/validation_path.hpp"

#include <gtest/gtest.h>

namespace sextant::api {
namespace {

TEST(ValidationPath, PrefixGoesInFrontOfEveryListedField) {
  Error error = Error::validation("[limit: value 0 invalid; params.hnsw_ef: value 0 invalid]");
  EXPECT_EQ(with_body_path(error, "searches[1].internal.").message,
            "Validation error in JSON body: [searches[1].internal.limit: value 0 invalid; "
            "searches[1].internal.params.hnsw_ef: value 0 invalid]");
}

TEST(ValidationPath, NestedPrefixesComposeOutermostFirst) {
  Error error = Error::validation("[params.hnsw_ef: value 0 invalid, must be 1 or larger]");
  error = with_body_path(with_body_path(error, "prefetch[0]."), "internal.");
  EXPECT_EQ(error.message,
            "Validation error in JSON body: [internal.prefetch[0].params.hnsw_ef: value 0 "
            "invalid, must be 1 or larger]");
}

TEST(ValidationPath, VectorErrorMovesToTheQueryHoldingIt) {
  Error error = Error::validation("[vector.?.indices: Validation error: must be unique [{}]]");
  EXPECT_EQ(with_vector_path(error, "query.nearest").message,
            "Validation error in JSON body: [query.nearest.indices: Validation error: must be "
            "unique [{}]]");
}

TEST(ValidationPath, UnnamedVectorErrorMovesToo) {
  Error error = Error::validation("[vector.data: all vectors must be non-empty]");
  EXPECT_EQ(with_vector_path(error, "query").message,
            "Validation error in JSON body: [query.data: all vectors must be non-empty]");
}

TEST(ValidationPath, OtherErrorsAreUnchanged) {
  const Error format = Error::format("missing field `limit`");
  EXPECT_EQ(with_body_path(format, "internal.").message, format.message);
  EXPECT_EQ(with_vector_path(format, "query").message, format.message);
  const Error path_error{ErrorKind::kValidation,
                         "Validation error in path parameters: [collection_name: x]"};
  EXPECT_EQ(with_body_path(path_error, "internal.").message, path_error.message);
  const Error unrelated = Error::validation("[limit: value 0 invalid, must be 1 or larger]");
  EXPECT_EQ(with_vector_path(unrelated, "query").message, unrelated.message);
}

}  // namespace
}  // namespace sextant::api
