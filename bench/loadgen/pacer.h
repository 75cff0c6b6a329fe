// Pacer: when one connection may send its next request, for an open-loop rate (requests per
// second for this connection) or, with rate 0, whenever it is free (closed loop). A connection
// that falls more than a second behind its schedule restarts it rather than send a burst. Used
// by the one connection that owns it (on its strand).
#pragma once

#include <chrono>

namespace sb::loadgen {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Pacer(double rate_per_s) : rate_per_s_(rate_per_s) {}

  // Spreads connections over one interval: connection i of n starts at phase i / n.
  void start(Clock::time_point now, double phase) {
    if (rate_per_s_ > 0)
      next_ = now + std::chrono::duration_cast<Clock::duration>(interval() * phase);
  }

  // How long to wait before the next send (zero: send now). Call take() when sending.
  Clock::duration wait(Clock::time_point now) {
    if (rate_per_s_ <= 0 || next_ <= now) return Clock::duration::zero();
    return next_ - now;
  }
  void take(Clock::time_point now) {
    if (rate_per_s_ <= 0) return;
    if (next_ + std::chrono::seconds(1) < now) next_ = now;
    next_ += interval();
  }

 private:
  Clock::duration interval() const {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / rate_per_s_));
  }

  double rate_per_s_;
  Clock::time_point next_{};
};

}  // namespace sb::loadgen
