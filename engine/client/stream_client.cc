#include "engine/client/stream_client.h"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>

#include "engine/client/connect.h"
#include "engine/client/tls_context.h"

namespace sb::client {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using detail::Clock;
using error_code = boost::system::error_code;

namespace {
constexpr auto kCloseWait = std::chrono::seconds(2);
}  // namespace

class StreamClient::Impl {
 public:
  Impl(Endpoint e, std::string path, Clock::time_point deadline);
  ~Impl();

  void send(std::string_view text, Clock::time_point deadline);
  std::optional<std::string> read(Clock::time_point deadline);
  void close();

  unsigned upgrade_status() const { return upgrade_status_; }
  const std::optional<int>& close_code() const { return close_code_; }
  const std::string& close_reason() const { return close_reason_; }

 private:
  using PlainWs = websocket::stream<beast::tcp_stream>;
  using TlsWs = websocket::stream<detail::TlsStream>;

  template <class F>
  auto with_ws(F&& f) {
    return plain_ ? f(*plain_) : f(*tls_);
  }
  template <class Ws>
  void handshake(Ws& ws, Clock::time_point deadline);
  void arm_read();
  void on_read(const error_code& ec);
  bool ended() const { return closed_ || failure_; }
  [[noreturn]] void throw_ended() const;
  void abort();

