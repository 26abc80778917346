// Configuration layering as Qdrant does it: defaults -> config/config.yaml ->
// config/{RUN_MODE}.yaml -> config/local.yaml -> --config-path -> QDRANT__* environment.
#include "server/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace sextant::server {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device device;
    dir_ = std::filesystem::temp_directory_path() /
           ("sextant-config-test-" + std::to_string(device()));
    std::filesystem::create_directories(dir_ / "config");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_ / relative) << text;
  }

  ConfigLoadResult load(std::vector<std::pair<std::string, std::string>> environment = {},
                        std::optional<std::string> config_path = std::nullopt) {
    ConfigSources sources;
    sources.base_dir = dir_.string();
    sources.environment = std::move(environment);
    sources.config_path = std::move(config_path);
    return load_config(sources);
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigTest, DefaultsWithoutAnyFile) {
  auto result = load();
  ASSERT_TRUE(result.config) << result.error;
  const Config& c = *result.config;
  EXPECT_EQ(c.service.host, "127.0.0.1");
  EXPECT_EQ(c.service.http_port, 6333);
  EXPECT_EQ(c.storage.storage_path, "./storage");
  EXPECT_EQ(c.storage.snapshots_path, "./snapshots");
  EXPECT_EQ(c.service.max_request_size_mb, 32u);
  EXPECT_EQ(c.max_request_size_bytes(), 32u << 20);
  EXPECT_TRUE(c.service.enable_cors);
  EXPECT_FALSE(c.service.api_key);
  EXPECT_EQ(c.storage.hnsw_index.m, 16u);
  EXPECT_TRUE(result.warnings.empty());
}

TEST_F(ConfigTest, LayersOverrideInQdrantOrder) {
  write("config/config.yaml",
        "service:\n  http_port: 7000\n  host: 0.0.0.0\nstorage:\n  storage_path: /a\n"
        "  hnsw_index:\n    m: 32\n");
  write("config/development.yaml", "service:\n  http_port: 7001\n");
  write("config/local.yaml", "storage:\n  storage_path: /b\n");
  write("custom.yaml", "storage:\n  snapshots_path: /snap\n");
  auto result = load({}, (dir_ / "custom.yaml").string());
  ASSERT_TRUE(result.config) << result.error;
  const Config& c = *result.config;
  EXPECT_EQ(c.service.http_port, 7001);          // development.yaml beats config.yaml
  EXPECT_EQ(c.service.host, "0.0.0.0");          // untouched keys survive later layers
  EXPECT_EQ(c.storage.storage_path, "/b");       // local.yaml beats both
  EXPECT_EQ(c.storage.snapshots_path, "/snap");  // --config-path file
  EXPECT_EQ(c.storage.hnsw_index.m, 32u);
}

TEST_F(ConfigTest, RunModeSelectsTheEnvironmentFile) {
  write("config/development.yaml", "service:\n  http_port: 7001\n");
  write("config/production.yaml", "service:\n  http_port: 7002\n");
  auto result = load({{"RUN_MODE", "production"}});
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_EQ(result.config->service.http_port, 7002);
}

TEST_F(ConfigTest, EnvironmentOverridesFilesWithTypeConversion) {
  write("config/config.yaml", "service:\n  http_port: 7000\n  enable_cors: true\n");
  auto result = load({{"QDRANT__SERVICE__HTTP_PORT", "16333"},
                      {"QDRANT__SERVICE__API_KEY", "secret"},
                      {"QDRANT__SERVICE__ENABLE_CORS", "false"},
                      {"QDRANT__STORAGE__STORAGE_PATH", "/data"},
                      {"QDRANT__STORAGE__OPTIMIZERS__DELETED_THRESHOLD", "0.5"},
                      {"QDRANT__EMBEDDING__MODELS__MINILM", "/models/minilm"},
                      {"QDRANT_SINGLE_UNDERSCORE", "ignored"},
                      {"PATH", "/usr/bin"}});
  ASSERT_TRUE(result.config) << result.error;
  const Config& c = *result.config;
  EXPECT_EQ(c.service.http_port, 16333);
  EXPECT_EQ(c.service.api_key, "secret");
  EXPECT_FALSE(c.service.enable_cors);
  EXPECT_EQ(c.storage.storage_path, "/data");
  EXPECT_DOUBLE_EQ(c.storage.optimizers.deleted_threshold, 0.5);
  EXPECT_EQ(c.embedding.models.at("minilm"), "/models/minilm");
  EXPECT_TRUE(result.warnings.empty());
}

