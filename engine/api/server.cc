#include "engine/api/server.h"

#include <boost/asio/post.hpp>

#include <future>

#include "engine/api/http_session.h"

namespace sb::api {
namespace {

using boost::asio::ip::tcp;

Error startup_error(std::string field, std::string message) {
  return make_error(ErrorCode::InvalidField, std::move(field), std::move(message));
}

}  // namespace

Server::Server(ListenOptions options, RequestHandler& handler, const ServerLimits& limits,
               std::vector<IoThread*> io, std::atomic<std::size_t>& connections)
    : options_(std::move(options)),
      handler_(handler),
      limits_(limits),
      io_(std::move(io)),
      connections_(connections),
      acceptor_(io_.front()->context()),
      accept_retry_(io_.front()->context()) {}

Server::~Server() { stop_accepting(); }

Result<std::uint16_t> Server::start() {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(options_.host, ec);
  if (ec) return startup_error("listen", "'" + options_.host + "' is not an IP address");
  if (!options_.auth_enabled && !address.is_loopback()) {
    return startup_error("listen",
                         "refusing to listen on " + options_.host +
                             " with auth off: configure tokens in the server config, or listen "
                             "on a loopback address");
  }
  if (options_.tls) {
    tls_.emplace(boost::asio::ssl::context::tls_server);
    tls_->set_options(boost::asio::ssl::context::default_workarounds |
                      boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                      boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
    tls_->use_certificate_chain_file(options_.tls->certificate_chain, ec);
    if (ec) {
      return startup_error("tls.certificate",
                           options_.tls->certificate_chain + ": " + ec.message());
    }
    tls_->use_private_key_file(options_.tls->private_key, boost::asio::ssl::context::pem, ec);
    if (ec)
      return startup_error("tls.private_key", options_.tls->private_key + ": " + ec.message());
  }
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return startup_error("listen",
                         options_.host + ":" + std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  boost::asio::post(acceptor_.get_executor(), [this] { do_accept(); });
  return port_;
}

void Server::stop_accepting() {
  if (!acceptor_.is_open()) return;
  // The acceptor belongs to the first I/O thread: close it there, and wait.
  std::promise<void> closed;
  boost::asio::post(acceptor_.get_executor(), [&] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    closed.set_value();
  });
  if (io_.front()->context().stopped()) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return;
  }
  closed.get_future().wait();
}

void Server::do_accept() {
  IoThread& io = *io_[next_io_++ % io_.size()];
  acceptor_.async_accept(io.context(), [this, &io](boost::system::error_code ec, tcp::socket s) {
    on_accept(ec, std::move(s), io);
  });
}

void Server::on_accept(boost::system::error_code ec, tcp::socket socket, IoThread& io) {
  if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    socket.set_option(tcp::no_delay(true), ec);
    const bool over_cap =
        connections_.fetch_add(1, std::memory_order_relaxed) >= limits_.connections_max;
    ConnectionSlot slot(connections_);
    SessionContext context{handler_, limits_, connections_};
    // The session starts on its own thread, where it will live.
    boost::asio::post(io.context(), [this, context, &io, over_cap, slot = std::move(slot),
                                     socket = std::move(socket)]() mutable {
      auto refusal = [] {
        return error_response(
            ApiError{503, "overloaded", std::nullopt, "too many connections; retry shortly", {}});
      };
      if (tls_) {
        auto session = std::make_shared<HttpSession<TlsStream>>(context, io, std::move(slot),
                                                                std::move(socket), *tls_);
        return over_cap ? session->refuse(refusal()) : session->run();
      }
      auto session = std::make_shared<HttpSession<PlainStream>>(context, io, std::move(slot),
                                                                std::move(socket));
      over_cap ? session->refuse(refusal()) : session->run();
    });
  } else {
    // EMFILE, ENFILE, ENOBUFS: retrying at once would spin; the kernel keeps the backlog.
    accept_retry_.expires_after(std::chrono::milliseconds(100));
    accept_retry_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) do_accept();
    });
    return;
  }
  do_accept();
}

}  // namespace sb::api
