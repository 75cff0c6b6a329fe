// Waiting: which queue an interaction enters, its escalation step, its place in the waiting sets,
// holds for a preferred or named agent, SLA and overflow deadlines.
#include <algorithm>

#include "engine/common/assert.h"
#include "engine/common/erase_value.h"
#include "engine/core/core.h"

namespace sb::core {

std::int32_t Core::select_queue(const Interaction& it) const {
  const LinkedPolicy& policy = *policy_;
  const QueueMatchIndex& index = policy.match_index;
  EvalContext ctx;
  ctx.interaction = &it;
  ctx.customer = customer_of(it);
  ctx.agents = &agents_;
  ctx.now = now_;
  // The queues that may match: the unindexed ones and those indexed under this interaction's
  // values; evaluated in policy order, first match wins.
  const std::vector<std::uint32_t>* lists[8];
  std::size_t list_count = 0;
  lists[list_count++] = &index.unindexed;
  for (Symbol key : index.keys) {
    Symbol value = kNoSymbol;
    if (key == QueueMatchIndex::kChannelKey) {
      value = it.channel;
    } else if (const AttrValue* v = find_attr(it.attributes, key);
               v && v->kind == AttrValue::Kind::String) {
      value = v->sym;
    }
    if (value == kNoSymbol) continue;
    auto found = index.queues_by_pair.find(QueueMatchIndex::pair(key, value));
    if (found == index.queues_by_pair.end()) continue;
    if (list_count == std::size(lists)) return select_queue_slow(it, ctx);
    lists[list_count++] = &found->second;
  }
  std::size_t cursor[std::size(lists)] = {};
  for (;;) {
    std::uint32_t next = kNone;
    std::size_t from = 0;
    for (std::size_t l = 0; l < list_count; ++l) {
      if (cursor[l] < lists[l]->size() && (*lists[l])[cursor[l]] < next) {
        next = (*lists[l])[cursor[l]];
        from = l;
      }
    }
    if (next == kNone) return -1;
    ++cursor[from];
    const LinkedQueue& queue = policy.queues[next];
    if ((queue.channel_mask & (1ull << it.channel_index)) && evaluate(queue.match, ctx)) {
      return static_cast<std::int32_t>(next);
    }
  }
}

std::int32_t Core::select_queue_slow(const Interaction& it, const EvalContext& ctx) const {
  const LinkedPolicy& policy = *policy_;
  for (std::size_t q = 0; q < policy.queues.size(); ++q) {
    const LinkedQueue& queue = policy.queues[q];
    if (!(queue.channel_mask & (1ull << it.channel_index))) continue;
    if (evaluate(queue.match, ctx)) return static_cast<std::int32_t>(q);
  }
  return -1;
}

void Core::enter_queue(InteractionIndex i, std::int32_t policy_queue, bool keep_wait) {
  Interaction& it = interactions_[i];
  const LinkedQueue& q = policy_->queues[static_cast<std::size_t>(policy_queue)];
  if (it.queue != q.runtime) {
    ++queue_runtimes_[q.runtime].entered;
    ++stats_.cell(q.runtime, it.channel).entered;
  }
  it.queue = q.runtime;
  if (!keep_wait) {
    it.queued_at = now_;
    it.sla_breached = false;
  }
  ++it.queue_epoch;
  if (Contact* contact = contact_of(it)) contact->queue = q.name;
}

std::uint32_t Core::step_for_wait(const LinkedQueue& q, Duration waited) const {
  std::uint32_t step = 0;
  while (step + 1 < q.steps.size() && q.steps[step + 1].after <= waited) ++step;
  return step;
}

double Core::order_key(const Interaction& it, const LinkedQueue& q) const {
  double key = it.priority + q.steps[it.step].priority_bump;
  if (it.sentiment <= q.sentiment.threshold) key += q.sentiment.priority_bump;
  return key - q.aging_per_us * static_cast<double>(it.queued_at.us);
}

double Core::effective_priority(const Interaction& it) const {
  const std::int32_t pq = queue_runtimes_[it.queue].policy_index;
  if (pq < 0) return it.priority;
  const LinkedQueue& q = policy_->queues[static_cast<std::size_t>(pq)];
  return order_key(it, q) + q.aging_per_us * static_cast<double>(now_.us);
}

WaitingSet& Core::waiting_set(const LinkedQueue& q, std::uint32_t step, std::uint32_t channel) {
  return waiting_[q.waiting_offset + step * policy_->channels.size() + channel];
}

std::int32_t Core::current_policy_queue(const Interaction& it) const {
  std::int32_t pq = queue_runtimes_[it.queue].policy_index;
  if (pq >= 0) return pq;
  // Its queue left the policy (a reload while it was with an agent): route it afresh, or to the
  // last queue that takes its channel (SetPolicy guarantees there is one).
  pq = select_queue(it);
  for (std::size_t q = policy_->queues.size(); pq < 0 && q-- > 0;) {
    if (policy_->queues[q].channel_mask & (1ull << it.channel_index))
      pq = static_cast<std::int32_t>(q);
  }
  SB_CHECK(pq >= 0);
  return pq;
}

std::int32_t Core::ensure_policy_queue(InteractionIndex i) {
  const std::int32_t pq = current_policy_queue(interactions_[i]);
  if (queue_runtimes_[interactions_[i].queue].policy_index < 0) enter_queue(i, pq, false);
  return pq;
}

void Core::place(InteractionIndex i, std::vector<Event>& events, bool announce) {
  const LinkedQueue& q = policy_->queues[static_cast<std::size_t>(ensure_policy_queue(i))];
  check_sla(i, events);  // armed now: an offer that is missed still counts against the SLA
  Interaction& it = interactions_[i];
  it.step = step_for_wait(q, now_ - it.queued_at);
  route(i, events);  // a free agent takes it at once: it never enters a waiting set
  if (interactions_[i].state == InteractionState::Queued && interactions_[i].held_for == kNone &&
      !interactions_[i].in_waiting_set) {
    enqueue(i, events, announce);
  }
}

void Core::enqueue(InteractionIndex i, std::vector<Event>& events, bool announce) {
  Interaction& it = interactions_[i];
  SB_CHECK(it.state == InteractionState::Queued && !it.in_waiting_set && it.held_for == kNone);
  const LinkedQueue& q = policy_->queues[static_cast<std::size_t>(ensure_policy_queue(i))];
  it.step = step_for_wait(q, now_ - it.queued_at);
  it.order_key = order_key(it, q);
  it.wait_seq = next_wait_seq_++;
  waiting_set(q, it.step, it.channel_index).insert(i);
  it.in_waiting_set = true;
  ++queue_runtimes_[it.queue].waiting;
  observe_waiting(it, +1);
  ++it.epoch;
  schedule_wait_timers(i);
  check_sla(i, events);
  if (announce) {
    events.push_back(Event{now_, InteractionQueued{it.id, symbols_.name(q.name), it.step, {}}});
  }
}

void Core::check_sla(InteractionIndex i, std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  if (it.sla_breached || it.sla_timer_epoch == it.queue_epoch) return;
  const QueueRuntime& runtime = queue_runtimes_[it.queue];
  const Duration threshold =
      policy_->queues[static_cast<std::size_t>(runtime.policy_index)].sla.answer_within;
  const Timestamp due = it.queued_at + threshold;
  if (due > now_) {
    it.sla_timer_epoch = it.queue_epoch;
    timers_.schedule(due, TimerKind::Sla, i, it.queue_epoch);
    return;
  }
  breach_sla(i, threshold, events);
}

void Core::breach_sla(InteractionIndex i, Duration threshold, std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  it.sla_breached = true;
  QueueRuntime& q = queue_runtimes_[it.queue];
  ++q.sla_breaches;
  events.push_back(Event{now_, SlaBreach{it.id, symbols_.name(q.name), threshold}});
}

void Core::schedule_wait_timers(InteractionIndex i) {
  const Interaction& it = interactions_[i];
  const LinkedQueue& q =
      policy_->queues[static_cast<std::size_t>(queue_runtimes_[it.queue].policy_index)];
  if (it.step + 1 < q.steps.size()) {
    timers_.schedule(it.queued_at + q.steps[it.step + 1].after, TimerKind::Step, i, it.epoch);
  }
  if (q.overflow_to >= 0) {
    timers_.schedule(std::max(now_, it.queued_at + q.overflow_after), TimerKind::Overflow, i,
                     it.epoch);
  }
}

void Core::leave_waiting(InteractionIndex i) {
  Interaction& it = interactions_[i];
  if (it.in_waiting_set) {
    const LinkedQueue& q =
        policy_->queues[static_cast<std::size_t>(queue_runtimes_[it.queue].policy_index)];
    waiting_set(q, it.step, it.channel_index).erase(i);
    it.in_waiting_set = false;
    --queue_runtimes_[it.queue].waiting;
    observe_waiting(it, -1);
  }
  if (it.held_for != kNone) {
    it.held_named = false;
    erase_value(agents_[it.held_for].held, i);
    it.held_for = kNone;
    --queue_runtimes_[it.queue].waiting;
    observe_waiting(it, -1);
  }
}

void Core::hold_for(InteractionIndex i, AgentIndex a, Duration wait, std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  SB_CHECK(it.state == InteractionState::Queued && !it.in_waiting_set && it.held_for == kNone);
  it.held_for = a;
  agents_[a].held.push_back(i);
  ++queue_runtimes_[it.queue].waiting;
  observe_waiting(it, +1);
  ++it.epoch;
  timers_.schedule(now_ + wait, TimerKind::HoldEnd, i, it.epoch);
  check_sla(i, events);
  events.push_back(
      Event{now_, InteractionQueued{it.id, symbols_.name(queue_runtimes_[it.queue].name), it.step,
                                    agent_id(a)}});
}

void Core::overflow(InteractionIndex i, std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  QueueRuntime& from = queue_runtimes_[it.queue];
  const LinkedQueue& q = policy_->queues[static_cast<std::size_t>(from.policy_index)];
  SB_CHECK(q.overflow_to >= 0);
  ++from.overflowed;
  ++stats_.cell(it.queue, it.channel).overflowed;
  leave_waiting(i);
  enter_queue(i, q.overflow_to, false);
  place(i, events, true);
}

}  // namespace sb::core
