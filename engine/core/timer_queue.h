// Deadlines of the core (offer timeouts, escalation steps, SLA checks, holds, overflow, wrap-up
// ends) in one min-heap. Cancelling is lazy: a timer carries the epoch of its interaction when
// set, and a fired timer whose epoch is stale is ignored. Ties fire in the order they were set,
// so the firing order is deterministic. Core-thread only.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "engine/core/records.h"

namespace sb::core {

enum class TimerKind : std::uint8_t {
  OfferExpiry,
  Step,
  Sla,
  HoldEnd,
  Overflow,
  WrapUpEnd,
  WellbeingEnd,  // target is an agent: its cool-down ended, it may take upset customers again
};

struct Timer {
  Timestamp due;
  std::uint64_t seq = 0;
  TimerKind kind = TimerKind::Step;
  std::uint32_t target = kNone;  // an InteractionIndex, or an AgentIndex for agent timers
  std::uint32_t epoch = 0;
};

class TimerQueue {
 public:
  void schedule(Timestamp due, TimerKind kind, std::uint32_t target, std::uint32_t epoch) {
    heap_.push(Timer{due, next_seq_++, kind, target, epoch});
  }
  bool due(Timestamp now) const { return !heap_.empty() && heap_.top().due <= now; }
  Timer pop() {
    Timer t = heap_.top();
    heap_.pop();
    return t;
  }
  bool empty() const { return heap_.empty(); }
  Timestamp next() const { return heap_.top().due; }
  std::size_t size() const { return heap_.size(); }

 private:
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };
  std::priority_queue<Timer, std::vector<Timer>, Later> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace sb::core
