// sb_client over TLS against a scripted loopback TLS server: HTTPS and WSS with the server
// verified against a CA file (by name and by IP address), without verification, and a refusal
// when the certificate is not from the given CA.
#include <doctest/doctest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/client/http_client.h"
#include "engine/client/stream_client.h"
#include "tests/client/script_server.h"
#include "tests/client/test_cert.h"

namespace sb::client {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// A PEM file in the temporary directory, removed with the object.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              (name + "-" + std::to_string(::getpid()) + ".pem")) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<ssl::context> server_context(const test::TestCert& cert) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->use_certificate_chain(net::buffer(cert.certificate_pem));
  ctx->use_private_key(net::buffer(cert.private_key_pem), ssl::context::pem);
  return ctx;
}

// Serves one HTTPS request per connection (200, body "tls ok") or one WSS echo session.
test::ScriptServer::Script tls_script(ssl::context& ctx) {
  return [&ctx](tcp::socket& socket) {
    ssl::stream<tcp::socket&> stream(socket, ctx);
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) return;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::read(stream, buffer, req, ec);
    if (ec) return;
    if (websocket::is_upgrade(req)) {
      websocket::stream<ssl::stream<tcp::socket&>&> ws(stream);
      ws.accept(req, ec);
      for (buffer.clear(); !ec; buffer.clear()) {
        ws.read(buffer, ec);
        if (!ec) ws.write(buffer.data(), ec);
      }
      return;
    }
    http::response<http::string_body> res(http::status::ok, 11);
    res.body() = "tls ok";
    res.keep_alive(false);
    res.prepare_payload();
    http::write(stream, res, ec);
    stream.shutdown(ec);
  };
}

TEST_CASE("HTTPS and WSS, verified against the CA file or not verified") {
  const test::TestCert cert = test::make_test_cert();
  const TempFile ca("sb-client-ca", cert.certificate_pem);
  auto ctx = server_context(cert);
  test::ScriptServer server(tls_script(*ctx));

  for (const char* host : {"localhost", "127.0.0.1"}) {
    for (const bool verify : {true, false}) {
      CAPTURE(host);
      CAPTURE(verify);
      Endpoint e;
      e.host = host;
      e.port = server.port();
      e.tls = true;
      if (verify) e.ca_file = ca.path();
      HttpClient client(e);
      const HttpResponse r = client.request("GET", "/livez");
      CHECK(r.status == 200);
      CHECK(r.body == "tls ok");
      StreamClient stream(e);
      stream.send("over wss");
      CHECK(stream.read(2s) == "over wss");
      stream.close();
    }
  }
}

TEST_CASE("a certificate from another CA, or for another name, is refused") {
  const test::TestCert cert = test::make_test_cert();
  const test::TestCert other = test::make_test_cert();
  const TempFile other_ca("sb-client-other-ca", other.certificate_pem);
  auto ctx = server_context(cert);
  test::ScriptServer server(tls_script(*ctx));

  Endpoint e;
  e.port = server.port();
  e.tls = true;
  e.ca_file = other_ca.path();
  HttpClient wrong_ca(e);
  CHECK_THROWS_AS(wrong_ca.request("GET", "/livez"), ClientError);
  CHECK_THROWS_AS(StreamClient{e}, ClientError);

  // Signed by the right CA but for another name than the one connected to.
  const test::TestCert elsewhere = test::make_test_cert("DNS:elsewhere.example");
  const TempFile elsewhere_ca("sb-client-elsewhere-ca", elsewhere.certificate_pem);
  auto elsewhere_ctx = server_context(elsewhere);
  test::ScriptServer elsewhere_server(tls_script(*elsewhere_ctx));
  e.port = elsewhere_server.port();
  e.ca_file = elsewhere_ca.path();
  HttpClient wrong_name(e);
  CHECK_THROWS_AS(wrong_name.request("GET", "/livez"), ClientError);

  e.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_AS(HttpClient{e}, ClientError);
}

}  // namespace
}  // namespace sb::client
