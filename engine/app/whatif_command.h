// `switchboard replay --data-dir DIR --policy CANDIDATE.yaml [--seed N] [--json]`: the what-if
// replay. Reads the data directory's journal as the recorded run (read-only, as `replay` does),
// measures its KPIs, replays its arrivals against the candidate policy (engine/sim/whatif_*),
// and prints both side by side. Exit 0; 1 with the reason on `err`: an unreadable or invalid
// policy (FILE:LINE:COLUMN lines), a missing data directory, a damaged journal (file and
// offset), a journal with no commands, a candidate the core refuses, or one that refuses what
// the live engine accepted (a skill or channel it does not declare). Main thread only.
#pragma once

#include <cstdio>
#include <string>

#include "engine/app/replay_command.h"
#include "engine/sim/whatif_recording.h"
#include "switchboard/result.h"

namespace sb::app {

// The recorded run of `data_dir` (journal::recover, read-only); `warnings` gets recovery's (a
// torn tail, a skipped snapshot, a state hash that differs from the live one). An error names
// the directory's problem, or the file and offset of the damage.
Result<sim::Recording> read_recording(const std::string& data_dir, bool truncate_corrupt,
                                      std::vector<std::string>& warnings);

int run_whatif(const ReplayOptions& options, std::FILE* out, std::FILE* err);

}  // namespace sb::app
