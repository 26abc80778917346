// The Beast body type sessions read request bodies into. By default the body is kept in
// memory (`text`, bounded by the route's size limit). When the route streams its body
// (api::Route::make_body_receiver), the session sets `receiver` before reading the body and
// every piece goes straight to it instead, so a body of any size passes through in buffers of
// the session's read size.
//
// Invariants: with a receiver, `text` stays empty; receiver->finish() is called once, when
// the parser has seen the whole body, never after an error. When the receiver refuses a piece
// the read fails and `stopped_by_receiver` tells that failure from a transport one.
#pragma once

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <boost/system/errc.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_types.hpp"

namespace sextant::server {

struct RequestBody {
  struct value_type {
    std::string text;
    std::shared_ptr<api::BodyReceiver> receiver;
    bool stopped_by_receiver = false;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& content_length, boost::beast::error_code& ec) {
      ec = {};
      // The declared length was already checked against the route's limit.
      if (!body_.receiver && content_length)
        body_.text.reserve(static_cast<size_t>(std::min(*content_length, kMaxReserveBytes)));
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t taken = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        boost::asio::const_buffer buffer = *it;
        std::string_view piece(static_cast<const char*>(buffer.data()), buffer.size());
        if (!body_.receiver) {
          body_.text.append(piece);
        } else if (!body_.receiver->receive(piece)) {
          body_.stopped_by_receiver = true;
          ec = boost::system::errc::make_error_code(boost::system::errc::operation_canceled);
          return taken;
        }
        taken += piece.size();
      }
      return taken;
    }

    void finish(boost::beast::error_code& ec) {
      ec = {};
      if (body_.receiver) body_.receiver->finish();
    }

   private:
    static constexpr std::uint64_t kMaxReserveBytes = 64ull << 20;
    value_type& body_;
  };
};

}  // namespace sextant::server
