// What-if replay, part 4: the recorded KPIs and the candidate's side by side, with the change,
// for people (the simulate table, three rows a queue) and for programs (one JSON object); keys
// and columns are documented in docs/simulation.md. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/sim/kpis.h"
#include "engine/sim/whatif_model.h"
#include "engine/sim/whatif_run.h"

namespace sb::sim {

struct WhatIfInfo {
  std::string data_dir;
  std::string candidate_file;
  std::uint64_t seed = 1;
  std::uint64_t commands = 0;  // in the journal
  Timestamp start;
  Timestamp end;
  std::vector<std::uint64_t> recorded_policies;  // versions installed live, in order
  std::vector<std::string> warnings;             // reading the journal (a torn tail cut, ...)
  double read_s = 0;                             // wall time: reading and the recorded run
  double candidate_s = 0;                        // wall time: the model and the candidate run
};

struct WhatIfReport {
  WhatIfInfo info;
  Figures recorded;
  Figures candidate;
  WhatIfCounts counts;
  ModelSummary model;
};

std::string whatif_table(const WhatIfReport& r);
// One JSON object, no trailing newline.
std::string whatif_json(const WhatIfReport& r);

}  // namespace sb::sim
