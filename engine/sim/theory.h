// When a scenario is a textbook queue — one generated queue, one stream of Poisson arrivals at a
// constant rate, exponential handle times, exponential patience or none, one group of agents
// always logged in who accept at once, no wrap-up, returns or transfers — the Erlang C or A
// model it should agree with. Pure functions, safe from any thread.
#pragma once

#include <optional>

#include "engine/sim/erlang.h"
#include "engine/sim/scenario.h"

namespace sb::sim {

std::optional<QueueModel> textbook_model(const Scenario& scenario, bool generated_policy);

}  // namespace sb::sim
