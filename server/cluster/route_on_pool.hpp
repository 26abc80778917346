// Answering a request of a cluster route on a thread pool of its own rather than on one of the
// server's workers (the routes' async form, api::Route::async_handler): writes that wait for
// their replicas and reads that wait for peers must not hold the workers other requests need.
//
// Invariants: the request is copied with a body of its own (the session's buffer it points into
// may be reused once the async handler returns); `reply` is called exactly once, with a 500 if
// `handle` throws.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>

#include "api/router.hpp"

namespace sextant::server {

void answer_on_pool(boost::asio::thread_pool& pool, const api::Request& request, api::Reply reply,
                    std::function<api::Response(api::Request&)> handle);

}  // namespace sextant::server
