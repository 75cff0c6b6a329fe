// The features of an agent's score, each normalised to [0, 1] and weighted. One function per
// feature, used for class bounds and agent scores alike, so that the indexed search and the
// naive scan compute bit-identical scores (same operations, same order). Pure functions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "switchboard/time.h"

namespace sb::core {

inline double skill_feature(std::uint32_t skill_sum, std::size_t skills, double weight) {
  return skills == 0
             ? 0.0
             : weight * (static_cast<double>(skill_sum) / (10.0 * static_cast<double>(skills)));
}

inline double load_feature(std::uint32_t free, std::uint32_t capacity, double weight) {
  return capacity == 0 ? 0.0 : weight * (static_cast<double>(free) / static_cast<double>(capacity));
}

// How upset a customer is, in [0, 1]: -sentiment at or below the queue's threshold, else 0.
inline double upset(double sentiment, double threshold) {
  return sentiment <= threshold && sentiment < 0 ? -sentiment : 0.0;
}

inline double sentiment_feature(double upset, std::uint32_t deescalation, double weight) {
  return weight * (upset * (static_cast<double>(deescalation) / 10.0));
}

inline double idle_feature(Timestamp idle_since, Timestamp now, double horizon_us, double weight) {
  const double idle_us = static_cast<double>((now - idle_since).count());
  return weight * std::clamp(idle_us / horizon_us, 0.0, 1.0);
}

// The part of the score fixed by an agent's class: skill, then load (in this order).
inline double static_score(std::uint32_t skill_sum, std::size_t skills, std::uint32_t free,
                           std::uint32_t capacity, double skill_weight, double load_weight) {
  return skill_feature(skill_sum, skills, skill_weight) + load_feature(free, capacity, load_weight);
}

}  // namespace sb::core