  Endpoint endpoint_;
  std::string path_;
  net::io_context ioc_;  // first: destroyed last, with any handler still queued
  std::unique_ptr<net::ssl::context> tls_context_;
  std::unique_ptr<PlainWs> plain_;
  std::unique_ptr<TlsWs> tls_;
  beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;
  bool reading_ = false;
  bool closed_ = false;  // the session ended with a close frame (theirs or ours)
  error_code failure_;   // the session ended otherwise
  std::optional<int> close_code_;
  std::string close_reason_;
  unsigned upgrade_status_ = 0;
};

StreamClient::Impl::Impl(Endpoint e, std::string path, Clock::time_point deadline)
    : endpoint_(std::move(e)), path_(std::move(path)) {
  if (endpoint_.tls) {
    tls_context_ = detail::make_tls_context(endpoint_);
    tls_ = std::make_unique<TlsWs>(ioc_, *tls_context_);
    detail::connect_tls(ioc_, endpoint_, tls_->next_layer(), deadline);
    handshake(*tls_, deadline);
  } else {
    plain_ = std::make_unique<PlainWs>(ioc_);
    detail::connect_tcp(ioc_, endpoint_, plain_->next_layer(), deadline);
    handshake(*plain_, deadline);
  }
  arm_read();
}

StreamClient::Impl::~Impl() {
  try {
    close();
  } catch (const std::exception&) {
    // Closing is best effort here; the socket is closed either way.
  }
}

template <class Ws>
void StreamClient::Impl::handshake(Ws& ws, Clock::time_point deadline) {
  // The WebSocket layer has its own timers; the TCP stream's expiry would cut long reads.
  beast::get_lowest_layer(ws).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(deadline - Clock::now());
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.set_option(
      websocket::stream_base::decorator([token = endpoint_.token](websocket::request_type& req) {
        req.set(http::field::user_agent, "switchboard-client");
        if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
      }));
  websocket::response_type res;
  const error_code ec = detail::await(
      ioc_,
      [&](auto handler) {
        ws.async_handshake(res, detail::host_and_port(endpoint_), path_, handler);
      },
      [this] { abort(); }, deadline);
  upgrade_status_ = res.result_int();
  if (ec == websocket::error::upgrade_declined) {
    throw ClientError("the server refused the WebSocket upgrade of " + path_ + ": " +
                          std::to_string(upgrade_status_) + " " + res.body(),
                      upgrade_status_, res.body());
  }
  if (ec) {
    throw ClientError("WebSocket handshake with " + detail::host_and_port(endpoint_) + path_ +
                      " failed: " + ec.message());
  }
  ws.text(true);
}

void StreamClient::Impl::arm_read() {
  if (reading_ || ended()) return;
  reading_ = true;
  with_ws([this](auto& ws) {
    ws.async_read(buffer_, [this](const error_code& ec, std::size_t) { on_read(ec); });
  });
}

void StreamClient::Impl::on_read(const error_code& ec) {
  reading_ = false;
  if (!ec) {
    inbox_.push_back(beast::buffers_to_string(buffer_.data()));
    buffer_.consume(buffer_.size());
    arm_read();
    return;
  }
  // A server that closes the socket right after its close frame fails our echo (broken pipe),
  // but the close frame was read: its code and reason are what the caller wants to know.
  const websocket::close_reason reason = with_ws([](auto& ws) { return ws.reason(); });
  if (ec == websocket::error::closed || reason.code != websocket::close_code::none) {
    closed_ = true;
    close_code_ = static_cast<int>(reason.code);
    close_reason_ = std::string(reason.reason.c_str());
  } else if (!failure_) {
    failure_ = ec;
  }
}

void StreamClient::Impl::throw_ended() const {
  if (close_code_) {
    throw ClientError("the server closed the stream: " + std::to_string(*close_code_) +
                      (close_reason_.empty() ? "" : " " + close_reason_));
  }
  if (closed_) throw ClientError("the stream is closed");
  throw ClientError("the stream failed: " + failure_.message());
}

void StreamClient::Impl::abort() {
  error_code ignored;
  with_ws([&ignored](auto& ws) { beast::get_lowest_layer(ws).socket().close(ignored); });
}

void StreamClient::Impl::send(std::string_view text, Clock::time_point deadline) {
  if (ended()) throw_ended();
  const error_code ec = detail::await(
      ioc_,
      [&](auto handler) {
        with_ws([&](auto& ws) { ws.async_write(net::buffer(text.data(), text.size()), handler); });
      },
      [this] { abort(); }, deadline);
  if (ec) {
    if (!failure_ && !closed_) failure_ = ec;
    throw_ended();
  }
}

std::optional<std::string> StreamClient::Impl::read(Clock::time_point deadline) {
  if (inbox_.empty() && !ended()) {
    arm_read();
    detail::run_until(
        ioc_, [this] { return !inbox_.empty() || ended(); }, deadline);
  }
  if (!inbox_.empty()) {
    std::string message = std::move(inbox_.front());
    inbox_.pop_front();
    return message;
  }
  if (ended()) throw_ended();
  return std::nullopt;
}

void StreamClient::Impl::close() {
  if (!plain_ && !tls_) return;
  if (!ended()) {
    const auto deadline = Clock::now() + kCloseWait;
    detail::await(
        ioc_,
        [&](auto handler) {
          with_ws([&](auto& ws) { ws.async_close(websocket::close_code::normal, handler); });
        },
        [this] { abort(); }, deadline);
    detail::run_until(
        ioc_, [this] { return !reading_; }, deadline);
  }
  abort();
  detail::run_until(
      ioc_, [this] { return !reading_; }, Clock::now() + kCloseWait);
  closed_ = true;
  ioc_.restart();
  ioc_.poll();
  plain_.reset();
  tls_.reset();
}

StreamClient::StreamClient(Endpoint e, std::string path, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(e), std::move(path), Clock::now() + timeout)) {}
StreamClient::~StreamClient() = default;

unsigned StreamClient::upgrade_status() const { return impl_->upgrade_status(); }

void StreamClient::send(std::string_view text, std::chrono::milliseconds timeout) {
  impl_->send(text, Clock::now() + timeout);
}

std::optional<std::string> StreamClient::read(std::chrono::milliseconds timeout) {
  return impl_->read(Clock::now() + timeout);
}

std::optional<std::string> StreamClient::read_until(
    const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    std::optional<std::string> message = impl_->read(deadline);
    if (!message) return std::nullopt;
    if (pred(*message)) return message;
  }
}

std::optional<int> StreamClient::close_code() const { return impl_->close_code(); }
std::string StreamClient::close_reason() const { return impl_->close_reason(); }
void StreamClient::close() { impl_->close(); }

}  // namespace sb::client
