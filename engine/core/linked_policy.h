// A compiled Policy linked to the core's symbols and queue runtimes: the form the matching code
// reads. Built when SetPolicy is applied; immutable after. Core-thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "engine/core/linked_expr.h"
#include "switchboard/policy.h"
#include "switchboard/result.h"

namespace sb::core {

inline constexpr std::size_t kMaxChannels = 64;
inline constexpr std::size_t kMaxSteps = 32;

struct LinkedStep {
  Duration after{0};
  LinkedExpr whole;            // the rule as written: what the naive reference scan evaluates
  LinkedExpr agent_only;       // fixed per agent: indexed in the agent pools
  LinkedExpr per_interaction;  // checked for each candidate pair
  // `languages has interaction.attributes.KEY` conjuncts, lifted out of per_interaction and
  // checked directly: the most common per-pair rule, so it skips the interpreter.
  std::vector<Symbol> language_keys;
  double priority_bump = 0;
};

struct LinkedQueue {
  Symbol name = kNoSymbol;
  QueueIndex runtime = kNone;
  LinkedExpr match;
  double priority = 0;
  std::uint64_t channel_mask = ~0ull;  // bit per policy channel index
  std::vector<Symbol> skills;
  SlaPolicy sla;
  std::vector<LinkedStep> steps;
  ScoringWeights weights;
  AffinityPolicy affinity;
  SentimentPolicy sentiment;
  double aging_per_us = 0;
  std::int32_t overflow_to = -1;  // policy queue index
  Duration overflow_after{0};
  std::uint32_t waiting_offset = 0;  // first of its steps x channels waiting sets
  // Queues whose agent-only step rules, skills, skill and load weights and channels are all the
  // same share one agent pool group: they are served by the same agents, scored the same way.
  std::uint32_t pool_group = 0;
};

struct LinkedChannel {
  Symbol name = kNoSymbol;
  ChannelPolicy config;
  std::uint64_t blocked_by = 0;  // channels whose load blocks this one
};

// Queues whose match rule requires `interaction.attributes.KEY == "VALUE"` (or
// `interaction.channel == "VALUE"`) are indexed by that pair, so that choosing the queue of a new
// interaction evaluates a couple of rules, not every queue's.
struct QueueMatchIndex {
  std::vector<Symbol> keys;  // attribute keys some queue requires; kChannelKey for the channel
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> queues_by_pair;  // ascending
  std::vector<std::uint32_t> unindexed;                                          // ascending
  static constexpr Symbol kChannelKey = kNoSymbol - 1;
  static std::uint64_t pair(Symbol key, Symbol value) {
    return (static_cast<std::uint64_t>(key) << 32) | value;
  }
};

struct LinkedPolicy {
  std::shared_ptr<const Policy> source;
  QueueMatchIndex match_index;
  std::vector<LinkedChannel> channels;
  std::vector<Symbol> skills;  // sorted
  Symbol deescalation_skill = kNoSymbol;
  double idle_horizon_us = 1;
  std::vector<LinkedQueue> queues;
  std::vector<std::vector<std::uint32_t>> pool_groups;  // queue indices per group, ascending
  std::uint32_t waiting_sets = 0;

  std::int32_t channel_index(Symbol channel) const;
  std::int32_t queue_index(Symbol name) const;
  bool declares_skill(Symbol skill) const;
};

// Validates the structure the core relies on and links it to `symbols`. Queue runtimes are left
// unset (the core assigns them). Fails, changing nothing, on an inconsistent policy.
Result<LinkedPolicy> link_policy(std::shared_ptr<const Policy> policy, SymbolTable& symbols);

}  // namespace sb::core
