#include "bench/loadgen/http_driver.h"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "bench/loadgen/text.h"

namespace sb::loadgen {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr auto kReconnectDelay = std::chrono::milliseconds(100);
}  // namespace

HttpDriver::HttpDriver(net::io_context& ioc, RunState& run, int index, int count)
    : strand_(net::make_strand(ioc)),
      stream_(strand_),
      timer_(strand_),
      run_(run),
      pacer_(run.options.rate / count),
      phase_(static_cast<double>(index) / count) {
  req_.version(11);
  req_.set(http::field::host, run_.target.host);
  req_.set(http::field::user_agent, "switchboard-loadgen");
  if (!run_.target.authorization.empty())
    req_.set(http::field::authorization, run_.target.authorization);
  if (run_.options.mode == Mode::Livez) {
    req_.method(http::verb::get);
    req_.target("/livez");
  } else {
    req_.method(http::verb::post);
    req_.target("/v1/interactions");
    req_.set(http::field::content_type, "application/json");
  }
}

void HttpDriver::start() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->pacer_.start(Clock::now(), self->phase_);
    self->connect();
  });
}

void HttpDriver::connect() {
  stream_.expires_after(kRequestTimeout);
  stream_.async_connect(run_.target.endpoints,
                        [self = shared_from_this()](const boost::system::error_code& ec,
                                                    const auto&) { self->on_connect(ec); });
}

void HttpDriver::on_connect(const boost::system::error_code& ec) {
  if (ec) return fail("connect", ec);
  stream_.socket().set_option(net::ip::tcp::no_delay(true));
  next();
}

void HttpDriver::next() {
  if (!run_.sending) {
    stream_.close();
    return;
  }
  const auto wait = pacer_.wait(Clock::now());
  if (wait == Clock::duration::zero()) return send();
  timer_.expires_after(wait);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->next();
  });
}

void HttpDriver::send() {
  sent_at_ = Clock::now();
  pacer_.take(sent_at_);
  if (run_.options.mode != Mode::Livez) {
    create_ = run_.recorder.create_sent(sent_at_);
    req_.body() = cat({"{", run_.create_fields(*create_), "}"});
  }
  req_.prepare_payload();
  stream_.expires_after(kRequestTimeout);
  http::async_write(stream_, req_,
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      self->on_write(ec);
                    });
}

void HttpDriver::on_write(const boost::system::error_code& ec) {
  if (ec) return fail("write", ec);
  res_.emplace();
  http::async_read(stream_, buffer_, *res_,
                   [self = shared_from_this()](const boost::system::error_code& rec, std::size_t) {
                     self->on_read(rec);
                   });
}

void HttpDriver::on_read(const boost::system::error_code& ec) {
  if (ec) return fail("read", ec);
  const auto now = Clock::now();
  const unsigned status = res_->result_int();
  if (create_) {
    run_.recorder.create_answered(*create_, status, now);
    if (run_.options.ingest) {
      run_.recorder.create_latency(*create_, now);
      run_.recorder.completed(*create_);
    }
    create_.reset();
  } else {
    run_.recorder.request_done(sent_at_, status, now);
  }
  if (!res_->keep_alive()) {
    stream_.close();
    buffer_.clear();
    return connect();
  }
  next();
}

void HttpDriver::fail(const char* what, const boost::system::error_code& ec) {
  if (!run_.sending) return;  // the end of the run closes connections
  run_.recorder.error(cat({"connection ", what, ": ", ec.message()}));
  if (create_) {
    run_.recorder.completed(*create_);  // unknown fate; not outstanding any more
    create_.reset();
  }
  stream_.close();
  buffer_.clear();
  timer_.expires_after(kReconnectDelay);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& tec) {
    if (!tec) self->connect();
  });
}

}  // namespace sb::loadgen
