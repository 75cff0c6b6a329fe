// A compiled routing policy: what the YAML policy compiler produces and the core consumes. The
// core knows nothing of YAML; it takes this plain, validated structure (shared, immutable) and
// links it to its own symbols when the SetPolicy command installs it. Safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/expression.h"
#include "switchboard/time.h"

namespace sb {

struct ChannelPolicy {
  std::string name;                    // "voice", "chat", "email", "sms", "social", ...
  std::uint32_t default_capacity = 1;  // slots of an agent who states no capacity for it
  Duration offer_timeout = std::chrono::seconds(20);
  Duration wrap_up = std::chrono::seconds(0);
  // While an agent holds any interaction on this channel, these channels take nothing new
  // (e.g. a voice call blocks new chats).
  std::vector<std::string> blocks;
};

// Weights of the agent score, each applied to a feature normalised to [0, 1].
struct ScoringWeights {
  double skill = 1.0;      // mean proficiency on the queue's skills / 10
  double idle = 1.0;       // min(idle time / idle_horizon, 1)
  double load = 0.5;       // free slots / capacity on the interaction's channel
  double affinity = 2.0;   // served this customer before, on any channel, decaying with age
  double sentiment = 1.0;  // max(0, -sentiment) * de-escalation proficiency / 10
};

struct EscalationStep {
  Duration after{0};  // wait in the queue before this step applies
  Expr agents;        // who may serve the interaction at this step (empty: anyone)
  double priority_bump = 0;
};

struct SlaPolicy {
  Duration answer_within = std::chrono::seconds(20);
  double target = 0.8;
};

struct AffinityPolicy {
  bool enabled = true;
  Duration window = std::chrono::hours(24 * 7);  // contacts older than this give no affinity
  // Hold a new interaction this long for the customer's previous agent while that agent is
  // logged in but busy; then widen to the queue's steps. Zero disables the hold.
  Duration preferred_agent_wait = std::chrono::seconds(0);
};

struct SentimentPolicy {
  double threshold = -0.5;  // at or below: the interaction is "upset"
  double priority_bump = 0;
};

struct QueuePolicy {
  std::string name;
  Expr match;                         // which interactions enter (empty: all)
  double priority = 0;                // across queues, higher first
  std::vector<std::string> channels;  // channels it takes (empty: all)
  std::vector<std::string> skills;    // skills the skill score uses
  SlaPolicy sla;
  std::vector<EscalationStep> steps;      // at least one; step i applies after steps[i].after
  std::optional<ScoringWeights> scoring;  // overrides Policy::scoring
  AffinityPolicy affinity;
  SentimentPolicy sentiment;
  double aging_per_minute = 1.0;  // effective priority gained per minute of wait
  std::string overflow_to;        // empty: no overflow
  Duration overflow_after{0};
};

struct WellbeingPolicy {
  std::uint32_t max_consecutive_negative = 0;    // 0: no cap
  double negative_below = -0.3;                  // sentiment below this counts as negative
  Duration cooldown = std::chrono::minutes(10);  // the count resets after this long
};

struct OfferPolicy {
  std::uint32_t max_consecutive_misses = 3;           // 0: never set an agent away for misses
  Duration transfer_wait = std::chrono::seconds(60);  // wait for a named agent, then its queue
};

struct JourneyPolicy {
  std::uint32_t max_contacts = 10;                  // per customer
  Duration lookback = std::chrono::hours(24 * 30);  // older contacts are forgotten
  std::uint32_t max_customers = 1'000'000;          // least recently seen are evicted
  // A contact on the same intent within this long after the previous one ended (or while it
  // is live) is a repeat: the journey goes on. Also how long a resolution waits to count as
  // final (first-contact resolution). At most `lookback`.
  Duration repeat_window = std::chrono::hours(72);
};

// What the core watches and announces on the stream (and measures for /metrics).
struct MonitoringPolicy {
  Duration service_level_window = std::chrono::minutes(15);  // the rolling service level
  // A queue is announced below target only once this many outcomes are in the window.
  std::uint32_t service_level_min_samples = 10;
  // sentiment.drop: a fall of at least this much in one update (besides crossing the queue's
  // sentiment threshold).
  double sentiment_drop = 0.4;
};

struct Policy {
  std::uint64_t version = 0;
  std::vector<std::string> skills;      // declared skills; anything else is an unknown skill
  std::vector<ChannelPolicy> channels;  // declared channels
  ScoringWeights scoring;
  std::string deescalation_skill;  // the skill the sentiment score uses (empty: none)
  Duration idle_horizon = std::chrono::minutes(10);
  std::vector<QueuePolicy> queues;  // first match wins, in this order
  WellbeingPolicy wellbeing;
  OfferPolicy offers;
  JourneyPolicy journey;
  MonitoringPolicy monitoring;
};

}  // namespace sb
