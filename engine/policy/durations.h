// The units admins write in policies: durations ("500ms", "20s", "2m", "1h", "1d") and ratios
// ("0.8" or "80%"). Pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string_view>

#include "switchboard/time.h"

namespace sb::policy {

// A non-negative duration with a unit (ms, s, m, h, d); nullopt if malformed.
std::optional<Duration> parse_duration(std::string_view text);
// A ratio in [0, 1], written as a fraction ("0.8") or a percentage ("80%"); nullopt otherwise.
std::optional<double> parse_ratio(std::string_view text);

}  // namespace sb::policy
