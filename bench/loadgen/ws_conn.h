// WsConn: one asynchronous WebSocket session of the load generator (/v1/stream), plain TCP.
// It connects, upgrades, then reads messages forever and writes what send() queues, in order.
// Callbacks run on the connection's strand; send() and close() may be called from any thread.
#pragma once

#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "bench/loadgen/target.h"
#include "engine/api/coalescing_stream.h"

namespace sb::loadgen {

class WsConn : public std::enable_shared_from_this<WsConn> {
 public:
  struct Callbacks {
    std::function<void()> on_open;
    std::function<void(std::string_view)> on_message;
    std::function<void(const std::string&)> on_error;  // the session is over
  };

  WsConn(boost::asio::io_context& ioc, const Target& target, Callbacks callbacks);

  void start();
  void send(std::string message);
  void close();
  boost::asio::strand<boost::asio::io_context::executor_type> strand() const { return strand_; }

 private:
  void on_connect(const boost::system::error_code& ec);
  void on_handshake(const boost::system::error_code& ec);
  void do_read();
  void on_read(const boost::system::error_code& ec);
  void start_writing();
  void do_write();
  void release();
  void fail(const boost::system::error_code& ec, const char* what);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::beast::websocket::stream<api::CoalescingStream<boost::beast::tcp_stream>> ws_;
  const Target& target_;
  Callbacks callbacks_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool open_ = false;
  bool failed_ = false;
  bool writing_ = false;
};

}  // namespace sb::loadgen
