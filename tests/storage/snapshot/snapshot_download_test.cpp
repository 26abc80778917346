// Snapshot downloads from a peer that stalls: the deadline, not the peer, ends the download.
#include "storage/snapshot/snapshot_download.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace sextant::storage::snapshot {
namespace {

// A loopback listener that never accepts: the kernel completes the TCP handshake and takes
// the request bytes into its buffer, and no answer ever comes.
class StalledPeer {
 public:
  StalledPeer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::listen(fd_, 4);
    socklen_t length = sizeof(address);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~StalledPeer() { ::close(fd_); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/snapshots/stalled.snapshot";
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(SnapshotDownloadTest, StalledPeerFailsAfterTheReadTimeout) {
  StalledPeer peer;
  auto destination = std::filesystem::temp_directory_path() /
                     ("sextant-download-test-" + std::to_string(::getpid()) + ".snapshot");
  DownloadTimeouts timeouts;
  timeouts.connect = std::chrono::seconds(1);
  timeouts.read = std::chrono::seconds(1);
  auto started = std::chrono::steady_clock::now();
  Status status = download_snapshot(peer.url(), destination.string(), "", timeouts);
  auto elapsed = std::chrono::steady_clock::now() - started;
  std::filesystem::remove(destination);

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kBadRequest);
  EXPECT_EQ(status.error().message, "Bad request: Failed to download snapshot from " + peer.url() +
                                        ": timed out after 1 s waiting for the response");
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(SnapshotDownloadTest, RefusedConnectionIsAnErrorNamingTheStep) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);  // bound once, never listening: connecting is refused
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x";
  Status status = download_snapshot(url, "/nonexistent-dir/x", "", {});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("connecting: Connection refused"), std::string::npos)
      << status.error().message;
}

}  // namespace
}  // namespace sextant::storage::snapshot
