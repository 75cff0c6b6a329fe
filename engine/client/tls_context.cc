#include "engine/client/tls_context.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>

#include "engine/client/client_error.h"

namespace sb::client::detail {
namespace ssl = boost::asio::ssl;
namespace {

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const Endpoint& e) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (e.ca_file.empty()) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  boost::system::error_code ec;
  ctx->load_verify_file(e.ca_file, ec);
  if (ec) throw ClientError("cannot load the CA file " + e.ca_file + ": " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

void prepare_tls(ssl_st* ssl, const std::string& host, bool verify) {
  const bool is_ip = is_ip_literal(host);
  if (!is_ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1)
    throw ClientError("cannot set the TLS server name " + host);
  if (!verify) return;
  // OpenSSL checks the name (or address) during the handshake.
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                       : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) throw ClientError("cannot set the TLS host name check for " + host);
}

}  // namespace sb::client::detail
