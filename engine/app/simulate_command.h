// `switchboard simulate SCENARIO.yaml [--policy FILE] [--seed N] [--json] [--plot FILE.svg]
// [--record DIR]`: runs the scenario against the real routing core on a virtual clock and prints
// its KPIs, as a table or as one JSON object; --record also writes its commands into DIR as a
// live engine's journal (sim_recorder.h). Problems in the scenario or the policy go to `err` as
// FILE:LINE:COLUMN: message lines. Returns the exit code: 0, or 1 for a bad scenario or policy,
// an unwritable plot or recording.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace sb::app {

struct SimulateOptions {
  std::string scenario_file;
  std::string policy_file;  // empty: the generated one-queue policy
  std::optional<std::uint64_t> seed;
  bool json = false;
  std::string plot_file;   // empty: no plot
  std::string record_dir;  // empty: no recording; needs policy_file (its YAML is journaled)
};

int run_simulate(const SimulateOptions& options, std::FILE* out, std::FILE* err);

}  // namespace sb::app
