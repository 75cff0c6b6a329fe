// Events the core emits while it applies commands and fires timers: what platforms receive on
// the stream (as CloudEvents) and what metrics count. Plain data, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "switchboard/time.h"
#include "switchboard/types.h"

namespace sb {

// One previous contact of the customer, on any channel.
struct JourneyContact {
  std::string interaction_id;
  std::string channel;
  std::string queue;
  std::string agent_id;  // empty if never answered
  std::string intent;    // the interaction's "intent" attribute, if any
  Timestamp created_at;
  std::optional<Timestamp> answered_at;
  std::optional<Timestamp> ended_at;
  std::string outcome;  // "", "resolved", "abandoned", "cancelled", "transferred", ...
  double sentiment = 0;
  friend bool operator==(const JourneyContact&, const JourneyContact&) = default;
};

// Each factor of an agent's score, already weighted; total is their sum.
struct ScoreBreakdown {
  std::string agent_id;
  double total = 0;
  double skill = 0;
  double idle = 0;
  double load = 0;
  double affinity = 0;
  double sentiment = 0;
  friend bool operator==(const ScoreBreakdown&, const ScoreBreakdown&) = default;
};

// Why this agent: the winner, the runner-up, and how the decision was made.
struct Explanation {
  std::string queue;
  std::uint32_t step = 0;
  std::string reason;  // "best_score", "preferred_agent", "agent_became_free", "named_agent"
  ScoreBreakdown chosen;
  std::optional<ScoreBreakdown> runner_up;
  std::uint32_t candidates = 0;  // eligible agents considered
  friend bool operator==(const Explanation&, const Explanation&) = default;
};

struct InteractionSummary {
  std::string id;
  std::string channel;
  std::string customer_id;
  Attributes attributes;
  double sentiment = 0;
  double priority = 0;
  std::string queue;
  Timestamp created_at;
  friend bool operator==(const InteractionSummary&, const InteractionSummary&) = default;
};

struct OfferCreated {
  OfferId offer_id = 0;
  std::string agent_id;
  InteractionSummary interaction;
  std::vector<JourneyContact> journey;
  Explanation explanation;
  Timestamp expires_at;
  friend bool operator==(const OfferCreated&, const OfferCreated&) = default;
};

enum class OfferEndReason : std::uint8_t { Rejected, Expired, Withdrawn };

struct OfferEnded {
  OfferId offer_id = 0;
  std::string agent_id;
  std::string interaction_id;
  OfferEndReason reason = OfferEndReason::Rejected;
  friend bool operator==(const OfferEnded&, const OfferEnded&) = default;
};

struct InteractionQueued {
  std::string interaction_id;
  std::string queue;
  std::uint32_t step = 0;
  std::string held_for_agent;  // set while it waits for a preferred or named agent
  friend bool operator==(const InteractionQueued&, const InteractionQueued&) = default;
};

struct InteractionAssigned {
  std::string interaction_id;
  std::string agent_id;
  std::string queue;
  OfferId offer_id = 0;
  Duration waited{0};
  friend bool operator==(const InteractionAssigned&, const InteractionAssigned&) = default;
};

struct InteractionAbandoned {
  std::string interaction_id;
  std::string queue;
  Duration waited{0};
  friend bool operator==(const InteractionAbandoned&, const InteractionAbandoned&) = default;
};

struct InteractionEnded {
  std::string interaction_id;
  std::string agent_id;
  InteractionState state = InteractionState::Completed;  // WrapUp, Completed or Cancelled
  std::string outcome;
  friend bool operator==(const InteractionEnded&, const InteractionEnded&) = default;
};

struct InteractionTransferred {
  std::string interaction_id;
  std::string from_queue;
  std::string to_queue;
  std::string to_agent;
  friend bool operator==(const InteractionTransferred&, const InteractionTransferred&) = default;
};

struct AgentStateChanged {
  std::string agent_id;
  Presence presence = Presence::Offline;
  std::string reason;
  friend bool operator==(const AgentStateChanged&, const AgentStateChanged&) = default;
};

struct SlaBreach {
  std::string interaction_id;
  std::string queue;
  Duration threshold{0};
  friend bool operator==(const SlaBreach&, const SlaBreach&) = default;
};

// A queue's rolling service level fell below its target, or came back to it.
struct QueueServiceLevel {
  std::string queue;
  bool below_target = false;
  double service_level = 0;
  double target = 0;
  Duration window{0};
  std::uint64_t samples = 0;  // answered + abandoned after the threshold, in the window
  friend bool operator==(const QueueServiceLevel&, const QueueServiceLevel&) = default;
};

// A customer's sentiment fell to the queue's threshold or sharply, while they wait or are
// being handled: a supervisor may want to step in.
struct SentimentDrop {
  std::string interaction_id;
  std::string queue;
  std::string agent_id;  // empty while it waits
  double from = 0;
  double to = 0;
  double threshold = 0;
  std::string reason;  // "below_threshold" or "sharp_drop"
  friend bool operator==(const SentimentDrop&, const SentimentDrop&) = default;
};

struct PolicyInstalled {
  std::uint64_t version = 0;
  std::uint32_t requeued = 0;  // waiting interactions re-evaluated
  friend bool operator==(const PolicyInstalled&, const PolicyInstalled&) = default;
};

using EventBody =
    std::variant<OfferCreated, OfferEnded, InteractionQueued, InteractionAssigned,
                 InteractionAbandoned, InteractionEnded, InteractionTransferred, AgentStateChanged,
                 SlaBreach, QueueServiceLevel, SentimentDrop, PolicyInstalled>;

struct Event {
  Timestamp time;
  EventBody body;
  friend bool operator==(const Event&, const Event&) = default;
};

// The CloudEvents type of an event, e.g. "switchboard.offer.created".
std::string_view event_type(const Event& event);

}  // namespace sb
