// The client's direction of the conversions (grpc/client/): REST points -> PointStruct, results
// -> REST JSON, CollectionInfo -> REST collection info. The oracle is the server's direction:
// what the server turns into JSON or protobuf must come back unchanged.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "grpc/client/collection_info_to_json.hpp"
#include "grpc/client/point_json.hpp"
#include "grpc/client/rest_over_grpc.hpp"
#include "grpc/collections/collection_info_from_json.hpp"
#include "grpc/points/results_from_json.hpp"
#include "grpc/points/value_json.hpp"
#include "grpc/points/vectors_to_json.hpp"

// The deprecated flat vector form is exercised on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace sextant::grpc_wire::client {
namespace {

namespace json = boost::json;

TEST(ClientConversion, PointStructFromRestKeepsIdVectorsAndPayloadKinds) {
  const json::value rest = json::parse(R"({"id":"5c56c793-69f3-4fbf-87e6-c4bf54c28c26",
      "vector":{"d":[1.0,2.5],"s":{"indices":[4,9],"values":[0.5,1.0]},"m":[[1.0,2.0],[3.0,4.0]]},
      "payload":{"n":3,"x":1.5,"s":"a","l":[true,null],"o":{"k":1}}})");
  qdrant::PointStruct point;
  std::string error;
  ASSERT_TRUE(point_struct_from_json(rest, &point, &error)) << error;
  EXPECT_EQ(point.id().uuid(), "5c56c793-69f3-4fbf-87e6-c4bf54c28c26");
  EXPECT_EQ(point.payload().at("n").kind_case(), qdrant::Value::kIntegerValue);
  EXPECT_EQ(point.payload().at("x").kind_case(), qdrant::Value::kDoubleValue);
  // Back through the server's converters: the same JSON.
  EXPECT_EQ(points::vectors_to_json(point.vectors()), rest.at("vector"));
  EXPECT_EQ(json::value(points::payload_to_json(point.payload())), rest.at("payload"));
}

TEST(ClientConversion, UnnamedDenseAndNoVectors) {
  qdrant::PointStruct dense;
  std::string error;
  ASSERT_TRUE(
      point_struct_from_json(json::parse(R"({"id":7,"vector":[0.5,0.25]})"), &dense, &error));
  EXPECT_EQ(dense.id().num(), 7u);
  EXPECT_EQ(dense.vectors().vector().dense().data_size(), 2);
  qdrant::PointStruct none;
  ASSERT_TRUE(point_struct_from_json(json::parse(R"({"id":8,"vector":{}})"), &none, &error));
  EXPECT_TRUE(none.vectors().has_vectors());
  EXPECT_EQ(none.vectors().vectors().vectors_size(), 0);
  EXPECT_FALSE(point_struct_from_json(json::parse(R"({"vector":[1.0]})"), &none, &error));
  EXPECT_FALSE(point_struct_from_json(json::parse(R"({"id":1,"vector":["a"]})"), &none, &error));
}

TEST(ClientConversion, RetrievedAndScoredPointsRoundTripTheServersResults) {
  const json::value retrieved = json::parse(R"({"id":7,"payload":{"k":"v","n":2},
      "vector":{"d":[1.0,2.0],"s":{"indices":[4],"values":[0.5]},"m":[[1.0],[2.0]]},
      "shard_key":"eu"})");
  qdrant::RetrievedPoint point;
  points::retrieved_point_from_json(retrieved, &point);
  EXPECT_EQ(retrieved_point_to_json(point), retrieved);

  const json::value scored = json::parse(R"({"id":3,"vector":[0.5],"version":4,"score":0.75})");
  qdrant::ScoredPoint hit;
  points::scored_point_from_json(scored, &hit);
  EXPECT_EQ(scored_point_to_json(hit), scored);
}

