// OfferHandler: the load generator's side of routing. One stream session subscribed to every
// agent and queue watches for `switchboard.offer.created`; each offer of this run's
// interactions is timed (submit-to-offer) and then accepted and completed through `control`
// sessions (interaction n uses session n % count), so that agents stay free. Callbacks run on
// the sessions' strands; the owner keeps it alive until the io_context has stopped.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "bench/loadgen/run_state.h"
#include "bench/loadgen/ws_conn.h"

namespace sb::loadgen {

class OfferHandler {
 public:
  OfferHandler(boost::asio::io_context& ioc, RunState& run, int control_sessions);

  // Connects every session and subscribes; ready() turns true once the subscription is answered.
  void start();
  bool ready() const { return subscribed_.load() && open_controls_.load() == controls_.size(); }
  void close();

 private:
  void on_event(std::string_view message);
  void on_control_reply(std::string_view message);

  RunState& run_;
  std::shared_ptr<WsConn> events_;
  std::vector<std::shared_ptr<WsConn>> controls_;
  std::atomic<bool> subscribed_{false};
  std::atomic<std::size_t> open_controls_{0};
};

}  // namespace sb::loadgen
