// The listener: accepts connections on one address, spreads them over the I/O threads round
// robin, enforces the connection cap, and speaks TLS when configured. Safe to start and stop
// from the owning thread; everything else happens on the I/O threads.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/io_thread.h"
#include "engine/api/session_context.h"
#include "switchboard/result.h"

namespace sb::api {

struct TlsFiles {
  std::string certificate_chain;  // PEM
  std::string private_key;        // PEM
};

struct ListenOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see bound_port())
  std::optional<TlsFiles> tls;
  bool auth_enabled = false;  // without auth, only loopback addresses are allowed
};

class Server {
 public:
  // `io` are the I/O threads (started by the caller); the first also runs the acceptor.
  Server(ListenOptions options, RequestHandler& handler, const ServerLimits& limits,
         std::vector<IoThread*> io, std::atomic<std::size_t>& connections);
  ~Server();

  // Binds and starts accepting. Fails with a message naming the problem (address in use, a
  // non-loopback address without tokens, an unreadable certificate).
  Result<std::uint16_t> start();
  std::uint16_t bound_port() const { return port_; }
  // Stops accepting new connections (already open ones go on).
  void stop_accepting();
  std::size_t connections() const { return connections_.load(std::memory_order_relaxed); }

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket, IoThread& io);

  ListenOptions options_;
  RequestHandler& handler_;
  const ServerLimits& limits_;
  std::vector<IoThread*> io_;
  std::atomic<std::size_t>& connections_;
  std::optional<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // After a failed accept (out of file descriptors, ...), accepting resumes after a pause
  // instead of spinning on the error.
  boost::asio::steady_timer accept_retry_;
  std::size_t next_io_ = 0;
  std::uint16_t port_ = 0;
};

}  // namespace sb::api
