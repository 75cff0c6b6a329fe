// WsDriver: one WebSocket session of the load generator in mode ws. It sends
// `interaction.create` ops, paced by its Pacer (rate 0: as fast as it may), with at most
// `pipeline` of its interactions open at a time — from the create until the offer handler has
// completed it (or the create was refused) — so that the engine runs in a steady state with
// free agents rather than filling its queues. Records each answer. Runs on its session's
// strand; start() and release() from any thread. With --ingest, `pipeline` creates are in
// flight and each answer makes room for the next (no offers, no lifecycle). The owner keeps it
// alive until the io_context has stopped.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "bench/loadgen/pacer.h"
#include "bench/loadgen/run_state.h"
#include "bench/loadgen/ws_conn.h"

namespace sb::loadgen {

class WsDriver {
 public:
  // Session `index` of `count`: its interactions carry `index` as their owner.
  WsDriver(boost::asio::io_context& ioc, RunState& run, int index, int count);
  void start();
  // One of this driver's interactions is over: room for another.
  void release();

 private:
  void pump();
  void on_message(std::string_view message);

  boost::asio::io_context& ioc_;
  RunState& run_;
  int index_;
  Pacer pacer_;
  double phase_;
  std::shared_ptr<WsConn> conn_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  int open_interactions_ = 0;
  bool timer_armed_ = false;
  bool open_ = false;
};

}  // namespace sb::loadgen
