#include "engine/sim/distribution.h"

#include <cmath>

namespace sb::sim {
namespace {

constexpr double kZ90 = 1.2815515655446004;  // the standard normal's 90th percentile

}  // namespace

Duration Distribution::sample(Rng& rng) const {
  const double m = to_seconds(mean);
  switch (kind) {
    case Kind::Fixed:
      return mean;
    case Kind::Exponential:
      return seconds(rng.exponential(m));
    case Kind::Lognormal: {
      // E[exp(mu + sigma Z)] = exp(mu + sigma^2 / 2) = m.
      const double mu = std::log(m) - sigma * sigma / 2;
      return seconds(std::exp(mu + sigma * rng.normal()));
    }
  }
  return mean;
}

// p90 = exp(mu + z sigma) and mean = exp(mu + sigma^2 / 2), so
// sigma^2 / 2 - z sigma + ln(p90 / mean) = 0; the smaller root is the one with p90 above the
// mean (the larger gives a heavy tail whose p90 falls below the mean again).
double lognormal_sigma_for_p90(double mean, double p90) {
  if (!(mean > 0) || !(p90 > mean)) return 0;
  const double d = std::log(p90 / mean);
  const double disc = kZ90 * kZ90 - 2 * d;
  if (disc < 0) return 0;
  return kZ90 - std::sqrt(disc);
}

}  // namespace sb::sim
