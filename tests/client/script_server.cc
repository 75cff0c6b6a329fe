#include "tests/client/script_server.h"

#include <boost/asio/connect.hpp>

namespace sb::client::test {
namespace net = boost::asio;
using tcp = net::ip::tcp;

ScriptServer::ScriptServer(Script script)
    : script_(std::move(script)),
      acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { run(); });
}

ScriptServer::~ScriptServer() {
  stopping_ = true;
  // Wakes the blocking accept with a connection that the loop sees as the signal to stop.
  boost::system::error_code ignored;
  net::io_context ioc;
  tcp::socket wake(ioc);
  wake.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ignored);
  thread_.join();
}

void ScriptServer::run() {
  for (;;) {
    tcp::socket socket(ioc_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (stopping_ || ec) return;
    ++connections_;
    script_(socket);
  }
}

}  // namespace sb::client::test
