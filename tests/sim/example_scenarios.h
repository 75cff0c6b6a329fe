// Scenarios shared by the simulator's tests.
#pragma once

namespace sb::sim::testing {

// The issue's first example, as written (config/examples/simulate/minimal.yaml).
inline constexpr const char* kMinimal = R"(duration: 8h
seed: 1
sla: {answer_within: 20s}
agents:
  - count: 30
    skills: {support: 5}
streams:
  - channel: voice
    rate_per_hour: 360
    handle_time: {distribution: exponential, mean: 240s}
    patience: {distribution: exponential, mean: 120s}   # optional; none = nobody abandons
)";

}  // namespace sb::sim::testing
