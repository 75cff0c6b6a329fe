// Durations drawn at random: handle times, customers' patience, agents' answer delays. Fixed,
// exponential or lognormal, given by their mean (and for the lognormal its sigma, or its 90th
// percentile, as workforce planners usually know it). Plain data; sampling takes the caller's Rng.
#pragma once

#include "engine/sim/random.h"
#include "switchboard/time.h"

namespace sb::sim {

struct Distribution {
  enum class Kind { Fixed, Exponential, Lognormal };
  Kind kind = Kind::Fixed;
  Duration mean{0};
  double sigma = 0;  // lognormal: the standard deviation of the underlying normal

  Duration sample(Rng& rng) const;
};

// The sigma of a lognormal with this mean whose 90th percentile is `p90`; 0 if there is none
// (a lognormal's p90 lies strictly between its mean and about 2.27 times its mean).
double lognormal_sigma_for_p90(double mean, double p90);

}  // namespace sb::sim
