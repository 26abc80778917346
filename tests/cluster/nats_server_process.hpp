// A nats-server with JetStream, started for one test on a free loopback port with a store
// directory of its own, stopped (and its directory removed) when the object goes. restart()
// stops it and starts it again on the same port and store, as a crash-and-return would.
//
// The binary is $SEXTANT_NATS_SERVER or <checkout>/.cache/nats/bin/nats-server
// (scripts/install-nats.sh); available() is false when neither exists, and tests skip.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace sextant::cluster::testing {

class NatsServerProcess {
 public:
  static std::string binary_path() {
    if (const char* configured = std::getenv("SEXTANT_NATS_SERVER")) return configured;
    return std::string(SEXTANT_SOURCE_DIR) + "/.cache/nats/bin/nats-server";
  }
  static bool available() { return ::access(binary_path().c_str(), X_OK) == 0; }

  NatsServerProcess() {
    char pattern[] = "/tmp/sextant-nats-test-XXXXXX";
    store_dir_ = ::mkdtemp(pattern);
    port_ = free_port();
  }
  ~NatsServerProcess() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(store_dir_, ignored);
  }
  NatsServerProcess(const NatsServerProcess&) = delete;
  NatsServerProcess& operator=(const NatsServerProcess&) = delete;

  // Starts the server and waits (at most 10 s) until it accepts connections.
  bool start() {
    const std::string binary = binary_path();
    const std::string port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(binary.c_str(), binary.c_str(), "-js", "-a", "127.0.0.1", "-p", port.c_str(), "-sd",
              store_dir_.c_str(), "-l", (store_dir_ + "/server.log").c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (accepts_connections()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  bool restart() {
    stop();
    return start();
  }

  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

 private:
  static int free_port() {
    const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(socket_fd);
    return ntohs(address.sin_port);
  }
  bool accepts_connections() const {
    const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port_));
    const bool connected =
        ::connect(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(socket_fd);
    return connected;
  }

  std::string store_dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace sextant::cluster::testing
