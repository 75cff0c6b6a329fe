// Internal to sb_client: opening a connection to an Endpoint — resolve, TCP connect, and for TLS
// the handshake with SNI — each step bounded by one deadline. Blocking; called by the thread that
// owns the io_context and the stream.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "engine/client/endpoint.h"
#include "engine/client/io_wait.h"

namespace sb::client::detail {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// "host:port" as a Host header and messages write it (IPv6 addresses in brackets).
std::string host_and_port(const Endpoint& e);

// Resolves e.host and connects `stream`; throws ClientError naming the endpoint on failure.
void connect_tcp(boost::asio::io_context& ioc, const Endpoint& e, boost::beast::tcp_stream& stream,
                 Clock::time_point deadline);

// connect_tcp, then the TLS handshake (SNI, and verification when e.ca_file is set).
void connect_tls(boost::asio::io_context& ioc, const Endpoint& e, TlsStream& stream,
                 Clock::time_point deadline);

}  // namespace sb::client::detail
