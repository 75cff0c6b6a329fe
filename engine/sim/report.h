// The results of a simulation for people (a table) and for programs (one JSON object); keys and
// columns are documented in docs/simulation.md. Pure functions, safe from any thread.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

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

// The figures table, shared with `switchboard replay`: a line of its cells at the columns'
// widths (the first, 14 wide, names the row), the header line, and one row of figures.
inline constexpr std::size_t kTableColumns = 13;
std::string table_line(const std::array<std::string, kTableColumns>& cells);
std::string table_header(std::string_view first = "queue");
std::string table_row(std::string_view label, const QueueFigures& q);
// One queue's (or the total's) figures as the JSON object of docs/simulation.md.
boost::json::object queue_json(const QueueFigures& q);
// One JSON object, no trailing newline.
std::string report_json(const RunInfo& info, const Figures& f);

}  // namespace sb::sim
