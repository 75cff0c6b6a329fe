// One HTTP/1.1 connection, over a plain or a TLS stream: keep-alive, one request at a time
// (pipelined requests wait in the buffer and are answered in order), limits on headers and bodies
// set before each read, a deadline on every request (a slow or half-sent request gets 408), and
// the upgrade of /v1/stream to a WebSocket session. Lives on one I/O thread; no strand needed.
#pragma once

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "engine/api/io_thread.h"
#include "engine/api/json_encode.h"
#include "engine/api/session_context.h"
#include "engine/api/ws_session.h"

namespace sb::api {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <typename Stream>
class HttpSession final : public std::enable_shared_from_this<HttpSession<Stream>>,
                          public Closable {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  static constexpr std::size_t kFirstReadBytes = 4096;
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

 public:
  template <typename... StreamArgs>
  HttpSession(SessionContext context, IoThread& io, ConnectionSlot slot, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...),
        context_(context),
        io_(io),
        slot_(std::move(slot)),
        timer_(io.context()) {}

  ~HttpSession() override { io_.untrack(this); }

  void run() {
    io_.track(this);
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(stream_).expires_after(context_.limits.request_timeout);
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::beast::error_code ec) {
                                if (ec) return;  // not TLS, or gave up: nothing to answer
                                boost::beast::get_lowest_layer(self->stream_).expires_never();
                                self->do_read();
                              });
    } else {
      do_read();
    }
  }

  // Refuses the connection at once (the connection cap): one 503, then close.
  void refuse(const ApiResponse& response) {
    io_.track(this);
    keep_alive_ = false;
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(stream_).expires_after(context_.limits.request_timeout);
      stream_.async_handshake(
          boost::asio::ssl::stream_base::server,
          [self = this->shared_from_this(), response](boost::beast::error_code ec) {
            if (!ec) self->send(response, 11);
          });
    } else {
      send(response, 11);
    }
  }

  void close_gracefully() override {
    keep_alive_ = false;
    if (busy_) return;  // the response being written closes the connection after it
    // Not busy: a handshake or a read is pending. Cancel it, and its handler shuts down. (Shutting
    // down here would run TLS's close_notify exchange beside the pending read, which then held
    // an idle HTTPS connection open past the server's shutdown.)
    boost::beast::error_code ignored;
    boost::beast::get_lowest_layer(stream_).socket().cancel(ignored);
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(context_.limits.header_bytes_max));
    // The route, and with it the body limit, is known once the header is in (on_header): until
    // then admit the larger of the two, or a declared Content-Length over body_bytes_max would
    // be refused before a policy upload could be told apart.
    parser_->body_limit(std::max(context_.limits.body_bytes_max, context_.limits.policy_bytes_max));
    timed_out_ = false;
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    // A keep-alive connection may idle for idle_timeout; from the first byte of its next
    // request, the whole request must arrive within request_timeout.
    arm_timer(context_.limits.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t n) {
          self->buffer_.commit(n);
          if (ec) return self->on_read_error(ec);
          self->read_header();
        });
  }

  void read_header() {
    arm_timer(context_.limits.request_timeout);
    boost::beast::http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
          self->on_header(ec);
        });
  }

  void arm_timer(std::chrono::milliseconds after) {
    // A wait that expired just before being re-armed still runs: it must not count.
    const std::uint64_t generation = ++timer_generation_;
    timer_.expires_after(after);
    timer_.async_wait([weak = this->weak_from_this(), generation](boost::beast::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock(); self && self->timer_generation_ == generation) {
        self->timed_out_ = true;
        boost::beast::get_lowest_layer(self->stream_).socket().cancel();
      }
    });
  }

  void disarm_timer() {
    ++timer_generation_;
    timer_.cancel();
  }

  void on_header(boost::beast::error_code ec) {
    if (ec) return on_read_error(ec);
    const auto& header = parser_->get();
    if (boost::beast::websocket::is_upgrade(header)) return upgrade();
    // Policy uploads carry YAML documents, larger than any JSON command: for admins only.
    const std::size_t limit = context_.handler.body_limit(
        header.method_string(), header.target(), header[boost::beast::http::field::authorization]);
    if (const auto length = parser_->content_length(); length && *length > limit) {
      return on_read_error(boost::beast::http::error::body_limit);
    }
    parser_->body_limit(limit);  // a chunked body is counted as it arrives
    // The request timer, armed at the first byte, runs on for the body.
    boost::beast::http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
          self->on_body(ec);
        });
  }

  void on_read_error(boost::beast::error_code ec) {
    namespace http = boost::beast::http;
    disarm_timer();
    keep_alive_ = false;
    if (ec == http::error::end_of_stream || ec == boost::asio::error::eof) return shutdown();
    if (timed_out_) {
      // Nothing at all arrived: an idle keep-alive connection, closed quietly.
      if (buffer_.size() == 0 && !parser_->got_some()) return shutdown();
      return send(
          error_response(ApiError{
              408, "request_timeout", std::nullopt, "the request did not arrive in time", {}}),
          11);
    }
    if (ec == http::error::body_limit) {
      return send(error_response(
                      ApiError{413,
                               "body_too_large",
                               std::nullopt,
                               "the body is over the limit of " +
                                   std::to_string(parser_->get().target().starts_with("/v1/policy")
                                                      ? context_.limits.policy_bytes_max
                                                      : context_.limits.body_bytes_max) +
                                   " bytes",
                               {}}),
                  11);
    }
    if (ec == http::error::header_limit) {
      return send(
          error_response(ApiError{431,
                                  "headers_too_large",
                                  std::nullopt,
                                  "the request headers are over the limit of " +
                                      std::to_string(context_.limits.header_bytes_max) + " bytes",
                                  {}}),
          11);
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      return send(
          error_response(ApiError{
              400, "bad_request", std::nullopt, "malformed HTTP request: " + ec.message(), {}}),
          11);
    }
    shutdown();  // a network error: nobody to answer
  }

  void on_body(boost::beast::error_code ec) {
    if (ec) return on_read_error(ec);
    disarm_timer();
    busy_ = true;
    request_ = parser_->release();
    keep_alive_ = keep_alive_ && request_.keep_alive();
    HttpRequestView view;
    view.method = request_.method_string();
    view.target = request_.target();
    view.authorization = request_[boost::beast::http::field::authorization];
    view.content_type = request_[boost::beast::http::field::content_type];
    view.body = request_.body();
    view.request_id = request_["X-Request-Id"];
    context_.handler.handle(view, io_, [self = this->shared_from_this()](ApiResponse response) {
      self->send(response, self->request_.version());
    });
  }

  void upgrade() {
    disarm_timer();
    Request request = parser_->release();
    auto verdict = context_.handler.authorize_stream(
        request.target(), request[boost::beast::http::field::authorization]);
    if (auto* refusal = std::get_if<ApiResponse>(&verdict)) {
      keep_alive_ = false;
      return send(*refusal, request.version());
    }
    io_.untrack(this);
    std::make_shared<WsSession<Stream>>(std::move(stream_), context_, io_, std::move(slot_),
                                        std::move(std::get<Principal>(verdict)))
        ->run(std::move(request));
  }

  void send(const ApiResponse& api, unsigned version) {
    namespace http = boost::beast::http;
    busy_ = true;
    response_.emplace(static_cast<http::status>(api.status), version);
    response_->set(http::field::server, "switchboard");
    response_->set(http::field::content_type, api.content_type);
    for (const auto& [name, value] : api.headers) response_->set(name, value);
    response_->keep_alive(keep_alive_);
    response_->body() = api.body;
    response_->prepare_payload();
    boost::beast::get_lowest_layer(stream_).expires_after(context_.limits.write_timeout);
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                        self->on_write(ec);
                      });
  }

  void on_write(boost::beast::error_code ec) {
    busy_ = false;
    boost::beast::get_lowest_layer(stream_).expires_never();
    if (ec) return;
    if (!keep_alive_) return shutdown();
    do_read();
  }

  void shutdown() {
    disarm_timer();
    io_.untrack(this);
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](boost::beast::error_code) {});
    } else {
      boost::beast::error_code ignored;
      stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
      stream_.socket().close(ignored);
    }
  }

  Stream stream_;
  SessionContext context_;
  IoThread& io_;
  ConnectionSlot slot_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Request request_;
  std::optional<Response> response_;
  std::uint64_t timer_generation_ = 0;
  bool keep_alive_ = true;
  bool timed_out_ = false;
  bool busy_ = false;
};

}  // namespace sb::api
