// The configuration rules of named vector add/delete (storage/vector_names.hpp): appended
// positions, Qdrant's conflict texts, idempotent repeats and removals.
#include "storage/vector_names.hpp"

#include <gtest/gtest.h>

namespace sextant::storage {
namespace {

VectorParams dense(const std::string& name, uint64_t size, Distance distance) {
  VectorParams params;
  params.name = name;
  params.size = size;
  params.distance = distance;
  return params;
}

SparseVectorParams sparse(const std::string& name, std::optional<SparseModifier> modifier) {
  SparseVectorParams params;
  params.name = name;
  params.modifier = modifier;
  return params;
}

CollectionConfig unnamed_collection() {
  CollectionConfig config = default_collection_config({});
  config.params.unnamed_vector = true;
  config.params.vectors.push_back(dense("", 4, Distance::kCosine));
  return config;
}

TEST(VectorNames, AddingAppendsAndTurnsTheUnnamedVectorIntoANamedMap) {
  CollectionConfig config = unnamed_collection();
  auto added = add_vector_name(config, dense("image", 8, Distance::kEuclid));
  ASSERT_TRUE(added.ok());
  EXPECT_TRUE(added.value());
  EXPECT_FALSE(config.params.unnamed_vector);
  ASSERT_EQ(config.params.vectors.size(), 2u);
  EXPECT_EQ(config.params.vectors[0].name, "");
  EXPECT_EQ(config.params.vectors[1].name, "image");
  auto words = add_vector_name(config, sparse("words", SparseModifier::kIdf));
  ASSERT_TRUE(words.ok());
  ASSERT_TRUE(config.params.sparse_vectors.has_value());
  EXPECT_EQ(config.params.sparse_vectors->back().name, "words");
}

TEST(VectorNames, SameSchemaAgainChangesNothingAndConflictsAreWrongInput) {
  CollectionConfig config = unnamed_collection();
  ASSERT_TRUE(add_vector_name(config, dense("image", 8, Distance::kEuclid)).ok());
  ASSERT_TRUE(add_vector_name(config, sparse("words", std::nullopt)).ok());
  auto again = add_vector_name(config, dense("image", 8, Distance::kEuclid));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value());

  auto other = add_vector_name(config, dense("image", 9, Distance::kEuclid));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(other.error().message,
            "Wrong input: Vector `image` already exists with a different configuration");
  EXPECT_EQ(add_vector_name(config, sparse("image", std::nullopt)).error().message,
            "Wrong input: Vector `image` already exists as a dense vector");
  EXPECT_EQ(add_vector_name(config, dense("words", 2, Distance::kDot)).error().message,
            "Wrong input: Vector `words` already exists as a sparse vector");
  EXPECT_EQ(add_vector_name(config, sparse("words", SparseModifier::kIdf)).error().message,
            "Wrong input: Sparse vector `words` already exists with a different configuration");
}

TEST(VectorNames, RemovalReportsKindAndPosition) {
  CollectionConfig config = unnamed_collection();
  ASSERT_TRUE(add_vector_name(config, dense("b", 2, Distance::kDot)).ok());
  ASSERT_TRUE(add_vector_name(config, dense("c", 2, Distance::kDot)).ok());
  ASSERT_TRUE(add_vector_name(config, sparse("s", std::nullopt)).ok());
  auto removed = remove_vector_name(config, "b");
  ASSERT_TRUE(removed.has_value());
  EXPECT_FALSE(removed->sparse);
  EXPECT_EQ(removed->position, 1u);
  ASSERT_EQ(config.params.vectors.size(), 2u);
  EXPECT_EQ(config.params.vectors[1].name, "c");
  auto removed_sparse = remove_vector_name(config, "s");
  ASSERT_TRUE(removed_sparse.has_value());
  EXPECT_TRUE(removed_sparse->sparse);
  EXPECT_EQ(removed_sparse->position, 0u);
  EXPECT_FALSE(remove_vector_name(config, "missing").has_value());
}

}  // namespace
}  // namespace sextant::storage
