#include "bench/loadgen/ws_conn.h"

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>

#include "bench/loadgen/text.h"

namespace sb::loadgen {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

WsConn::WsConn(net::io_context& ioc, const Target& target, Callbacks callbacks)
    : strand_(net::make_strand(ioc)),
      ws_(strand_),
      target_(target),
      callbacks_(std::move(callbacks)) {}

void WsConn::start() {
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws_).async_connect(
      target_.endpoints, [self = shared_from_this()](const boost::system::error_code& ec,
                                                     const auto&) { self->on_connect(ec); });
}

void WsConn::on_connect(const boost::system::error_code& ec) {
  if (ec) return fail(ec, "connect");
  beast::get_lowest_layer(ws_).socket().set_option(net::ip::tcp::no_delay(true));
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws_.set_option(websocket::stream_base::decorator(
      [auth = target_.authorization](websocket::request_type& req) {
        req.set(beast::http::field::user_agent, "switchboard-loadgen");
        if (!auth.empty()) req.set(beast::http::field::authorization, auth);
      }));
  ws_.async_handshake(target_.host, "/v1/stream",
                      [self = shared_from_this()](const boost::system::error_code& hec) {
                        self->on_handshake(hec);
                      });
}

void WsConn::on_handshake(const boost::system::error_code& ec) {
  if (ec) return fail(ec, "upgrade");
  ws_.text(true);
  open_ = true;
  do_read();
  if (!queue_.empty()) start_writing();
  if (callbacks_.on_open) callbacks_.on_open();
}

void WsConn::do_read() {
  ws_.async_read(buffer_, [self = shared_from_this()](const boost::system::error_code& ec,
                                                      std::size_t) { self->on_read(ec); });
}

void WsConn::on_read(const boost::system::error_code& ec) {
  if (ec) return fail(ec, "read");
  const auto data = buffer_.cdata();
  callbacks_.on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  do_read();
}

void WsConn::send(std::string message) {
  net::post(strand_, [self = shared_from_this(), m = std::move(message)]() mutable {
    if (self->failed_) return;
    self->queue_.push_back(std::move(m));
    if (self->open_ && self->queue_.size() == 1) self->start_writing();
  });
}

// As a platform pushing at full rate would: the messages queued while one handler runs (the
// answers read in a burst each send a new create) leave together, in one write, instead of one
// system call per message.
void WsConn::start_writing() {
  net::post(strand_, [self = shared_from_this()] {
    if (!self->writing_ && !self->failed_ && !self->queue_.empty()) self->do_write();
  });
}

void WsConn::do_write() {
  if (queue_.size() > 1) ws_.next_layer().hold();
  writing_ = true;
  ws_.async_write(net::buffer(queue_.front()),
                  [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                    self->writing_ = false;
                    if (ec) return self->fail(ec, "write");
                    self->queue_.pop_front();
                    if (!self->queue_.empty()) return self->do_write();
                    if (self->ws_.next_layer().holding()) self->release();
                  });
}

void WsConn::release() {
  writing_ = true;
  ws_.next_layer().async_release(
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
        self->writing_ = false;
        if (ec) return self->fail(ec, "write");
        if (!self->queue_.empty()) self->do_write();
      });
}

void WsConn::close() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->failed_) return;
    self->failed_ = true;
    boost::system::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

void WsConn::fail(const boost::system::error_code& ec, const char* what) {
  if (failed_) return;
  failed_ = true;
  open_ = false;
  std::string text = cat({what, ": ", ec.message()});
  if (ec == websocket::error::closed) {
    text += cat({" (", std::to_string(ws_.reason().code), " ", ws_.reason().reason.c_str(), ")"});
  }
  boost::system::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  if (callbacks_.on_error) callbacks_.on_error(text);
}

}  // namespace sb::loadgen
