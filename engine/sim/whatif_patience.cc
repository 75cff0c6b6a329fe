#include "engine/sim/whatif_patience.h"

#include <algorithm>

namespace sb::sim {

void KaplanMeier::add(Duration waited, bool abandoned) {
  raw_.emplace_back(waited, abandoned);
  ++observations_;
  abandonments_ += abandoned;
}

void KaplanMeier::build() {
  // Ascending; at equal times abandonments before censorings (the censored were still at risk).
  std::sort(raw_.begin(), raw_.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  times_.clear();
  after_.clear();
  double s = 1;
  std::size_t at_risk = raw_.size();
  for (std::size_t k = 0; k < raw_.size();) {
    const Duration t = raw_[k].first;
    std::size_t events = 0;
    std::size_t here = 0;
    for (; k < raw_.size() && raw_[k].first == t; ++k, ++here) events += raw_[k].second;
    if (events > 0) {
      s *= 1.0 - static_cast<double>(events) / static_cast<double>(at_risk);
      times_.push_back(t);
      after_.push_back(s);
    }
    at_risk -= here;
  }
  raw_.clear();
  raw_.shrink_to_fit();
}

double KaplanMeier::survival(Duration t) const {
  const auto k = std::upper_bound(times_.begin(), times_.end(), t) - times_.begin();
  return k == 0 ? 1.0 : after_[static_cast<std::size_t>(k - 1)];
}

std::optional<Duration> KaplanMeier::draw_after(Duration waited, double u) const {
  const double target = (1.0 - u) * survival(waited);
  auto k = static_cast<std::size_t>(std::upper_bound(times_.begin(), times_.end(), waited) -
                                    times_.begin());
  // S is non-increasing: the first time at or below the target, by bisection.
  const auto first = std::partition_point(after_.begin() + static_cast<std::ptrdiff_t>(k),
                                          after_.end(), [&](double s) { return s > target; });
  if (first == after_.end()) return std::nullopt;
  k = static_cast<std::size_t>(first - after_.begin());
  return times_[k];
}

}  // namespace sb::sim
