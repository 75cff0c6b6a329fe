// The core's records of agents and interactions. Dense indices, not pointers, link them, so
// that the state is compact, hashable in a fixed order and free of dangling references.
// Core-thread only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/chunked_vector.h"
#include "engine/common/erase_value.h"
#include "engine/common/flat_id_index.h"
#include "engine/core/attr_value.h"
#include "switchboard/time.h"
#include "switchboard/types.h"

namespace sb::core {

using AgentIndex = std::uint32_t;
using InteractionIndex = std::uint32_t;
using QueueIndex = std::uint32_t;  // index into the core's queue runtimes (stable across reloads)
inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

// The indices [first, last), for range-for (std::views::iota does not build with clang 14 and
// libstdc++ 12, the sanitizer build's pair).
struct IndexRange {
  struct Iterator {
    std::uint32_t at;
    std::uint32_t operator*() const { return at; }
    Iterator& operator++() {
      ++at;
      return *this;
    }
    friend bool operator==(Iterator, Iterator) = default;
  };
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  Iterator begin() const { return Iterator{first}; }
  Iterator end() const { return Iterator{last}; }
};

inline constexpr std::uint64_t kLanguageOverflow = std::uint64_t{1} << 63;

struct SkillLevel {
  Symbol skill = kNoSymbol;
  std::uint8_t level = 0;
};

// Skill proficiency runs from 0 to this (pool class keys pack it in 4 bits).
inline constexpr int kMaxProficiency = 10;
// The most slots an agent may have on one channel.
inline constexpr std::uint32_t kMaxCapacity = 100;

// Slots of one channel (indexed by the installed policy's channel index).
struct ChannelSlots {
  std::uint16_t capacity = 0;
  std::uint16_t load = 0;  // offered + assigned + in wrap-up
};

struct Agent {
  std::vector<SkillLevel> skills;  // sorted by skill symbol
  std::vector<Symbol> languages;
  AttrMap attributes;
  // Capacities as declared (channel symbol -> slots); empty: every channel's default.
  std::vector<std::pair<Symbol, std::uint16_t>> declared_channels;
  std::vector<ChannelSlots> slots;     // by policy channel index
  std::vector<InteractionIndex> held;  // waiting for this agent (preferred or named)
  std::uint64_t busy_channels = 0;     // bit per policy channel index with load > 0
  // Its languages as bits of the core's language registry, so that `languages has X` is a mask
  // test and not a walk of `languages` (a cache miss per candidate). Bit 63 (kLanguageOverflow)
  // says it speaks a language the full registry (63) could not number: then the list decides.
  std::uint64_t language_mask = 0;
  Timestamp idle_since;        // last offer, slot freed or became available
  std::uint64_t idle_seq = 0;  // orders agents whose idle clocks restarted at one instant
  Timestamp last_negative_at;
  // The agent's id, interned: expressions compare agent ids as symbols, and the record keeps no
  // second copy of the text (Core::agent_id).
  Symbol id_sym = kNoSymbol;
  Symbol away_reason = kNoSymbol;
  // Its pool memberships: nodes first_node .. first_node + node_count - 1 of AgentPools, in
  // ascending pool order.
  std::uint32_t first_node = kNone;
  std::uint32_t node_count = 0;
  std::uint32_t wrap_ups = 0;  // interactions in wrap-up
  std::uint32_t consecutive_misses = 0;
  std::uint32_t consecutive_negative = 0;
  AgentKind kind = AgentKind::Human;
  Presence presence = Presence::Offline;  // as set: Offline, Available or Away
  std::uint16_t pending_offers = 0;

  IndexRange nodes() const { return IndexRange{first_node, first_node + node_count}; }

  std::uint8_t skill_level(Symbol skill) const {
    for (const SkillLevel& s : skills) {
      if (s.skill == skill) return s.level;
    }
    return 0;
  }
};

// Agents an interaction must not be offered to again (they rejected or missed it). Most
// interactions have none, so the list lives out of line: 8 bytes in the record, not 24.
class ExcludedAgents {
 public:
  ExcludedAgents() = default;
  ExcludedAgents(const ExcludedAgents& other)
      : list_(other.list_ ? std::make_unique<std::vector<AgentIndex>>(*other.list_) : nullptr) {}
  ExcludedAgents& operator=(const ExcludedAgents& other) {
    if (this != &other) *this = ExcludedAgents(other);
    return *this;
  }
  ExcludedAgents(ExcludedAgents&&) noexcept = default;
  ExcludedAgents& operator=(ExcludedAgents&&) noexcept = default;
  bool contains(AgentIndex a) const {
    return list_ && std::find(list_->begin(), list_->end(), a) != list_->end();
  }
  void add(AgentIndex a) {
    if (!list_) list_ = std::make_unique<std::vector<AgentIndex>>();
    list_->push_back(a);
  }
  void remove(AgentIndex a) {
    if (list_) erase_value(*list_, a);
  }
  void clear() { list_.reset(); }
  std::span<const AgentIndex> agents() const {
    return list_ ? std::span<const AgentIndex>(*list_) : std::span<const AgentIndex>();
  }

