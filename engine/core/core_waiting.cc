// Waiting: which queue an interaction enters, its escalation step, its place in the waiting sets,
// holds for a preferred or named agent, SLA and overflow deadlines.
#include <algorithm>

#include "engine/common/assert.h"
#include "engine/core/core.h"

namespace sb::core {

std::int32_t Core::select_queue(const Interaction& it) const {
  const LinkedPolicy& policy = *policy_;
  EvalContext ctx;
  ctx.interaction = &it;
  ctx.customer = customer_of(it);
  ctx.agents = &agents_;
  ctx.now = now_;
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
  if (it.queue != q.runtime) ++queue_runtimes_[q.runtime].entered;
  it.queue = q.runtime;
  if (!keep_wait) {
    it.queued_at = now_;
    it.sla_breached = false;
  }
  ++it.queue_epoch;
  if (!it.sla_breached) {
    timers_.schedule(std::max(now_, it.queued_at + q.sla.answer_within), TimerKind::Sla, i,
                     it.queue_epoch);
  }
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

Core::WaitingSet& Core::waiting_set(const LinkedQueue& q, std::uint32_t step,
                                    std::uint32_t channel) {
  return waiting_[q.waiting_offset + step * policy_->channels.size() + channel];
}

void Core::enqueue(InteractionIndex i, std::vector<Event>& events, bool announce) {
  Interaction& it = interactions_[i];
  SB_CHECK(it.state == InteractionState::Queued && !it.in_waiting_set && it.held_for == kNone);
  std::int32_t pq = queue_runtimes_[it.queue].policy_index;
  if (pq < 0) {
    // Its queue left the policy (a reload while it was with an agent): route it afresh.
    pq = select_queue(it);
    if (pq < 0) pq = static_cast<std::int32_t>(policy_->queues.size()) - 1;
    enter_queue(i, pq, false);
  }
  const LinkedQueue& q = policy_->queues[static_cast<std::size_t>(pq)];
  it.step = step_for_wait(q, now_ - it.queued_at);
  it.order_key = order_key(it, q);
  it.wait_seq = next_wait_seq_++;
  waiting_set(q, it.step, it.channel_index)
      .insert(WaitKey{it.order_key, it.queued_at.us, it.wait_seq, i});
  it.in_waiting_set = true;
  ++queue_runtimes_[it.queue].waiting;
  ++it.epoch;
  schedule_wait_timers(i);
  if (announce) {
    events.push_back(Event{now_, InteractionQueued{it.id, symbols_.name(q.name), it.step, {}}});
  }
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
    const std::size_t erased = waiting_set(q, it.step, it.channel_index)
                                   .erase(WaitKey{it.order_key, it.queued_at.us, it.wait_seq, i});
    SB_CHECK(erased == 1);
    it.in_waiting_set = false;
    --queue_runtimes_[it.queue].waiting;
  }
  if (it.held_for != kNone) {
    std::vector<InteractionIndex>& held = agents_[it.held_for].held;
    held.erase(std::remove(held.begin(), held.end(), i), held.end());
    it.held_for = kNone;
    --queue_runtimes_[it.queue].waiting;
  }
}

void Core::hold_for(InteractionIndex i, AgentIndex a, Duration wait, std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  SB_CHECK(it.state == InteractionState::Queued && !it.in_waiting_set && it.held_for == kNone);
  it.held_for = a;
  agents_[a].held.push_back(i);
  ++queue_runtimes_[it.queue].waiting;
  ++it.epoch;
  timers_.schedule(now_ + wait, TimerKind::HoldEnd, i, it.epoch);
  events.push_back(
      Event{now_, InteractionQueued{it.id, symbols_.name(queue_runtimes_[it.queue].name), it.step,
                                    agents_[a].id}});
}

void Core::overflow(InteractionIndex i, std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  QueueRuntime& from = queue_runtimes_[it.queue];
  const LinkedQueue& q = policy_->queues[static_cast<std::size_t>(from.policy_index)];
  SB_CHECK(q.overflow_to >= 0);
  ++from.overflowed;
  leave_waiting(i);
  enter_queue(i, q.overflow_to, false);
  enqueue(i, events, true);
  route(i, events);
}

}  // namespace sb::core
