#include "engine/policy/durations.h"

#include <charconv>
#include <cmath>

namespace sb::policy {
namespace {

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    double us;
  };
  // "ms" before "m" and "s": the longest suffix wins.
  static constexpr Unit kUnits[] = {
      {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6}, {"d", 86400e6}};
  for (const Unit& unit : kUnits) {
    if (text.size() <= unit.suffix.size() || !text.ends_with(unit.suffix)) continue;
    const auto number = parse_number(text.substr(0, text.size() - unit.suffix.size()));
    if (!number || *number < 0 || *number * unit.us > 1e17) return std::nullopt;
    return Duration{static_cast<std::int64_t>(std::llround(*number * unit.us))};
  }
  return std::nullopt;
}

std::optional<double> parse_ratio(std::string_view text) {
  std::optional<double> value;
  if (text.ends_with('%')) {
    value = parse_number(text.substr(0, text.size() - 1));
    if (value) *value /= 100;
  } else {
    value = parse_number(text);
  }
  if (!value || *value < 0 || *value > 1) return std::nullopt;
  return value;
}

}  // namespace sb::policy
