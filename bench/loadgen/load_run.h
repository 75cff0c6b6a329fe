// One loadgen run: set-up (agents, the offer handler's sessions), warm-up, the measurement
// window, then a drain that waits for outstanding offers to be accepted and completed. Blocks
// the calling thread; the connections run on `options.threads` I/O threads of one io_context.
#pragma once

#include <cstdio>
#include <string>

#include "bench/loadgen/load_options.h"
#include "bench/loadgen/recorder.h"

namespace sb::loadgen {

struct RunOutcome {
  Results results;
  std::string error;         // set when the run could not be made (bad URL, set-up failed)
  bool events_lost = false;  // the event session ended early: latencies are incomplete
};

// Progress notes go to `log`.
RunOutcome run_load(const LoadOptions& options, std::FILE* log);

}  // namespace sb::loadgen
