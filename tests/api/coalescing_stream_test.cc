// CoalescingStream over real loopback TCP sockets: writes pass straight through unless held;
// held writes complete at once and reach the peer only when released, in order, in one write;
// past the cap a held write waits for its bytes to be sent; a write during a flush goes after it;
// a failed flush fails every later write; a release waits for every flush behind it; and a
// WebSocket stream on top sends held messages in order, closes cleanly, and sends what is held
// before a teardown (the peer's close arriving mid-burst).
#include "engine/api/coalescing_stream.h"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sb::api {
namespace {

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using Layer = CoalescingStream<tcp::socket>;

void connect(net::io_context& io, tcp::socket& local, tcp::socket& peer, bool small) {
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  if (small) {
    local.open(tcp::v4());
    local.set_option(net::socket_base::send_buffer_size(4096));
  }
  local.connect(acceptor.local_endpoint());
  acceptor.accept(peer);
  if (small) peer.set_option(net::socket_base::receive_buffer_size(4096));
}

// A connected pair on loopback: `layer` wraps one end, `peer` is the other.
struct Pair {
  net::io_context io;
  Layer layer{io};
  tcp::socket peer{io};
  // `small`: socket buffers of a few KiB, so that a flush of tens of KiB stays under way until
  // the peer reads.
  explicit Pair(bool small = false) { connect(io, layer.next_layer(), peer, small); }
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

// Runs the layer's handlers and reads what reaches the peer until `done` is set and `expected`
// bytes have arrived (bounded: a handler that never runs fails the test instead of hanging it).
// `on_done` runs once, as soon as `done` is seen set.
std::string pump(Pair& p, const std::optional<Outcome>& done, std::size_t expected,
                 const std::function<void()>& on_done = {}) {
  std::string received;
  bool seen = false;
  p.io.restart();
  for (int k = 0; k < 20000 && (!done || received.size() < expected); ++k) {
    p.io.run_one_for(std::chrono::milliseconds(1));
    if (done && !seen) {
      seen = true;
      if (on_done) on_done();
    }
    received += p.drain_peer();
  }
  REQUIRE(done);
  return received;
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
  const std::string received = pump(p, second, big.size() + 4);
  CHECK_FALSE(second->ec);
  CHECK(second->bytes == 4);
  CHECK(received.size() == big.size() + 4);
  CHECK((received == big + "tail"));
  CHECK(p.layer.holding());  // the cap sends, it does not end the hold
}

TEST_CASE("a write that arrives during a flush is sent after it") {
  Pair p(true);
  p.layer.hold();
  const std::string big(60000, 'a');  // more than the sockets hold: the flush stays under way
  std::optional<Outcome> a;
  write(p, big, a);
  std::optional<Outcome> released;
  release(p, released);
  std::optional<Outcome> b;
  write(p, "second", b);  // queued behind the flush, not written beside it
  const std::string received = pump(p, released, big.size() + 6);  // the release ends last
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(released->ec);
  CHECK_FALSE(b->ec);
  CHECK(b->bytes == 6);
  CHECK(received.size() == big.size() + 6);
  CHECK((received == big + "second"));
}

TEST_CASE("a release completes only when nothing is left to send") {
  Pair p(true);
  p.layer.hold();
  const std::string big(60000, 'c');
  std::optional<Outcome> a;
  write(p, big, a);
  std::optional<Outcome> released;
  release(p, released);  // its flush stays under way: the peer has not read
  std::optional<Outcome> late;
  write(p, "late", late);  // a frame written meanwhile: a second flush behind the first
  bool late_first = false;
  const std::string received =
      pump(p, released, big.size() + 4, [&] { late_first = late.has_value(); });
  CHECK(late_first);  // the release waited for the write queued behind its flush
  CHECK_FALSE(released->ec);
  CHECK(received.size() == big.size() + 4);
  CHECK((received == big + "late"));
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
  std::optional<boost::system::error_code> released;
  std::function<void()> write_next = [&] {
    if (index == messages.size()) {
      server.next_layer().async_release(
          [&](boost::system::error_code ec, std::size_t) { released = ec; });
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
  io.run_for(std::chrono::seconds(5));
  CHECK(index == messages.size());
  REQUIRE(released);  // else the reads below would wait forever
  CHECK_FALSE(*released);
  CHECK(client.next_layer().available() > 0);

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
  io.run_for(std::chrono::seconds(5));
  REQUIRE(read_error);
  CHECK(*read_error == websocket::error::closed);
  CHECK(client.reason().code == websocket::close_code::going_away);
  REQUIRE(closed);
  CHECK_FALSE(*closed);
}

TEST_CASE("a peer's close while frames are held: they and the close reply leave before teardown") {
  net::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  websocket::stream<tcp::socket> client(io);
  websocket::stream<Layer> server(io);
  client.next_layer().connect(acceptor.local_endpoint());
  acceptor.accept(server.next_layer().next_layer());
  server.async_accept([](boost::system::error_code ec) { REQUIRE_FALSE(ec); });
  client.async_handshake("127.0.0.1", "/", [](boost::system::error_code ec) { REQUIRE_FALSE(ec); });
  io.run();

  // The server holds a frame and reads; the client closes. The server's read answers the close
  // (the reply is held too) and tears down: without the layer's teardown sending what it holds,
  // the client would meet the end of the stream instead of a close reply.
  server.next_layer().hold();
  const std::string text = "held";
  std::optional<boost::system::error_code> written;
  server.text(true);
  server.async_write(net::buffer(text),
                     [&](boost::system::error_code ec, std::size_t) { written = ec; });
  boost::beast::flat_buffer server_buffer;
  std::optional<boost::system::error_code> server_read;
  server.async_read(server_buffer,
                    [&](boost::system::error_code ec, std::size_t) { server_read = ec; });
  std::optional<boost::system::error_code> client_closed;
  client.async_close(websocket::close_code::normal,
                     [&](boost::system::error_code ec) { client_closed = ec; });
  io.restart();
  io.run_for(std::chrono::seconds(5));
  REQUIRE(written);
  CHECK_FALSE(*written);
  REQUIRE(server_read);
  CHECK(*server_read == websocket::error::closed);
  REQUIRE(client_closed);
  CHECK_FALSE(*client_closed);
}

}  // namespace
}  // namespace sb::api
