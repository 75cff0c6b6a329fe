// Per-queue state that outlives policy reloads (a queue keeps its counters while its name stays):
// statistics, and the recent answer times that estimate the service rate. Core-thread only.
#pragma once

#include <array>
#include <cstdint>

#include "engine/core/records.h"

namespace sb::core {

struct QueueRuntime {
  Symbol name = kNoSymbol;
  std::int32_t policy_index = -1;  // -1: not in the installed policy
  std::uint32_t waiting = 0;       // queued interactions, held ones included
  std::uint64_t entered = 0;
  std::uint64_t answered = 0;
  std::uint64_t answered_within_sla = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t abandoned_within_sla = 0;
  std::uint64_t transferred_out = 0;
  std::uint64_t overflowed = 0;
  std::uint64_t sla_breaches = 0;
  // The last answers, for the service rate behind estimated waits.
  static constexpr std::size_t kRecent = 32;
  std::array<Timestamp, kRecent> recent_answers{};
  std::uint32_t recent_count = 0;
  std::uint32_t recent_next = 0;

  void record_answer(Timestamp t) {
    recent_answers[recent_next] = t;
    recent_next = (recent_next + 1) % kRecent;
    if (recent_count < kRecent) ++recent_count;
  }
  // Answers per second over the recent answers within `window` of `now`; 0 when unknown.
  double service_rate(Timestamp now, Duration window) const {
    Timestamp oldest = now;
    std::uint32_t n = 0;
    for (std::uint32_t k = 0; k < recent_count; ++k) {
      const Timestamp t = recent_answers[k];
      if (now - t > window) continue;
      ++n;
      if (t < oldest) oldest = t;
    }
    const double span_s = to_seconds(now - oldest);
    return n >= 2 && span_s > 0 ? n / span_s : 0;
  }
};

}  // namespace sb::core