 private:
  std::unique_ptr<std::vector<AgentIndex>> list_;
};

// Each factor of an agent's score, already weighted; total is their sum. The public
// ScoreBreakdown adds the agent's id, which the core looks up only when a decision is reported.
struct ScoreParts {
  double total = 0;
  double skill = 0;
  double idle = 0;
  double load = 0;
  double affinity = 0;
  double sentiment = 0;
};

enum class DecisionReason : std::uint8_t { BestScore, PreferredAgent, AgentBecameFree, NamedAgent };

// A routing decision as the core keeps it while its offer or assignment lives: indices and
// numbers, named (sb::Explanation) only when an event or a view reports it.
struct Decision {
  ScoreParts chosen;
  ScoreParts runner_up;
  AgentIndex chosen_agent = kNone;
  AgentIndex runner_up_agent = kNone;  // kNone: there was no runner-up
  Symbol queue = kNoSymbol;
  std::uint32_t step = 0;
  std::uint32_t candidates = 0;  // eligible agents considered
  DecisionReason reason = DecisionReason::BestScore;
};

// An interaction's links in the waiting set it is in (waiting_set.h).
struct WaitLinks {
  std::uint32_t left = kNone;
  std::uint32_t right = kNone;
  std::uint32_t parent = kNone;
};

// Fields are grouped by size, largest first, so that padding costs nothing: a waiting
// interaction's bytes are one of the core's memory goals.
struct Interaction {
  std::string id;
  std::string customer_id;
  AttrMap attributes;
  ExcludedAgents excluded;
  double sentiment = 0;
  double priority = 0;
  Timestamp created_at;
  Timestamp queued_at;  // entered its current queue: steps, aging and SLA count from here
  Timestamp answered_at;
  Timestamp ended_at;
  std::uint64_t content_hash = 0;  // of the create command, for idempotency
  OfferId offer = 0;
  std::uint64_t journey_seq = 0;  // its contact in the journey store
  // Position in a waiting set while Queued and not held.
  double order_key = 0;
  std::uint64_t wait_seq = 0;
  Symbol channel = kNoSymbol;
  std::uint32_t channel_index = 0;  // in the installed policy
  std::uint32_t customer = kNone;   // journey store slot (kNone: evicted)
  QueueIndex queue = kNone;
  std::uint32_t step = 0;
  QueueIndex first_queue = kNone;  // the answer to a retried create
  AgentIndex agent = kNone;        // offered to or assigned to
  AgentIndex held_for = kNone;
  std::uint32_t epoch = 0;            // bumps on every state change; stale timers compare it
  std::uint32_t queue_epoch = 0;      // bumps when it enters a queue
  std::uint32_t sla_timer_epoch = 0;  // the queue_epoch its SLA timer was set for
  std::uint32_t transfers = 0;
  Symbol outcome = kNoSymbol;
  std::uint32_t decision = kNone;  // in the core's decisions, while offered or assigned
  WaitLinks wait_links;            // while in_waiting_set
  InteractionState state = InteractionState::Queued;
  InteractionState first_state = InteractionState::Queued;
  bool held_named = false;  // held by a transfer to a named agent (else a preferred-agent wait)
  bool sla_breached = false;
  bool in_waiting_set = false;
};

// Records live in chunks: they never move, so indexes may key on views of their ids.
using AgentTable = ChunkedVector<Agent>;
using InteractionTable = ChunkedVector<Interaction>;

// Ids to dense indices; the ids are read back from the records themselves.
struct InteractionIdOf {
  const InteractionTable* interactions = nullptr;
  std::string_view operator()(std::uint32_t i) const { return (*interactions)[i].id; }
};
struct AgentIdOf {
  const AgentTable* agents = nullptr;
  const SymbolTable* symbols = nullptr;
  std::string_view operator()(std::uint32_t i) const { return symbols->name((*agents)[i].id_sym); }
};
using AgentIdIndex = FlatIdIndex<AgentIdOf>;
using InteractionIdIndex = FlatIdIndex<InteractionIdOf>;

}  // namespace sb::core
