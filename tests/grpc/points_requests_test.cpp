// Points requests -> the exact REST calls their twins take (method, path, query, JSON body).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/requests_to_call.hpp"

// The deprecated vector fields clients still send are exercised on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace sextant::grpc_wire::points {
namespace {

namespace json = boost::json;

// Bodies compare as JSON values, so member order does not matter.
void expect_body(const EngineCall& call, const char* expected) {
  EXPECT_EQ(json::parse(call.body), json::parse(expected)) << call.body;
}

TEST(PointsRequests, UpsertCarriesPointsPayloadsAndWriteOptions) {
  qdrant::UpsertPoints request;
  request.set_collection_name("c");
  request.set_wait(true);
  request.mutable_ordering()->set_type(qdrant::Strong);
  auto* point = request.add_points();
  point->mutable_id()->set_num(7);
  for (float f : {0.5f, 1.0f})
    point->mutable_vectors()->mutable_vector()->mutable_dense()->add_data(f);
  (*point->mutable_payload())["n"].set_integer_value(3);
  (*point->mutable_payload())["x"].set_double_value(1.5);
  (*point->mutable_payload())["s"].set_string_value("a");
  auto* uuid_point = request.add_points();
  uuid_point->mutable_id()->set_uuid("5c56c793-69f3-4fbf-87e6-c4bf54c28c26");
  auto& named = *uuid_point->mutable_vectors()->mutable_vectors()->mutable_vectors();
  named["sparse"].mutable_sparse()->add_indices(4);
  named["sparse"].mutable_sparse()->add_values(0.25f);

  EngineCall call = to_call(request);
  EXPECT_EQ(call.method, api::HttpMethod::kPut);
  EXPECT_EQ(call.path, "/collections/c/points");
  EXPECT_EQ(call.query.at("wait"), "true");
  EXPECT_EQ(call.query.at("ordering"), "strong");
  expect_body(call, R"({"points":[
      {"id":7,"vector":[0.5,1.0],"payload":{"n":3,"x":1.5,"s":"a"}},
      {"id":"5c56c793-69f3-4fbf-87e6-c4bf54c28c26",
       "vector":{"sparse":{"indices":[4],"values":[0.25]}}}]})");
}

TEST(PointsRequests, DeprecatedVectorFormsMapToSparseAndMultiDense) {
  qdrant::UpsertPoints request;
  request.set_collection_name("c");
  auto* point = request.add_points();
  point->mutable_id()->set_num(1);
  auto& named = *point->mutable_vectors()->mutable_vectors()->mutable_vectors();
  for (float f : {1.f, 2.f, 3.f, 4.f}) named["multi"].add_data(f);
  named["multi"].set_vectors_count(2);
  named["sparse"].add_data(0.5f);
  named["sparse"].mutable_indices()->add_data(9);
  named["dense"].add_data(0.125f);
  expect_body(to_call(request), R"({"points":[{"id":1,"vector":{
      "multi":[[1.0,2.0],[3.0,4.0]],"sparse":{"indices":[9],"values":[0.5]},"dense":[0.125]}}]})");

  named["multi"].set_vectors_count(3);
  EXPECT_THROW(to_call(request), InvalidProto);
}

TEST(PointsRequests, UpsertWithoutVectorsIsInvalid) {
  qdrant::UpsertPoints request;
  request.add_points()->mutable_id()->set_num(1);
  try {
    to_call(request);
    FAIL();
  } catch (const InvalidProto& error) {
    EXPECT_STREQ(error.what(), "Expected some vectors");
  }
}

TEST(PointsRequests, FilterConditionsBecomeRestConditions) {
  qdrant::CountPoints request;
  request.set_collection_name("c");
  request.set_exact(true);
  auto* filter = request.mutable_filter();
  auto* keyword = filter->add_must()->mutable_field();
  keyword->set_key("city");
  keyword->mutable_match()->set_keyword("Berlin");
  auto* range = filter->add_must()->mutable_field();
  range->set_key("n");
  range->mutable_range()->set_gte(2);
  range->mutable_range()->set_lt(5.5);
  auto* any = filter->add_should()->mutable_field();
  any->set_key("tags");
  any->mutable_match()->mutable_integers()->add_integers(1);
  any->mutable_match()->mutable_integers()->add_integers(2);
  filter->add_must_not()->mutable_has_id()->add_has_id()->set_num(3);
  filter->add_must_not()->mutable_is_empty()->set_key("e");
  auto* nested = filter->add_must()->mutable_nested();
  nested->set_key("arr");
  nested->mutable_filter()->add_must()->mutable_is_null()->set_key("v");
  auto* geo = filter->add_must()->mutable_field();
  geo->set_key("loc");
  geo->mutable_geo_radius()->mutable_center()->set_lon(1.0);
  geo->mutable_geo_radius()->mutable_center()->set_lat(2.0);
  geo->mutable_geo_radius()->set_radius(100.0f);
  auto* dates = filter->add_must()->mutable_field();
  dates->set_key("t");
  dates->mutable_datetime_range()->mutable_gt()->set_seconds(0);
  filter->add_must();  // an empty condition is skipped, as Qdrant does

  EngineCall call = to_call(request);
  EXPECT_EQ(call.path, "/collections/c/points/count");
  expect_body(call, R"({"exact":true,"filter":{
      "must":[{"key":"city","match":{"value":"Berlin"}},{"key":"n","range":{"gte":2.0,"lt":5.5}},
              {"nested":{"key":"arr","filter":{"must":[{"is_null":{"key":"v"}}]}}},
              {"key":"loc","geo_radius":{"center":{"lon":1.0,"lat":2.0},"radius":100.0}},
              {"key":"t","range":{"gt":"1970-01-01T00:00:00Z"}}],
      "should":[{"key":"tags","match":{"any":[1,2]}}],
      "must_not":[{"has_id":[3]},{"is_empty":{"key":"e"}}]}})");
}