TEST_F(ConfigTest, EmbeddingPrecisionDefaultsToInt8AndAcceptsOnlyFloat32OrInt8) {
  auto defaults = load();
  ASSERT_TRUE(defaults.config) << defaults.error;
  EXPECT_EQ(defaults.config->embedding.precision, "int8");

  write("config/config.yaml", "embedding:\n  precision: float32\n");
  auto float32 = load();
  ASSERT_TRUE(float32.config) << float32.error;
  EXPECT_EQ(float32.config->embedding.precision, "float32");
  EXPECT_TRUE(float32.warnings.empty());

  auto wrong = load({{"QDRANT__EMBEDDING__PRECISION", "fp16"}});
  EXPECT_FALSE(wrong.config);
  EXPECT_NE(wrong.error.find("embedding.precision"), std::string::npos) << wrong.error;
}

TEST_F(ConfigTest, SlowClientLimitsHaveDefaultsAndTakeOverrides) {
  auto defaults = load();
  ASSERT_TRUE(defaults.config) << defaults.error;
  EXPECT_EQ(defaults.config->service.max_connections, 4096u);
  EXPECT_EQ(defaults.config->service.http_body_timeout_sec, 30u);
  EXPECT_EQ(defaults.config->service.http_body_min_rate_bytes_per_sec, 1024u);
  EXPECT_EQ(defaults.config->storage.snapshot_download.connect_timeout_sec, 30u);
  EXPECT_EQ(defaults.config->storage.snapshot_download.read_timeout_sec, 60u);

  write("config/config.yaml",
        "service:\n  max_connections: 64\n  http_body_timeout_sec: 7\n"
        "storage:\n  snapshot_download:\n    connect_timeout_sec: 3\n");
  auto result = load({{"QDRANT__SERVICE__HTTP_BODY_MIN_RATE_BYTES_PER_SEC", "500"},
                      {"QDRANT__STORAGE__SNAPSHOT_DOWNLOAD__READ_TIMEOUT_SEC", "4"}});
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_EQ(result.config->service.max_connections, 64u);
  EXPECT_EQ(result.config->service.http_body_timeout_sec, 7u);
  EXPECT_EQ(result.config->service.http_body_min_rate_bytes_per_sec, 500u);
  EXPECT_EQ(result.config->storage.snapshot_download.connect_timeout_sec, 3u);
  EXPECT_EQ(result.config->storage.snapshot_download.read_timeout_sec, 4u);
  EXPECT_TRUE(result.warnings.empty());

  auto zero = load({{"QDRANT__SERVICE__MAX_CONNECTIONS", "0"}});
  EXPECT_FALSE(zero.config);
  EXPECT_EQ(zero.error, "service.max_connections: must be at least 1");
}

TEST_F(ConfigTest, NullResetsAnOptionalSetting) {
  write("config/config.yaml", "service:\n  grpc_port: null\n  api_key: ~\n");
  auto result = load();
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_FALSE(result.config->service.grpc_port);
  EXPECT_FALSE(result.config->service.api_key);
}

TEST_F(ConfigTest, ClientCertificateVerificationIsRead) {
  EXPECT_FALSE(load().config->service.verify_https_client_certificate);
  auto result = load({{"QDRANT__SERVICE__VERIFY_HTTPS_CLIENT_CERTIFICATE", "true"}});
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_TRUE(result.config->service.verify_https_client_certificate);
}

TEST_F(ConfigTest, UnknownKeysWarnButDoNotFail) {
  write("config/config.yaml", "service:\n  http_port: 7000\n  no_such_key: 1\nmystery: true\n");
  auto result = load();
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_EQ(result.config->service.http_port, 7000);
  ASSERT_EQ(result.warnings.size(), 2u);
  EXPECT_NE(result.warnings[0].find("mystery"), std::string::npos);
  EXPECT_NE(result.warnings[1].find("service.no_such_key"), std::string::npos);
}

