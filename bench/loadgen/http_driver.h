// HttpDriver: one keep-alive HTTP connection of the load generator. In a loop paced by its
// Pacer it sends either GET /livez (mode livez) or POST /v1/interactions (mode http), one
// request at a time, and records each answer. It reconnects after a failure or a close.
// Runs on its own strand; start() from any thread.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>

#include "bench/loadgen/pacer.h"
#include "bench/loadgen/run_state.h"

namespace sb::loadgen {

class HttpDriver : public std::enable_shared_from_this<HttpDriver> {
 public:
  // Connection `index` of `count` (spreads the paced starts).
  HttpDriver(boost::asio::io_context& ioc, RunState& run, int index, int count);
  void start();

 private:
  void connect();
  void on_connect(const boost::system::error_code& ec);
  void next();
  void send();
  void on_write(const boost::system::error_code& ec);
  void on_read(const boost::system::error_code& ec);
  void fail(const char* what, const boost::system::error_code& ec);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::beast::tcp_stream stream_;
  boost::asio::steady_timer timer_;
  RunState& run_;
  Pacer pacer_;
  double phase_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> req_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> res_;
  Clock::time_point sent_at_{};
  std::optional<std::uint64_t> create_;  // the create in flight (mode http)
};

}  // namespace sb::loadgen
