// One WebSocket session on /v1/stream, over a plain or a TLS stream. It reads one message at a
// time and answers each (commands go through the request handler, like HTTP), and it receives
// the events its subscription covers from its thread's StreamHub. Writes go through a bounded
// queue: a session that falls `ws_queue_messages_max` messages behind is closed with 1008
// ("slow consumer") rather than let memory grow; a client that sends commands faster than it
// reads the answers is not read from until it catches up. Lives on one I/O thread; no strand.
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <memory>
#include <string>

#include "engine/api/coalescing_stream.h"
#include "engine/api/io_thread.h"
#include "engine/api/session_context.h"
#include "engine/api/stream_hub.h"

namespace sb::api {

template <typename Stream>
class WsSession final : public std::enable_shared_from_this<WsSession<Stream>>,
                        public StreamSubscriber,
                        public Closable {
 public:
  WsSession(Stream&& stream, SessionContext context, IoThread& io, ConnectionSlot slot,
            Principal caller)
      : ws_(std::move(stream)),
        context_(context),
        io_(io),
        slot_(std::move(slot)),
        caller_(std::move(caller)),
        counters_(context_.handler.health().streams),
        close_timer_(io.context()) {}

  ~WsSession() override {
    counters_->sessions.fetch_sub(1, std::memory_order_relaxed);
    io_.hub().remove(this);
    io_.untrack(this);
  }

  void run(boost::beast::http::request<boost::beast::http::string_body> upgrade) {
    namespace websocket = boost::beast::websocket;
    io_.track(this);
    counters_->sessions.fetch_add(1, std::memory_order_relaxed);
    ws_.set_option(websocket::stream_base::timeout::suggested(boost::beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(boost::beast::http::field::server, "switchboard");
    }));
    ws_.read_message_max(context_.limits.ws_message_bytes_max);
    ws_.async_accept(upgrade, [self = this->shared_from_this()](boost::beast::error_code ec) {
      if (!ec) self->do_read();
    });
  }

  const Subscription& subscription() const override { return subscription_; }

  void deliver(const std::shared_ptr<const std::string>& event) override {
    if (closing_) return;
    if (queue_.size() >= context_.limits.ws_queue_messages_max) {
      counters_->slow_consumers.fetch_add(1, std::memory_order_relaxed);
      return close(boost::beast::websocket::close_code::policy_error, "slow consumer");
    }
    queue_.push_back(event);
    if (queue_.size() == 1) start_writing();
  }

  void close_gracefully() override {
    close(boost::beast::websocket::close_code::going_away, "server shutting down");
  }

 private:
  void do_read() {
    buffer_.clear();
    ws_.async_read(buffer_, [self = this->shared_from_this()](boost::beast::error_code ec,
                                                              std::size_t) { self->on_read(ec); });
  }

  void on_read(boost::beast::error_code ec) {
    // Closed by the peer, by us, or failed (a message over the limit closes with 1009 itself).
    if (ec) return stop();
    if (!ws_.got_text()) {
      send(std::make_shared<const std::string>(
          R"({"op":"error","request_id":null,"status":400,"error":{"code":"bad_request","field":null,"message":"send JSON in text frames"}})"));
      return do_read();
    }
    const std::string text = boost::beast::buffers_to_string(buffer_.data());
    auto self = this->shared_from_this();
    ++unanswered_;  // every message is answered exactly once
    context_.handler.handle_stream_message(
        text, caller_, io_,
        [self](std::string reply) {
          --self->unanswered_;
          self->send(std::make_shared<const std::string>(std::move(reply)));
        },
        [this](Subscribe&& request) {
          subscription_ = Subscription(request);
          io_.hub().add(this);
        });
    if (backlog() >= kBacklogMax) {
      read_paused_ = true;  // on_write reads on once the client has caught up
      return;
    }
    do_read();
  }

  // Messages read but not yet answered, and messages waiting to be written.
  std::size_t backlog() const { return unanswered_ + queue_.size(); }