TEST(PointsRequests, MalformedIdsAndSelectorsAreInvalidWithQdrantsTexts) {
  qdrant::GetPoints get;
  get.set_collection_name("c");
  get.add_ids();
  auto text_of = [](auto&& convert) -> std::string {
    try {
      convert();
    } catch (const InvalidProto& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_EQ(text_of([&] { to_call(get); }), "No ID options provided");
  get.mutable_ids(0)->set_uuid("not-a-uuid");
  EXPECT_EQ(text_of([&] { to_call(get); }), "Unable to parse UUID: not-a-uuid");
  get.mutable_ids(0)->set_uuid("{5C56C793-69F3-4FBF-87E6-C4BF54C28C26}");
  EXPECT_EQ(text_of([&] { to_call(get); }), "");
  qdrant::DeletePoints del;
  del.set_collection_name("c");
  EXPECT_EQ(text_of([&] { to_call(del); }), "PointSelector is missing");
  del.mutable_points();
  EXPECT_EQ(text_of([&] { to_call(del); }), "Malformed PointsSelector type");
  qdrant::SetPayloadPoints set;
  set.set_collection_name("c");
  EXPECT_EQ(text_of([&] { set_payload_call(set, false); }), "points_selector is expected");
  qdrant::QueryPoints query;
  query.set_collection_name("c");
  query.mutable_query()->mutable_nearest();
  EXPECT_EQ(text_of([&] { to_call(query); }), "VectorInput variant is missing");
  query.set_collection_name("a/b");
  query.mutable_query()->set_sample(qdrant::Random);
  EXPECT_EQ(
      text_of([&] { to_call(query); }),
      "Validation error in body: [collection_name: collection name cannot contain \"/\" char]");
  query.set_collection_name("");
  EXPECT_EQ(text_of([&] { to_call(query); }),
            "Validation error in body: [collection_name: value \"\" invalid, must be from 1 to 255 "
            "characters]");
}

TEST(PointsRequests, EmptyMatchIsInvalidWithQdrantsText) {
  qdrant::CountPoints request;
  request.mutable_filter()->add_must()->mutable_field()->mutable_match();
  try {
    to_call(request);
    FAIL();
  } catch (const InvalidProto& error) {
    EXPECT_STREQ(error.what(), "Malformed Match condition");
  }
}

TEST(PointsRequests, SearchNamesItsVectorAndReadsOptions) {
  qdrant::SearchPoints request;
  request.set_collection_name("c");
  request.add_vector(1.0f);
  request.add_vector(0.0f);
  request.set_vector_name("image");
  request.set_limit(3);
  request.set_offset(1);
  request.mutable_with_payload()->mutable_include()->add_fields("a");
  request.mutable_with_vectors()->set_enable(true);
  request.mutable_params()->set_hnsw_ef(64);
  request.mutable_params()->set_exact(false);
  request.set_score_threshold(0.5f);
  request.mutable_read_consistency()->set_type(qdrant::Majority);
  request.set_timeout(9);

  EngineCall call = to_call(request);
  EXPECT_EQ(call.path, "/collections/c/points/search");
  EXPECT_EQ(call.query.at("consistency"), "majority");
  EXPECT_EQ(call.query.at("timeout"), "9");
  expect_body(call, R"({"vector":{"name":"image","vector":[1.0,0.0]},"limit":3,"offset":1,
      "with_payload":{"include":["a"]},"with_vector":true,"params":{"hnsw_ef":64,"exact":false},
      "score_threshold":0.5})");
}

TEST(PointsRequests, RecommendMixesIdsAndVectors) {
  qdrant::RecommendPointGroups request;
  request.set_collection_name("c");
  request.add_positive()->set_num(1);
  request.add_positive_vectors()->mutable_dense()->add_data(0.5f);
  request.add_negative()->set_uuid("5c56c793-69f3-4fbf-87e6-c4bf54c28c26");
  request.set_limit(2);
  request.set_group_by("g");
  request.set_group_size(3);
  request.set_strategy(qdrant::BestScore);
  request.set_using_("v");
  request.mutable_with_lookup()->set_collection("other");
  request.mutable_lookup_from()->set_collection_name("src");
  request.mutable_lookup_from()->set_vector_name("w");

  EngineCall call = to_call(request);
  EXPECT_EQ(call.path, "/collections/c/points/recommend/groups");
  expect_body(
      call,
      R"({"positive":[1,[0.5]],"negative":["5c56c793-69f3-4fbf-87e6-c4bf54c28c26"],"limit":2,"group_by":"g",
      "group_size":3,"strategy":"best_score","using":"v","with_lookup":{"collection":"other"},
      "lookup_from":{"collection":"src","vector":"w"}})");
}

