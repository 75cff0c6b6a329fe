// The output of a loadgen run: a short human report and, with --json, a last line that is
// exactly {"mode", "interactions_per_s", "submit_to_offer_ms_p50", "submit_to_offer_ms_p99"}
// (for livez: requests per second and the latency of the requests themselves; with --ingest:
// creates acknowledged per second and submit-to-acknowledgement latency, mode "ws-ingest").
#pragma once

#include <cstdio>

#include "bench/loadgen/load_options.h"
#include "bench/loadgen/recorder.h"

namespace sb::loadgen {

void print_report(std::FILE* out, const LoadOptions& options, const Results& results);
void print_json_line(std::FILE* out, const LoadOptions& options, const Results& results);

}  // namespace sb::loadgen
