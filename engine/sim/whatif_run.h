// What-if replay, part 3: the recording's arrivals run against a candidate policy through the
// real core on a virtual clock, from the recording's start to its end. The script (agents,
// presence, creates, updates, and cancels and transfers of waiting interactions) is applied at
// its recorded times, in recorded order; the candidate replaces every recorded policy, installed
// wherever the recording installed one (the first time, and again at each reload). Agents and
// customers then act:
// - an offer to the agent the recording offered this interaction to gets that recorded answer,
//   after the recorded delay; any other offer gets a modelled answer (whatif_model.h);
// - an answered leg that the recording also answered (the first leg, the second, ...) keeps its
//   recorded handle time and end (complete, transfer to the same target, cancel): the customer's
//   need did not change; other legs get a modelled handle time;
// - a customer who abandoned live after waiting W leaves at the same moment if still waiting
//   (not yet answered); one answered live after W has a patience drawn from the estimate given
//   that it exceeds W; one still waiting when the recording ended never leaves in the window;
// - an agent the core sets away for missed offers that the recording did not see comes back
//   after the model's delay.
// With the recorded policy and nothing else changed, the run is the recorded one, event for
// event: recorded answers and handle times come back at their recorded times and sequences.
//
// Thread contract: single-threaded; the recording and the model outlive the call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/sim/kpis.h"
#include "engine/sim/whatif_model.h"
#include "engine/sim/whatif_recording.h"
#include "switchboard/policy.h"

namespace sb::sim {

struct WhatIfOptions {
  std::uint64_t seed = 1;  // of every modelled draw; a seed reproduces a run
};

// How the candidate's agents and customers were decided.
struct WhatIfCounts {
  std::uint64_t answers_recorded = 0;  // offers to the agent the recording offered them to
  std::uint64_t answers_modelled = 0;
  std::uint64_t answers_default = 0;  // nothing recorded to model from: accepted at once
  std::uint64_t handles_recorded = 0;
  std::uint64_t handles_modelled = 0;
  std::uint64_t handles_unknown = 0;    // nothing recorded to model from: held to the end
  std::uint64_t abandons_recorded = 0;  // customers who left at their recorded moment
  std::uint64_t patience_drawn = 0;     // customers answered live, given a drawn patience
  std::uint64_t abandons_drawn = 0;     // of whom left in the candidate run
  std::uint64_t transfers_refused = 0;  // to a target the candidate lacks: completed instead
  std::uint64_t back_from_away = 0;     // agents brought back after missed offers
};

struct WhatIfResult {
  Measurements measured;
  WhatIfCounts counts;
  // Commands the live engine accepted that the candidate refuses (an agent's skill, a channel
  // it does not declare, ...): the first few, and how many in all. A comparison with any of
  // these is not meaningful.
  std::vector<std::string> refusals;
  std::uint64_t refusal_count = 0;
  std::string install_error;  // the core refused the candidate itself
};

WhatIfResult run_candidate(const Recording& recording, const BehaviourModel& model,
                           std::shared_ptr<const Policy> candidate,
                           const WhatIfOptions& options = {});

}  // namespace sb::sim
