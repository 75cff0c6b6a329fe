#include "engine/core/agent_pools.h"

#include <algorithm>
#include <functional>

#include "engine/common/assert.h"

namespace sb::core {

void AgentPools::reset(std::size_t queues, std::size_t channels) {
  SB_CHECK(channels <= 64 && queues * channels < (std::size_t{1} << 26));
  channels_ = channels;
  pools_.assign(queues * channels, Pool{});
  nodes_ = {};
  free_runs_.clear();
  free_nodes_ = 0;
}

std::uint32_t AgentPools::allocate_run(std::uint32_t count) {
  if (count == 0) return kNone;
  if (count < free_runs_.size() && !free_runs_[count].empty()) {
    const std::uint32_t first = free_runs_[count].back();
    free_runs_[count].pop_back();
    free_nodes_ -= count;
    return first;
  }
  const auto first = static_cast<std::uint32_t>(nodes_.size());
  for (std::uint32_t k = 0; k < count; ++k) nodes_.emplace_back();  // chunked: no moves
  return first;
}

void AgentPools::free_run(std::uint32_t first, std::uint32_t count) {
  if (count == 0) return;
  for (std::uint32_t n = first; n < first + count; ++n) {
    unlink(n);
    nodes_[n].agent = PoolNode::kNoAgent;
  }
  if (free_runs_.size() <= count) free_runs_.resize(count + 1);
  free_runs_[count].push_back(first);
  free_nodes_ += count;
}

void AgentPools::init_node(std::uint32_t n, AgentIndex agent, std::uint32_t pool,
                           const ClassKey& key, std::uint64_t language_mask) {
  SB_ASSERT(pool < pools_.size());
  Pool& p = pools_[pool];
  ClassKey family_key = key;
  family_key.free = 0;
  const std::uint64_t packed = family_key.packed();
  auto at = std::lower_bound(p.family_by_key.begin(), p.family_by_key.end(),
                             std::pair{packed, std::uint32_t{0}});
  std::uint32_t family;
  if (at != p.family_by_key.end() && at->first == packed) {
    family = at->second;
  } else {
    // New families appear only when agents or the policy change, never while routing.
    family = static_cast<std::uint32_t>(p.families.size());
    p.families.push_back(
        ClassFamily{family_key, static_cast<std::uint32_t>(p.class_by_free.size())});
    p.class_by_free.resize(p.class_by_free.size() + key.capacity + 1u, kNone);
    p.family_by_key.insert(at, {packed, family});
  }
  PoolNode& node = nodes_[n];
  SB_ASSERT(node.cls == kNone);
  node = PoolNode{};
  node.agent = agent;
  node.pool = pool;
  node.channel = static_cast<std::uint32_t>(pool % channels_);
  node.family = family;
  node.languages = static_cast<std::uint32_t>(language_mask & PoolNode::kLanguagesOnNode);
}

std::uint32_t AgentPools::add_class(Pool& p, const ClassKey& key, double static_score) {
  const auto c = static_cast<std::uint32_t>(p.classes.size());
  p.classes.push_back(AgentClass{key, kNone, kNone, 0, Timestamp{}});
  // Classes are created rarely (a few hundred per pool): keep the score orders by insertion.
  for (std::uint32_t step = 0; step < 32; ++step) {
    if (!(key.step_mask & (1u << step))) continue;
    if (p.by_step.size() <= step) p.by_step.resize(step + 1);
    StepOrder& order = p.by_step[step];
    const auto pos = std::upper_bound(order.static_scores.begin(), order.static_scores.end(),
                                      static_score, std::greater<>{}) -
                     order.static_scores.begin();
    order.static_scores.insert(order.static_scores.begin() + pos, static_score);
    order.classes.insert(order.classes.begin() + pos, c);
  }
  return c;
}

void AgentPools::insert_after(std::uint32_t node, std::uint32_t c, std::uint32_t after) {
  PoolNode& n = nodes_[node];
  SB_ASSERT(n.cls == kNone);
  AgentClass& cls = pools_[n.pool].classes[c];
  n.cls = c;
  n.prev = after;
  n.next = after == kNone ? cls.head : nodes_[after].next;
  if (n.prev != kNone) {
    nodes_[n.prev].next = node;
  } else {
    cls.head = node;
    cls.head_idle_since = (*agents_)[n.agent].idle_since;
  }
  if (n.next != kNone) {
    nodes_[n.next].prev = node;
  } else {
    cls.tail = node;
  }
  if (cls.count++ == 0 && c < Pool::kOccupiedBits) {
    pools_[n.pool].occupied[c >> 6] |= std::uint64_t{1} << (c & 63);
  }
}

void AgentPools::unlink(std::uint32_t node) {
  PoolNode& n = nodes_[node];
  if (n.cls == kNone) return;
  AgentClass& cls = pools_[n.pool].classes[n.cls];
  if (n.prev != kNone) {
    nodes_[n.prev].next = n.next;
  } else {
    cls.head = n.next;
    if (n.next != kNone) cls.head_idle_since = (*agents_)[nodes_[n.next].agent].idle_since;
  }
  if (n.next != kNone) {
    nodes_[n.next].prev = n.prev;
  } else {
    cls.tail = n.prev;
  }
  if (--cls.count == 0 && n.cls < Pool::kOccupiedBits) {
    pools_[n.pool].occupied[n.cls >> 6] &= ~(std::uint64_t{1} << (n.cls & 63));
  }
  n.cls = n.prev = n.next = kNone;
}

}  // namespace sb::core
