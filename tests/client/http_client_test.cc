// HttpClient against scripted loopback servers: keep-alive reuse, reconnect after the server
// closed, headers and token, raw bytes, and network failures as ClientError.
#include "engine/client/http_client.h"

#include <doctest/doctest.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "tests/client/script_server.h"

namespace sb::client {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Answers every request with 200 and a body "METHOD TARGET|AUTH|CONTENT-TYPE|BODY"; after
// `max_requests` it closes the connection without saying so (as an idle timeout would).
test::ScriptServer::Script echo_script(int max_requests = 1000) {
  return [max_requests](tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    for (int i = 0; i < max_requests; ++i) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      http::response<http::string_body> res(http::status::ok, 11);
      res.set("X-Test", "yes");
      res.body() = std::string(req.method_string()) + " " + std::string(req.target()) + "|" +
                   std::string(req[http::field::authorization]) + "|" +
                   std::string(req[http::field::content_type]) + "|" + req.body();
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec) return;
    }
  };
}

Endpoint endpoint_for(const test::ScriptServer& server) {
  Endpoint e;
  e.port = server.port();
  return e;
}

TEST_CASE("requests share one kept-alive connection and carry the token") {
  test::ScriptServer server(echo_script());
  Endpoint e = endpoint_for(server);
  e.token = "t0k";
  HttpClient client(e);
  HttpResponse r = client.request("GET", "/v1/agents");
  CHECK(r.status == 200);
  CHECK(r.body == "GET /v1/agents|Bearer t0k||");
  CHECK(r.header("x-test") == "yes");
  CHECK(r.header("X-Missing").empty());
  r = client.request("POST", "/v1/interactions", R"({"id":"i1"})");
  CHECK(r.body == R"(POST /v1/interactions|Bearer t0k|application/json|{"id":"i1"})");
  r = client.request("PUT", "/v1/policy", "version: 1", "application/yaml",
                     {{"Authorization", "Bearer other"}});
  CHECK(r.body == "PUT /v1/policy|Bearer other|application/yaml|version: 1");
  CHECK(server.connections() == 1);
}

TEST_CASE("a connection the server closed is reopened and the request sent again") {
  test::ScriptServer server(echo_script(1));
  HttpClient client(endpoint_for(server));
  for (int i = 0; i < 3; ++i) CHECK(client.request("GET", "/livez").status == 200);
  CHECK(server.connections() == 3);
}

TEST_CASE("raw writes bytes as they are and reads one response, or sees the close") {
  test::ScriptServer server([](tcp::socket& socket) {
    net::streambuf head;
    boost::system::error_code ec;
    net::read_until(socket, head, "\r\n\r\n", ec);
    if (ec) return;
    const std::string line(net::buffers_begin(head.data()), net::buffers_begin(head.data()) + 4);
    if (line == "QUIT") return;  // closes without an answer
    net::write(socket,
               net::buffer(std::string_view("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n"
                                            "Content-Length: 3\r\n\r\nbad")),
               ec);
  });
  HttpClient client(endpoint_for(server));
  std::optional<HttpResponse> r = client.raw("GARBAGE / HTTP/9\r\n\r\n", 2s);
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->body == "bad");
  CHECK_FALSE(client.raw("QUIT\r\n\r\n", 2s));
}

TEST_CASE("network failures are ClientError, slow servers time out") {
  std::uint16_t closed_port = 0;
  {
    test::ScriptServer gone([](tcp::socket&) {});
    closed_port = gone.port();
  }
  Endpoint e;
  e.port = closed_port;
  HttpClient refused(e);
  CHECK_THROWS_AS(refused.request("GET", "/livez"), ClientError);

  test::ScriptServer mute([](tcp::socket& socket) {
    char byte;
    boost::system::error_code ec;
    socket.read_some(net::buffer(&byte, 1), ec);  // never answers; returns once the client left
    while (!ec) socket.read_some(net::buffer(&byte, 1), ec);
  });
  HttpClient client(endpoint_for(mute));
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(client.request("GET", "/livez", {}, {}, {}, 200ms), ClientError);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}

}  // namespace
}  // namespace sb::client