TEST(ClientConversion, DeprecatedFlatVectorOutputsAreRead) {
  qdrant::VectorsOutput sparse;
  sparse.mutable_vector()->add_data(0.5f);
  sparse.mutable_vector()->mutable_indices()->add_data(4);
  EXPECT_EQ(vectors_output_to_json(sparse), json::parse(R"({"indices":[4],"values":[0.5]})"));
  qdrant::VectorsOutput multi;
  for (float f : {1.0f, 2.0f, 3.0f, 4.0f}) multi.mutable_vector()->add_data(f);
  multi.mutable_vector()->set_vectors_count(2);
  EXPECT_EQ(vectors_output_to_json(multi), json::parse("[[1.0,2.0],[3.0,4.0]]"));
}

TEST(ClientConversion, CollectionInfoRoundTripsTheRestAnswer) {
  const json::value rest = json::parse(R"({"status":"green","optimizer_status":"ok",
      "segments_count":2,"points_count":10,"indexed_vectors_count":0,
      "config":{"params":{"vectors":{"d":{"size":4,"distance":"Cosine"}},
                          "sparse_vectors":{"s":{"modifier":"idf"}},
                          "shard_number":1,"sharding_method":"custom",
                          "replication_factor":1,"write_consistency_factor":1,
                          "on_disk_payload":true},
                "hnsw_config":{"m":16,"ef_construct":100,"full_scan_threshold":10000,
                               "max_indexing_threads":0,"on_disk":false},
                "optimizer_config":{"deleted_threshold":0.2,"vacuum_min_vector_number":1000,
                                    "default_segment_number":0,"indexing_threshold":10000,
                                    "flush_interval_sec":5,"max_optimization_threads":1},
                "wal_config":{"wal_capacity_mb":32,"wal_segments_ahead":0},
                "quantization_config":{"scalar":{"type":"int8","quantile":0.99,"always_ram":true}}},
      "payload_schema":{"city":{"data_type":"keyword","points":10},
                        "tenant":{"data_type":"keyword","params":{"type":"keyword","is_tenant":true},
                                  "points":10}}})");
  qdrant::CollectionInfo info;
  std::string error;
  ASSERT_TRUE(collection_info_from_json(rest, &info, &error)) << error;
  const json::value back = collection_info_to_json(info);
  EXPECT_EQ(back.at("optimizer_status"), json::value("ok"));
  EXPECT_EQ(back.at("config").at("params"), rest.at("config").at("params"));
  EXPECT_EQ(back.at("config").at("quantization_config"),
            rest.at("config").at("quantization_config"));
  EXPECT_EQ(back.at("config").at("optimizer_config"), rest.at("config").at("optimizer_config"));
  EXPECT_EQ(back.at("payload_schema"), rest.at("payload_schema"));
}

GrpcEndpointOptions endpoint(const std::string& url, const std::string& ca_file = "") {
  GrpcEndpointOptions options;
  options.url = url;
  options.ca_file = ca_file;
  return options;
}

TEST(ClientConversion, GrpcUrlsAreCheckedWhenOpened) {
  EXPECT_TRUE(is_grpc_url("grpc://127.0.0.1:6334"));
  EXPECT_TRUE(is_grpc_url("grpcs://db.example:6334"));
  EXPECT_FALSE(is_grpc_url("http://127.0.0.1:6333"));
  EXPECT_TRUE(RestOverGrpc::open(endpoint("grpc://127.0.0.1:6334")).ok());
  EXPECT_FALSE(RestOverGrpc::open(endpoint("grpc://127.0.0.1")).ok());
  EXPECT_FALSE(RestOverGrpc::open(endpoint("grpc://host:1/path")).ok());
  EXPECT_FALSE(RestOverGrpc::open(endpoint("grpcs://host:1", "/nonexistent/ca.pem")).ok());
}

TEST(ClientConversion, RequestsWithoutAnRpcAreAnswered501) {
  auto client = RestOverGrpc::open(endpoint("grpc://127.0.0.1:1"));
  ASSERT_TRUE(client.ok());
  RestAnswer answer = (*client)->request("DELETE", "/collections/c", "");
  EXPECT_EQ(answer.status, 501);
  EXPECT_NE(answer.body.find("DELETE /collections/c has no gRPC equivalent"), std::string::npos);
  answer = (*client)->request("POST", "/collections/c/points/scroll", R"({"filter":{}})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find("'filter' is not supported"), std::string::npos);
}

}  // namespace
}  // namespace sextant::grpc_wire::client
