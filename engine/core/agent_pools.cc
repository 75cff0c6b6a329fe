#include "engine/core/agent_pools.h"

#include "engine/common/assert.h"

namespace sb::core {

void AgentPools::reset(std::size_t queues, std::size_t channels) {
  channels_ = channels;
  pools_.assign(queues * channels, Pool{});
  nodes_.clear();
  free_.clear();
}

std::uint32_t AgentPools::add_node(AgentIndex agent, std::uint32_t pool, std::uint32_t step_mask) {
  SB_ASSERT(pool < pools_.size());
  std::uint32_t n;
  if (!free_.empty()) {
    n = free_.back();
    free_.pop_back();
  } else {
    n = static_cast<std::uint32_t>(nodes_.size());
    nodes_.emplace_back();
  }
  nodes_[n] = PoolNode{agent, pool, step_mask, kNone, kNone, kNone};
  return n;
}

void AgentPools::remove_node(std::uint32_t node) {
  unlink(node);
  nodes_[node].agent = kNone;
  free_.push_back(node);
}

std::uint32_t AgentPools::find_or_add_class(std::uint32_t pool, const ClassKey& key) {
  std::vector<AgentClass>& classes = pools_[pool].classes;
  std::uint32_t c = 0;
  while (c < classes.size() && !(classes[c].key == key)) ++c;
  if (c == classes.size()) classes.push_back(AgentClass{key, kNone, kNone, 0});
  return c;
}

void AgentPools::insert_after(std::uint32_t node, std::uint32_t c, std::uint32_t after) {
  PoolNode& n = nodes_[node];
  SB_ASSERT(n.cls == kNone);
  AgentClass& cls = pools_[n.pool].classes[c];
  n.cls = c;
  n.prev = after;
  n.next = after == kNone ? cls.head : nodes_[after].next;
  if (n.prev != kNone)
    nodes_[n.prev].next = node;
  else
    cls.head = node;
  if (n.next != kNone)
    nodes_[n.next].prev = node;
  else
    cls.tail = node;
  ++cls.count;
}

void AgentPools::unlink(std::uint32_t node) {
  PoolNode& n = nodes_[node];
  if (n.cls == kNone) return;
  AgentClass& cls = pools_[n.pool].classes[n.cls];
  if (n.prev != kNone)
    nodes_[n.prev].next = n.next;
  else
    cls.head = n.next;
  if (n.next != kNone)
    nodes_[n.next].prev = n.prev;
  else
    cls.tail = n.prev;
  --cls.count;
  n.cls = n.prev = n.next = kNone;
}

}  // namespace sb::core
