// Internal to sb_client: drives a private io_context until an operation finishes or a deadline
// passes, so that blocking calls have timeouts without cancelling what is still pending (a
// WebSocket read survives a read() that timed out). Only the thread that owns the io_context
// may call these.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <functional>

namespace sb::client::detail {

using Clock = std::chrono::steady_clock;

// How long past its deadline an operation may take to notice (its stream's timer fires).
inline constexpr auto kGrace = std::chrono::seconds(1);

// Runs handlers of `ioc` until done() is true or `deadline` passes; returns done().
bool run_until(boost::asio::io_context& ioc, const std::function<bool()>& done,
               Clock::time_point deadline);

// Starts an operation, giving `start` a handler that records its error code, and waits for it.
// The operation should end by itself at `deadline` (a stream expiry); if it has not a little
// after, abort() is called (it must make the operation complete, e.g. by closing the socket) and
// asio::error::timed_out is returned. Never returns while the operation is still pending.
template <class Start, class Abort>
boost::system::error_code await(boost::asio::io_context& ioc, Start&& start, Abort&& abort,
                                Clock::time_point deadline) {
  boost::system::error_code result;
  bool done = false;
  start([&result, &done](boost::system::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  const auto finished = [&done] { return done; };
  if (run_until(ioc, finished, deadline + kGrace)) return result;
  abort();
  while (!run_until(ioc, finished, Clock::now() + std::chrono::hours(1))) {
  }
  return boost::asio::error::timed_out;
}

}  // namespace sb::client::detail
