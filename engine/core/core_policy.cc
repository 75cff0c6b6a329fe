// Installing a routing policy: link it, check that the live state fits it, then rebuild the
// pools and waiting sets and re-evaluate every waiting interaction (wait time kept).
#include <string>

#include "engine/common/assert.h"
#include "engine/core/core.h"

namespace sb::core {

QueueIndex Core::queue_runtime(Symbol name) {
  for (QueueIndex q = 0; q < queue_runtimes_.size(); ++q) {
    if (queue_runtimes_[q].name == name) return q;
  }
  queue_runtimes_.emplace_back();
  queue_runtimes_.back().name = name;
  return static_cast<QueueIndex>(queue_runtimes_.size() - 1);
}

Result<Reply> Core::set_policy(const SetPolicy& c, std::vector<Event>& events) {
  Result<LinkedPolicy> linked = link_policy(c.policy, symbols_);
  if (!linked.ok()) return linked.error();
  LinkedPolicy& next = linked.value();

  // The live state must fit the new policy; otherwise the old one keeps running.
  for (const Interaction& it : interactions_) {
    if (it.id.empty() || is_terminal(it.state)) continue;
    const std::int32_t channel = next.channel_index(it.channel);
    bool taken = false;
    for (const LinkedQueue& q : next.queues)
      taken = taken || (channel >= 0 && (q.channel_mask & (1ull << channel)));
    if (!taken) {
      return make_error(ErrorCode::InvalidState, "channels",
                        "no queue of the new policy would take channel '" +
                            symbols_.name(it.channel) + "' of live interaction '" + it.id + "'");
    }
  }
  for (const Agent& agent : agents_) {
    if (!policy_) break;
    for (std::size_t ch = 0; ch < agent.slots.size(); ++ch) {
      if (agent.slots[ch].load == 0) continue;
      const Symbol name = policy_->channels[ch].name;
      const std::int32_t nch = next.channel_index(name);
      std::uint32_t capacity =
          agent.declared_channels.empty()
              ? next.channels[static_cast<std::size_t>(nch)].config.default_capacity
              : 0;
      for (const auto& [sym, cap] : agent.declared_channels) {
        if (sym == name) capacity = cap;
      }
      if (capacity < agent.slots[ch].load) {
        return make_error(ErrorCode::CapacityBelowLoad, "channels." + symbols_.name(name),
                          "agent '" + symbols_.name(agent.id_sym) +
                              "' would hold more than its capacity on " + symbols_.name(name));
      }
    }
  }
  {
    // Every waiting interaction needs a queue under the new policy.
    std::optional<LinkedPolicy> previous = std::move(policy_);
    policy_ = std::move(next);
    std::string orphan;
    for (const Interaction& it : interactions_) {
      if (it.id.empty() || it.state != InteractionState::Queued) continue;
      Interaction probe = it;
      probe.channel_index = static_cast<std::uint32_t>(policy_->channel_index(it.channel));
      if (select_queue(probe) < 0) {
        orphan = it.id;
        break;
      }
    }
    next = std::move(*policy_);
    policy_ = std::move(previous);
    if (!orphan.empty()) {
      return make_error(ErrorCode::NoQueue, "queues",
                        "no queue of the new policy takes waiting interaction '" + orphan + "'");
    }
  }

  // Commit.
  for (QueueRuntime& q : queue_runtimes_) {
    q.policy_index = -1;
    q.waiting = 0;
  }
  for (std::size_t q = 0; q < next.queues.size(); ++q) {
    next.queues[q].runtime = queue_runtime(next.queues[q].name);
    queue_runtimes_[next.queues[q].runtime].policy_index = static_cast<std::int32_t>(q);
  }
  policy_ = std::move(next);
  const LinkedPolicy& policy = *policy_;
  const JourneyPolicy& journey = policy.source->journey;
  journeys_.configure(journey.max_contacts, journey.lookback, journey.max_customers);

  waiting_.clear();
  waiting_.reserve(policy.waiting_sets);
  for (std::uint32_t k = 0; k < policy.waiting_sets; ++k) waiting_.emplace_back(&interactions_);
  pools_.reset(policy.pool_groups.size(), policy.channels.size());

  for (Agent& agent : agents_) {
    agent.first_node = kNone;  // reset() dropped every node
    agent.node_count = 0;
    agent.slots.assign(policy.channels.size(), ChannelSlots{});
    agent.busy_channels = 0;
    rebuild_slots(agent);
  }
  for (Interaction& it : interactions_) {
    if (it.id.empty() || is_terminal(it.state)) continue;
    it.channel_index = static_cast<std::uint32_t>(policy.channel_index(it.channel));
    it.in_waiting_set = false;
    if (it.state == InteractionState::Offered || it.state == InteractionState::Assigned ||
        it.state == InteractionState::WrapUp) {
      Agent& agent = agents_[it.agent];
      ++agent.slots[it.channel_index].load;
      agent.busy_channels |= 1ull << it.channel_index;
    }
  }
  for (AgentIndex a = 0; a < agents_.size(); ++a) rebuild_nodes(a);

  std::uint32_t requeued = 0;
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    Interaction& it = interactions_[i];
    if (it.id.empty() || it.state != InteractionState::Queued) continue;
    const std::int32_t queue = select_queue(it);
    SB_CHECK(queue >= 0);
    enter_queue(i, queue, true);
    if (it.held_for != kNone) {
      ++queue_runtimes_[it.queue].waiting;
      check_sla(i, events);
      continue;
    }
    enqueue(i, events, false);
    ++requeued;
  }
  // Wellbeing protection that the new caps or cool-down end must end on time.
  const WellbeingPolicy& wellbeing = policy.source->wellbeing;
  for (AgentIndex a = 0; a < agents_.size(); ++a) {
    const Agent& agent = agents_[a];
    if (wellbeing.max_consecutive_negative == 0 ||
        agent.consecutive_negative < wellbeing.max_consecutive_negative) {
      continue;
    }
    const Timestamp ends = agent.last_negative_at + wellbeing.cooldown;
    if (ends > now_) timers_.schedule(ends, TimerKind::WellbeingEnd, a, 0);
  }
  // Anyone free now takes what the new rules let them take.
  for (AgentIndex a = 0; a < agents_.size(); ++a) fill_agent(a, events);
  events.push_back(Event{now_, PolicyInstalled{policy.source->version, requeued}});
  Reply reply;
  return reply;
}

}  // namespace sb::core
