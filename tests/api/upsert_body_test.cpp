// read_plain_upsert_body: reads the common upsert bodies exactly as the DOM path (parse_body +
// parse_upsert) reads them, and leaves every other body to it.
#include "api/parse/upsert_body.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "api/parse/update_operations.hpp"

namespace sextant::api {
namespace {

storage::CollectionSchema schema_of(uint32_t dim) {
  storage::CollectionSchema schema;
  storage::DenseVectorSpec spec;
  spec.dim = dim;
  schema.dense.push_back(spec);
  return schema;
}

// The DOM path's points for `body` (which it must accept).
std::vector<storage::PointWrite> dom_points(const std::string& body,
                                            const storage::CollectionSchema& schema) {
  auto op = parse_upsert(boost::json::parse(body).as_object(), schema, nullptr);
  EXPECT_TRUE(op.ok()) << body;
  if (!op.ok()) return {};
  return std::get<storage::UpsertPoints>(op.value()).points;
}

void expect_same_points(const std::string& body, const storage::CollectionSchema& schema) {
  auto fast = read_plain_upsert_body(body, schema);
  ASSERT_TRUE(fast.has_value()) << body;
  auto dom = dom_points(body, schema);
  ASSERT_EQ(fast->size(), dom.size()) << body;
  for (size_t i = 0; i < dom.size(); ++i) {
    EXPECT_TRUE((*fast)[i].id == dom[i].id) << body << " point " << i;
    EXPECT_EQ((*fast)[i].vectors.dense, dom[i].vectors.dense) << body << " point " << i;
    EXPECT_TRUE((*fast)[i].vectors.sparse.empty() && (*fast)[i].vectors.multi.empty());
    EXPECT_EQ(boost::json::serialize((*fast)[i].payload), boost::json::serialize(dom[i].payload))
        << body << " point " << i;
  }
}

TEST(UpsertBody, ReadsABatchAsTheDomPathDoes) {
  expect_same_points(
      R"({"batch": {"ids": [1, 18446744073709551615, 7], "vectors": [[0.5, -1, 2e-3],
          [0.10000000000000001, 3.4028234e38, 1e-45], [1, 2, 3]],
          "payloads": [{"a": 1, "b": {"c": [1, "x"]}}, null, {}]}})",
      schema_of(3));
  expect_same_points(R"({"batch": {"vectors": [[1, 2]], "ids": [4], "payloads": null}})",
                     schema_of(2));
  expect_same_points(R"({"batch": {"ids": [4, 5], "vectors": [[1, 2], [3, 4]]}})", schema_of(2));
}

TEST(UpsertBody, ReadsAPointListAsTheDomPathDoes) {
  expect_same_points(
      R"({"points": [{"id": 1, "vector": [0.25, 0.5], "payload": {"city": "Berlin"}},
                     {"payload": null, "vector": [1e10, -2], "id": 2},
                     {"id": 3, "vector": [0, 0]}]})",
      schema_of(2));
}

TEST(UpsertBody, LeavesEveryOtherBodyToTheDomPath) {
  const storage::CollectionSchema schema = schema_of(2);
  const char* bodies[] = {
      R"({"points": []})",                         // empty
      R"({"batch": {"ids": [], "vectors": []}})",  // empty
      R"({"points": [{"id": "5c56c793-69f3-4fbf-87e6-c4bf54c28c26", "vector": [1, 2]}]})",
      R"({"points": [{"id": -1, "vector": [1, 2]}]})",       // not an id
      R"({"points": [{"id": 1.5, "vector": [1, 2]}]})",      // not an id
      R"({"points": [{"id": 1, "vector": [1, 2, 3]}]})",     // dimension
      R"({"points": [{"id": 1, "vector": [1]}]})",           // dimension
      R"({"points": [{"id": 1, "vector": {"": [1, 2]}}]})",  // named form
      R"({"points": [{"id": 1, "vector": [[1, 2]]}]})",      // multivector form
      R"({"points": [{"id": 1, "vector": [1, "2"]}]})",      // not a number
      R"({"points": [{"id": 1, "vector": [1, 1e39]}]})",     // beyond f32
      R"({"points": [{"id": 1, "vector": [1, 0.1000000000000000055511151231257827]}]})",
      R"({"points": [{"id": 1}]})",                                      // no vector
      R"({"points": [{"vector": [1, 2]}]})",                             // no id
      R"({"points": [{"id": 1, "id": 2, "vector": [1, 2]}]})",           // duplicate key
      R"({"points": [{"id": 1, "vector": [1, 2], "payload": [1]}]})",    // payload not a map
      R"({"points": [{"id": 1, "vector": [1, 2], "extra": 1}]})",        // unknown field
      R"({"points": [{"id": 1, "vector": [1, 2]}], "shard_key": "a"})",  // routed
      R"({"points": [{"id": 1, "vector": [1, 2]}], "update_mode": "insert_only"})",
      R"({"points": [{"id": 1, "vector": [1, 2]}]} trailing)",
      R"({"points": [{"id": 1, "vector": [1, 2]}])",                      // truncated
      R"({"batch": {"ids": [1, 2], "vectors": [[1, 2]]}})",               // counts differ
      R"({"batch": {"ids": [1], "vectors": [[1, 2]], "payloads": []}})",  // counts differ
      R"({"batch": {"ids": [1], "vectors": {"": [[1, 2]]}}})",            // named form
      R"({"batch": {"ids": [1], "vectors": [[1, 2]]}, "points": []})",    // both
      R"([{"id": 1, "vector": [1, 2]}])",                                 // not an object
  };
  for (const char* body : bodies) EXPECT_FALSE(read_plain_upsert_body(body, schema)) << body;
}

TEST(UpsertBody, LeavesCollectionsOfOtherVectorsToTheDomPath) {
  const std::string body = R"({"points": [{"id": 1, "vector": [1, 2]}]})";
  storage::CollectionSchema named = schema_of(2);
  named.dense[0].name = "text";
  EXPECT_FALSE(read_plain_upsert_body(body, named));
  storage::CollectionSchema multi = schema_of(2);
  multi.dense[0].multivector = true;
  EXPECT_FALSE(read_plain_upsert_body(body, multi));
  storage::CollectionSchema bytes = schema_of(2);
  bytes.dense[0].datatype = storage::Datatype::kUint8;
  EXPECT_FALSE(read_plain_upsert_body(body, bytes));
  storage::CollectionSchema with_sparse = schema_of(2);
  with_sparse.sparse.push_back({});
  EXPECT_FALSE(read_plain_upsert_body(body, with_sparse));
}

}  // namespace
}  // namespace sextant::api
