// Target: the server every loadgen connection talks to — resolved once, with the Host header
// and the token that requests carry. Immutable after set-up; shared by all threads.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>

namespace sb::loadgen {

struct Target {
  boost::asio::ip::tcp::resolver::results_type endpoints;
  std::string host;           // Host header value (host:port)
  std::string authorization;  // "Bearer …", or empty
};

}  // namespace sb::loadgen
