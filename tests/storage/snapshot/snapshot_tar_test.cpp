// The snapshot archive format: what we write is a real tar, and extraction refuses anything
// that could place a file somewhere the caller did not choose.
#include "storage/snapshot/snapshot_tar.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sextant::storage::snapshot {
namespace {

namespace fs = std::filesystem;

class SnapshotTar : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("sextant-tar-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "out");
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string path(const std::string& name) const { return (root_ / name).string(); }

  static void write_text(const std::string& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
  }
  static std::string read_text(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // Writes an archive with a manifest and a 3000-byte data file.
  std::string make_archive(const std::string& manifest_name = "manifest.json") {
    std::string data;
    for (int i = 0; i < 3000; ++i) data.push_back(static_cast<char>(i * 7));
    write_text(path("data.src"), data);
    auto writer = TarWriter::create(path("a.tar"), nullptr);
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE(writer.value()->add_bytes(manifest_name, "{\"k\":1}").ok());
    EXPECT_TRUE(writer.value()->add_file("data.mdb", path("data.src")).ok());
    EXPECT_TRUE(writer.value()->finish().ok());
    return data;
  }

  // Rewrites header field bytes of the first member and fixes its checksum.
  void patch_first_header(size_t offset, const std::string& bytes) {
    std::string archive = read_text(path("a.tar"));
    archive.replace(offset, bytes.size(), bytes);
    unsigned sum = 0;
    for (size_t i = 0; i < 512; ++i)
      sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(archive[i]);
    char field[8];
    std::snprintf(field, sizeof field, "%06o", sum);
    archive.replace(148, 7, std::string(field, 7));
    archive[155] = ' ';
    write_text(path("a.tar"), archive);
  }

  Status extract_both() {
    return extract_members(path("a.tar"), {{"manifest.json", path("out/manifest.json")},
                                           {"data.mdb", path("out/data.mdb")}});
  }

  fs::path root_;
};

TEST_F(SnapshotTar, RoundTripsMembersByteForByte) {
  std::string data = make_archive();
  auto st = extract_both();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(read_text(path("out/manifest.json")), "{\"k\":1}");
  EXPECT_EQ(read_text(path("out/data.mdb")), data);
  EXPECT_EQ(fs::file_size(path("a.tar")) % 512, 0u);
}

TEST_F(SnapshotTar, SystemTarReadsWhatWeWrite) {
  std::string data = make_archive();
  std::string command = "tar -xf " + path("a.tar") + " -C " + path("out") + " 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(read_text(path("out/data.mdb")), data);
  EXPECT_EQ(read_text(path("out/manifest.json")), "{\"k\":1}");
}

TEST_F(SnapshotTar, RejectsUnexpectedAndEscapingNames) {
  make_archive("../manifest.json");
  auto st = extract_both();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("unexpected entry `../manifest.json`"), std::string::npos);
  EXPECT_FALSE(fs::exists(root_ / "manifest.json"));

  fs::remove(path("out/manifest.json"));
  make_archive("/etc/manifest.json");
  EXPECT_FALSE(extract_both().ok());
}

TEST_F(SnapshotTar, RejectsSymlinksAndDirectories) {
  make_archive();
  patch_first_header(156, "2");  // symbolic link
  auto st = extract_both();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("is not a regular file"), std::string::npos);

  make_archive();
  patch_first_header(156, "5");  // directory
  fs::remove_all(path("out"));
  fs::create_directories(path("out"));
  EXPECT_FALSE(extract_both().ok());
}

TEST_F(SnapshotTar, RejectsCorruptHeaderTruncationAndMissingMembers) {
  make_archive();
  std::string archive = read_text(path("a.tar"));
  archive[0] = 'X';  // name changes, checksum no longer matches
  write_text(path("a.tar"), archive);
  auto st = extract_both();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("header checksum"), std::string::npos);

  make_archive();
  archive = read_text(path("a.tar"));
  write_text(path("a.tar"), archive.substr(0, 2048));  // cut inside data.mdb
  fs::remove_all(path("out"));
  fs::create_directories(path("out"));
  EXPECT_FALSE(extract_both().ok());

  make_archive();
  fs::remove_all(path("out"));
  fs::create_directories(path("out"));
  st = extract_members(path("a.tar"), {{"manifest.json", path("out/m")},
                                       {"data.mdb", path("out/d")},
                                       {"extra.bin", path("out/e")}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("missing entry `extra.bin`"), std::string::npos);
}

TEST_F(SnapshotTar, HugeDeclaredSizeIsTruncationNotAllocation) {
  make_archive();
  // base-256 size of 2^40 bytes in the first header; the archive is far shorter.
  std::string size_field(12, '\0');
  size_field[0] = static_cast<char>(0x80);
  size_field[6] = 1;  // byte 6 of 12 -> 2^40
  patch_first_header(124, size_field);
  auto st = extract_both();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("truncated"), std::string::npos);
}

TEST_F(SnapshotTar, NeverOverwritesAnExistingDestination) {
  make_archive();
  write_text(path("out/data.mdb"), "keep");
  EXPECT_FALSE(extract_both().ok());
  EXPECT_EQ(read_text(path("out/data.mdb")), "keep");
}

}  // namespace
}  // namespace sextant::storage::snapshot
