// Result, Status and Error: the error values every layer returns.
#include "common/status.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace sextant {
namespace {

Result<int> parse_positive(int value) {
  if (value <= 0) return Error::bad_input("value must be positive");
  return value;
}

TEST(Result, HoldsAValueOrAnError) {
  const Result<int> good = parse_positive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(static_cast<bool>(good));
  EXPECT_EQ(*good, 3);
  EXPECT_EQ(good.value(), 3);

  const Result<int> bad = parse_positive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(bad.error().message, "Wrong input: value must be positive");
}

TEST(Result, MovesItsValueOut) {
  Result<std::unique_ptr<std::string>> held = std::make_unique<std::string>("text");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->get()->size(), 4u);
  std::unique_ptr<std::string> taken = std::move(held).value();
  EXPECT_EQ(*taken, "text");
}

TEST(Status, DefaultIsSuccessAndAnErrorIsAFailure) {
  const Status ok = Status::ok_status();
  EXPECT_TRUE(ok.ok());
  const Status failed = Error::collection_not_found("docs");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(failed.error().message, "Not found: Collection `docs` doesn't exist!");
}

TEST(Error, NamedConstructorsAddQdrantsPrefixes) {
  EXPECT_EQ(Error::bad_request("x").message, "Bad request: x");
  EXPECT_EQ(Error::already_exists("x").kind, ErrorKind::kAlreadyExists);
  EXPECT_EQ(Error::already_exists("x").message, "Wrong input: x");
  EXPECT_EQ(Error::internal("x").message, "Service internal error: x");
  EXPECT_EQ(Error::validation("x").message, "Validation error in JSON body: x");
  EXPECT_EQ(Error::format("x").message, "Format error in JSON body: x");
}

TEST(Error, KindsWithoutAPrefixKeepTheMessage) {
  const Error corrupted = Error::corrupted("invalid HNSW image: bad magic");
  EXPECT_EQ(corrupted.kind, ErrorKind::kCorrupted);
  EXPECT_EQ(corrupted.message, "invalid HNSW image: bad magic");
  const Error unavailable = Error::unavailable("embedding service stopped");
  EXPECT_EQ(unavailable.kind, ErrorKind::kUnavailable);
  EXPECT_EQ(unavailable.message, "embedding service stopped");
}

}  // namespace
}  // namespace sextant
