#include "engine/client/connect.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream_base.hpp>

#include "engine/client/client_error.h"
#include "engine/client/tls_context.h"

namespace sb::client::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

std::string host_and_port(const Endpoint& e) {
  const bool v6 = e.host.find(':') != std::string::npos;
  return (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(e.port);
}

void connect_tcp(net::io_context& ioc, const Endpoint& e, beast::tcp_stream& stream,
                 Clock::time_point deadline) {
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type results;
  auto ec = await(
      ioc,
      [&](auto handler) {
        resolver.async_resolve(e.host, std::to_string(e.port),
                               [&results, handler](boost::system::error_code rec,
                                                   tcp::resolver::results_type r) mutable {
                                 results = std::move(r);
                                 handler(rec);
                               });
      },
      [&] { resolver.cancel(); }, deadline);
  if (ec) throw ClientError("cannot resolve " + e.host + ": " + ec.message());
  stream.expires_at(deadline);
  ec = await(
      ioc, [&](auto handler) { stream.async_connect(results, handler); }, [&] { stream.close(); },
      deadline);
  if (ec) throw ClientError("cannot connect to " + host_and_port(e) + ": " + ec.message());
}

void connect_tls(net::io_context& ioc, const Endpoint& e, TlsStream& stream,
                 Clock::time_point deadline) {
  connect_tcp(ioc, e, beast::get_lowest_layer(stream), deadline);
  prepare_tls(stream.native_handle(), e.host, !e.ca_file.empty());
  beast::get_lowest_layer(stream).expires_at(deadline);
  const auto ec = await(
      ioc, [&](auto handler) { stream.async_handshake(net::ssl::stream_base::client, handler); },
      [&] { beast::get_lowest_layer(stream).close(); }, deadline);
  if (ec) throw ClientError("TLS handshake with " + host_and_port(e) + " failed: " + ec.message());
}

}  // namespace sb::client::detail
