// StreamClient against scripted loopback WebSocket servers: echo, read timeouts that keep the
// session, a server close with its code and reason, and a refused upgrade with its status.
#include "engine/client/stream_client.h"

#include <doctest/doctest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/client/script_server.h"

namespace sb::client {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Echoes each message with the request's Authorization header in front; on "bye" it closes the
// session with 1008 "slow consumer"; on "two" it answers twice.
void echo_ws(tcp::socket& socket) {
  websocket::stream<tcp::socket> ws(std::move(socket));
  std::string auth;
  boost::system::error_code ec;
  http::request<http::string_body> req;
  beast::flat_buffer buffer;
  http::read(ws.next_layer(), buffer, req, ec);
  if (ec) return;
  auth = std::string(req[http::field::authorization]);
  ws.accept(req, ec);
  for (buffer.clear(); !ec; buffer.clear()) {
    ws.read(buffer, ec);
    if (ec) return;
    const std::string text = beast::buffers_to_string(buffer.data());
    if (text == "bye") {
      ws.close(websocket::close_reason(websocket::close_code::policy_error, "slow consumer"), ec);
      while (!ec) ws.read(buffer, ec);  // until the client's echo of the close
      return;
    }
    ws.text(true);
    ws.write(net::buffer(auth + ":" + text), ec);
    if (text == "two") ws.write(net::buffer(std::string("second")), ec);
  }
}

Endpoint endpoint_for(const test::ScriptServer& server) {
  Endpoint e;
  e.port = server.port();
  e.token = "s3cret";
  return e;
}

TEST_CASE("messages go both ways; a read that times out keeps the session") {
  test::ScriptServer server(echo_ws);
  StreamClient stream(endpoint_for(server));
  CHECK(stream.upgrade_status() == 101);
  CHECK_FALSE(stream.read(50ms));
  stream.send("hello");
  CHECK(stream.read(2s) == "Bearer s3cret:hello");
  stream.send("two");
  stream.send("three");
  auto third = stream.read_until([](const std::string& m) { return m.ends_with(":three"); }, 2s);
  CHECK(third == "Bearer s3cret:three");
  CHECK_FALSE(stream.close_code());
  stream.close();
  CHECK_THROWS_AS(stream.send("after close"), ClientError);
}

TEST_CASE("a server close ends reads with its code and reason") {
  test::ScriptServer server(echo_ws);
  StreamClient stream(endpoint_for(server));
  stream.send("one");
  stream.send("bye");
  CHECK(stream.read(2s) == "Bearer s3cret:one");  // what came before the close is still read
  CHECK_THROWS_AS(stream.read(2s), ClientError);
  REQUIRE(stream.close_code());
  CHECK(*stream.close_code() == 1008);
  CHECK(stream.close_reason() == "slow consumer");
}

TEST_CASE("a refused upgrade throws with the HTTP status and body") {
  test::ScriptServer server([](tcp::socket& socket) {
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    boost::system::error_code ec;
    http::read(socket, buffer, req, ec);
    http::response<http::string_body> res(http::status::unauthorized, 11);
    res.body() = R"({"error":{"code":"unauthorized"}})";
    res.prepare_payload();
    http::write(socket, res, ec);
  });
  try {
    StreamClient stream(endpoint_for(server));
    FAIL("the upgrade should have been refused");
  } catch (const ClientError& e) {
    CHECK(e.upgrade_status() == 401);
    CHECK(e.body().find("unauthorized") != std::string::npos);
  }
}

}  // namespace
}  // namespace sb::client
