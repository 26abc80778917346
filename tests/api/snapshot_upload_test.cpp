// An upload streamed piece by piece lands in one scratch file with the right sha256, and
// nothing of it survives an abandoned, malformed or failed upload.
#include "api/parse/snapshot_upload.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sextant::api {
namespace {

namespace fs = std::filesystem;
using storage::snapshot::list_snapshots;
using storage::snapshot::Sha256Sink;

class SnapshotUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("sextant-upload-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Regular files anywhere under the snapshots directory.
  size_t files_left() const {
    size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root_))
      if (entry.is_regular_file()) ++count;
    return count;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string snapshots() const { return root_.string(); }

  fs::path root_;
};

std::string test_bytes(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + 7) % 251);
  return bytes;
}

std::string sha256_of(const std::string& bytes) {
  Sha256Sink sink;
  sink.consume(bytes.data(), bytes.size());
  return sink.hex_digest();
}

TEST_F(SnapshotUploadTest, RawBodyIsStoredAndHashedAsItArrives) {
  const std::string bytes = test_bytes(300000);
  SnapshotUpload upload(snapshots(), "application/octet-stream");
  for (size_t offset = 0; offset < bytes.size(); offset += 4096)
    ASSERT_TRUE(upload.receive(std::string_view(bytes).substr(offset, 4096)));
  upload.finish();
  auto stored = upload.result();
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->size_bytes, bytes.size());
  EXPECT_EQ(stored->sha256, sha256_of(bytes));
  EXPECT_EQ(read(stored->path), bytes);
  // Never under a name a snapshot listing or download could reach.
  EXPECT_NE(stored->path.find("/.tmp/"), std::string::npos);
  EXPECT_TRUE(list_snapshots(snapshots()).empty());
  // A raw body has no file name to keep it under.
  ASSERT_TRUE(upload.keep_as_snapshot((root_ / "c").string()).ok());
  EXPECT_FALSE(fs::exists(root_ / "c"));
}

TEST_F(SnapshotUploadTest, MultipartFieldIsKeptUnderItsFileNameAfterSuccess) {
  const std::string bytes = test_bytes(70000);
  const std::string body =
      "--b0undary\r\nContent-Disposition: form-data; name=\"snapshot\"; "
      "filename=\"../../evil/c-1.snapshot\"\r\n\r\n" +
      bytes + "\r\n--b0undary--\r\n";
  {
    SnapshotUpload upload(snapshots(), "multipart/form-data; boundary=b0undary");
    for (size_t offset = 0; offset < body.size(); offset += 1000)
      ASSERT_TRUE(upload.receive(std::string_view(body).substr(offset, 1000)));
    upload.finish();
    auto stored = upload.result();
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ(stored->sha256, sha256_of(bytes));
    ASSERT_TRUE(upload.keep_as_snapshot((root_ / "c").string()).ok());
  }
  auto listed = list_snapshots((root_ / "c").string());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "c-1.snapshot");
  EXPECT_EQ(listed[0].size_bytes, bytes.size());
  EXPECT_EQ(listed[0].checksum, sha256_of(bytes));
  EXPECT_FALSE(fs::exists(root_ / "evil"));
  EXPECT_EQ(files_left(), 2u);  // the kept snapshot and its checksum file
}

TEST_F(SnapshotUploadTest, AbandonedUploadLeavesNothing) {
  {
    SnapshotUpload upload(snapshots(), std::nullopt);
    ASSERT_TRUE(upload.receive(test_bytes(10000)));
    EXPECT_EQ(files_left(), 1u);
    // The connection broke: no finish().
  }
  EXPECT_EQ(files_left(), 0u);
}

TEST_F(SnapshotUploadTest, MalformedFormIsRefusedAndItsFileDroppedAtOnce) {
  SnapshotUpload upload(snapshots(), "multipart/form-data; boundary=xyz");
  EXPECT_FALSE(upload.receive("--xyz\r\n" + std::string(20000, 'h')));  // headers never end
  EXPECT_EQ(files_left(), 0u);
  EXPECT_FALSE(upload.receive("more"));
  upload.finish();
  auto stored = upload.result();
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.error().kind, ErrorKind::kBadRequest);
}

TEST_F(SnapshotUploadTest, MissingFieldOrEmptyBodyIsABadRequest) {
  SnapshotUpload no_field(snapshots(), "multipart/form-data; boundary=xyz");
  no_field.receive("--xyz\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--xyz--");
  no_field.finish();
  ASSERT_FALSE(no_field.result().ok());
  EXPECT_NE(no_field.result().error().message.find("`snapshot`"), std::string::npos);

  SnapshotUpload empty(snapshots(), std::nullopt);
  empty.finish();
  ASSERT_FALSE(empty.result().ok());
  EXPECT_NE(empty.result().error().message.find("empty"), std::string::npos);
}

}  // namespace
}  // namespace sextant::api
