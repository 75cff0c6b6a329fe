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

// 24 bytes: a waiting interaction holds two or three, and the heap is walked on every advance.
struct Timer {
  Timestamp due;
  std::uint64_t seq : 56 = 0;  // 2^56 timers: centuries at a million a second
  TimerKind kind : 8 = TimerKind::Step;
  std::uint32_t target = kNone;  // an InteractionIndex, or an AgentIndex for agent timers
  std::uint32_t epoch = 0;
};
static_assert(sizeof(Timer) == 24);

class TimerQueue {
 public:
  void schedule(Timestamp due, TimerKind kind, std::uint32_t target, std::uint32_t epoch) {
    Timer t;
    t.due = due;
    t.seq = next_seq_++;
    t.kind = kind;
    t.target = target;
    t.epoch = epoch;
    heap_.push(t);
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
