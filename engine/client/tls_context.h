// Internal to sb_client: the TLS side of a connection. make_tls_context() builds the client
// context of an Endpoint (verify against its CA file, or no verification); prepare_tls() sets
// SNI and host-name verification on one stream. Called by the thread that owns the stream.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <memory>
#include <string>

#include "engine/client/endpoint.h"

struct ssl_st;

namespace sb::client::detail {

// Throws ClientError if the CA file cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const Endpoint& e);

// Sets SNI (for host names, not IP addresses) and, when the context verifies, checks that the
// certificate names `host`. Throws ClientError on failure.
void prepare_tls(ssl_st* ssl, const std::string& host, bool verify);

}  // namespace sb::client::detail
