// The index that makes routing fast. For every (queue, channel) of the policy, the agents who
// may serve it and can take a new interaction on that channel right now are kept in classes of
// equal static score features (eligible steps, skill, de-escalation skill, capacity, free
// slots). Inside a class, agents are in an intrusive list ordered by idle time, longest idle at
// the head, so the best agent of a class is its first eligible member. Classes are kept in
// descending order of their skill-and-load score, so a search can stop at the first class that
// cannot beat what it has found. Choosing an agent costs O(classes visited), not O(agents).
// Core-thread only.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "engine/core/records.h"

namespace sb::core {

struct ClassKey {
  std::uint32_t step_mask = 0;  // steps whose agent-only rule the agent passes
  std::uint16_t skill_sum = 0;  // sum of proficiencies on the queue's skills
  std::uint8_t deescalation = 0;
  std::uint8_t capacity = 0;
  std::uint8_t free = 0;
  friend bool operator==(const ClassKey&, const ClassKey&) = default;
  std::uint64_t packed() const {
    return (static_cast<std::uint64_t>(step_mask) << 32) |
           (static_cast<std::uint64_t>(skill_sum) << 20) |
           (static_cast<std::uint64_t>(deescalation) << 16) |
           (static_cast<std::uint64_t>(capacity) << 8) | free;
  }
};

// 32 bytes, aligned: a search reads the record of every occupied class it meets (its count,
// its de-escalation level, its head's idle time), and a record that straddled two cache lines
// cost it two misses. The static score is kept in the step orders, where the search reads it.
struct alignas(32) AgentClass {
  ClassKey key;
  std::uint32_t head = kNone;  // node indices
  std::uint32_t tail = kNone;
  std::uint32_t count = 0;
  Timestamp head_idle_since;  // of the head, kept here so a search reads no agent record
};
static_assert(sizeof(AgentClass) == 32);

// The classes that differ only in free slots: an agent's family is fixed until its skills or
// the policy change, so moving it between classes as its load changes is an array lookup.
struct ClassFamily {
  ClassKey key;                // free = 0
  std::uint32_t slots_at = 0;  // its capacity + 1 entries in Pool::class_by_free
};

// One membership of an agent: in pool `pool` (queue x channel), in class `cls` while routable.
// 24 bytes: an agent has a couple of dozen, the largest part of its memory.
struct PoolNode {
  // Agent indices are below CoreLimits::max_agents, which the Core keeps below 2^24.
  static constexpr std::uint32_t kAgentBits = 24;
  static constexpr std::uint32_t kNoAgent = (std::uint32_t{1} << kAgentBits) - 1;  // a freed node
  static constexpr std::uint32_t kLanguageBits = 8;
  static constexpr std::uint64_t kLanguagesOnNode = (std::uint64_t{1} << kLanguageBits) - 1;
  std::uint32_t agent : kAgentBits = kNoAgent;
  // The low bits of the agent's language mask (the registry's first 8 languages): a search can
  // see that a member does not speak a language without reading its agent record.
  std::uint32_t languages : kLanguageBits = 0;
  std::uint32_t pool : 26 = 0;    // AgentPools::reset keeps pool ids below 2^26
  std::uint32_t channel : 6 = 0;  // pool % channels, kept to spare relink a division
  std::uint32_t family = kNone;
  std::uint32_t cls = kNone;  // kNone: not routable now (unlinked)
  std::uint32_t prev = kNone;
  std::uint32_t next = kNone;
};
static_assert(sizeof(PoolNode) == 24);

// The classes one escalation step admits, in descending static score: two parallel arrays, so
// that a search walks the class ids (16 to a cache line), tests each against the pool's occupied
// bits, and reads the score only of the classes that have members (most have none).
struct StepOrder {
  std::vector<std::uint32_t> classes;
  std::vector<double> static_scores;
};
struct Pool {
  std::vector<AgentClass> classes;
  // A bit per class (the first kOccupiedBits) that has members. Most classes a search meets are
  // empty at any moment; this lets it pass them without reading them, a cache miss each. It
  // sits beside `classes` in the record the search reads anyway. Classes past it count as
  // occupied, and the search reads their count.
  static constexpr std::uint32_t kOccupiedBits = 256;
  std::array<std::uint64_t, kOccupiedBits / 64> occupied{};
  bool may_have_members(std::uint32_t c) const {
    return c >= kOccupiedBits || ((occupied[c >> 6] >> (c & 63)) & 1) != 0;
  }
  // Per escalation step, the classes whose step mask has that step, static_score descending:
  // a search for step k walks only its own classes (a pool has a few hundred in all).
  std::vector<StepOrder> by_step;
  std::vector<ClassFamily> families;
  std::vector<std::uint32_t> class_by_free;  // per family, per free-slot count: class or kNone
  std::vector<std::pair<std::uint64_t, std::uint32_t>> family_by_key;  // sorted by key
};

class AgentPools {
 public:
  // Drops every node and sizes the pools for a policy of `queues` x `channels`.
  void reset(std::size_t queues, std::size_t channels);
  std::uint32_t pool_id(std::size_t queue, std::size_t channel) const {
    return static_cast<std::uint32_t>(queue * channels_ + channel);
  }
  std::size_t channels() const { return channels_; }
  std::uint32_t channel_of(std::uint32_t node) const { return nodes_[node].channel; }

