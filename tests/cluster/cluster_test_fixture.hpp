// The fixture of the cluster/ tests: a fresh nats-server and a connection to it per test, and
// the NATS library closed once at the end (so leak checkers see its threads and memory freed).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "cluster/nats_connection.hpp"
#include "tests/cluster/nats_server_process.hpp"

namespace sextant::cluster::testing {

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServerProcess::available()) {
      GTEST_SKIP() << "nats-server not installed at " << NatsServerProcess::binary_path()
                   << " (run scripts/install-nats.sh)";
    }
    server_ = std::make_unique<NatsServerProcess>();
    ASSERT_TRUE(server_->start()) << "nats-server did not start on " << server_->url();
    connection_ = connect();
    ASSERT_NE(connection_, nullptr);
  }
  void TearDown() override {
    connection_.reset();
    server_.reset();
  }

  std::unique_ptr<NatsConnection> connect() {
    ConnectionOptions options;
    options.server_urls = {server_->url()};
    options.client_name = "sextant-test";
    auto connection = NatsConnection::connect(options);
    EXPECT_TRUE(connection.ok()) << (connection.ok() ? "" : connection.error().message);
    return connection.ok() ? std::move(connection).value() : nullptr;
  }

  std::unique_ptr<NatsServerProcess> server_;
  std::unique_ptr<NatsConnection> connection_;
};

}  // namespace sextant::cluster::testing
