// Upload bodies as clients send them: the `snapshot` field of a multipart form, fed to the
// extractor in pieces of every size (as the network delivers them), must come out whole.
#include "api/parse/snapshot_multipart.hpp"

#include <gtest/gtest.h>

namespace sextant::api {
namespace {

const std::string kBoundary = "----sextantBoundary42";
const std::string kContentType = "multipart/form-data; boundary=" + kBoundary;

std::string form_body(const std::string& snapshot_bytes) {
  return "--" + kBoundary + "\r\n" +
         "Content-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n" + "--" + kBoundary +
         "\r\n" +
         "Content-Disposition: form-data; name=\"snapshot\"; filename=\"c; 1.snapshot\"\r\n"
         "Content-Type: application/octet-stream\r\n\r\n" +
         snapshot_bytes + "\r\n--" + kBoundary + "--\r\n";
}

struct Extracted {
  Status status;
  std::string field;
  std::optional<std::string> filename;
};

// Feeds `body` in pieces of `piece_bytes` and collects the field.
Extracted extract(const std::string& content_type, const std::string& body,
                  const std::string& field_name, size_t piece_bytes) {
  Extracted out;
  auto extractor = MultipartFieldExtractor::create(content_type, field_name);
  if (!extractor.ok()) {
    out.status = extractor.error();
    return out;
  }
  auto sink = [&out](std::string_view bytes) {
    out.field.append(bytes);
    return Status{};
  };
  for (size_t offset = 0; offset < body.size(); offset += piece_bytes) {
    out.status = extractor->feed(std::string_view(body).substr(offset, piece_bytes), sink);
    if (!out.status.ok()) return out;
  }
  out.status = extractor->finish();
  out.filename = extractor->filename();
  return out;
}

TEST(SnapshotMultipart, FindsTheSnapshotFieldWithBinaryContentWhateverThePieceSize) {
  // Content that looks like the start of a delimiter, split at every possible place.
  const std::string bytes = std::string("ab\r\ncd\0\r\n--not-the-boundary\r\n--", 31) +
                            std::string("----sextantBoundary4") + "\r";
  const std::string body = form_body(bytes);
  for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, body.size()}) {
    Extracted out = extract(kContentType, body, "snapshot", piece);
    ASSERT_TRUE(out.status.ok()) << out.status.error().message << " piece " << piece;
    EXPECT_EQ(out.field, bytes) << "piece " << piece;
    ASSERT_TRUE(out.filename.has_value());
    EXPECT_EQ(*out.filename, "c; 1.snapshot");
  }
}

TEST(SnapshotMultipart, QuotedBoundaryPreambleAndOtherFields) {
  const std::string body = "preamble to ignore\r\n" + form_body("DATA") + "epilogue";
  Extracted other =
      extract("multipart/form-data; boundary=\"" + kBoundary + "\"", body, "other", 5);
  ASSERT_TRUE(other.status.ok()) << other.status.error().message;
  EXPECT_EQ(other.field, "value");
  EXPECT_FALSE(other.filename.has_value());
  Extracted snapshot = extract(kContentType, body, "snapshot", 4096);
  ASSERT_TRUE(snapshot.status.ok());
  EXPECT_EQ(snapshot.field, "DATA");
}

TEST(SnapshotMultipart, EmptyFieldAndFirstOfDuplicates) {
  const std::string body = "--" + kBoundary +
                           "\r\nContent-Disposition: form-data; name=\"snapshot\"\r\n\r\n"
                           "\r\n--" +
                           kBoundary +
                           "\r\nContent-Disposition: form-data; name=\"snapshot\"\r\n\r\n"
                           "second\r\n--" +
                           kBoundary + "--";
  Extracted out = extract(kContentType, body, "snapshot", 3);
  ASSERT_TRUE(out.status.ok()) << out.status.error().message;
  EXPECT_EQ(out.field, "");
}

TEST(SnapshotMultipart, MissingBoundaryFieldOrEndIsABadRequest) {
  const std::string body = form_body("DATA");
  Extracted no_boundary = extract("multipart/form-data", body, "snapshot", 16);
  ASSERT_FALSE(no_boundary.status.ok());
  EXPECT_EQ(no_boundary.status.error().kind, ErrorKind::kBadRequest);

  Extracted no_field = extract(kContentType, body, "missing", 16);
  ASSERT_FALSE(no_field.status.ok());
  EXPECT_EQ(no_field.status.error().kind, ErrorKind::kBadRequest);
  EXPECT_NE(no_field.status.error().message.find("`missing`"), std::string::npos);

  const std::string cut = body.substr(0, body.size() - 30);
  Extracted unterminated = extract(kContentType, cut, "snapshot", 16);
  EXPECT_FALSE(unterminated.status.ok());

  Extracted garbage = extract(kContentType, "--" + kBoundary + "junk\r\n\r\n", "snapshot", 16);
  EXPECT_FALSE(garbage.status.ok());
}

TEST(SnapshotMultipart, SinkErrorStopsTheParse) {
  auto extractor = MultipartFieldExtractor::create(kContentType, "snapshot");
  ASSERT_TRUE(extractor.ok());
  auto failing = [](std::string_view) -> Status { return Error::internal("disk full"); };
  const std::string body = form_body(std::string(1000, 'x'));
  Status status = extractor->feed(body, failing);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("disk full"), std::string::npos);
  EXPECT_FALSE(extractor->feed("more", failing).ok());
  EXPECT_FALSE(extractor->finish().ok());
}

}  // namespace
}  // namespace sextant::api
