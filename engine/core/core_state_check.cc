// After a state snapshot is read (core_state.cc): the checks that no field indexes out of range
// or contradicts another where the rebuild, check_invariants() or routing would trust it, then
// the rebuild of what the snapshot leaves out — the id indexes, the agent pools, the waiting
// sets.
#include <algorithm>
#include <string>
#include <vector>

#include "engine/core/core.h"

namespace sb::core {

std::optional<std::string> Core::rebuild_indexes() {
  // A time the core stamped: between the epoch and now (waits and deadlines are computed from
  // these; one far in the past would overflow them).
  auto stamped = [this](Timestamp t) { return t.us >= 0 && t <= now_; };
  std::vector<bool> free_slot(interactions_.size(), false);
  for (InteractionIndex i : free_interactions_) {
    if (i >= interactions_.size() || !interactions_[i].id.empty() || free_slot[i])
      return "a free slot in use";
    free_slot[i] = true;
  }
  std::vector<bool> free_decision(decisions_.size(), false);
  for (std::uint32_t d : free_decisions_) {
    if (d >= decisions_.size() || free_decision[d]) return "a free decision out of range";
    free_decision[d] = true;
  }
  for (InteractionIndex i : ended_) {
    if (i >= interactions_.size() || !is_terminal(interactions_[i].state))
      return "an ended interaction that is live";
  }
  for (AgentIndex a = 0; a < agents_.size(); ++a) {
    const Agent& agent = agents_[a];
    if (agent_index_.contains(agent_id(a))) return "agent '" + agent_id(a) + "' twice";
    agent_index_.insert(agent_id(a), a);
    for (InteractionIndex i : agent.held) {
      if (i >= interactions_.size() || interactions_[i].held_for != a ||
          interactions_[i].state != InteractionState::Queued)
        return "agent '" + agent_id(a) + "' holds an interaction not held for it";
    }
    if (policy_ && agent.slots.size() != policy_->channels.size())
      return "agent '" + agent_id(a) + "' has slots for another policy";
    // Clocks and counters are ahead of what they stamped: a touched agent becomes the newest
    // idle in every class it is in.
    if (!stamped(agent.idle_since) || agent.idle_seq > last_idle_seq_ ||
        !stamped(agent.last_negative_at))
      return "agent '" + agent_id(a) + "' has an idle clock out of the core's time";
  }
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    const Interaction& it = interactions_[i];
    if (it.id.empty()) continue;
    if (interaction_index_.contains(it.id)) return "interaction '" + it.id + "' twice";
    interaction_index_.insert(it.id, i);
    if (it.decision != kNone && (it.decision >= decisions_.size() || free_decision[it.decision]))
      return "interaction '" + it.id + "' has no decision";
    if (it.channel >= symbols_.size()) return "interaction '" + it.id + "' is on no channel";
    if (!stamped(it.created_at) || !stamped(it.queued_at) || !stamped(it.answered_at) ||
        !stamped(it.ended_at) || it.wait_seq > next_wait_seq_ || it.offer >= next_offer_)
      return "interaction '" + it.id + "' has times or numbers out of the core's range";
    if (is_terminal(it.state)) continue;
    // (Agents, offers and slots are check_invariants()'s, which load_state runs next.)
    if (it.queue == kNone)
      return "interaction '" + it.id + "' is " + std::string(to_string(it.state)) +
             " without a queue";
    if (it.held_for != kNone) {
      const std::vector<InteractionIndex>& held = agents_[it.held_for].held;
      if (std::find(held.begin(), held.end(), i) == held.end())
        return "interaction '" + it.id + "' is held for an agent who does not hold it";
    }
  }
  if (!policy_) {
    for (const Interaction& it : interactions_) {
      if (!it.id.empty()) return "interactions without a policy";
    }
    return std::nullopt;
  }
  const LinkedPolicy& policy = *policy_;
  // Epochs only grow, so a timer's is never ahead of its interaction's (else it would come
  // alive later); a live one (equal) must fit what it will act on.
  for (const Timer& t : timers_.heap()) {
    if (t.kind == TimerKind::WellbeingEnd || t.target >= interactions_.size()) continue;
    const Interaction& it = interactions_[t.target];
    if (t.epoch > (t.kind == TimerKind::Sla ? it.queue_epoch : it.epoch))
      return "a timer of interaction slot " + std::to_string(t.target) + " is ahead of it";
    if (t.kind == TimerKind::Sla || t.epoch != it.epoch) continue;
    const bool queued = it.state == InteractionState::Queued;
    bool fits = true;
    switch (t.kind) {
      case TimerKind::OfferExpiry:
        fits = it.state == InteractionState::Offered;
        break;
      case TimerKind::Step:
        fits = queued;
        break;
      case TimerKind::HoldEnd:
        fits = queued && it.held_for != kNone;
        break;
      case TimerKind::Overflow: {
        const std::int32_t pq = it.queue == kNone ? -1 : queue_runtimes_[it.queue].policy_index;
        fits = queued && pq >= 0 && policy.queues[static_cast<std::size_t>(pq)].overflow_to >= 0;
        break;
      }
      case TimerKind::WrapUpEnd:
        fits = it.state == InteractionState::WrapUp;
        break;
      default:
        break;
    }
    if (!fits) {
      return "a timer of interaction '" + it.id + "' does not fit it while " +
             std::string(to_string(it.state));
    }
  }
  waiting_.clear();
  waiting_.reserve(policy.waiting_sets);
  for (std::uint32_t k = 0; k < policy.waiting_sets; ++k) waiting_.emplace_back(&interactions_);
  pools_.reset(policy.pool_groups.size(), policy.channels.size());
  for (AgentIndex a = 0; a < agents_.size(); ++a) rebuild_nodes(a);
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    Interaction& it = interactions_[i];
    if (it.id.empty() || is_terminal(it.state)) continue;
    if (it.channel_index >= policy.channels.size())
      return "interaction '" + it.id + "' is on no channel of the policy";
    const std::int32_t pq = queue_runtimes_[it.queue].policy_index;
    // A waiting one (in a set or held) is in a queue of the policy, at one of its steps; one
    // with an agent may have lost its queue to a reload.
    if (it.state == InteractionState::Queued &&
        (pq < 0 || it.step >= policy.queues[static_cast<std::size_t>(pq)].steps.size()))
      return "interaction '" + it.id + "' waits where it cannot";
    if (!it.in_waiting_set) continue;
    if (it.state != InteractionState::Queued || it.held_for != kNone)
      return "interaction '" + it.id + "' is in a waiting set while it cannot be";
    it.wait_links = WaitLinks{};
    waiting_set(policy.queues[static_cast<std::size_t>(pq)], it.step, it.channel_index).insert(i);
  }
  return std::nullopt;
}

}  // namespace sb::core
