#include "engine/sim/whatif_recording.h"

#include <type_traits>

namespace sb::sim {
namespace {

// The index of T among the alternatives of Command, for a switch on command.index().
template <typename T, std::size_t I = 0>
constexpr std::size_t variant_index() {
  if constexpr (std::is_same_v<std::variant_alternative_t<I, Command>, T>) {
    return I;
  } else {
    return variant_index<T, I + 1>();
  }
}

// The command's interaction id if it is a T, else empty.
template <typename T>
std::string_view id_if(const Command* command) {
  if (command == nullptr) return {};
  const T* c = std::get_if<T>(command);
  return c != nullptr ? std::string_view(c->interaction_id) : std::string_view();
}

constexpr std::string_view kMissedOffers = "missed_offers";

}  // namespace

void RecordingBuilder::start(Timestamp at) {
  if (observer_) return;
  observer_.emplace(at);
  r_.start = at;
}

std::int32_t RecordingBuilder::contact_of(const std::string& id) const {
  auto it = contact_index_.find(id);
  return it == contact_index_.end() ? -1 : it->second;
}

void RecordingBuilder::timers(std::span<const Event> events) {
  if (events.empty()) return;
  start(events.front().time);
  Step none;
  for (const Event& e : events) {
    observer_->on_event(e);
    on_event(e, none);
  }
}

void RecordingBuilder::command(std::uint64_t sequence, Timestamp at, const Command& command,
                               const Result<Reply>& result, std::span<const Event> events) {
  start(at);
  ++r_.commands;
  Step step;
  step.sequence = sequence;
  step.command = &command;
  const bool ok = result.ok();
  if (const auto* c = std::get_if<CreateInteraction>(&command)) {
    if (!ok || !result.value().duplicate) {
      RecordedContact contact;
      contact.id = c->interaction_id;
      contact.channel = c->channel;
      contact.created = at;
      contact.first = ok ? FirstLeg::Waiting : FirstLeg::NotCreated;
      step.contact = static_cast<std::int32_t>(r_.contacts.size());
      r_.contacts.push_back(std::move(contact));
      tracking_.emplace_back();
      if (ok) {
        contact_index_[c->interaction_id] = step.contact;
        observer_->created(*c, at);
      }
    }
  } else if (const auto* p = std::get_if<SetPolicy>(&command); p != nullptr && ok) {
    r_.policy_versions.push_back(p->policy->version);
    observer_->use_policy(*p->policy);
  } else if (const auto* s = std::get_if<SetAgentState>(&command); s != nullptr && ok) {
    // The agent's first word after the core set it away for missed offers: back, or not.
    if (auto it = away_since_.find(s->agent_id); it != away_since_.end()) {
      if (s->state == Presence::Available) r_.back_after_missed.push_back(at - it->second);
      away_since_.erase(it);
    }
  }
  observer_->command(result);
  for (const Event& e : events) {
    observer_->on_event(e);
    on_event(e, step);
  }
  add_script(sequence, at, command, ok, step);
}

void RecordingBuilder::add_script(std::uint64_t sequence, Timestamp at, const Command& command,
                                  bool accepted, const Step& step) {
  ScriptItem item;
  item.sequence = sequence;
  item.at = at;
  item.accepted_live = accepted;
  switch (command.index()) {
    case variant_index<UpsertAgent>():
    case variant_index<SetAgentState>():
    case variant_index<UpdateInteraction>():
      break;
    case variant_index<CreateInteraction>():
      item.contact = step.contact;
      break;
    case variant_index<SetPolicy>():
      if (!accepted) return;
      item.install_candidate = true;
      r_.script.push_back(std::move(item));  // without the recorded policy: not needed
      return;
    case variant_index<CancelInteraction>():
    case variant_index<TransferInteraction>():
      if (!step.waiting_cancel && !step.waiting_transfer) return;  // a leg's end, or refused
      item.contact = step.contact;
      item.if_waiting_after_legs = step.legs;
      break;
    default:
      return;  // agents' answers and completions: modelled, not replayed
  }
  item.command = command;
  r_.script.push_back(std::move(item));
}

void RecordingBuilder::on_event(const Event& event, Step& step) {
  const Timestamp t = event.time;
  if (const auto* e = std::get_if<OfferCreated>(&event.body)) {
    const std::int32_t c = contact_of(e->interaction.id);
    if (c < 0) return;
    auto& offers = r_.contacts[static_cast<std::size_t>(c)].offers;
    offers.push_back(RecordedOffer{.agent = e->agent_id});
    offers_[e->offer_id] = OpenOffer{c, static_cast<std::uint32_t>(offers.size() - 1), t};
  } else if (const auto* e = std::get_if<OfferEnded>(&event.body)) {
    auto it = offers_.find(e->offer_id);
    if (it == offers_.end()) return;
    RecordedOffer& o =
        r_.contacts[static_cast<std::size_t>(it->second.contact)].offers[it->second.index];
    o.delay = t - it->second.at;
    switch (e->reason) {
      case OfferEndReason::Rejected:
        o.outcome = OfferOutcome::Rejected;
        o.answer_sequence = step.sequence;
        if (const auto* reject = step.command ? std::get_if<RejectOffer>(step.command) : nullptr)
          o.reason = reject->reason;
        break;
      case OfferEndReason::Expired:
        o.outcome = OfferOutcome::Expired;
        break;
      case OfferEndReason::Withdrawn:
        o.outcome = OfferOutcome::Withdrawn;
        break;
    }
    offers_.erase(it);
  } else if (const auto* e = std::get_if<InteractionAssigned>(&event.body)) {
    const std::int32_t c = contact_of(e->interaction_id);
    if (c < 0) return;
    RecordedContact& contact = r_.contacts[static_cast<std::size_t>(c)];
    if (auto it = offers_.find(e->offer_id); it != offers_.end()) {
      RecordedOffer& o = contact.offers[it->second.index];
      o.outcome = OfferOutcome::Accepted;
      o.delay = t - it->second.at;
      o.answer_sequence = step.sequence;
      offers_.erase(it);
    }
    contact.legs.push_back(RecordedLeg{.agent = e->agent_id});
    tracking_[static_cast<std::size_t>(c)] = Tracking{t, true};
    if (contact.legs.size() == 1) {
      contact.first = FirstLeg::Answered;
      contact.first_wait = t - contact.created;
    }
  } else if (const auto* e = std::get_if<InteractionAbandoned>(&event.body)) {
    const std::int32_t c = contact_of(e->interaction_id);
    if (c < 0) return;
    RecordedContact& contact = r_.contacts[static_cast<std::size_t>(c)];
    if (contact.legs.empty()) {
      contact.first = FirstLeg::Abandoned;
      contact.first_wait = t - contact.created;
    }
    if (id_if<CancelInteraction>(step.command) == e->interaction_id) {
      step.waiting_cancel = true;
      step.contact = c;
      step.legs = static_cast<std::int32_t>(contact.legs.size());
    }
  } else if (const auto* e = std::get_if<InteractionEnded>(&event.body)) {
    const std::int32_t c = contact_of(e->interaction_id);
    if (c < 0 || !tracking_[static_cast<std::size_t>(c)].leg_open) return;
    Tracking& tr = tracking_[static_cast<std::size_t>(c)];
    RecordedLeg& leg = r_.contacts[static_cast<std::size_t>(c)].legs.back();
    leg.end = e->state == InteractionState::Cancelled ? LegEnd::Cancel : LegEnd::Complete;
    leg.outcome = e->outcome;
    leg.handle = t - tr.leg_started;
    leg.end_sequence = step.sequence;
    tr.leg_open = false;
  } else if (const auto* e = std::get_if<InteractionTransferred>(&event.body)) {
    const std::int32_t c = contact_of(e->interaction_id);
    if (c < 0) return;
    Tracking& tr = tracking_[static_cast<std::size_t>(c)];
    RecordedContact& contact = r_.contacts[static_cast<std::size_t>(c)];
    if (tr.leg_open) {
      RecordedLeg& leg = contact.legs.back();
      leg.end = LegEnd::Transfer;
      leg.to_queue = e->to_queue;
      leg.to_agent = e->to_agent;
      leg.handle = t - tr.leg_started;
      leg.end_sequence = step.sequence;
      tr.leg_open = false;
    } else if (id_if<TransferInteraction>(step.command) == e->interaction_id) {
      step.waiting_transfer = true;
      step.contact = c;
      step.legs = static_cast<std::int32_t>(contact.legs.size());
    }
  } else if (const auto* e = std::get_if<AgentStateChanged>(&event.body)) {
    if (e->presence != Presence::Away || e->reason != kMissedOffers) return;
    r_.missed_offer_aways.emplace_back(e->agent_id, t);
    away_since_[e->agent_id] = t;
  }
}

Recording RecordingBuilder::finish(Timestamp end) {
  start(end);
  for (RecordedContact& c : r_.contacts) {
    if (c.first == FirstLeg::Waiting) c.first_wait = end - c.created;
  }
  for (const auto& [id, open] : offers_) {
    r_.contacts[static_cast<std::size_t>(open.contact)].offers[open.index].delay = end - open.at;
  }
  for (std::size_t c = 0; c < tracking_.size(); ++c) {
    if (tracking_[c].leg_open) r_.contacts[c].legs.back().handle = end - tracking_[c].leg_started;
  }
  r_.end = end;
  r_.measured = observer_->finish(end);
  return std::move(r_);
}

}  // namespace sb::sim
