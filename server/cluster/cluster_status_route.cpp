// See cluster_status_route.hpp.
#include "server/cluster/cluster_status_route.hpp"

#include <chrono>
#include <ctime>

namespace sextant::server {
namespace {

// RFC 3339 with microseconds, in UTC, as Qdrant writes its timestamps.
std::string rfc3339(std::chrono::system_clock::time_point time) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%06lldZ",
                static_cast<long long>(micros % 1000000));
  return text;
}

}  // namespace

boost::json::object cluster_status(const cluster::ClusterNode& node, uint64_t metadata_revision) {
  const auto peers = node.membership().peers();
  boost::json::object peer_objects;
  for (const auto& [id, peer] : peers)
    peer_objects[std::to_string(id)] = boost::json::object{{"uri", peer.url}};
  const uint64_t leader = peers.begin()->first;  // peers() always holds this node
  boost::json::object raft_info{{"term", 0},
                                {"commit", metadata_revision},
                                {"pending_operations", 0},
                                {"leader", leader},
                                {"role", leader == node.node_id() ? "Leader" : "Follower"},
                                {"is_voter", true}};
  return boost::json::object{
      {"status", "enabled"},
      {"peer_id", node.node_id()},
      {"peers", std::move(peer_objects)},
      {"raft_info", std::move(raft_info)},
      {"consensus_thread_status",
       boost::json::object{{"consensus_thread_status", "working"},
                           {"last_update", rfc3339(node.membership().last_heartbeat())}}},
      {"message_send_failures", boost::json::object{}}};
}

}  // namespace sextant::server
