#include "engine/client/io_wait.h"

namespace sb::client::detail {

bool run_until(boost::asio::io_context& ioc, const std::function<bool()>& done,
               Clock::time_point deadline) {
  while (!done()) {
    if (ioc.stopped()) ioc.restart();
    if (ioc.run_one_until(deadline) == 0) {
      // Either the deadline passed, or nothing is pending (so nothing can make done() true).
      if (ioc.stopped()) ioc.restart();
      return done();
    }
  }
  return true;
}

}  // namespace sb::client::detail
