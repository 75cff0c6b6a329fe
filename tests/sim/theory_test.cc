// The simulator against queueing theory: one queue, one skill, Poisson arrivals, exponential
// handle times. Over long runs the simulated service level must be within 2 percentage points
// of Erlang C and the ASA within 5 %, at occupancies 0.70, 0.85 and 0.95; with exponential
// patience, abandonment within 2 points of Erlang A (and SL and ASA as above).
//
// Run lengths are set so that each check sits at least about 3 standard deviations inside its
// tolerance. The ASA is the hard one: near saturation waits come in long correlated bursts, so
// the 0.95 run needs millions of arrivals (its standard error at 5 million, measured over six
// seeds, is about 1.5 %). The seed is the same fixed one for every configuration, chosen before
// any run. Under the sanitizers (SB_SANITIZED) the runs are 50 times shorter and the tolerances
// about 7 times looser (the standard error grows with the square root): a smoke test of the same
// code paths, not a validation.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "engine/sim/erlang.h"
#include "engine/sim/scenario_policy.h"
#include "engine/sim/simulator.h"
#include "engine/sim/theory.h"

using namespace sb;
using namespace sb::sim;

namespace {

#ifdef SB_SANITIZED
constexpr double kScale = 1.0 / 50;
constexpr double kSlPoints = 0.10, kAsaShare = 0.35, kAbandonPoints = 0.04;
#else
constexpr double kScale = 1;
constexpr double kSlPoints = 0.02, kAsaShare = 0.05, kAbandonPoints = 0.02;
#endif

struct Config {
  std::uint32_t agents;
  double occupancy;  // offered load / agents
  double handle_s;
  double patience_s;  // 0: none
  double arrivals;    // how many to simulate
};

void validate(const Config& c) {
  const double rate_per_hour = c.occupancy * c.agents * 3600 / c.handle_s;
  const double minutes = c.arrivals * kScale / rate_per_hour * 60;
  char yaml[1024];
  std::snprintf(yaml, sizeof yaml,
                "duration: %.0fm\nseed: 1\nsla: {answer_within: 20s}\n"
                "agents:\n  - count: %u\n"
                "streams:\n  - channel: voice\n    rate_per_hour: %.6f\n"
                "    handle_time: {distribution: exponential, mean: %.0fs}\n",
                minutes, c.agents, rate_per_hour, c.handle_s);
  std::string text = yaml;
  if (c.patience_s > 0) {
    std::snprintf(yaml, sizeof yaml, "    patience: {distribution: exponential, mean: %.0fs}\n",
                  c.patience_s);
    text += yaml;
  }
  const ScenarioLoad load = load_scenario(text, "theory.yaml");
  REQUIRE(load.scenario);
  const Scenario& s = *load.scenario;
  const auto model = textbook_model(s, true);
  REQUIRE(model);
  const QueueForecast theory = erlang_a(*model);
  REQUIRE(theory.stable);
  const Figures f = figures(simulate(s, generated_policy(s)));

  CAPTURE(c.agents);
  CAPTURE(c.occupancy);
  CAPTURE(c.patience_s);
  CAPTURE(f.created);
  MESSAGE("M/M/" << c.agents << std::string(c.patience_s > 0 ? "+M" : "") << " rho " << c.occupancy
                 << ": SL " << *f.total.service_level << " vs " << theory.service_level << ", ASA "
                 << *f.total.asa_s << " vs " << theory.asa_s << ", abandoned "
                 << f.total.abandoned_share << " vs " << theory.abandoned << ", occupancy "
                 << f.total.occupancy << " vs " << theory.occupancy);
  CHECK(f.refused == 0);
  CHECK(std::abs(*f.total.service_level - theory.service_level) <= kSlPoints);
  CHECK(std::abs(*f.total.asa_s / theory.asa_s - 1) <= kAsaShare);
  CHECK(std::abs(f.total.abandoned_share - theory.abandoned) <= kAbandonPoints);
  CHECK(std::abs(f.total.occupancy - theory.occupancy) <= kAbandonPoints);
}

}  // namespace

TEST_CASE("Erlang C: occupancy 0.70 (M/M/3)") { validate({3, 0.70, 120, 0, 1e6}); }
TEST_CASE("Erlang C: occupancy 0.85 (M/M/8)") { validate({8, 0.85, 120, 0, 3e6}); }
TEST_CASE("Erlang C: occupancy 0.95 (M/M/15)") { validate({15, 0.95, 120, 0, 5e6}); }
TEST_CASE("Erlang A: the documented first example (M/M/30+M)") {
  validate({30, 360.0 * 240 / 3600 / 30, 240, 120, 6e5});
}
TEST_CASE("Erlang A: overloaded (M/M/30+M at 105 % offered load)") {
  validate({30, 1.05, 240, 120, 6e5});
}
