#include "bench/loadgen/ws_driver.h"

#include <boost/asio/post.hpp>

#include "bench/loadgen/reply.h"
#include "bench/loadgen/text.h"

namespace sb::loadgen {

WsDriver::WsDriver(boost::asio::io_context& ioc, RunState& run, int index, int count)
    : ioc_(ioc),
      run_(run),
      index_(index),
      pacer_(run.options.rate / count),
      phase_(static_cast<double>(index) / count) {}

void WsDriver::start() {
  // The owner keeps this driver alive until the io_context has stopped: no shared_ptr cycle.
  WsConn::Callbacks callbacks;
  callbacks.on_open = [this] {
    open_ = true;
    pacer_.start(Clock::now(), phase_);
    pump();
  };
  callbacks.on_message = [this](std::string_view m) { on_message(m); };
  callbacks.on_error = [this](const std::string& what) {
    open_ = false;
    if (run_.sending) run_.recorder.error(cat({"create session ", what}));
  };
  conn_ = std::make_shared<WsConn>(ioc_, run_.target, std::move(callbacks));
  timer_ = std::make_unique<boost::asio::steady_timer>(conn_->strand());
  conn_->start();
}

void WsDriver::release() {
  boost::asio::post(conn_->strand(), [this] {
    --open_interactions_;
    pump();
  });
}

void WsDriver::pump() {
  while (open_ && run_.sending && open_interactions_ < run_.options.pipeline && !timer_armed_) {
    const auto now = Clock::now();
    const auto wait = pacer_.wait(now);
    if (wait != Clock::duration::zero()) {
      timer_armed_ = true;
      timer_->expires_after(wait);
      timer_->async_wait([this](const boost::system::error_code& ec) {
        timer_armed_ = false;
        if (!ec) pump();
      });
      return;
    }
    pacer_.take(now);
    const std::uint64_t n = run_.recorder.create_sent(now, index_);
    ++open_interactions_;
    conn_->send(cat({R"({"op":"interaction.create","request_id":"c)", std::to_string(n), R"(",)",
                     run_.create_fields(n), "}"}));
  }
}

void WsDriver::on_message(std::string_view message) {
  const std::optional<Reply> reply = parse_reply(message);
  if (!reply || reply->tag != 'c') return;
  const auto now = Clock::now();
  run_.recorder.create_answered(reply->n, reply->status, now);
  if (run_.options.ingest) {
    // Ingest: the answer ends the interaction's part in the run.
    run_.recorder.create_latency(reply->n, now);
    if (run_.recorder.completed(reply->n)) --open_interactions_;
    return pump();
  }
  if (reply->status < 200 || reply->status >= 300) {
    if (run_.recorder.completed(reply->n)) --open_interactions_;
    pump();
  }
}

}  // namespace sb::loadgen
