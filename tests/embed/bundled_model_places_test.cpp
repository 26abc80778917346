// The places the default model is looked for, in order: the installation beside the binary, the
// checkout of the build tree the binary runs from (read from CMakeCache.txt), the working
// directory. Uses a scratch directory laid out as a prefix and as a build tree.
#include "embed/bundled_model_places.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace sextant::embed {
namespace {
namespace fs = std::filesystem;

class BundledModelPlacesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/sextant-model-places-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    root_ = name;
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
};

TEST_F(BundledModelPlacesTest, InstalledBinaryLooksInShareThenWorkingDirectory) {
  auto places = bundled_model_places("m", (root_ / "usr" / "bin" / "sextant").string());
  ASSERT_EQ(places.size(), 2u);
  EXPECT_EQ(places[0].label, "installation");
  EXPECT_EQ(places[0].directory, (root_ / "usr" / "share" / "sextant" / "models" / "m").string());
  EXPECT_EQ(places[1].label, "working directory");
  EXPECT_EQ(places[1].directory, (fs::current_path() / "models" / "m").string());
}

TEST_F(BundledModelPlacesTest, BuildTreeBinaryAlsoLooksInTheCheckout) {
  fs::path build = root_ / "checkout" / "build";
  fs::create_directories(build / "tests");
  std::ofstream(build / "CMakeCache.txt")
      << "# cache\nCMAKE_HOME_DIRECTORY:INTERNAL=" << (root_ / "checkout").string() << "\n";
  // The server at the top of the build tree and a binary one folder down both find it.
  for (const fs::path& binary : {build / "sextant", build / "tests" / "some_test"}) {
    EXPECT_EQ(checkout_of_build_tree(binary.string()), (root_ / "checkout").string());
    auto places = bundled_model_places("m", binary.string());
    ASSERT_EQ(places.size(), 3u);
    EXPECT_EQ(places[1].label, "checkout");
    EXPECT_EQ(places[1].directory, (root_ / "checkout" / "models" / "m").string());
  }
}

TEST_F(BundledModelPlacesTest, NoBuildTreeAndUnknownBinary) {
  EXPECT_EQ(checkout_of_build_tree((root_ / "bin" / "sextant").string()), "");
  EXPECT_EQ(checkout_of_build_tree(""), "");
  auto places = bundled_model_places("m", "");
  ASSERT_EQ(places.size(), 1u);
  EXPECT_EQ(places[0].label, "working directory");
}

}  // namespace
}  // namespace sextant::embed
