// REST results -> Points protobuf responses, field by field.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "grpc/engine_call.hpp"
#include "grpc/points/results_from_json.hpp"
#include "grpc/points/value_json.hpp"

// The deprecated vector fields clients still send are exercised on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace sextant::grpc_wire::points {
namespace {

namespace json = boost::json;

TEST(PointsResults, ScoredPointKeepsIdScorePayloadKindsAndVectors) {
  qdrant::ScoredPoint point;
  scored_point_from_json(json::parse(R"({"id":7,"version":3,"score":0.75,
      "payload":{"n":3,"x":1.5,"s":"a","l":[true,null],"o":{"k":1}},
      "vector":{"d":[1.0,2.0],"s":{"indices":[4],"values":[0.5]},"m":[[1.0],[2.0]]}})"),
                         &point);
  EXPECT_EQ(point.id().num(), 7u);
  EXPECT_EQ(point.version(), 3u);
  EXPECT_FLOAT_EQ(point.score(), 0.75f);
  EXPECT_EQ(point.payload().at("n").kind_case(), qdrant::Value::kIntegerValue);
  EXPECT_EQ(point.payload().at("x").kind_case(), qdrant::Value::kDoubleValue);
  EXPECT_EQ(point.payload().at("s").string_value(), "a");
  EXPECT_EQ(point.payload().at("l").list_value().values(1).kind_case(), qdrant::Value::kNullValue);
  EXPECT_EQ(point.payload().at("o").struct_value().fields().at("k").integer_value(), 1);
  const auto& named = point.vectors().vectors().vectors();
  EXPECT_EQ(named.at("d").dense().data_size(), 2);
  EXPECT_EQ(named.at("d").data_size(), 0);  // the 1.19 form: never the deprecated `data`
  EXPECT_EQ(named.at("s").sparse().indices(0), 4u);
  EXPECT_EQ(named.at("m").multi_dense().vectors_size(), 2);
}

TEST(PointsResults, UnnamedVectorAndUuidId) {
  qdrant::RetrievedPoint point;
  retrieved_point_from_json(
      json::parse(R"({"id":"5c56c793-69f3-4fbf-87e6-c4bf54c28c26","payload":null,"vector":[0.5]})"),
      &point);
  EXPECT_EQ(point.id().uuid(), "5c56c793-69f3-4fbf-87e6-c4bf54c28c26");
  EXPECT_TRUE(point.payload().empty());
  EXPECT_FLOAT_EQ(point.vectors().vector().dense().data(0), 0.5f);
}

TEST(PointsResults, QueryAndBatchForms) {
  qdrant::QueryBatchResponse batch;
  batch_results_from_json(json::parse(R"([{"points":[{"id":1,"score":1}]},{"points":[]}])"),
                          batch.mutable_result());
  ASSERT_EQ(batch.result_size(), 2);
  EXPECT_EQ(batch.result(0).result(0).id().num(), 1u);
  qdrant::SearchBatchResponse search;
  batch_results_from_json(json::parse(R"([[{"id":2,"score":0.5}],[]])"), search.mutable_result());
  EXPECT_EQ(search.result(0).result(0).id().num(), 2u);
}

TEST(PointsResults, GroupsUpdateScrollFacetAndMatrix) {
  qdrant::GroupsResult groups;
  groups_from_json(json::parse(R"({"groups":[{"id":"a","hits":[{"id":1,"score":1}],
      "lookup":{"id":9}},{"id":5,"hits":[]},{"id":-2,"hits":[]}]})"),
                   &groups);
  EXPECT_EQ(groups.groups(0).id().string_value(), "a");
  EXPECT_EQ(groups.groups(0).lookup().id().num(), 9u);
  EXPECT_EQ(groups.groups(1).id().unsigned_value(), 5u);
  EXPECT_EQ(groups.groups(2).id().integer_value(), -2);

  qdrant::UpdateResult update;
  update_result_from_json(json::parse(R"({"operation_id":4,"status":"completed"})"), &update);
  EXPECT_EQ(update.operation_id(), 4u);
  EXPECT_EQ(update.status(), qdrant::Completed);

  qdrant::ScrollResponse scroll;
  scroll_from_json(json::parse(R"({"points":[{"id":1}],"next_page_offset":2})"), &scroll);
  EXPECT_EQ(scroll.result(0).id().num(), 1u);
  EXPECT_EQ(scroll.next_page_offset().num(), 2u);
  qdrant::ScrollResponse last;
  scroll_from_json(json::parse(R"({"points":[],"next_page_offset":null})"), &last);
  EXPECT_FALSE(last.has_next_page_offset());

  qdrant::FacetResponse facet;
  facet_from_json(json::parse(R"({"hits":[{"value":"x","count":2},{"value":3,"count":1}]})"),
                  &facet);
  EXPECT_EQ(facet.hits(0).value().string_value(), "x");
  EXPECT_EQ(facet.hits(1).value().integer_value(), 3);

  qdrant::SearchMatrixOffsets offsets;
  matrix_offsets_from_json(json::parse(R"({"offsets_row":[0],"offsets_col":[1],"scores":[0.5],
      "ids":[1,2]})"),
                           &offsets);
  EXPECT_EQ(offsets.ids_size(), 2);
  EXPECT_EQ(offsets.offsets_col(0), 1u);
  qdrant::SearchMatrixPairs pairs;
  matrix_pairs_from_json(json::parse(R"({"pairs":[{"a":1,"b":2,"score":0.25}]})"), &pairs);
  EXPECT_EQ(pairs.pairs(0).b().num(), 2u);
}

TEST(PointsResults, RouteErrorsKeepQdrantsCodes) {
  auto decoded = decode_reply(
      {404, R"({"status":{"error":"Not found: Collection `x` doesn't exist!"},"time":0.1})"});
  EXPECT_EQ(decoded.status.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(decoded.status.error_message(), "Not found: Collection `x` doesn't exist!");
}

}  // namespace
}  // namespace sextant::grpc_wire::points
