// The index that makes routing fast. For every (queue, channel) of the policy, the agents who
// may serve it and can take a new interaction on that channel right now are kept in classes of
// equal static score features (eligible steps, skill, de-escalation skill, capacity, free
// slots). Inside a class, agents are in an intrusive list ordered by idle time, longest idle at
// the head, so the best agent of a class is (almost always) its head; choosing an agent costs
// O(classes), not O(agents). Core-thread only.
#pragma once

#include <cstdint>
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
};

struct AgentClass {
  ClassKey key;
  std::uint32_t head = kNone;  // node indices
  std::uint32_t tail = kNone;
  std::uint32_t count = 0;
};

// One membership of an agent: in pool `pool` (queue x channel), in class `cls` while routable.
struct PoolNode {
  AgentIndex agent = kNone;
  std::uint32_t pool = kNone;
  std::uint32_t step_mask = 0;
  std::uint32_t cls = kNone;  // kNone: not routable now (unlinked)
  std::uint32_t prev = kNone;
  std::uint32_t next = kNone;
};

struct Pool {
  std::vector<AgentClass> classes;
};

class AgentPools {
 public:
  // Drops every node and sizes the pools for a policy of `queues` x `channels`.
  void reset(std::size_t queues, std::size_t channels);
  std::uint32_t pool_id(std::size_t queue, std::size_t channel) const {
    return static_cast<std::uint32_t>(queue * channels_ + channel);
  }
  std::size_t channels() const { return channels_; }

  std::uint32_t add_node(AgentIndex agent, std::uint32_t pool, std::uint32_t step_mask);
  void remove_node(std::uint32_t node);
  // Puts the node into the class `key` of its pool, keeping the class ordered by
  // `precedes(agent_a, agent_b)` (longest idle first). The search starts at the tail, where a
  // just-active agent belongs, so the common case is O(1).
  template <typename Precedes>
  void link(std::uint32_t node, const ClassKey& key, Precedes&& precedes) {
    const std::uint32_t c = find_or_add_class(nodes_[node].pool, key);
    std::uint32_t after = pools_[nodes_[node].pool].classes[c].tail;
    while (after != kNone && precedes(nodes_[node].agent, nodes_[after].agent)) {
      after = nodes_[after].prev;
    }
    insert_after(node, c, after);
  }
  void unlink(std::uint32_t node);

  const PoolNode& node(std::uint32_t n) const { return nodes_[n]; }
  const Pool& pool(std::uint32_t p) const { return pools_[p]; }
  std::size_t node_count() const { return nodes_.size() - free_.size(); }

 private:
  std::uint32_t find_or_add_class(std::uint32_t pool, const ClassKey& key);
  void insert_after(std::uint32_t node, std::uint32_t cls, std::uint32_t after);

  std::size_t channels_ = 0;
  std::vector<Pool> pools_;
  std::vector<PoolNode> nodes_;
  std::vector<std::uint32_t> free_;
};

}  // namespace sb::core
