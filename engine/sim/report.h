// The results of a simulation for people (a table) and for programs (one JSON object); keys and
// columns are documented in docs/simulation.md. Pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "engine/sim/erlang.h"
#include "engine/sim/kpis.h"

namespace sb::sim {

struct RunInfo {
  std::string scenario_file;
  std::string policy;  // a file, or "generated"
  std::uint64_t seed = 0;
  std::uint64_t agents = 0;
  std::optional<QueueModel> model;  // the textbook queue the scenario is, if it is one
};

std::string report_table(const RunInfo& info, const Figures& f);
// One JSON object, no trailing newline.
std::string report_json(const RunInfo& info, const Figures& f);

}  // namespace sb::sim
