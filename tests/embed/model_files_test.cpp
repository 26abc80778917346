// Model files on disk: the Hugging Face cache layout is resolved through refs/main, and broken
// safetensors files are reported as errors naming the problem, never read out of bounds.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "embed/model_locator.hpp"
#include "embed/safetensors_file.hpp"
#include "embed/sentence_model.hpp"

namespace sextant::embed {
namespace {
namespace fs = std::filesystem;

class ScratchDirectory {
 public:
  ScratchDirectory() {
    path_ = fs::temp_directory_path() /
            ("sextant_embed_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDirectory() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string safetensors_bytes(const std::string& header, const std::string& data) {
  std::string bytes(8, '\0');
  uint64_t length = header.size();
  std::memcpy(bytes.data(), &length, 8);
  return bytes + header + data;
}

TEST(ModelLocator, ResolvesTheHubCacheSnapshotNamedByRefsMain) {
  ScratchDirectory scratch;
  fs::path repo = scratch.path() / "hub" / "models--acme--tiny-model";
  write_file(repo / "snapshots" / "aaa" / "config.json", "{}");
  write_file(repo / "snapshots" / "bbb" / "config.json", "{}");
  write_file(repo / "refs" / "main", "bbb\n");
  std::vector<std::string> roots = {(scratch.path() / "hub").string()};
  auto by_id = locate_model_directory("acme/tiny-model", roots);
  ASSERT_TRUE(by_id) << by_id.error().message;
  EXPECT_EQ(fs::path(*by_id).filename(), "bbb");
  auto by_folder = locate_model_directory(repo.string(), {});
  ASSERT_TRUE(by_folder);
  EXPECT_EQ(fs::path(*by_folder).filename(), "bbb");
  auto missing = locate_model_directory("acme/other", roots);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("acme/other"), std::string::npos);
}

TEST(ModelLocator, HubCacheRootsFollowHuggingFaceVariables) {
  EXPECT_EQ(hub_cache_roots("/c", "/h", "/home/u"), std::vector<std::string>{"/c"});
  EXPECT_EQ(hub_cache_roots("", "/h", "/home/u"), std::vector<std::string>{"/h/hub"});
  EXPECT_EQ(hub_cache_roots("", "", "/home/u"),
            std::vector<std::string>{"/home/u/.cache/huggingface/hub"});
}

TEST(SafetensorsFile, ServesF32TensorsAndChecksShapes) {
  ScratchDirectory scratch;
  float values[4] = {1, 2, 3, 4};
  std::string data(reinterpret_cast<const char*>(values), sizeof(values));
  std::string header = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  write_file(scratch.path() / "m.safetensors", safetensors_bytes(header, data));
  auto file = SafetensorsFile::open((scratch.path() / "m.safetensors").string());
  ASSERT_TRUE(file) << file.error().message;
  auto tensor = (*file)->tensor("w", {2, 2});
  ASSERT_TRUE(tensor);
  EXPECT_EQ((*tensor)[3], 4.0f);
  auto wrong_shape = (*file)->tensor("w", {4});
  ASSERT_FALSE(wrong_shape);
  EXPECT_NE(wrong_shape.error().message.find("expected [4]"), std::string::npos);
  EXPECT_FALSE((*file)->tensor("absent", {1}));
}

TEST(SafetensorsFile, RejectsTruncatedAndInconsistentFiles) {
  ScratchDirectory scratch;
  auto open = [&](const std::string& bytes) {
    write_file(scratch.path() / "bad.safetensors", bytes);
    return SafetensorsFile::open((scratch.path() / "bad.safetensors").string());
  };
  EXPECT_EQ(open("abc").error().kind, ErrorKind::kCorrupted);
  EXPECT_FALSE(open(safetensors_bytes(std::string(100, '{'), "")));  // length past the end
  std::string header = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,64]}})";
  EXPECT_FALSE(open(safetensors_bytes(header, std::string(16, '\0'))));  // range past data
  std::string lying = R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})";
  EXPECT_FALSE(open(safetensors_bytes(lying, std::string(16, '\0'))));  // size != shape
  EXPECT_EQ(SafetensorsFile::open((scratch.path() / "none").string()).error().kind,
            ErrorKind::kNotFound);
}

TEST(SentenceModel, MissingOrBrokenModelDirectoriesAreErrorsNotCrashes) {
  ScratchDirectory scratch;
  auto missing = SentenceModel::load((scratch.path() / "nothing").string());
  ASSERT_FALSE(missing);
  write_file(scratch.path() / "broken" / "config.json", "{not json");
  auto broken = SentenceModel::load((scratch.path() / "broken").string());
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind, ErrorKind::kCorrupted);
  write_file(scratch.path() / "gpt" / "config.json", R"({"model_type": "gpt2"})");
  auto unsupported = SentenceModel::load((scratch.path() / "gpt").string());
  ASSERT_FALSE(unsupported);
  EXPECT_NE(unsupported.error().message.find("gpt2"), std::string::npos);
}

}  // namespace
}  // namespace sextant::embed
