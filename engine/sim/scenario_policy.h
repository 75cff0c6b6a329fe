// The routing policy a simulation runs: the one given with --policy, or, without it, a generated
// one-queue policy that takes every interaction with the scenario's SLA. Checks that the
// scenario names only what the policy declares. Pure functions, safe from any thread.
#pragma once

#include <memory>
#include <vector>

#include "engine/policy/policy_loader.h"
#include "engine/sim/scenario.h"
#include "switchboard/policy.h"

namespace sb::sim {

// The name of the generated queue.
inline constexpr const char* kGeneratedQueue = "all";

// One queue, "all", that matches everything, lets any agent answer at once and has the
// scenario's SLA; every channel the scenario names, one slot by default, no wrap-up. Built as
// a Policy struct rather than YAML text: nothing to quote or escape, and the scenario's values
// (already parsed durations) go in exactly.
std::shared_ptr<const Policy> generated_policy(const Scenario& scenario);

// `policy` with the scenario's wrap-up (if it sets one) on every channel.
std::shared_ptr<const Policy> with_scenario_wrap_up(std::shared_ptr<const Policy> policy,
                                                    const Scenario& scenario);

// Skills, channels and transfer queues of the scenario that the policy does not declare, at
// their place in the scenario file.
std::vector<policy::Diagnostic> check_against_policy(const Scenario& scenario,
                                                     const Policy& policy);

}  // namespace sb::sim