TEST(PointsRequests, DiscoverTargetsAndContextPairs) {
  qdrant::DiscoverBatchPoints request;
  request.set_collection_name("c");
  auto* discover = request.add_discover_points();
  discover->mutable_target()->mutable_single()->mutable_id()->set_num(1);
  auto* pair = discover->add_context();
  pair->mutable_positive()->mutable_id()->set_num(2);
  pair->mutable_negative()->mutable_vector()->mutable_dense()->add_data(1.0f);
  discover->set_limit(4);
  EngineCall call = to_call(request);
  EXPECT_EQ(call.path, "/collections/c/points/discover/batch");
  expect_body(call, R"({"searches":[{"target":1,"context":[{"positive":2,"negative":[1.0]}],
      "limit":4}]})");
}

TEST(PointsRequests, QueryWithPrefetchFusionAndFormula) {
  qdrant::QueryPoints request;
  request.set_collection_name("c");
  auto* prefetch = request.add_prefetch();
  prefetch->mutable_query()->mutable_nearest()->mutable_dense()->add_data(1.0f);
  prefetch->set_using_("d");
  prefetch->set_limit(10);
  auto* sparse_prefetch = request.add_prefetch();
  auto* sparse = sparse_prefetch->mutable_query()->mutable_nearest()->mutable_sparse();
  sparse->add_indices(3);
  sparse->add_values(0.5f);
  request.mutable_query()->set_fusion(qdrant::RRF);
  request.set_limit(5);
  request.mutable_with_payload()->set_enable(true);
  expect_body(to_call(request), R"({"prefetch":[
      {"query":{"nearest":[1.0]},"using":"d","limit":10},
      {"query":{"nearest":{"indices":[3],"values":[0.5]}}}],
      "query":{"fusion":"rrf"},"limit":5,"with_payload":true})");

  qdrant::QueryPoints formula;
  formula.set_collection_name("c");
  auto* sum = formula.mutable_query()->mutable_formula()->mutable_expression()->mutable_sum();
  sum->add_sum()->set_variable("$score");
  auto* mult = sum->add_sum()->mutable_mult();
  mult->add_mult()->set_constant(0.5f);
  mult->add_mult()->set_variable("rank");
  (*formula.mutable_query()->mutable_formula()->mutable_defaults())["rank"].set_integer_value(1);
  expect_body(to_call(formula), R"({"query":{"formula":{"sum":["$score",{"mult":[0.5,"rank"]}]},
      "defaults":{"rank":1}}})");
}

TEST(PointsRequests, QueryVariantsOrderBySampleMmrAndRecommend) {
  qdrant::QueryPoints request;
  request.set_collection_name("c");
  request.mutable_query()->mutable_order_by()->set_key("n");
  request.mutable_query()->mutable_order_by()->set_direction(qdrant::Desc);
  expect_body(to_call(request), R"({"query":{"order_by":{"key":"n","direction":"desc"}}})");

  request.mutable_query()->set_sample(qdrant::Random);
  expect_body(to_call(request), R"({"query":{"sample":"random"}})");

  auto* mmr = request.mutable_query()->mutable_nearest_with_mmr();
  mmr->mutable_nearest()->mutable_id()->set_num(4);
  mmr->mutable_mmr()->set_diversity(0.5f);
  expect_body(to_call(request), R"({"query":{"nearest":4,"mmr":{"diversity":0.5}}})");

  auto* recommend = request.mutable_query()->mutable_recommend();
  recommend->add_positive()->mutable_id()->set_num(1);
  recommend->set_strategy(qdrant::SumScores);
  expect_body(to_call(request),
              R"({"query":{"recommend":{"positive":[1],"negative":[],"strategy":"sum_scores"}}})");

  request.mutable_query()->Clear();
  EXPECT_THROW(to_call(request), InvalidProto);
}

