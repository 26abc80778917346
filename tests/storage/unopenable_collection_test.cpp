// A collection that cannot be opened at start-up (its data.mdb damaged, its configuration not
// decoding) is reported, named, and refused to requests, while Storage::open succeeds and the
// other collections serve; deleting it clears it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "storage/storage.hpp"

namespace sextant::storage {
namespace {

namespace fs = std::filesystem;

// Encodes a configuration as {"size": N} (one unnamed vector); anything else does not decode.
class SizeOnlyCodec : public CollectionConfigCodec {
 public:
  std::string encode(const CollectionConfig& config) const override {
    return "{\"size\":" + std::to_string(config.params.vectors.at(0).size) + "}";
  }
  Result<CollectionConfig> decode(std::string_view bytes) const override {
    boost::system::error_code ec;
    auto value = boost::json::parse(bytes, ec);
    if (ec || !value.is_object() || !value.as_object().contains("size") ||
        !value.as_object().at("size").is_int64())
      return Error::bad_request("not a size");
    return config_of_size(uint64_t(value.as_object().at("size").as_int64()));
  }
  static CollectionConfig config_of_size(uint64_t size) {
    CollectionConfig config = default_collection_config({});
    config.params.unnamed_vector = true;
    VectorParams vector;
    vector.size = size;
    config.params.vectors.push_back(vector);
    return config;
  }
};

class UnopenableCollection : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-unopenable-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    open();
    ASSERT_TRUE(storage_->create_collection("kept", SizeOnlyCodec::config_of_size(4)).ok());
    ASSERT_TRUE(storage_->create_collection("damaged", SizeOnlyCodec::config_of_size(8)).ok());
    ASSERT_TRUE(
        storage_->update_aliases({{AliasAction::Kind::kCreate, "damaged", "alias", ""}}).ok());
    damaged_dir_ = storage_->collection("damaged").value()->directory();
    storage_->close();
    storage_.reset();
  }
  void TearDown() override {
    if (storage_) storage_->close();
    fs::remove_all(dir_);
  }
  void open() {
    auto opened = Storage::open(dir_.string(), std::make_shared<SizeOnlyCodec>(),
                                [this](std::string_view line) {
                                  std::lock_guard lock(log_mutex_);
                                  log_.emplace_back(line);
                                });
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    storage_ = std::move(opened.value());
  }
  // Flips one byte of a file at `at`.
  static void flip_byte(const fs::path& file, std::streamoff at) {
    std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(stream);
    stream.seekg(at);
    char byte = 0;
    stream.read(&byte, 1);
    byte = char(byte ^ 0x5A);
    stream.seekp(at);
    stream.write(&byte, 1);
  }
  std::vector<std::string> log_lines() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }
  void expect_reported_and_refused(const std::string& reason) {
    const auto lines = log_lines();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("Collection `damaged`, cannot be opened (", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find(reason), std::string::npos) << lines[0];
    EXPECT_EQ(storage_->collection_names(), std::vector<std::string>{"kept"});
    EXPECT_EQ(storage_->unopenable_collections().count("damaged"), 1u);
    for (const char* name : {"damaged", "alias"}) {
      auto refused = storage_->collection(name);
      ASSERT_FALSE(refused.ok()) << name;
      EXPECT_EQ(refused.error().kind, ErrorKind::kInternal);
      EXPECT_NE(refused.error().message.find("Collection `damaged` could not be opened: "),
                std::string::npos)
          << refused.error().message;
    }
    EXPECT_TRUE(storage_->collection("kept").ok());
    EXPECT_FALSE(storage_->create_collection("damaged", SizeOnlyCodec::config_of_size(8)).ok());
    EXPECT_TRUE(fs::exists(damaged_dir_));  // left as it was
  }

  fs::path dir_;
  std::string damaged_dir_;
  std::unique_ptr<Storage> storage_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(UnopenableCollection, DamagedLmdbMetaPageIsReportedAndTheOthersServe) {
  flip_byte(fs::path(damaged_dir_) / "data.mdb", 16);  // mm_magic of the first meta page
  open();
  expect_reported_and_refused("MDB_INVALID");
}

TEST_F(UnopenableCollection, ConfigurationThatDoesNotDecodeIsReported) {
  // Rewrite the catalog entry with a configuration the codec refuses.
  {
    auto env = lmdb::Env::open((dir_ / "catalog").string(), lmdb::Env::Options{});
    ASSERT_TRUE(env.ok());
    auto txn = lmdb::Txn::begin(*env.value(), lmdb::Txn::Mode::kWrite);
    ASSERT_TRUE(txn.ok());
    auto db = txn->open_db("collections", 0);
    ASSERT_TRUE(db.ok());
    auto entry = txn->get(db.value(), lmdb::as_bytes("damaged"));
    ASSERT_TRUE(entry.ok() && entry.value());
    auto object = boost::json::parse(lmdb::as_string(*entry.value())).as_object();
    object["config"] = boost::json::object{{"size", "eight"}};
    const std::string text = boost::json::serialize(object);
    ASSERT_TRUE(txn->put(db.value(), lmdb::as_bytes("damaged"), lmdb::as_bytes(text)).ok());
    ASSERT_TRUE(txn->commit().ok());
  }
  open();
  expect_reported_and_refused("its configuration does not decode: ");
}

TEST_F(UnopenableCollection, DeletingItRemovesItsEntryAndDirectory) {
  flip_byte(fs::path(damaged_dir_) / "data.mdb", 16);
  open();
  auto deleted = storage_->delete_collection("damaged");
  ASSERT_TRUE(deleted.ok() && deleted.value());
  EXPECT_FALSE(fs::exists(damaged_dir_));
  EXPECT_TRUE(storage_->unopenable_collections().empty());
  EXPECT_TRUE(storage_->aliases().empty());
  EXPECT_TRUE(storage_->create_collection("damaged", SizeOnlyCodec::config_of_size(8)).ok());
  storage_->close();
  storage_.reset();
  log_.clear();
  open();  // the new one opens without a report
  EXPECT_TRUE(log_lines().empty());
  EXPECT_TRUE(storage_->collection("damaged").ok());
}

}  // namespace
}  // namespace sextant::storage