TEST_F(ConfigTest, QdrantOnlyKeysAreAcceptedWithoutWarning) {
  write("config/config.yaml",
        "cluster:\n  enabled: false\n  p2p:\n    port: 6335\nstorage:\n  wal:\n"
        "    wal_capacity_mb: 32\n  performance:\n    max_search_threads: 3\n"
        "    optimizer_cpu_budget: -1\n    async_scorer: false\nlogger:\n  format: text\n");
  auto result = load();
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_TRUE(result.warnings.empty()) << result.warnings.front();
  EXPECT_EQ(result.config->storage.performance.max_search_threads, 3u);
  EXPECT_EQ(result.config->storage.performance.optimizer_cpu_budget, -1);
}

TEST_F(ConfigTest, BadValuesAreStartUpErrorsNamingTheKey) {
  struct Case {
    std::string variable, value, expected_key;
  };
  for (const Case& bad :
       {Case{"QDRANT__SERVICE__HTTP_PORT", "70000", "service.http_port"},
        Case{"QDRANT__SERVICE__HTTP_PORT", "abc", "service.http_port"},
        Case{"QDRANT__SERVICE__ENABLE_TLS", "maybe", "service.enable_tls"},
        Case{"QDRANT__STORAGE__HNSW_INDEX__M", "-4", "storage.hnsw_index.m"},
        Case{"QDRANT__SERVICE__MAX_REQUEST_SIZE_MB", "0", "service.max_request_size_mb"},
        Case{"QDRANT__LOG_LEVEL", "loud", "log_level"},
        Case{"QDRANT__CLUSTER__ENABLED", "true", "cluster.enabled"}}) {
    auto result = load({{bad.variable, bad.value}});
    EXPECT_FALSE(result.config) << bad.variable << "=" << bad.value;
    EXPECT_NE(result.error.find(bad.expected_key), std::string::npos) << result.error;
  }
}

TEST_F(ConfigTest, ClusterModeTakesItsNatsServersFromTheEnvironmentOrTheConfig) {
  write("config/config.yaml",
        "cluster:\n  enabled: true\n  p2p:\n    port: 6400\n  nats:\n"
        "    urls: nats://a:4222, nats://b:4222\n");
  auto from_file = load();
  ASSERT_TRUE(from_file.config) << from_file.error;
  EXPECT_TRUE(from_file.config->cluster.enabled);
  EXPECT_EQ(from_file.config->cluster.p2p_port, 6400);
  EXPECT_EQ(from_file.config->cluster.nats_urls,
            (std::vector<std::string>{"nats://a:4222", "nats://b:4222"}));
  auto from_environment =
      load({{"SEXTANT_NATS_URLS", "nats://10.0.0.1:4222,nats://10.0.0.2:4222"}});
  ASSERT_TRUE(from_environment.config) << from_environment.error;
  EXPECT_EQ(from_environment.config->cluster.nats_urls,
            (std::vector<std::string>{"nats://10.0.0.1:4222", "nats://10.0.0.2:4222"}));
}

TEST_F(ConfigTest, InvalidYamlIsAnError) {
  write("config/config.yaml", "service: [unclosed\n");
  auto result = load();
  EXPECT_FALSE(result.config);
  EXPECT_NE(result.error.find("config.yaml"), std::string::npos) << result.error;
}

TEST_F(ConfigTest, MissingConfigPathIsReportedNotFatal) {
  auto result = load({}, (dir_ / "absent.yaml").string());
  ASSERT_TRUE(result.config) << result.error;
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("--config-path is not found"), std::string::npos);
}

TEST_F(ConfigTest, DescribeMasksSecrets) {
  auto result = load({{"QDRANT__SERVICE__API_KEY", "top-secret-key"},
                      {"QDRANT__SERVICE__READ_ONLY_API_KEY", "reader-key"}});
  ASSERT_TRUE(result.config);
  std::string all;
  for (const auto& line : describe_config(*result.config)) all += line + "\n";
  EXPECT_EQ(all.find("top-secret-key"), std::string::npos);
  EXPECT_EQ(all.find("reader-key"), std::string::npos);
  EXPECT_NE(all.find("service.api_key = <set, 14 chars>"), std::string::npos);
  EXPECT_NE(all.find("storage.storage_path = ./storage"), std::string::npos);
}

}  // namespace
}  // namespace sextant::server
