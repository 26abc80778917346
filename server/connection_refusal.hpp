// What a connection accepted beyond service.max_connections gets: on plain HTTP, a canned
// 503 with "Connection: close" written at once (the request is never parsed), then the
// connection is closed once the peer has read it or after a short grace; on TLS, an immediate
// close (a response would need a handshake, which is the work being refused).
//
// Ownership: the refusal keeps itself alive through its pending operations; it touches no
// server state, so it may outlive the session registry's view of the server.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>

namespace sextant::server {

void refuse_plain_connection(boost::asio::ip::tcp::socket socket, uint32_t max_connections);
void refuse_tls_connection(boost::asio::ip::tcp::socket socket);

}  // namespace sextant::server
