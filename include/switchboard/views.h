// Read-only snapshots of routing state that the core hands out for queries (GET endpoints,
// tests, the simulator). Copies, so safe to pass to any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/event.h"
#include "switchboard/time.h"
#include "switchboard/types.h"

namespace sb {

struct ChannelLoad {
  std::string channel;
  std::uint32_t capacity = 0;
  std::uint32_t load = 0;
  std::uint32_t free = 0;  // 0 while blocked by another channel or not available
};

struct AgentView {
  std::string id;
  AgentKind kind = AgentKind::Human;
  Presence presence = Presence::Offline;  // WrapUp while any interaction is in wrap-up
  std::string reason;
  std::vector<std::pair<std::string, int>> skills;
  std::vector<std::string> languages;
  Attributes attributes;
  std::vector<ChannelLoad> channels;
  Timestamp idle_since;
  std::uint32_t consecutive_misses = 0;
  std::uint32_t consecutive_negative = 0;
};

struct InteractionView {
  InteractionSummary summary;
  InteractionState state = InteractionState::Queued;
  std::uint32_t step = 0;
  std::string agent_id;  // offered to or assigned to
  OfferId offer_id = 0;
  std::string held_for_agent;
  Timestamp queued_at;
  std::optional<Timestamp> answered_at;
  std::optional<Timestamp> ended_at;
  std::optional<Duration> estimated_wait;  // while queued, from the queue's service rate
  double effective_priority = 0;
  std::uint32_t transfers = 0;
  std::string outcome;
  std::optional<Explanation> explanation;  // of the latest routing decision
};

struct QueueView {
  std::string name;
  bool active = true;  // false once a reload removed it (stats are kept)
  double priority = 0;
  std::uint32_t waiting = 0;
  Duration oldest_wait{0};
  std::uint64_t entered = 0;
  std::uint64_t answered = 0;
  std::uint64_t answered_within_sla = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t abandoned_within_sla = 0;
  std::uint64_t transferred_out = 0;
  std::uint64_t overflowed = 0;
  std::uint64_t sla_breaches = 0;
  double service_level = 1.0;  // answered within SLA / (answered + abandoned after threshold)
  double sla_target = 0.8;
  Duration sla_threshold{0};
  std::optional<Duration> estimated_wait;  // for a new arrival
  double service_rate_per_s = 0;
  std::uint32_t eligible_agents_available = 0;
};

}  // namespace sb
