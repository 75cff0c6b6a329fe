// `switchboard simulate SCENARIO.yaml [--policy FILE] [--seed N] [--json] [--plot FILE.svg]`:
// runs the scenario against the real routing core on a virtual clock and prints its KPIs, as a
// table or as one JSON object. Problems in the scenario or the policy go to `err` as
// FILE:LINE:COLUMN: message lines. Returns the exit code: 0, or 1 for a bad scenario or policy
// or an unwritable plot.
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
  std::string plot_file;  // empty: no plot
};

int run_simulate(const SimulateOptions& options, std::FILE* out, std::FILE* err);

}  // namespace sb::app
