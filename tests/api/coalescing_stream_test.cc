// CoalescingStream over real loopback TCP sockets: writes pass straight through unless held;
// held writes complete at once and reach the peer only when released, in order, in one write;
// past the cap a held write waits for its bytes to be sent; a write during a flush goes after it;
// a failed flush fails every later write; and a WebSocket stream on top sends held messages in
// order and still closes cleanly (its teardown passes through the layer).
#include "engine/api/coalescing_stream.h"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sb::api {
namespace {

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using Layer = CoalescingStream<tcp::socket>;

// A connected pair on loopback: `layer` wraps one end, `peer` is the other.
struct Pair {
  net::io_context io;
  Layer layer{io};
  tcp::socket peer{io};
  Pair() {
    tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    layer.next_layer().connect(acceptor.local_endpoint());
    acceptor.accept(peer);
  }
  // Everything the peer can read now, without blocking.
  std::string drain_peer() {
    std::string out;
    while (peer.available() > 0) {
      std::string chunk(peer.available(), '\0');
      out += chunk.substr(0, peer.read_some(net::buffer(chunk)));
    }
    return out;
  }
};

struct Outcome {
  boost::system::error_code ec;
  std::size_t bytes = 0;
};

// Starts a write of `text` on the layer; the outcome is set when it completes.
void write(Pair& p, const std::string& text, std::optional<Outcome>& done) {
  net::async_write(p.layer, net::buffer(text),
                   [&done](boost::system::error_code ec, std::size_t n) {
                     done = Outcome{ec, n};
                   });
}

void release(Pair& p, std::optional<Outcome>& done) {
  p.layer.async_release([&done](boost::system::error_code ec, std::size_t n) {
    done = Outcome{ec, n};
  });
}

TEST_CASE("a write that is not held goes straight to the peer") {
  Pair p;
  const std::string text = "hello";
  std::optional<Outcome> done;
  write(p, text, done);
  p.io.run();
  REQUIRE(done);
  CHECK_FALSE(done->ec);
  CHECK(done->bytes == 5);
  CHECK(p.drain_peer() == "hello");
}

TEST_CASE("held writes complete at once and reach the peer together, in order, on release") {
  Pair p;
  p.layer.hold();
  CHECK(p.layer.holding());
  const std::vector<std::string> texts{"one,", "two,", "three"};
  std::vector<std::optional<Outcome>> done(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) write(p, texts[i], done[i]);
  p.io.run();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    REQUIRE(done[i]);
    CHECK_FALSE(done[i]->ec);
    CHECK(done[i]->bytes == texts[i].size());
  }
  CHECK(p.peer.available() == 0);  // nothing sent while held

  std::optional<Outcome> released;
  release(p, released);
  p.io.restart();
  p.io.run();
  REQUIRE(released);
  CHECK_FALSE(released->ec);
  CHECK_FALSE(p.layer.holding());
  CHECK(p.peer.available() == 13);  // one write: all of it is there at once
  CHECK(p.drain_peer() == "one,two,three");

  // Released with nothing held: completes at once, and later writes pass straight through.
  std::optional<Outcome> again;
  release(p, again);
  std::optional<Outcome> after;
  write(p, "four", after);
  p.io.restart();
  p.io.run();
  REQUIRE(again);
  REQUIRE(after);
  CHECK(p.drain_peer() == "four");
}

TEST_CASE("past the cap a held write waits until its bytes are sent") {
  Pair p;
  p.layer.hold();
  const std::string big(Layer::kHeldBytesMax, 'a');
  std::optional<Outcome> first;
  write(p, big, first);
  p.io.run();
  REQUIRE(first);  // within the cap: completed while held
  CHECK(p.peer.available() == 0);

  std::optional<Outcome> second;
  write(p, "tail", second);
  // Not run yet: the flush it started is under way, so its handler cannot have run.
  CHECK_FALSE(second);
  std::string received;
  p.io.restart();
  while (!second) {
    p.io.run_one();
    received += p.drain_peer();
  }
  CHECK_FALSE(second->ec);
  CHECK(second->bytes == 4);
  received += p.drain_peer();
  CHECK(received.size() == big.size() + 4);
  CHECK(received.substr(big.size()) == "tail");
  CHECK(p.layer.holding());  // the cap sends, it does not end the hold
}

