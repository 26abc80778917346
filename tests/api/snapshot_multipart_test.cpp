// Upload bodies as clients send them: the `snapshot` field of a multipart form.
#include "api/snapshot_multipart.hpp"

#include <gtest/gtest.h>

namespace sextant::api {
namespace {

const std::string kBoundary = "----sextantBoundary42";

std::string form_body(const std::string& snapshot_bytes) {
  return "--" + kBoundary + "\r\n" +
         "Content-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n" + "--" + kBoundary +
         "\r\n" +
         "Content-Disposition: form-data; name=\"snapshot\"; filename=\"c; 1.snapshot\"\r\n"
         "Content-Type: application/octet-stream\r\n\r\n" +
         snapshot_bytes + "\r\n--" + kBoundary + "--\r\n";
}

TEST(SnapshotMultipart, FindsTheSnapshotFieldWithBinaryContent) {
  std::string bytes = std::string("ab\r\ncd\0\r\n--not-the-boundary", 27);
  std::string body = form_body(bytes);
  auto part = find_multipart_part("multipart/form-data; boundary=" + kBoundary, body, "snapshot");
  ASSERT_TRUE(part.ok()) << part.error().message;
  EXPECT_EQ(std::string(part->data), bytes);
  ASSERT_TRUE(part->filename.has_value());
  EXPECT_EQ(*part->filename, "c; 1.snapshot");
}

TEST(SnapshotMultipart, QuotedBoundaryAndOtherFields) {
  std::string body = form_body("DATA");
  auto part =
      find_multipart_part("multipart/form-data; boundary=\"" + kBoundary + "\"", body, "other");
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->data, "value");
}

TEST(SnapshotMultipart, MissingBoundaryOrFieldIsABadRequest) {
  std::string body = form_body("DATA");
  auto no_boundary = find_multipart_part("multipart/form-data", body, "snapshot");
  ASSERT_FALSE(no_boundary.ok());
  EXPECT_EQ(no_boundary.error().kind, storage::ErrorKind::kBadRequest);
  auto no_field =
      find_multipart_part("multipart/form-data; boundary=" + kBoundary, body, "missing");
  ASSERT_FALSE(no_field.ok());
  EXPECT_NE(no_field.error().message.find("`missing`"), std::string::npos);
  auto unterminated = find_multipart_part("multipart/form-data; boundary=" + kBoundary,
                                          body.substr(0, body.size() / 2), "snapshot");
  EXPECT_FALSE(unterminated.ok());
}

}  // namespace
}  // namespace sextant::api
