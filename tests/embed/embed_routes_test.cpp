// The embedding routes answer in the shapes of the services they replace (simple /embed,
// text-embeddings-inference, OpenAI), and Document inference embeds text for the point and query
// parsers. Compiled only in the full build, where api/ is linked (SEXTANT_WITH_EMBED).
#ifdef SEXTANT_WITH_EMBED
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <future>
#include <memory>
#include <utility>

#include "api/handlers/embed_handlers.hpp"
#include "api/parse/document_options.hpp"
#include "inference/document_inference.hpp"
#include "reference_fixture.hpp"

namespace sextant::api {
namespace {
namespace json = boost::json;

constexpr const char* kModel = "sentence-transformers/all-MiniLM-L6-v2";

class EmbedRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!embed::testing::model_present())
      GTEST_SKIP() << "model absent; run scripts/fetch-model.sh";
    std::vector<std::string> skipped;
    std::string error = load_embedding_models(service_, {{kModel, embed::testing::model_dir()}}, {},
                                              false, &skipped);
    ASSERT_EQ(error, "");
    register_embed_sidecar_routes(router_, service_);
  }

  Response post(const std::string& path, const std::string& body) {
    RouteMatch match = router_.match(HttpMethod::kPost, path);
    EXPECT_NE(match.route, nullptr) << path;
    Request request;
    request.method = HttpMethod::kPost;
    request.path = path;
    request.body = body;
    return match.route->handler(request);
  }

  // The route's HTTP form: the request (and its body) are gone once the handler returns; the
  // answer arrives later on an encoder thread, exactly once.
  Response post_async(const std::string& path, const std::string& body) {
    RouteMatch match = router_.match(HttpMethod::kPost, path);
    EXPECT_NE(match.route, nullptr) << path;
    EXPECT_TRUE(match.route->async_handler) << path;
    std::promise<Response> answer;
    std::future<Response> future = answer.get_future();
    std::atomic<int> replies{0};
    {
      auto request = std::make_unique<Request>();
      request->method = HttpMethod::kPost;
      request->path = path;
      std::string text = body;
      request->body = text;
      match.route->async_handler(*request, [&](Response response) {
        if (++replies == 1) answer.set_value(std::move(response));
      });
    }
    Response response = future.get();
    EXPECT_EQ(replies.load(), 1);
    return response;
  }

  embed::EmbedService service_{{.worker_threads = 1}};
  Router router_;
};

TEST_F(EmbedRoutes, TheHttpFormAnswersAsTheSynchronousHandlerDoes) {
  for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
           {"/embed", R"({"text": "hello world"})"},
           {"/embed", R"({"texts": ["a", "b", "c"]})"},
           {"/embed", R"({"inputs": ["hello", "world"], "normalize": false})"},
           {"/embed", R"({"inputs": []})"},
           {"/embed", R"({"text": "x", "model": "nope"})"},
           {"/v1/embeddings", R"({"input": ["hello world", "x"], "encoding_format": "base64"})"},
           {"/v1/embeddings", R"({"input": "hello", "model": "nope"})"}}) {
    Response in_place = post(path, body);
    Response later = post_async(path, body);
    EXPECT_EQ(later.status, in_place.status) << path << " " << body;
    EXPECT_EQ(later.body, in_place.body) << path << " " << body;
  }
}

TEST_F(EmbedRoutes, SimpleFormReturnsOneUnitVectorWithModelAndDim) {
  Response response = post("/embed", R"({"text": "hello world"})");
  ASSERT_EQ(response.status, 200) << response.body;
  json::object body = json::parse(response.body).as_object();
  EXPECT_EQ(body.at("model").as_string(), kModel);
  EXPECT_EQ(body.at("dim").as_int64(), 384);
  const auto& vector = body.at("embedding").as_array();
  ASSERT_EQ(vector.size(), 384u);
  double squares = 0;
  for (const auto& v : vector) squares += v.to_number<double>() * v.to_number<double>();
  EXPECT_NEAR(squares, 1.0, 1e-4);

  Response list = post("/embed", R"({"texts": ["a", "b", "c"]})");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body).at("embeddings").as_array().size(), 3u);
}