TEST_CASE("a write that arrives during a flush is sent after it") {
  Pair p;
  p.layer.hold();
  std::optional<Outcome> a;
  write(p, "first-", a);
  std::optional<Outcome> released;
  release(p, released);
  std::optional<Outcome> b;
  write(p, "second", b);  // the flush has not completed: queued behind it
  p.io.run();
  REQUIRE(a);
  REQUIRE(released);
  REQUIRE(b);
  CHECK_FALSE(b->ec);
  CHECK(b->bytes == 6);
  CHECK(p.drain_peer() == "first-second");
}

TEST_CASE("a failed flush fails it and every later write") {
  Pair p;
  p.layer.next_layer().shutdown(tcp::socket::shutdown_send);
  p.layer.hold();
  std::optional<Outcome> held;
  write(p, "lost", held);
  std::optional<Outcome> released;
  release(p, released);
  p.io.run();
  REQUIRE(held);
  CHECK_FALSE(held->ec);  // completed while held, before the flush
  REQUIRE(released);
  CHECK(released->ec);

  std::optional<Outcome> later;
  write(p, "later", later);
  p.io.restart();
  p.io.run();
  REQUIRE(later);
  CHECK(later->ec == released->ec);
  CHECK(later->bytes == 0);
}

TEST_CASE("a WebSocket stream on the layer sends held messages in order and closes cleanly") {
  net::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  websocket::stream<tcp::socket> client(io);
  websocket::stream<Layer> server(io);
  client.next_layer().connect(acceptor.local_endpoint());
  acceptor.accept(server.next_layer().next_layer());
  bool accepted = false;
  bool handshaken = false;
  server.async_accept([&](boost::system::error_code ec) { accepted = !ec; });
  client.async_handshake("127.0.0.1", "/", [&](boost::system::error_code ec) { handshaken = !ec; });
  io.run();
  REQUIRE(accepted);
  REQUIRE(handshaken);

  server.next_layer().hold();
  const std::vector<std::string> messages{"alpha", "beta", "gamma"};
  std::size_t index = 0;
  std::function<void()> write_next = [&] {
    if (index == messages.size()) {
      server.next_layer().async_release(
          [](boost::system::error_code ec, std::size_t) { CHECK_FALSE(ec); });
      return;
    }
    server.text(true);
    server.async_write(net::buffer(messages[index]),
                       [&](boost::system::error_code ec, std::size_t) {
                         REQUIRE_FALSE(ec);
                         ++index;
                         write_next();
                       });
  };
  write_next();
  io.restart();
  io.run();
  CHECK(index == messages.size());

  for (const std::string& expected : messages) {
    boost::beast::flat_buffer buffer;
    client.read(buffer);
    CHECK(boost::beast::buffers_to_string(buffer.data()) == expected);
  }

  // The closing handshake: the server's close frame, the client's echo, then both teardowns.
  std::optional<boost::system::error_code> closed;
  std::optional<boost::system::error_code> read_error;
  server.async_close(websocket::close_code::going_away,
                     [&](boost::system::error_code ec) { closed = ec; });
  boost::beast::flat_buffer buffer;
  client.async_read(buffer, [&](boost::system::error_code ec, std::size_t) { read_error = ec; });
  io.restart();
  io.run();
  REQUIRE(read_error);
  CHECK(*read_error == websocket::error::closed);
  CHECK(client.reason().code == websocket::close_code::going_away);
  REQUIRE(closed);
  CHECK_FALSE(*closed);
}

}  // namespace
}  // namespace sb::api
