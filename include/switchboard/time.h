// Time vocabulary of the engine. The core never reads a clock: every timestamp it sees comes
// from the runtime (wall clock) or from a simulator (virtual clock). Safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace sb {

using Duration = std::chrono::microseconds;

// Microseconds since the Unix epoch, on whatever clock drives the engine.
struct Timestamp {
  std::int64_t us = 0;

  friend constexpr auto operator<=>(Timestamp, Timestamp) = default;
  friend constexpr Timestamp operator+(Timestamp t, Duration d) { return {t.us + d.count()}; }
  friend constexpr Timestamp operator-(Timestamp t, Duration d) { return {t.us - d.count()}; }
  friend constexpr Duration operator-(Timestamp a, Timestamp b) { return Duration{a.us - b.us}; }
};

constexpr double to_seconds(Duration d) { return static_cast<double>(d.count()) / 1e6; }
constexpr Duration seconds(double s) { return Duration{static_cast<std::int64_t>(s * 1e6)}; }

}  // namespace sb
