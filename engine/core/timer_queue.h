// Deadlines of the core (offer timeouts, escalation steps, SLA checks, holds, overflow, wrap-up
// ends) in one min-heap. Cancelling is lazy: a timer carries the epoch of its interaction when
// set, and a fired timer whose epoch is stale is ignored. Ties fire in the order they were set,
// so the firing order is deterministic. Core-thread only.
#pragma once

#include <algorithm>
#include <cstdint>
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
    heap_.push_back(t);
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  bool due(Timestamp now) const { return !heap_.empty() && heap_.front().due <= now; }
  Timer pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Timer t = heap_.back();
    heap_.pop_back();
    return t;
  }
  bool empty() const { return heap_.empty(); }
  Timestamp next() const { return heap_.front().due; }
  std::size_t size() const { return heap_.size(); }

  // For state snapshots (core_state.cc): the heap as it is laid out, and the next sequence.
  const std::vector<Timer>& heap() const { return heap_; }
  std::uint64_t next_seq() const { return next_seq_; }
  // Restores what heap() and next_seq() gave; false (nothing changed) if `heap` is not a heap
  // or holds a sequence not below `next_seq`.
  bool restore(std::vector<Timer> heap, std::uint64_t next_seq) {
    if (!std::is_heap(heap.begin(), heap.end(), Later{})) return false;
    for (const Timer& t : heap) {
      if (t.seq >= next_seq) return false;
    }
    heap_ = std::move(heap);
    next_seq_ = next_seq;
    return true;
  }

 private:
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };
  std::vector<Timer> heap_;  // a binary heap under Later: the earliest at the front
  std::uint64_t next_seq_ = 0;
};

}  // namespace sb::core
