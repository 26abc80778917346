// The in-memory ids and versions (PointMetaTable): a copy never sees later changes, and a
// collection's views answer every live offset's id and version as offset_to_id records them, at
// their own commit, through payload updates, re-upserts, deletes and a restart.
#include "storage/point_meta_table.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "storage/collection.hpp"
#include "storage/point_queries.hpp"

namespace sextant::storage {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::array<uint8_t, PointId::kKeySize> key_of(uint64_t id) {
  return PointId::from_number(id).to_key();
}

TEST(PointMetaTable, ACopyKeepsWhatItHeldWhenTheOriginalChanges) {
  PointMetaTable table;
  table.set(5, key_of(50).data(), 1);
  table.set(5000, key_of(60).data(), 2);
  const PointMetaTable copy = table;
  table.set(5, key_of(70).data(), 3);
  table.set_version(5000, 4);
  table.set(9000, key_of(80).data(), 5);

  ASSERT_NE(copy.find(5), nullptr);
  EXPECT_EQ(copy.find(5)->id_key, key_of(50));
  EXPECT_EQ(copy.find(5)->version, 1u);
  EXPECT_EQ(copy.find(5000)->version, 2u);
  EXPECT_EQ(copy.find(9000), nullptr);
  EXPECT_EQ(table.find(5)->id_key, key_of(70));
  EXPECT_EQ(table.find(5)->version, 3u);
  EXPECT_EQ(table.find(5000)->id_key, key_of(60));
  EXPECT_EQ(table.find(5000)->version, 4u);
  EXPECT_EQ(table.find(9000)->id_key, key_of(80));
  EXPECT_EQ(table.find(1u << 30), nullptr);
}

class PointMetaInViews : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-point-meta-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    open();
  }
  void TearDown() override {
    if (collection_) collection_->close();
    collection_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    CollectionSchema schema;
    DenseVectorSpec spec;
    spec.dim = 4;
    spec.distance = Distance::kDot;
    schema.dense.push_back(spec);
    auto collection = Collection::open(dir_.string(), schema);
    ASSERT_TRUE(collection.ok()) << collection.error().message;
    collection_ = collection.value();
  }
  void apply(UpdateOperation operation) {
    std::vector<UpdateOperation> operations;
    operations.push_back(std::move(operation));
    auto result = collection_->update(std::move(operations), true);
    ASSERT_TRUE(result.ok()) << result.error().message;
  }
  void upsert(uint64_t first, uint64_t count) {
    UpsertPoints upsert;
    for (uint64_t id = first; id < first + count; ++id) {
      PointWrite point;
      point.id = PointId::from_number(id);
      point.vectors.dense[""] = {float(id), 1, 2, 3};
      upsert.points.push_back(std::move(point));
    }
    apply(std::move(upsert));
  }

  // Every live offset of `view`: the table's answer (identity) equals offset_to_id's record.
  static size_t expect_table_matches_records(const ReadView& view) {
    PointReader reader = view.reader();
    EXPECT_NE(view.state().point_meta, nullptr);
    size_t live = 0;
    for (uint32_t offset = 0; offset < view.state().offset_limit; ++offset) {
      if (!reader.alive(offset)) continue;
      ++live;
      auto identity = reader.identity(offset);
      auto meta = reader.meta(offset);
      EXPECT_TRUE(identity && meta) << offset;
      if (!identity || !meta) continue;
      EXPECT_EQ(identity->id, PointId::from_key(meta->id_key)) << offset;
      const uint64_t stored_version = meta->version;  // a packed member: copied, not bound
      EXPECT_EQ(identity->version, stored_version) << offset;
    }
    return live;
  }

  fs::path dir_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(PointMetaInViews, EachViewAnswersItsOwnCommitsIdsAndVersions) {
  upsert(0, 3000);  // more than one chunk of the table
  auto before = collection_->view();
  SetPayload set;
  set.payload = json::object{{"colour", "red"}};
  set.selector.ids = {PointId::from_number(7), PointId::from_number(2500)};
  apply(std::move(set));
  upsert(10, 1);  // a re-upserted point moves to a new offset
  DeletePoints del;
  del.selector.ids = {PointId::from_number(11)};
  apply(std::move(del));
  auto after = collection_->view();

  EXPECT_EQ(expect_table_matches_records(*before), 3000u);
  EXPECT_EQ(expect_table_matches_records(*after), 2999u);
  auto version_of = [](const ReadView& view, uint64_t id) {
    PointReader reader = view.reader();
    auto offset = reader.find(PointId::from_number(id));
    return offset ? read_point(reader, *offset, ReadOptions{}).version : ~uint64_t(0);
  };
  EXPECT_LT(version_of(*before, 7), version_of(*after, 7));
  EXPECT_LT(version_of(*before, 2500), version_of(*after, 2500));
  EXPECT_EQ(version_of(*before, 8), version_of(*after, 8));
  // The old view still reads its commit's record of a point updated since.
  PointReader old_reader = before->reader();
  auto old_offset = old_reader.find(PointId::from_number(7));
  ASSERT_TRUE(old_offset);
  EXPECT_EQ(read_point(old_reader, *old_offset, ReadOptions{}).id, PointId::from_number(7));

  before.reset();  // views end before their environment closes
  after.reset();
  collection_->close();
  collection_.reset();
  open();
  EXPECT_EQ(expect_table_matches_records(*collection_->view()), 2999u);
}

}  // namespace
}  // namespace sextant::storage