TEST_F(EmbedRoutes, TeiFormReturnsAListOfVectorsAndHonoursTruncate) {
  Response single = post("/embed", R"({"inputs": "hello world"})");
  ASSERT_EQ(single.status, 200);
  json::value rows = json::parse(single.body);
  ASSERT_TRUE(rows.is_array());
  ASSERT_EQ(rows.as_array().size(), 1u);
  EXPECT_EQ(rows.as_array()[0].as_array().size(), 384u);

  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += "word ";
  EXPECT_EQ(post("/embed", R"({"inputs": [")" + long_text + R"("]})").status, 413);
  EXPECT_EQ(post("/embed", R"({"inputs": [")" + long_text + R"("], "truncate": true})").status,
            200);
  EXPECT_EQ(post("/embed", R"({"inputs": []})").status, 422);
}

TEST_F(EmbedRoutes, OpenAiFormReportsUsageAndAcceptsInputsAndBase64) {
  Response response =
      post("/v1/embeddings", R"({"input": ["hello world", "x"], "model": "all-MiniLM-L6-v2"})");
  ASSERT_EQ(response.status, 200) << response.body;
  json::object body = json::parse(response.body).as_object();
  EXPECT_EQ(body.at("object").as_string(), "list");
  EXPECT_EQ(body.at("data").as_array().size(), 2u);
  EXPECT_EQ(body.at("data").as_array()[1].at("index").as_int64(), 1);
  EXPECT_EQ(body.at("usage").at("prompt_tokens").as_int64(), 7);  // 4 + 3 tokens

  Response tei_style = post("/v1/embeddings", R"({"inputs": "hello"})");
  EXPECT_EQ(tei_style.status, 200);
  Response encoded = post("/v1/embeddings", R"({"input": "hello", "encoding_format": "base64"})");
  ASSERT_EQ(encoded.status, 200);
  auto text = json::parse(encoded.body).at("data").as_array()[0].at("embedding").as_string();
  EXPECT_EQ(text.size(), 2048u);  // 384 float32 = 1536 bytes -> 2048 base64 characters
  Response unknown = post("/v1/embeddings", R"({"input": "hello", "model": "nope"})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("nope"), std::string::npos);
}

TEST_F(EmbedRoutes, DocumentInferenceEmbedsDenseAndBm25AndNamesUnknownModels) {
  inference::DocumentInference inference(service_);
  auto dense = inference.embed_dense(kModel, "hello world");
  ASSERT_TRUE(dense.ok());
  EXPECT_EQ(dense.value().size(), 384u);
  auto direct = service_.embed(kModel, {"hello world"});
  EXPECT_EQ(dense.value(), direct->embeddings[0]);

  auto unknown = inference.embed_dense("acme/unknown", "hi");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kBadRequest);
  EXPECT_NE(unknown.error().message.find("acme/unknown"), std::string::npos);
  EXPECT_NE(unknown.error().message.find(kModel), std::string::npos);

  EXPECT_TRUE(inference.is_sparse_model("Qdrant/BM25"));
  auto document = inference.embed_sparse("qdrant/bm25", "running dogs run", {});
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(document.value().indices.size(), 2u);
  EXPECT_NE(document.value().values[0], 1.0f);
  auto query = inference.embed_sparse_query("qdrant/bm25", "running dogs run", {});
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.value().values, std::vector<float>(2, 1.0f));

  auto options = parse_bm25_options(json::parse(R"({"b": 2})").as_object());
  ASSERT_TRUE(options.ok());
  auto bad = inference.embed_sparse("qdrant/bm25", "x", options.value());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "Wrong input: BM25 b must be finite and in [0.0, 1.0], got 2");
}

TEST(EmbedSidecarArgs, ParsesHostPortModelsAndRejectsUnknownFlags) {
  EmbedSidecarOptions options;
  EXPECT_EQ(parse_embed_sidecar_args({"--host", "0.0.0.0", "--port=8080", "--model",
                                      "mini=/models/mini", "--workers", "3"},
                                     &options),
            "");
  EXPECT_EQ(options.host, "0.0.0.0");
  EXPECT_EQ(options.port, 8080);
  EXPECT_EQ(options.models.at("mini"), "/models/mini");
  EXPECT_EQ(options.worker_threads, 3);
  EmbedSidecarOptions defaults;
  EXPECT_EQ(parse_embed_sidecar_args({}, &defaults), "");
  EXPECT_EQ(defaults.port, 8000);
  EXPECT_NE(parse_embed_sidecar_args({"--bogus", "1"}, &defaults), "");
  EXPECT_NE(parse_embed_sidecar_args({"--port", "x"}, &defaults), "");
  EXPECT_NE(parse_embed_sidecar_args({"--model", "no-equals"}, &defaults), "");
  EXPECT_NE(parse_embed_sidecar_args({"--host"}, &defaults), "");
}

}  // namespace
}  // namespace sextant::api
#endif  // SEXTANT_WITH_EMBED
