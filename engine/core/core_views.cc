// Read-only views of the core's state: agents, interactions, queues, journeys, counts.
#include <algorithm>

#include "engine/core/core.h"

namespace sb::core {

const Customer* Core::customer_of(const Interaction& it) const {
  if (it.customer == kNone) return nullptr;
  return journeys_.get(it.customer, it.customer_id);
}

Contact* Core::contact_of(Interaction& it) {
  if (it.customer == kNone || it.journey_seq == 0) return nullptr;
  return journeys_.find_contact(it.customer, it.customer_id, it.journey_seq);
}

InteractionSummary Core::summary(const Interaction& it) const {
  InteractionSummary s;
  s.id = it.id;
  s.channel = symbols_.name(it.channel);
  s.customer_id = it.customer_id;
  s.attributes = sb::core::to_public(it.attributes, symbols_);
  s.sentiment = it.sentiment;
  s.priority = it.priority;
  if (it.queue != kNone) s.queue = symbols_.name(queue_runtimes_[it.queue].name);
  s.created_at = it.created_at;
  return s;
}

JourneyContact Core::to_public(const Contact& c) const {
  JourneyContact j;
  j.interaction_id = c.interaction_id;
  j.channel = symbols_.name(c.channel);
  if (c.queue != kNoSymbol) j.queue = symbols_.name(c.queue);
  if (c.agent != kNone) j.agent_id = agent_id(c.agent);
  if (c.intent != kNoSymbol) j.intent = symbols_.name(c.intent);
  j.created_at = c.created_at;
  if (c.answered_at.us != 0) j.answered_at = c.answered_at;
  if (c.ended_at.us != 0) j.ended_at = c.ended_at;
  if (c.outcome != kNoSymbol) j.outcome = symbols_.name(c.outcome);
  j.sentiment = c.sentiment;
  return j;
}

std::vector<JourneyContact> Core::journey_of(const Interaction& it) const {
  std::vector<JourneyContact> out;
  const Customer* customer = customer_of(it);
  if (customer == nullptr) return out;
  const Timestamp cutoff = now_ - journeys_.lookback();
  for (auto c = customer->contacts.rbegin(); c != customer->contacts.rend(); ++c) {
    if (c->seq == it.journey_seq || c->created_at < cutoff) continue;
    out.push_back(to_public(*c));
  }
  return out;
}

std::vector<JourneyContact> Core::journey(std::string_view customer_id) const {
  std::vector<JourneyContact> out;
  const std::uint32_t slot = journeys_.find(customer_id);
  if (slot == kNone) return out;
  const Customer* customer = journeys_.get(slot, customer_id);
  const Timestamp cutoff = now_ - journeys_.lookback();
  for (auto c = customer->contacts.rbegin(); c != customer->contacts.rend(); ++c) {
    if (c->created_at >= cutoff) out.push_back(to_public(*c));
  }
  return out;
}

std::shared_ptr<const Policy> Core::policy() const { return policy_ ? policy_->source : nullptr; }

std::optional<AgentView> Core::agent(std::string_view id) const {
  const AgentIndex found = agent_index_.find(id);
  if (found == kNone) return std::nullopt;
  const Agent& a = agents_[found];
  AgentView v;
  v.id = symbols_.name(a.id_sym);
  v.kind = a.kind;
  v.presence = effective_presence(a);
  if (a.away_reason != kNoSymbol) v.reason = symbols_.name(a.away_reason);
  for (const SkillLevel& s : a.skills) v.skills.emplace_back(symbols_.name(s.skill), s.level);
  std::sort(v.skills.begin(), v.skills.end());
  for (Symbol l : a.languages) v.languages.push_back(symbols_.name(l));
  v.attributes = sb::core::to_public(a.attributes, symbols_);
  for (std::uint32_t ch = 0; ch < a.slots.size(); ++ch) {
    if (a.slots[ch].capacity == 0 && a.slots[ch].load == 0) continue;
    v.channels.push_back(ChannelLoad{symbols_.name(policy_->channels[ch].name),
                                     a.slots[ch].capacity, a.slots[ch].load, free_slots(a, ch)});
  }
  v.idle_since = a.idle_since;
  v.consecutive_misses = a.consecutive_misses;
  v.consecutive_negative = a.consecutive_negative;
  return v;
}

std::vector<AgentView> Core::agents() const {
  std::vector<AgentView> out;
  out.reserve(agents_.size());
  for (const Agent& a : agents_) out.push_back(*agent(symbols_.name(a.id_sym)));
  return out;
}

std::optional<Duration> Core::estimated_wait(InteractionIndex self) const {
  const Interaction& it = interactions_[self];
  if (it.state != InteractionState::Queued) return std::nullopt;
  const QueueRuntime& q = queue_runtimes_[it.queue];
  const double rate = q.service_rate(now_, std::chrono::minutes(15));
  if (rate <= 0) return std::nullopt;
  // Ahead of it: the waiting interactions of its queue that an agent would take first.
  std::uint32_t ahead = 0;
  if (q.policy_index >= 0 && it.in_waiting_set) {
    const LinkedQueue& lq = policy_->queues[static_cast<std::size_t>(q.policy_index)];
    const double mine = effective_priority(it);
    for (std::uint32_t set = 0; set < lq.steps.size() * policy_->channels.size(); ++set) {
      for (const WaitKey& key : waiting_[lq.waiting_offset + set]) {
        if (key.interaction == self) continue;
        const Interaction& other = interactions_[key.interaction];
        const double theirs = effective_priority(other);
        if (theirs != mine ? theirs > mine
                           : (other.queued_at != it.queued_at ? other.queued_at < it.queued_at
                                                              : other.wait_seq < it.wait_seq)) {
          ++ahead;
        }
      }
    }
  }
  return seconds((ahead + 1) / rate);
}

std::optional<Core::Status> Core::status(std::string_view id) const {
  const InteractionIndex found = interaction_index_.find(id);
  if (found == kNone) return std::nullopt;
  const Interaction& it = interactions_[found];
  return Status{it.state, it.offer};
}

std::optional<InteractionView> Core::interaction(std::string_view id) const {
  const InteractionIndex found = interaction_index_.find(id);
  if (found == kNone) return std::nullopt;
  const Interaction& it = interactions_[found];
  InteractionView v;
  v.summary = summary(it);
  v.state = it.state;
  v.step = it.step;
  if (it.agent != kNone) v.agent_id = agent_id(it.agent);
  v.offer_id = it.offer;
  if (it.held_for != kNone) v.held_for_agent = agent_id(it.held_for);
  v.queued_at = it.queued_at;
  if (it.answered_at.us != 0) v.answered_at = it.answered_at;
  if (is_terminal(it.state)) v.ended_at = it.ended_at;
  v.estimated_wait = estimated_wait(found);
  v.effective_priority =
      it.state == InteractionState::Queued ? effective_priority(it) : it.priority;
  v.transfers = it.transfers;
  if (it.outcome != kNoSymbol) v.outcome = symbols_.name(it.outcome);
  if (it.decision != kNone) v.explanation = explain(decisions_[it.decision]);
  return v;
}

QueueView Core::queue_view(const QueueRuntime& q) const {
  QueueView v;
  v.name = symbols_.name(q.name);
  v.active = q.policy_index >= 0;
  v.waiting = q.waiting;
  v.entered = q.entered;
  v.answered = q.answered;
  v.answered_within_sla = q.answered_within_sla;
  v.abandoned = q.abandoned;
  v.abandoned_within_sla = q.abandoned_within_sla;
  v.transferred_out = q.transferred_out;
  v.overflowed = q.overflowed;
  v.sla_breaches = q.sla_breaches;
  const std::uint64_t counted = q.answered + q.abandoned - q.abandoned_within_sla;
  v.service_level = counted == 0
                        ? 1.0
                        : static_cast<double>(q.answered_within_sla) / static_cast<double>(counted);
  v.service_rate_per_s = q.service_rate(now_, std::chrono::minutes(15));
  if (v.active) {
    const LinkedQueue& lq = policy_->queues[static_cast<std::size_t>(q.policy_index)];
    v.priority = lq.priority;
    v.sla_target = lq.sla.target;
    v.sla_threshold = lq.sla.answer_within;
    Timestamp oldest = now_;
    for (std::uint32_t set = 0; set < lq.steps.size() * policy_->channels.size(); ++set) {
      for (const WaitKey& key : waiting_[lq.waiting_offset + set]) {
        oldest = std::min(oldest, interactions_[key.interaction].queued_at);
      }
    }
    v.oldest_wait = now_ - oldest;
    if (v.service_rate_per_s > 0)
      v.estimated_wait = seconds((q.waiting + 1) / v.service_rate_per_s);
    const std::uint32_t pool_count = static_cast<std::uint32_t>(policy_->channels.size());
    for (std::uint32_t ch = 0; ch < pool_count; ++ch) {
      for (const AgentClass& cls : pools_.pool(pools_.pool_id(lq.pool_group, ch)).classes) {
        v.eligible_agents_available += cls.count;
      }
    }
  }
  return v;
}

std::vector<QueueView> Core::queues() const {
  std::vector<QueueView> out;
  for (const QueueRuntime& q : queue_runtimes_) out.push_back(queue_view(q));
  return out;
}

std::optional<QueueView> Core::queue(std::string_view name) const {
  for (const QueueRuntime& q : queue_runtimes_) {
    if (symbols_.name(q.name) == name) return queue_view(q);
  }
  return std::nullopt;
}

CoreCounts Core::counts() const {
  CoreCounts c;
  c.agents = agents_.size();
  c.live_interactions = live_;
  c.retained_interactions = ended_.size();
  for (const Interaction& it : interactions_) {
    if (it.id.empty()) continue;
    switch (it.state) {
      case InteractionState::Queued:
        ++c.waiting;
        break;
      case InteractionState::Offered:
        ++c.offered;
        break;
      case InteractionState::Assigned:
        ++c.assigned;
        break;
      case InteractionState::WrapUp:
        ++c.wrap_up;
        break;
      default:
        break;
    }
  }
  c.customers = journeys_.customers();
  c.timers = timers_.size();
  c.commands_applied = applied_;
  c.commands_rejected = rejected_;
  return c;
}

}  // namespace sb::core
