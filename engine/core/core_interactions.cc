// Interactions: creation (idempotent), updates, the offer protocol, transfers and endings.
#include <algorithm>
#include <cmath>
#include <string>

#include "engine/common/assert.h"
#include "engine/common/erase_value.h"
#include "engine/common/state_hasher.h"
#include "engine/core/core.h"

namespace sb::core {
namespace {

Error not_found(const std::string& id) {
  return make_error(ErrorCode::NotFound, "interaction_id", "no interaction '" + id + "'");
}

Error wrong_state(InteractionState s, const char* action) {
  return make_error(
      ErrorCode::InvalidState, "state",
      std::string("cannot ") + action + " an interaction that is " + std::string(to_string(s)));
}

void hash_value(StateHasher& h, const AttributeValue& v) {
  h.add(static_cast<std::uint8_t>(v.index()));
  if (const auto* s = std::get_if<std::string>(&v)) h.add(std::string_view(*s));
  if (const auto* d = std::get_if<double>(&v)) h.add(*d);
  if (const auto* b = std::get_if<bool>(&v)) h.add(static_cast<std::uint8_t>(*b));
}

}  // namespace

std::uint64_t Core::content_hash(const CreateInteraction& c) const {
  StateHasher h;
  h.add(std::string_view(c.interaction_id));
  h.add(std::string_view(c.channel));
  h.add(std::string_view(c.customer_id));
  std::vector<const std::pair<std::string, AttributeValue>*> attrs;
  for (const auto& a : c.attributes) attrs.push_back(&a);
  std::sort(attrs.begin(), attrs.end(), [](auto* x, auto* y) { return x->first < y->first; });
  for (const auto* a : attrs) {
    h.add(std::string_view(a->first));
    hash_value(h, a->second);
  }
  h.add(c.sentiment);
  h.add(c.priority);
  return h.digest();
}

InteractionIndex Core::allocate_interaction() {
  if (!free_interactions_.empty()) {
    const InteractionIndex i = free_interactions_.back();
    free_interactions_.pop_back();
    return i;
  }
  interactions_.emplace_back();
  return static_cast<InteractionIndex>(interactions_.size() - 1);
}

Reply Core::reply_for(const Interaction& it) const {
  Reply r;
  r.interaction_id = it.id;
  r.state = it.state;
  if (it.queue != kNone) r.queue = symbols_.name(queue_runtimes_[it.queue].name);
  return r;
}

Result<Reply> Core::create_interaction(const CreateInteraction& c, std::vector<Event>& events) {
  const LinkedPolicy& policy = *policy_;
  if (c.interaction_id.empty() || c.interaction_id.size() > limits_.max_id_length) {
    return make_error(
        ErrorCode::InvalidField, "id",
        "interaction ids are 1 to " + std::to_string(limits_.max_id_length) + " characters");
  }
  const Symbol channel = symbols_.find(c.channel);
  const std::int32_t channel_index = channel == kNoSymbol ? -1 : policy.channel_index(channel);
  if (channel_index < 0) {
    return make_error(ErrorCode::UnknownChannel, "channel",
                      "the policy declares no channel '" + c.channel + "'");
  }
  if (c.customer_id.size() > limits_.max_id_length) {
    return make_error(ErrorCode::InvalidField, "customer_id",
                      "at most " + std::to_string(limits_.max_id_length) + " characters");
  }
  if (!std::isfinite(c.sentiment) || c.sentiment < -1 || c.sentiment > 1) {
    return make_error(ErrorCode::InvalidField, "sentiment", "sentiment is a number from -1 to 1");
  }
  if (!std::isfinite(c.priority) || std::fabs(c.priority) > 1e6) {
    return make_error(ErrorCode::InvalidField, "priority",
                      "priority is a number from -1000000 to 1000000");
  }
  if (auto err = validate_attributes(c.attributes, "attributes")) return *err;

  const std::uint64_t hash = content_hash(c);
  if (const InteractionIndex found = interaction_index_.find(c.interaction_id); found != kNone) {
    const Interaction& existing = interactions_[found];
    if (existing.content_hash != hash) {
      return make_error(ErrorCode::Conflict, "id",
                        "interaction '" + c.interaction_id + "' exists with different content");
    }
    Reply r;
    r.duplicate = true;
    r.interaction_id = c.interaction_id;
    r.state = existing.first_state;
    r.queue = symbols_.name(queue_runtimes_[existing.first_queue].name);
    return r;
  }
  if (live_ >= limits_.max_live_interactions) {
    return make_error(ErrorCode::LimitExceeded, "id", "too many live interactions");
  }

  // Build it aside and choose the queue first: a create that no queue takes changes nothing.
  Interaction draft;
  draft.id = c.interaction_id;
  draft.customer_id = c.customer_id;
  draft.channel = symbols_.intern(c.channel);
  draft.channel_index = static_cast<std::uint32_t>(channel_index);
  // Looked up, not interned, until the create is accepted: a rejected command adds no symbol.
  draft.attributes.reserve(c.attributes.size());  // exactly: they live as long as it does
  bool all_known = true;  // every name and string value is a symbol already (the usual case)
  for (const auto& [key, value] : c.attributes) {
    const Symbol k = symbols_.find(key);
    const AttrValue v = AttrValue::lookup(value, symbols_);
    all_known =
        all_known && k != kNoSymbol && (v.kind != AttrValue::Kind::String || v.sym != kNoSymbol);
    set_attr(draft.attributes, k, v);
  }
  draft.sentiment = c.sentiment;
  draft.priority = c.priority;
  draft.customer = c.customer_id.empty() ? kNone : journeys_.find(c.customer_id);
  const std::int32_t queue = select_queue(draft);
  if (queue < 0) {
    return make_error(ErrorCode::NoQueue, "attributes",
                      "no queue of the policy takes this interaction");
  }

  if (symbols_.size() + 2 * c.attributes.size() > limits_.max_symbols) {
    return make_error(ErrorCode::LimitExceeded, "attributes",
                      "too many distinct attribute names and values");
  }
  if (!all_known) {  // interned now, so the attributes hold real symbols
    draft.attributes.clear();
    for (const auto& [key, value] : c.attributes) {
      set_attr(draft.attributes, symbols_.intern(key), AttrValue::of(value, symbols_));
    }
  }
  const InteractionIndex i = allocate_interaction();
  Interaction& it = interactions_[i];
  draft.epoch = it.epoch + 1;
  draft.queue_epoch = it.queue_epoch;
  it = std::move(draft);
  it.created_at = now_;
  it.content_hash = hash;
  interaction_index_.insert(it.id, i);
  ++live_;
  if (!it.customer_id.empty()) {
    it.customer = journeys_.touch(it.customer_id, now_, it.customer);
    Contact contact;
    contact.interaction_id = it.id;
    contact.channel = it.channel;
    contact.created_at = now_;
    contact.sentiment = static_cast<float>(it.sentiment);
    if (const AttrValue* intent = find_attr(it.attributes, intent_symbol());
        intent && intent->kind == AttrValue::Kind::String) {
      contact.intent = intent->sym;
    }
    observe_contact(it, contact);
    it.journey_seq = journeys_.add_contact(it.customer, std::move(contact), now_);
  }
  enter_queue(i, queue, false);
  it.first_queue = it.queue;
  check_sla(i, events);

  const LinkedQueue& q = policy.queues[static_cast<std::size_t>(queue)];
  bool routed = false;
  if (q.affinity.enabled && q.affinity.preferred_agent_wait.count() > 0) {
    // Preferred-agent wait: the customer's previous agent, if still logged in and eligible.
    if (const Customer* customer = customer_of(it)) {
      for (auto k = customer->contacts.rbegin(); k != customer->contacts.rend(); ++k) {
        if (k->seq == it.journey_seq || k->agent == kNone) continue;
        if (now_ - k->created_at > q.affinity.window) break;
        const AgentIndex prev = k->agent;
        const Agent& agent = agents_[prev];
        if (agent.presence == Presence::Available && agent.slots[it.channel_index].capacity > 0 &&
            eligible_any_step(agent, prev, it, q)) {
          routed = try_preferred(i, prev, DecisionReason::PreferredAgent, events);
          if (!routed) {
            hold_for(i, prev, q.affinity.preferred_agent_wait, events);
            routed = true;  // waiting for that agent
          }
        }
        break;
      }
    }
  }
  if (!routed) {
    place(i, events, true);
  }
  Interaction& done = interactions_[i];
  done.first_state = done.state;
  return reply_for(done);
}

Result<Reply> Core::update_interaction(const UpdateInteraction& c, std::vector<Event>& events) {
  const InteractionIndex found = interaction_index_.find(c.interaction_id);
  if (found == kNone) return not_found(c.interaction_id);
  const InteractionIndex i = found;
  Interaction& it = interactions_[i];
  if (is_terminal(it.state)) return wrong_state(it.state, "update");
  if (c.sentiment && (!std::isfinite(*c.sentiment) || *c.sentiment < -1 || *c.sentiment > 1)) {
    return make_error(ErrorCode::InvalidField, "sentiment", "sentiment is a number from -1 to 1");
  }
  if (c.priority && (!std::isfinite(*c.priority) || std::fabs(*c.priority) > 1e6)) {
    return make_error(ErrorCode::InvalidField, "priority",
                      "priority is a number from -1000000 to 1000000");
  }
  if (c.attributes) {
    if (auto err = validate_attributes(*c.attributes, "attributes")) return *err;
    std::size_t merged = it.attributes.size();
    for (const auto& [key, value] : *c.attributes) {
      const Symbol k = symbols_.find(key);
      if (k == kNoSymbol || !find_attr(it.attributes, k)) ++merged;
    }
    if (merged > limits_.max_attributes) {
      return over_limit("attributes", limits_.max_attributes, "attributes");
    }
  }
  if (c.attributes && symbols_.size() + 2 * c.attributes->size() > limits_.max_symbols) {
    return make_error(ErrorCode::LimitExceeded, "attributes",
                      "too many distinct attribute names and values");
  }
  const double sentiment_before = it.sentiment;
  if (c.sentiment) it.sentiment = *c.sentiment;
  if (c.priority) it.priority = *c.priority;
  if (c.sentiment) observe_sentiment(it, sentiment_before, events);
  if (c.attributes) {
    for (const auto& [key, value] : *c.attributes) {
      set_attr(it.attributes, symbols_.intern(key), AttrValue::of(value, symbols_));
    }
  }
  if (Contact* contact = contact_of(it)) {
    contact->sentiment = static_cast<float>(it.sentiment);
    if (const AttrValue* intent = find_attr(it.attributes, intent_symbol());
        intent && intent->kind == AttrValue::Kind::String) {
      contact->intent = intent->sym;
    }
  }
  if (it.state == InteractionState::Queued && it.held_for == kNone) {
    // Re-evaluate: its queue (wait kept), its order, and whether someone free can take it now.
    leave_waiting(i);
    const std::int32_t queue = select_queue(it);
    if (queue >= 0 && policy_->queues[static_cast<std::size_t>(queue)].runtime != it.queue) {
      enter_queue(i, queue, true);
    }
    place(i, events, false);
  }
  return reply_for(interactions_[i]);
}

Result<Reply> Core::cancel_interaction(const CancelInteraction& c, std::vector<Event>& events) {
  const InteractionIndex found = interaction_index_.find(c.interaction_id);
  if (found == kNone) return not_found(c.interaction_id);
  if (c.reason.size() > limits_.max_string_length) {
    return over_limit("reason", limits_.max_string_length, "characters");
  }
  const InteractionIndex i = found;
  Interaction& it = interactions_[i];
  switch (it.state) {
    case InteractionState::Queued:
    case InteractionState::Offered: {
      AgentIndex agent = kNone;
      if (it.state == InteractionState::Offered) {
        agent = withdraw_offer(i, OfferEndReason::Withdrawn, events);
      } else {
        leave_waiting(i);
      }
      Interaction& w = interactions_[i];
      QueueRuntime& q = queue_runtimes_[w.queue];
      const Duration waited = now_ - w.queued_at;
      observe_outcome(w, false, waited, events);
      ++q.abandoned;
      const std::int32_t pq = q.policy_index;
      if (pq >= 0 && waited <= policy_->queues[static_cast<std::size_t>(pq)].sla.answer_within) {
        ++q.abandoned_within_sla;
      }
      w.outcome = symbols_.intern(c.reason.empty() ? "abandoned" : c.reason);
      events.push_back(Event{now_, InteractionAbandoned{w.id, symbols_.name(q.name), waited}});
      finish(i, InteractionState::Abandoned, events);
      if (agent != kNone) fill_agent(agent, events);
      break;
    }
    case InteractionState::Assigned: {
      const AgentIndex agent = it.agent;
      stats_.cell(it.queue, it.channel).handle_time.observe(to_seconds(now_ - it.answered_at));
      release_slot(agent, it.channel_index);
      it.outcome = symbols_.intern(c.reason.empty() ? "cancelled" : c.reason);
      events.push_back(
          Event{now_, InteractionEnded{it.id, agent_id(agent), InteractionState::Cancelled,
                                       symbols_.name(it.outcome)}});
      finish(i, InteractionState::Cancelled, events);
      fill_agent(agent, events);
      break;
    }
    default:
      return wrong_state(it.state, "cancel");
  }
  return reply_for(interactions_[i]);
}

Result<Reply> Core::transfer_interaction(const TransferInteraction& c, std::vector<Event>& events) {
  const InteractionIndex found = interaction_index_.find(c.interaction_id);
  if (found == kNone) return not_found(c.interaction_id);
  const InteractionIndex i = found;
  const InteractionState state = interactions_[i].state;
  if (state != InteractionState::Queued && state != InteractionState::Offered &&
      state != InteractionState::Assigned) {
    return wrong_state(state, "transfer");
  }
  if (!c.queue.empty() && !c.agent_id.empty()) {
    return make_error(ErrorCode::InvalidField, "queue",
                      "transfer to a queue or to an agent, not both");
  }
  std::int32_t target_queue = -1;
  if (!c.queue.empty()) {
    const Symbol name = symbols_.find(c.queue);
    target_queue = name == kNoSymbol ? -1 : policy_->queue_index(name);
    if (target_queue < 0)
      return make_error(ErrorCode::UnknownQueue, "queue",
                        "the policy declares no queue '" + c.queue + "'");
  }
  AgentIndex target_agent = kNone;
  if (!c.agent_id.empty()) {
    const AgentIndex agent = agent_index_.find(c.agent_id);
    if (agent == kNone)
      return make_error(ErrorCode::NotFound, "agent_id", "no agent '" + c.agent_id + "'");
    target_agent = agent;
    if (agents_[target_agent].slots[interactions_[i].channel_index].capacity == 0) {
      return make_error(ErrorCode::InvalidField, "agent_id",
                        "agent '" + c.agent_id + "' takes nothing on this channel");
    }
  }

  AgentIndex from_agent = kNone;
  if (state == InteractionState::Offered) {
    from_agent = withdraw_offer(i, OfferEndReason::Withdrawn, events);
  } else if (state == InteractionState::Assigned) {
    from_agent = interactions_[i].agent;
    release_slot(from_agent, interactions_[i].channel_index);
  } else {
    leave_waiting(i);
  }
  Interaction& it = interactions_[i];
  QueueRuntime& from = queue_runtimes_[it.queue];
  ++from.transferred_out;
  ++stats_.cell(it.queue, it.channel).transferred;
  if (state == InteractionState::Assigned && agents_[from_agent].kind == AgentKind::Bot) {
    ++stats_.channel(it.channel).bot_escalations;
  }
  ++it.transfers;
  it.agent = kNone;
  it.offer = 0;
  it.state = InteractionState::Queued;
  ++it.epoch;
  const std::string from_queue = symbols_.name(from.name);

  if (target_queue < 0 && target_agent == kNone) {
    events.push_back(Event{now_, InteractionTransferred{it.id, from_queue, "", ""}});
    it.outcome = symbols_.intern("transferred");
    finish(i, InteractionState::Transferred, events);
  } else if (target_queue >= 0) {
    enter_queue(i, target_queue, false);
    it.excluded.clear();
    if (from_agent != kNone && state == InteractionState::Assigned) it.excluded.add(from_agent);
    events.push_back(Event{now_, InteractionTransferred{it.id, from_queue, c.queue, ""}});
    place(i, events, true);
  } else {
    // A new wait starts, in a queue of the current policy (its own may have been reloaded away).
    enter_queue(i, current_policy_queue(it), false);
    it.excluded.remove(target_agent);
    it.held_named = true;
    check_sla(i, events);
    events.push_back(Event{now_, InteractionTransferred{it.id, from_queue, "", c.agent_id}});
    if (!try_preferred(i, target_agent, DecisionReason::NamedAgent, events)) {
      hold_for(i, target_agent, policy_->source->offers.transfer_wait, events);
    }
  }
  if (from_agent != kNone) fill_agent(from_agent, events);
  return reply_for(interactions_[i]);
}

Result<Reply> Core::complete_interaction(const CompleteInteraction& c, std::vector<Event>& events) {
  const InteractionIndex found = interaction_index_.find(c.interaction_id);
  if (found == kNone) return not_found(c.interaction_id);
  if (c.outcome.size() > limits_.max_string_length) {
    return over_limit("outcome", limits_.max_string_length, "characters");
  }
  const InteractionIndex i = found;
  Interaction& it = interactions_[i];
  if (it.state != InteractionState::Assigned) return wrong_state(it.state, "complete");
  it.outcome = symbols_.intern(c.outcome.empty() ? "resolved" : c.outcome);
  const Duration wrap_up = policy_->channels[it.channel_index].config.wrap_up;
  QueueChannelCell& cell = stats_.cell(it.queue, it.channel);
  cell.handle_time.observe(to_seconds(now_ - it.answered_at));
  if (wrap_up.count() > 0) cell.wrap_up_time.observe(to_seconds(wrap_up));
  if (wrap_up.count() > 0) {
    it.state = InteractionState::WrapUp;
    ++it.epoch;
    Agent& agent = agents_[it.agent];
    const bool first_wrap_up = agent.wrap_ups++ == 0;
    timers_.schedule(now_ + wrap_up, TimerKind::WrapUpEnd, i, it.epoch);
    events.push_back(
        Event{now_, InteractionEnded{it.id, symbols_.name(agent.id_sym), InteractionState::WrapUp,
                                     symbols_.name(it.outcome)}});
    if (first_wrap_up && agent.presence == Presence::Available) {
      events.push_back(
          Event{now_, AgentStateChanged{symbols_.name(agent.id_sym), Presence::WrapUp, ""}});
    }
  } else {
    it.state = InteractionState::WrapUp;  // zero-length wrap-up
    ++agents_[it.agent].wrap_ups;
    finish_wrap_up(i, events);
  }
  return reply_for(interactions_[i]);
}

void Core::finish_wrap_up(InteractionIndex i, std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  SB_CHECK(it.state == InteractionState::WrapUp);
  const AgentIndex a = it.agent;
  Agent& agent = agents_[a];
  SB_CHECK(agent.wrap_ups > 0);
  const bool last_wrap_up = --agent.wrap_ups == 0;
  release_slot(a, it.channel_index);
  events.push_back(
      Event{now_, InteractionEnded{it.id, symbols_.name(agent.id_sym), InteractionState::Completed,
                                   symbols_.name(it.outcome)}});
  finish(i, InteractionState::Completed, events);
  if (last_wrap_up && agents_[a].presence == Presence::Available &&
      policy_->channels[interactions_[i].channel_index].config.wrap_up.count() > 0) {
    events.push_back(Event{now_, AgentStateChanged{agent_id(a), Presence::Available, ""}});
  }
  fill_agent(a, events);
}

Result<Reply> Core::accept_offer(const AcceptOffer& c, std::vector<Event>& events) {
  auto found = offers_.find(c.offer_id);
  if (found == offers_.end()) {
    return make_error(ErrorCode::NotFound, "offer_id",
                      "no pending offer " + std::to_string(c.offer_id));
  }
  const InteractionIndex i = found->second;
  Interaction& it = interactions_[i];
  SB_CHECK(it.state == InteractionState::Offered && it.offer == c.offer_id);
  offers_.erase(found);
  Agent& agent = agents_[it.agent];
  --agent.pending_offers;
  it.state = InteractionState::Assigned;
  it.answered_at = now_;
  ++it.epoch;
  agent.consecutive_misses = 0;
  const WellbeingPolicy& wellbeing = policy_->source->wellbeing;
  const AgentIndex a = it.agent;
  if (it.sentiment < wellbeing.negative_below) {
    if (now_ - agent.last_negative_at >= wellbeing.cooldown) agent.consecutive_negative = 0;
    ++agent.consecutive_negative;
    agent.last_negative_at = now_;
    if (wellbeing.max_consecutive_negative > 0 &&
        agent.consecutive_negative >= wellbeing.max_consecutive_negative) {
      timers_.schedule(now_ + wellbeing.cooldown, TimerKind::WellbeingEnd, a, 0);
    }
  } else {
    agent.consecutive_negative = 0;
  }
  QueueRuntime& q = queue_runtimes_[it.queue];
  const Duration waited = now_ - it.queued_at;
  ++q.answered;
  if (q.policy_index >= 0 &&
      waited <= policy_->queues[static_cast<std::size_t>(q.policy_index)].sla.answer_within) {
    ++q.answered_within_sla;
  }
  q.record_answer(now_);
  observe_offer(it, OfferResult::Accepted);
  observe_outcome(it, true, waited, events);
  observe_answer_agent(it);
  if (Contact* contact = contact_of(it)) {
    contact->agent = it.agent;
    contact->answered_at = now_;
  }
  events.push_back(Event{now_, InteractionAssigned{it.id, symbols_.name(agent.id_sym),
                                                   symbols_.name(q.name), c.offer_id, waited}});
  // A reset wellbeing count may let this agent take an upset customer who waits.
  fill_agent(a, events);
  return reply_for(interactions_[i]);
}

Result<Reply> Core::reject_offer(const RejectOffer& c, std::vector<Event>& events) {
  auto found = offers_.find(c.offer_id);
  if (found == offers_.end()) {
    return make_error(ErrorCode::NotFound, "offer_id",
                      "no pending offer " + std::to_string(c.offer_id));
  }
  if (c.reason.size() > limits_.max_string_length) {
    return over_limit("reason", limits_.max_string_length, "characters");
  }
  const InteractionIndex i = found->second;
  end_offer(i, OfferEndReason::Rejected, events);
  return reply_for(interactions_[i]);
}

AgentIndex Core::withdraw_offer(InteractionIndex i, OfferEndReason reason,
                                std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  SB_CHECK(it.state == InteractionState::Offered);
  const AgentIndex a = it.agent;
  offers_.erase(it.offer);
  --agents_[a].pending_offers;
  forget_decision(it);
  events.push_back(Event{now_, OfferEnded{it.offer, agent_id(a), it.id, reason}});
  observe_offer(it, reason == OfferEndReason::Rejected  ? OfferResult::Rejected
                    : reason == OfferEndReason::Expired ? OfferResult::Expired
                                                        : OfferResult::Withdrawn);
  it.agent = kNone;
  it.offer = 0;
  it.state = InteractionState::Queued;
  ++it.epoch;
  release_slot(a, it.channel_index);
  return a;
}

void Core::end_offer(InteractionIndex i, OfferEndReason reason, std::vector<Event>& events) {
  const AgentIndex a = withdraw_offer(i, reason, events);
  Interaction& it = interactions_[i];
  if (reason != OfferEndReason::Withdrawn) it.excluded.add(a);
  place(i, events, true);
  if (reason != OfferEndReason::Withdrawn) {
    Agent& agent = agents_[a];
    ++agent.consecutive_misses;
    const std::uint32_t max_misses = policy_->source->offers.max_consecutive_misses;
    if (max_misses > 0 && agent.consecutive_misses >= max_misses &&
        agent.presence == Presence::Available) {
      ++stats_.agents_set_away;
      set_presence(a, Presence::Away, symbols_.intern("missed_offers"), events);
      return;
    }
  }
  fill_agent(a, events);
}

void Core::finish(InteractionIndex i, InteractionState state, std::vector<Event>& events) {
  (void)events;
  Interaction& it = interactions_[i];
  SB_CHECK(is_terminal(state));
  it.state = state;
  it.ended_at = now_;
  ++it.epoch;
  forget_decision(it);
  if (Contact* contact = contact_of(it)) {
    contact->ended_at = now_;
    contact->outcome = it.outcome;
  }
  observe_end(it);
  SB_CHECK(live_ > 0);
  --live_;
  ended_.push_back(i);
}

}  // namespace sb::core
