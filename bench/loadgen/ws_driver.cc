#include "bench/loadgen/ws_driver.h"

#include "bench/loadgen/reply.h"
#include "bench/loadgen/text.h"

namespace sb::loadgen {

WsDriver::WsDriver(boost::asio::io_context& ioc, RunState& run, int index, int count)
    : ioc_(ioc),
      run_(run),
      pacer_(run.options.rate / count),
      phase_(static_cast<double>(index) / count) {}

void WsDriver::start() {
  // The owner keeps this driver alive until the io_context has stopped: no shared_ptr cycle.
  WsDriver* self = this;
  WsConn::Callbacks callbacks;
  callbacks.on_open = [self] {
    self->open_ = true;
    self->pacer_.start(Clock::now(), self->phase_);
    self->pump();
  };
  callbacks.on_message = [self](std::string_view m) { self->on_message(m); };
  callbacks.on_error = [self](const std::string& what) {
    self->open_ = false;
    if (self->run_.sending) self->run_.recorder.error(cat({"create session ", what}));
  };
  conn_ = std::make_shared<WsConn>(ioc_, run_.target, std::move(callbacks));
  timer_ = std::make_unique<boost::asio::steady_timer>(conn_->strand());
  conn_->start();
}

void WsDriver::pump() {
  while (open_ && run_.sending && in_flight_ < run_.options.pipeline && !timer_armed_) {
    const auto now = Clock::now();
    const auto wait = pacer_.wait(now);
    if (wait != Clock::duration::zero()) {
      timer_armed_ = true;
      timer_->expires_after(wait);
      timer_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        self->timer_armed_ = false;
        if (!ec) self->pump();
      });
      return;
    }
    pacer_.take(now);
    const std::uint64_t n = run_.recorder.create_sent(now);
    ++in_flight_;
    conn_->send(cat({R"({"op":"interaction.create","request_id":"c)", std::to_string(n), R"(",)",
                     run_.create_fields(n), "}"}));
  }
}

void WsDriver::on_message(std::string_view message) {
  const std::optional<Reply> reply = parse_reply(message);
  if (!reply || reply->tag != 'c') return;
  --in_flight_;
  run_.recorder.create_answered(reply->n, reply->status, Clock::now());
  if (reply->status < 200 || reply->status >= 300) run_.recorder.completed(reply->n);
  pump();
}

}  // namespace sb::loadgen
