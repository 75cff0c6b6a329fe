// ScriptServer: a loopback TCP server for sb_client's tests. One thread accepts connections one
// at a time and runs a script (blocking Beast calls) on each socket; it must return when the
// client goes away. Construct and destroy from the test thread; connections() from any thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <thread>

namespace sb::client::test {

class ScriptServer {
 public:
  using Script = std::function<void(boost::asio::ip::tcp::socket&)>;

  explicit ScriptServer(Script script);
  ~ScriptServer();  // stops accepting and joins the thread
  ScriptServer(const ScriptServer&) = delete;
  ScriptServer& operator=(const ScriptServer&) = delete;

  std::uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void run();

  Script script_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace sb::client::test