  // Replies are small and bounded by what the client sends; they share the queue with events.
  void send(std::shared_ptr<const std::string> message) {
    if (closing_) return;
    queue_.push_back(std::move(message));
    if (queue_.size() == 1) start_writing();
  }

  // Replies and events arrive in bursts (one drain of the core's outbox delivers a whole batch):
  // the first write waits until the handler that delivers the burst has returned, so that the
  // burst is queued by then and leaves in one write.
  void start_writing() {
    boost::asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      if (!self->writing_ && !self->closing_ && !self->queue_.empty()) self->do_write();
    });
  }

  void do_write() {
    // Several messages waiting (pipelined replies, a burst of events): the stream layer holds
    // their frames and sends them with one system call instead of one per message.
    if (queue_.size() > 1) ws_.next_layer().hold();
    writing_ = true;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(*queue_.front()),
                    [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                      self->on_write(ec);
                    });
  }

  void on_write(boost::beast::error_code ec) {
    writing_ = false;
    if (ec) return stop();
    if (!queue_.empty()) queue_.pop_front();
    if (read_paused_ && !closing_ && backlog() < kBacklogMax / 2) {
      read_paused_ = false;
      do_read();
    }
    if (!queue_.empty() && !closing_) return do_write();
    if (ws_.next_layer().holding()) release();
  }

  // Sends the frames held for the burst; messages queued meanwhile are written after it.
  void release() {
    writing_ = true;
    ws_.next_layer().async_release(
        [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
          self->writing_ = false;
          if (ec) return self->stop();
          if (!self->queue_.empty() && !self->closing_) self->do_write();
        });
  }

  void close(boost::beast::websocket::close_code code, const char* reason) {
    if (closing_) return;
    closing_ = true;
    io_.hub().remove(this);
    // The message being written must outlive its write; the rest is dropped. (While held frames
    // are being sent, the front was already copied: keeping it costs nothing.)
    queue_.erase(writing_ && !queue_.empty() ? queue_.begin() + 1 : queue_.begin(), queue_.end());
    ws_.async_close(boost::beast::websocket::close_reason(code, reason),
                    [self = this->shared_from_this()](boost::beast::error_code) {
                      self->close_timer_.cancel();
                    });
    // Frames held for a burst go now: the close frame must not wait behind them for a release
    // that the writes queued behind the close would never reach.
    if (ws_.next_layer().holding()) keep_alive_until_sent();
    // A peer that reads nothing would hold the close (queued behind a stuck write) forever.
    close_timer_.expires_after(context_.limits.write_timeout);
    close_timer_.async_wait([self = this->shared_from_this()](boost::beast::error_code ec) {
      if (!ec) boost::beast::get_lowest_layer(self->ws_).close();
    });
  }

  void stop() {
    close_timer_.cancel();
    closing_ = true;
    io_.hub().remove(this);
    io_.untrack(this);
    keep_alive_until_sent();
  }

  // Releases what is held, and keeps the session (its stream layer with it) alive until every
  // write under way has ended, even one made for a frame the WebSocket stream sent by itself.
  void keep_alive_until_sent() {
    ws_.next_layer().async_release(
        [self = this->shared_from_this()](boost::beast::error_code, std::size_t) {});
  }

  // A client that sends faster than it reads its answers is not read from while this many of
  // its messages are unanswered or unwritten: TCP pushes back on it, and memory stays bounded.
  static constexpr std::size_t kBacklogMax = 256;

  boost::beast::websocket::stream<CoalescingStream<Stream>> ws_;
  SessionContext context_;
  IoThread& io_;
  ConnectionSlot slot_;
  Principal caller_;
  std::shared_ptr<Health::StreamCounters> counters_;
  Subscription subscription_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  boost::asio::steady_timer close_timer_;
  bool closing_ = false;
  bool writing_ = false;
  bool read_paused_ = false;
  std::size_t unanswered_ = 0;
};

}  // namespace sb::api
