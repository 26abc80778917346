// See route_on_pool.hpp.
#include "server/cluster/route_on_pool.hpp"

#include <boost/asio/post.hpp>
#include <memory>
#include <string>

#include "api/envelope.hpp"

namespace sextant::server {

void answer_on_pool(boost::asio::thread_pool& pool, const api::Request& request, api::Reply reply,
                    std::function<api::Response(api::Request&)> handle) {
  auto body = std::make_shared<std::string>(request.body);
  auto copy = std::make_shared<api::Request>(request);
  copy->body = *body;
  boost::asio::post(pool, [body, copy, reply = std::move(reply), handle = std::move(handle)] {
    try {
      reply(handle(*copy));
    } catch (const std::exception& e) {
      reply(api::error_response(500, std::string("Service internal error: ") + e.what()));
    }
  });
}

}  // namespace sextant::server
