#include "engine/client/http_client.h"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "engine/client/connect.h"
#include "engine/client/tls_context.h"

namespace sb::client {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using detail::Clock;
using error_code = boost::system::error_code;

namespace {

constexpr std::uint64_t kBodyLimit = 256ull << 20;  // /metrics of a large domain fits

// Errors that mean "the server closed this kept-alive connection before reading the request".
bool is_stale_connection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::ssl::error::stream_truncated;
}

HttpResponse to_response(http::response<http::string_body>&& res) {
  HttpResponse out;
  out.status = res.result_int();
  for (const auto& field : res)
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = std::move(res.body());
  return out;
}

}  // namespace

class HttpClient::Impl {
 public:
  explicit Impl(Endpoint e) : endpoint_(std::move(e)) {
    if (endpoint_.tls) tls_context_ = detail::make_tls_context(endpoint_);
  }
  ~Impl() { disconnect(); }

  HttpResponse request(http::request<http::string_body>& req, Clock::time_point deadline);
  std::optional<HttpResponse> raw(std::string_view bytes, Clock::time_point deadline);
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  using Parser = http::response_parser<http::string_body>;

  // Opens the connection if there is none; true if it was opened now.
  bool ensure_connected(Clock::time_point deadline);
  void disconnect();
  void abort() {
    if (plain_) plain_->close();
    if (tls_) beast::get_lowest_layer(*tls_).close();
  }
  template <class F>
  auto with_stream(F&& f) {
    return plain_ ? f(*plain_) : f(*tls_);
  }
  // Writes with `write(stream, handler)`, then reads one response into `parser`. A failed write
  // still tries the read: a server may answer (413, 431) and close before reading everything.
  template <class Write>
  error_code exchange(Write&& write, Parser& parser, Clock::time_point deadline);

  Endpoint endpoint_;
  net::io_context ioc_;
  std::unique_ptr<net::ssl::context> tls_context_;
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<detail::TlsStream> tls_;
  beast::flat_buffer buffer_;
};

bool HttpClient::Impl::ensure_connected(Clock::time_point deadline) {
  if (plain_ || tls_) return false;
  buffer_.clear();
  try {
    if (tls_context_) {
      tls_ = std::make_unique<detail::TlsStream>(ioc_, *tls_context_);
      detail::connect_tls(ioc_, endpoint_, *tls_, deadline);
    } else {
      plain_ = std::make_unique<beast::tcp_stream>(ioc_);
      detail::connect_tcp(ioc_, endpoint_, *plain_, deadline);
    }
  } catch (...) {
    disconnect();
    throw;
  }
  return true;
}

void HttpClient::Impl::disconnect() {
  abort();
  plain_.reset();
  tls_.reset();
  ioc_.restart();
  ioc_.poll();  // lets the aborted operations' handlers (timers) run before the next use
}

template <class Write>
error_code HttpClient::Impl::exchange(Write&& write, Parser& parser, Clock::time_point deadline) {
  return with_stream([&](auto& stream) {
    beast::get_lowest_layer(stream).expires_at(deadline);
    const error_code write_ec = detail::await(
        ioc_, [&](auto handler) { write(stream, handler); }, [this] { abort(); }, deadline);
    if (write_ec == net::error::timed_out || write_ec == beast::error::timeout) return write_ec;
    beast::get_lowest_layer(stream).expires_at(deadline);
    const error_code read_ec = detail::await(
        ioc_, [&](auto handler) { http::async_read(stream, buffer_, parser, handler); },
        [this] { abort(); }, deadline);
    return read_ec && write_ec ? write_ec : read_ec;
  });
}

HttpResponse HttpClient::Impl::request(http::request<http::string_body>& req,
                                       Clock::time_point deadline) {
  for (int attempt = 0;; ++attempt) {
    const bool fresh = ensure_connected(deadline);
    Parser parser;
    parser.body_limit(kBodyLimit);
    if (req.method() == http::verb::head) parser.skip(true);
    const error_code ec =
        exchange([&req](auto& stream, auto handler) { http::async_write(stream, req, handler); },
                 parser, deadline);
    if (!ec) {
      const bool keep_alive = parser.get().keep_alive();
      HttpResponse response = to_response(parser.release());
      if (!keep_alive) disconnect();
      return response;
    }
    disconnect();
    if (fresh || attempt > 0 || !is_stale_connection(ec)) {
      throw ClientError(std::string(req.method_string()) + " " + std::string(req.target()) +
                        " to " + detail::host_and_port(endpoint_) + " failed: " + ec.message());
    }
  }
}

std::optional<HttpResponse> HttpClient::Impl::raw(std::string_view bytes,
                                                  Clock::time_point deadline) {
  ensure_connected(deadline);
  Parser parser;
  parser.body_limit(kBodyLimit);
  const error_code ec =
      exchange([bytes](auto& stream,
                       auto handler) { net::async_write(stream, net::buffer(bytes), handler); },
               parser, deadline);
  if (!ec) {
    const bool keep_alive = parser.get().keep_alive();
    HttpResponse response = to_response(parser.release());
    if (!keep_alive) disconnect();
    return response;
  }
  disconnect();
  if (ec == net::error::timed_out || ec == beast::error::timeout)
    throw ClientError("no response from " + detail::host_and_port(endpoint_) + " in time");
  return std::nullopt;
}

HttpClient::HttpClient(Endpoint e) : impl_(std::make_unique<Impl>(std::move(e))) {}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(std::string_view method, std::string_view target,
                                 std::string_view body, std::string_view content_type,
                                 std::vector<std::pair<std::string, std::string>> extra_headers,
                                 std::chrono::milliseconds timeout) {
  const Endpoint& e = impl_->endpoint();
  http::request<http::string_body> req;
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, detail::host_and_port(e));
  req.set(http::field::user_agent, "switchboard-client");
  if (!e.token.empty()) req.set(http::field::authorization, "Bearer " + e.token);
  if (!body.empty() && !content_type.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [name, value] : extra_headers) req.set(name, value);
  req.body() = std::string(body);
  req.prepare_payload();
  return impl_->request(req, Clock::now() + timeout);
}

std::optional<HttpResponse> HttpClient::raw(std::string_view raw,
                                            std::chrono::milliseconds timeout) {
  return impl_->raw(raw, Clock::now() + timeout);
}

}  // namespace sb::client
