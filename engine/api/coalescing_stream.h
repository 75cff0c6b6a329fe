// A stream layer that sends a burst of writes with one system call. A WebSocket stream writes
// each message with its own write (a `sendmsg` each, a quarter of the I/O thread's time under
// pipelined load); set under it, this layer lets its owner hold() the writes of a burst — they
// are copied here and complete at once — and async_release() them: one write of all the bytes,
// completing when they are handed to the next layer. Everything else passes straight through.
//
// Writes stay in order: a write that arrives while held bytes wait or a flush is under way (a
// pong or close frame the WebSocket stream sends by itself) is appended behind them and completes
// when its bytes are sent. Held bytes are bounded: past kHeldBytesMax a write waits for a flush,
// so a burst larger than that goes out in pieces, and a peer that does not read pushes back.
// The owner must outlive every write here: keeping itself alive until a release completes after
// its last write is enough (WsSession's stop() does). One strand or thread, like the stream above
// it. The next layer's teardown sends what is held first.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace sb::api {

template <typename NextLayer>
class CoalescingStream {
 public:
  using next_layer_type = NextLayer;
  using executor_type = typename NextLayer::executor_type;
  using Signature = void(boost::system::error_code, std::size_t);

  // Held bytes past which a write waits for the bytes before it to be sent.
  static constexpr std::size_t kHeldBytesMax = 64 * 1024;

  template <typename... Args>
  explicit CoalescingStream(Args&&... args) : next_(std::forward<Args>(args)...) {}
  CoalescingStream(const CoalescingStream&) = delete;
  CoalescingStream& operator=(const CoalescingStream&) = delete;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  NextLayer& next_layer() noexcept { return next_; }
  const NextLayer& next_layer() const noexcept { return next_; }

  // Until async_release, writes are held: copied and completed without touching the next layer.
  void hold() { holding_ = true; }
  bool holding() const { return holding_; }

  // Ends holding and sends every byte held (one write), then completes with the error, if any,
  // and 0 — once nothing is left to send: not before a flush under way and any flush queued
  // behind it (a frame the WebSocket stream wrote by itself meanwhile) have ended.
  template <typename Token>
  auto async_release(Token&& token) {
    return boost::asio::async_initiate<Token, Signature>(
        [self = this](auto handler) { self->release(std::move(handler)); }, token);
  }

  // What a synchronous teardown sends first: the held bytes, unless a flush is under way.
  void send_held(boost::system::error_code& ec) {
    holding_ = false;
    if (flushing_ || pending_.empty()) return;
    boost::asio::write(next_, boost::asio::buffer(pending_), ec);
    pending_.clear();
  }

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return next_.async_read_some(buffers, std::forward<Token>(token));
  }

  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, Signature>(
        [self = this](auto handler, const Buffers& b) { self->write_some(std::move(handler), b); },
        token, buffers);
  }

 private:
  using Waiter = boost::asio::any_completion_handler<Signature>;
  struct Waiting {
    Waiter handler;
    std::size_t bytes;
    bool release;  // completes only when nothing is left to send
  };

  template <typename Handler>
  void release(Handler handler) {
    holding_ = false;
    if (pending_.empty() && !flushing_) return complete(std::move(handler), error_, 0);
    waiting_.push_back({Waiter(std::move(handler)), 0, true});
    if (!flushing_) flush();
  }

  template <typename Handler, typename Buffers>
  void write_some(Handler handler, const Buffers& buffers) {
    if (error_) return complete(std::move(handler), error_, 0);
    if (!holding_ && !flushing_ && pending_.empty()) {
      return next_.async_write_some(buffers, std::move(handler));
    }
    const std::size_t bytes = boost::asio::buffer_size(buffers);
    const std::size_t at = pending_.size();
    pending_.resize(at + bytes);
    boost::asio::buffer_copy(boost::asio::buffer(pending_.data() + at, bytes), buffers);
    if (holding_ && pending_.size() <= kHeldBytesMax) {
      return complete(std::move(handler), {}, bytes);
    }
    waiting_.push_back({Waiter(std::move(handler)), bytes, false});
    if (!flushing_) flush();
  }

  // Sends what is pending on behalf of the handlers waiting now. Those handlers keep their owner
  // alive, and the owner this layer — with one exception: a WebSocket stream's idle ping holds
  // its stream only weakly. Releases wait for every flush after them, so an owner that keeps
  // itself alive until a release completes (WsSession's stop()) outlives every write here.
  void flush() {
    flushing_ = true;
    sending_.swap(pending_);
    pending_.clear();
    std::vector<Waiting> batch;
    batch.swap(waiting_);
    boost::asio::async_write(
        next_, boost::asio::buffer(sending_),
        [self = this, batch = std::move(batch)](boost::system::error_code ec, std::size_t) mutable {
          self->flushing_ = false;
          if (ec && !self->error_) self->error_ = ec;
          const bool more = !self->waiting_.empty();
          for (Waiting& w : batch) {
            if (w.release && more) {
              self->waiting_.push_back(std::move(w));  // after the flush queued behind this one
            } else {
              self->complete(std::move(w.handler), ec, ec ? 0 : w.bytes);
            }
          }
          if (more) self->flush();
        });
  }

  template <typename Handler>
  void complete(Handler&& handler, boost::system::error_code ec, std::size_t bytes) {
    boost::asio::post(next_.get_executor(),
                      boost::asio::append(std::forward<Handler>(handler), ec, bytes));
  }

  NextLayer next_;
  std::string pending_;  // held or queued behind a flush
  std::string sending_;  // the flush under way
  std::vector<Waiting> waiting_;
  boost::system::error_code error_;  // a failed flush fails every later write
  bool holding_ = false;
  bool flushing_ = false;
};

// The WebSocket stream's closing handshake ends by tearing down the next layer: what is held
// (the close frame among it) is sent first, after any flush under way.
template <typename NextLayer>
void teardown(boost::beast::role_type role, CoalescingStream<NextLayer>& stream,
              boost::system::error_code& ec) {
  stream.send_held(ec);
  if (ec) return;
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

template <typename NextLayer, typename Handler>
void async_teardown(boost::beast::role_type role, CoalescingStream<NextLayer>& stream,
                    Handler&& handler) {
  stream.async_release([&stream, role, handler = std::forward<Handler>(handler)](
                           boost::system::error_code, std::size_t) mutable {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::move(handler));
  });
}

}  // namespace sb::api
