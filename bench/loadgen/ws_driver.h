// WsDriver: one WebSocket session of the load generator in mode ws. It sends
// `interaction.create` ops, at most `pipeline` unanswered at a time, paced by its Pacer (or as
// fast as answers come back with rate 0), and records each answer. Runs on its session's
// strand; start() from any thread. The owner keeps it alive until the io_context has stopped.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "bench/loadgen/pacer.h"
#include "bench/loadgen/run_state.h"
#include "bench/loadgen/ws_conn.h"

namespace sb::loadgen {

class WsDriver : public std::enable_shared_from_this<WsDriver> {
 public:
  WsDriver(boost::asio::io_context& ioc, RunState& run, int index, int count);
  void start();

 private:
  void pump();
  void on_message(std::string_view message);

  boost::asio::io_context& ioc_;
  RunState& run_;
  Pacer pacer_;
  double phase_;
  std::shared_ptr<WsConn> conn_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  int in_flight_ = 0;
  bool timer_armed_ = false;
  bool open_ = false;
};

}  // namespace sb::loadgen