TEST(PointsRequests, ScrollGetAndFacet) {
  qdrant::ScrollPoints scroll;
  scroll.set_collection_name("c");
  scroll.mutable_offset()->set_num(5);
  scroll.set_limit(2);
  scroll.mutable_with_vectors()->mutable_include()->add_names("v");
  expect_body(to_call(scroll), R"({"offset":5,"limit":2,"with_vector":["v"]})");

  qdrant::GetPoints get;
  get.set_collection_name("c");
  get.add_ids()->set_num(1);
  get.mutable_with_payload()->mutable_exclude()->add_fields("x");
  EngineCall call = to_call(get);
  EXPECT_EQ(call.path, "/collections/c/points");
  EXPECT_EQ(call.method, api::HttpMethod::kPost);
  expect_body(call, R"({"ids":[1],"with_payload":{"exclude":["x"]}})");

  qdrant::FacetCounts facet;
  facet.set_collection_name("c");
  facet.set_key("k");
  facet.set_limit(3);
  EXPECT_EQ(to_call(facet).path, "/collections/c/facet");
  expect_body(to_call(facet), R"({"key":"k","limit":3})");
}

TEST(PointsRequests, PayloadWritesAndFieldIndexes) {
  qdrant::SetPayloadPoints set;
  set.set_collection_name("c");
  (*set.mutable_payload())["a"].mutable_list_value()->add_values()->set_bool_value(true);
  set.mutable_points_selector()->mutable_points()->add_ids()->set_num(1);
  set.set_key("nested");
  EXPECT_EQ(set_payload_call(set, false).method, api::HttpMethod::kPost);
  EXPECT_EQ(set_payload_call(set, true).method, api::HttpMethod::kPut);
  expect_body(set_payload_call(set, true),
              R"({"payload":{"a":[true]},"points":[1],"key":"nested"})");

  qdrant::CreateFieldIndexCollection index;
  index.set_collection_name("c");
  index.set_field_name("f");
  index.set_field_type(qdrant::FieldTypeKeyword);
  expect_body(to_call(index), R"({"field_name":"f","field_schema":"keyword"})");
  index.set_field_type(qdrant::FieldTypeText);
  auto* text = index.mutable_field_index_params()->mutable_text_index_params();
  text->set_tokenizer(qdrant::Word);
  text->set_lowercase(true);
  expect_body(
      to_call(index),
      R"({"field_name":"f","field_schema":{"type":"text","tokenizer":"word","lowercase":true}})");

  index.set_field_type(qdrant::FieldTypeInteger);
  try {
    to_call(index);
    FAIL();
  } catch (const InvalidProto& error) {
    EXPECT_STREQ(error.what(), "field_type (Integer) and field_index_params do not match");
  }
  index.clear_field_type();
  EXPECT_THROW(to_call(index), InvalidProto);

  qdrant::DeleteFieldIndexCollection drop;
  drop.set_collection_name("c");
  drop.set_field_name("f");
  drop.set_wait(false);
  EngineCall call = to_call(drop);
  EXPECT_EQ(call.method, api::HttpMethod::kDelete);
  EXPECT_EQ(call.path, "/collections/c/index/f");
  EXPECT_EQ(call.query.at("wait"), "false");
  EXPECT_TRUE(call.body.empty());
}

TEST(PointsRequests, UpdateBatchOperations) {
  qdrant::UpdateBatchPoints request;
  request.set_collection_name("c");
  auto* upsert = request.add_operations()->mutable_upsert();
  auto* point = upsert->add_points();
  point->mutable_id()->set_num(1);
  point->mutable_vectors()->mutable_vector()->mutable_dense()->add_data(1.0f);
  request.add_operations()
      ->mutable_delete_points()
      ->mutable_points()
      ->mutable_points()
      ->add_ids()
      ->set_num(2);
  auto* vectors = request.add_operations()->mutable_delete_vectors();
  vectors->mutable_points_selector()->mutable_filter();
  vectors->mutable_vectors()->add_names("v");
  request.add_operations()
      ->mutable_clear_payload()
      ->mutable_points()
      ->mutable_points()
      ->add_ids()
      ->set_num(3);
  EngineCall call = to_call(request);
  EXPECT_EQ(call.path, "/collections/c/points/batch");
  expect_body(call, R"({"operations":[{"upsert":{"points":[{"id":1,"vector":[1.0]}]}},
      {"delete":{"points":[2]}},{"delete_vectors":{"vector":["v"],"filter":{}}},
      {"clear_payload":{"points":[3]}}]})");

  request.add_operations();
  EXPECT_THROW(to_call(request), InvalidProto);
}

}  // namespace
}  // namespace sextant::grpc_wire::points