  // An agent's nodes are one run of consecutive indices, so that its record holds two numbers
  // rather than a list, and relink walks adjacent memory. Runs freed by a re-skill are reused
  // by runs of the same length.
  std::uint32_t allocate_run(std::uint32_t count);  // kNone if count is 0
  void free_run(std::uint32_t first, std::uint32_t count);
  // Makes `node` (of a run) the membership of `agent` in `pool`, in the family of `key` (whose
  // free field is ignored), unlinked; `language_mask` is the agent's.
  void init_node(std::uint32_t node, AgentIndex agent, std::uint32_t pool, const ClassKey& key,
                 std::uint64_t language_mask);
  const ClassKey& family_key(std::uint32_t node) const {
    return pools_[nodes_[node].pool].families[nodes_[node].family].key;
  }

  // The agents' records, read for the idle order. Set once, by the owner of both.
  void bind(const AgentTable* agents) { agents_ = agents; }

  // Puts the node into the class of its family with `free` slots (created with the score that
  // `static_score(key)` gives if new), keeping the class ordered longest idle first. `newest`
  // says the agent's idle clock just restarted: it goes to the tail without a search.
  template <typename StaticScore>
  void link(std::uint32_t node, std::uint32_t free, StaticScore&& static_score, bool newest) {
    Pool& p = pools_[nodes_[node].pool];
    const ClassFamily& family = p.families[nodes_[node].family];
    std::uint32_t c = p.class_by_free[family.slots_at + free];
    if (c == kNone) {
      ClassKey key = family.key;
      key.free = static_cast<std::uint8_t>(free);
      c = add_class(p, key, static_score(key));
      p.class_by_free[family.slots_at + free] = c;
    }
    link_to_class(node, c, newest);
  }
  // Moves a linked node to its place in its own class after its agent's idle clock restarted.
  void move_to_tail(std::uint32_t node) {
    const std::uint32_t c = nodes_[node].cls;
    AgentClass& cls = pools_[nodes_[node].pool].classes[c];
    if (cls.tail == node) {
      if (cls.head == node) cls.head_idle_since = (*agents_)[nodes_[node].agent].idle_since;
      return;
    }
    unlink(node);
    link_to_class(node, c, true);
  }
  void unlink(std::uint32_t node);

  const PoolNode& node(std::uint32_t n) const { return nodes_[n]; }
  const Pool& pool(std::uint32_t p) const { return pools_[p]; }
  std::size_t pool_count() const { return pools_.size(); }
  std::size_t node_count() const { return nodes_.size() - free_nodes_; }

 private:
  // Longest idle first: earlier idle_since, then the earlier restart of the idle clock.
  bool precedes(AgentIndex a, AgentIndex b) const {
    const Agent& x = (*agents_)[a];
    const Agent& y = (*agents_)[b];
    return x.idle_since != y.idle_since ? x.idle_since < y.idle_since : x.idle_seq < y.idle_seq;
  }
  void link_to_class(std::uint32_t node, std::uint32_t c, bool newest) {
    std::uint32_t after = pools_[nodes_[node].pool].classes[c].tail;
    while (!newest && after != kNone && precedes(nodes_[node].agent, nodes_[after].agent)) {
      after = nodes_[after].prev;
    }
    insert_after(node, c, after);
  }
  static std::uint32_t add_class(Pool& p, const ClassKey& key, double static_score);
  void insert_after(std::uint32_t node, std::uint32_t cls, std::uint32_t after);

  const AgentTable* agents_ = nullptr;
  std::size_t channels_ = 0;
  std::vector<Pool> pools_;
  ChunkedVector<PoolNode, 12> nodes_;
  std::vector<std::vector<std::uint32_t>> free_runs_;  // by run length: first nodes
  std::size_t free_nodes_ = 0;
};

}  // namespace sb::core
