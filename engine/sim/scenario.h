// A simulation scenario: how long to run, who works when, what arrives, how long it takes, how
// patient customers are and how agents answer. Loaded from YAML with every error reported at
// once as FILE:LINE:COLUMN (docs/simulation.md is the reference of every key). Plain data, safe
// to share between threads once loaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/policy/policy_loader.h"
#include "engine/sim/distribution.h"
#include "switchboard/policy.h"
#include "switchboard/types.h"

namespace sb::sim {

// Where a name was written, to report a problem the policy reveals later (an undeclared skill).
struct Mark {
  int line = 0;
  int column = 0;
};

template <typename T>
struct Marked {
  T value;
  Mark mark;
};

// When an agent is logged in. Daily, from a time of day to another (overnight if end < start),
// or once, from an offset after the start of the run to another.
struct Shift {
  bool daily = true;
  Duration start{0};  // time of day, or offset
  Duration end{0};
};

// How agents answer offers.
struct AnswerBehaviour {
  double accept = 1.0;                                   // the rest are rejected
  Distribution delay;                                    // from the offer to the answer
  Duration back_after_missed = std::chrono::minutes(1);  // set away for missed offers: back after
};

struct AgentGroup {
  std::string name;  // agents are NAME-1 .. NAME-COUNT
  Mark mark;
  std::uint32_t count = 0;
  std::vector<Marked<std::pair<std::string, int>>> skills;
  std::vector<std::string> languages;
  std::vector<Marked<std::pair<std::string, std::uint32_t>>> channels;  // empty: the defaults
  Attributes attributes;
  AgentKind kind = AgentKind::Human;
  std::vector<Shift> shifts;  // empty: logged in for the whole run
  AnswerBehaviour answer;
};

struct Transfer {
  double share = 0;  // of the stream's answered interactions, transferred after handling
  Marked<std::string> to_queue;
};

struct Stream {
  std::string name;
  Marked<std::string> channel;
  Attributes attributes;  // intent, language, tier, ...
  double rate_per_hour = 0;
  // Multipliers of the rate over the day, in equal intervals from midnight (24: hourly).
  std::vector<double> profile;
  Distribution handle_time;
  std::optional<Distribution> patience;  // none: nobody abandons
  double sentiment_min = 0;              // uniform in [min, max]
  double sentiment_max = 0;
  double priority = 0;
  std::optional<Transfer> transfer;
};

// Customers who come back on another channel within a window (the omnichannel journey).
struct Returns {
  double share = 0;  // of ended contacts (answered or abandoned)
  Duration within = std::chrono::hours(2);
  double sentiment_change = 0;  // added to the first contact's sentiment, then clamped to [-1, 1]
};

struct Scenario {
  std::string file;
  Duration duration{0};
  std::uint64_t seed = 1;
  Duration start_time{0};  // time of day at which the run starts
  SlaPolicy sla;           // of the generated queue (without --policy)
  std::vector<AgentGroup> agents;
  std::vector<Stream> streams;
  Returns returns;
  std::optional<Duration> wrap_up;  // overrides every channel's wrap-up when set
  AnswerBehaviour answer;           // the default of every group
};

struct ScenarioLoad {
  std::optional<Scenario> scenario;  // set when there are no diagnostics
  std::vector<policy::Diagnostic> diagnostics;
};

// `file` names the source in diagnostics.
ScenarioLoad load_scenario(std::string_view yaml, const std::string& file);

}  // namespace sb::sim
