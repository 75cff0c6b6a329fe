// What a simulation measures, per queue and in total, and how the figures a workforce planner
// reads are computed from it (definitions in docs/simulation.md). Not thread-safe: owned by
// the simulator while it runs, read afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/time.h"

namespace sb::sim {

// Counters of one queue (each leg of an interaction that entered it) or of the whole run (each
// interaction once, by its first leg).
struct Tally {
  std::string name;
  Duration threshold{0};  // the SLA's answer_within (total: the queues', if they agree)
  double target = 0.8;
  std::uint64_t answered = 0;
  std::uint64_t answered_within = 0;  // wait <= threshold
  std::uint64_t abandoned = 0;
  std::uint64_t abandoned_after = 0;   // wait > threshold
  std::uint64_t waiting_at_end = 0;    // still waiting when the run ended
  std::uint64_t repeats = 0;           // the customer's second contact (on another channel)
  std::uint64_t affinity_chances = 0;  // repeats answered whose first contact was answered
  std::uint64_t affinity_hits = 0;     // ... by the same agent
  std::uint64_t transfers = 0;         // transferred away from here by an agent
  double wait_answered_s = 0;
  double held_agent_s = 0;     // slot-time: from the offer to the end of wrap-up
  std::vector<float> waits_s;  // of answered legs, for percentiles

  // `threshold`: of the queue that answered (or lost) it.
  void answer(Duration waited, Duration threshold);
  void abandon(Duration waited, Duration threshold);
  std::uint64_t offered() const { return answered + abandoned + waiting_at_end; }
};

// One point of the timeline (--plot): the waiting interactions at `at_s`, and the service level
// of the interactions answered or abandoned since the previous point (none if there were none).
struct Sample {
  double at_s = 0;
  std::uint32_t waiting = 0;
  std::optional<double> service_level;
};

struct Measurements {
  Tally total;
  std::vector<Tally> queues;   // in the policy's order
  double staffed_agent_s = 0;  // logged in and not away, or still holding work
  double busy_agent_s = 0;     // holding at least one interaction
  std::uint64_t created = 0;   // interactions the core accepted
  std::uint64_t unrouted = 0;  // creates refused: no queue took them
  std::uint64_t refused = 0;   // other commands the core refused (a bug in the scenario or here)
  std::uint64_t commands = 0;  // commands applied
  std::vector<Sample> timeline;
  double duration_s = 0;
};

// The figures of a Tally.
struct QueueFigures {
  std::string name;
  std::uint64_t offered = 0;
  std::uint64_t answered = 0;
  std::uint64_t abandoned = 0;
  double abandoned_share = 0;  // of offered (0-1)
  std::uint64_t waiting_at_end = 0;
  double threshold_s = 0;
  double target = 0;
  // answered within the threshold / (answered + abandoned after the threshold); nullopt if
  // that is 0 / 0.
  std::optional<double> service_level;
  std::optional<double> asa_s;  // mean wait of the answered
  std::optional<double> wait_p50_s, wait_p80_s, wait_p90_s, wait_p95_s, wait_p99_s;
  double occupancy = 0;  // total: busy / staffed agent-time; queue: its slot-time / staffed
  std::optional<double> affinity_hit_rate;  // of affinity chances
  double repeat_contact_rate = 0;           // repeats / offered
  std::uint64_t transfers = 0;
};

struct Figures {
  QueueFigures total;
  std::vector<QueueFigures> queues;
  std::uint64_t created = 0;
  std::uint64_t unrouted = 0;
  std::uint64_t refused = 0;
  std::uint64_t commands = 0;
  double duration_s = 0;
  double staffed_agent_h = 0;
};

// Sorts the waits it reads (percentiles), so it takes the measurements by value.
Figures figures(Measurements m);

}  // namespace sb::sim
