#include "engine/sim/whatif_run.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <queue>
#include <set>
#include <string_view>
#include <unordered_map>

#include "engine/core/core.h"
#include "engine/sim/kpi_observer.h"
#include "engine/sim/random.h"

namespace sb::sim {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
// The run's own actions sort after every recorded command of the same microsecond.
constexpr std::uint64_t kModelled = 1ull << 62;
constexpr std::size_t kRefusalsKept = 10;
constexpr std::string_view kMissedOffers = "missed_offers";

enum class Kind : std::uint8_t { Answer, End, Abandon, Back };

struct Pending {
  std::int64_t at_us = 0;
  std::uint64_t seq = 0;  // a recorded command's sequence, or kModelled + n
  Kind kind = Kind::Answer;
  std::int32_t contact = -1;
  std::uint32_t leg = 0;  // End: which answered leg
  OfferId offer = 0;      // Answer
  bool accept = false;    // Answer
  LegEnd end = LegEnd::Complete;
  std::string_view text{};                // a reject's reason; a complete's outcome
  const RecordedLeg* recorded = nullptr;  // End: a transfer's target
  std::string agent{};                    // Back
  bool operator>(const Pending& o) const {
    return at_us != o.at_us ? at_us > o.at_us : seq > o.seq;
  }
};

struct ContactRun {
  std::uint32_t legs = 0;        // answered in this run
  std::vector<bool> offer_used;  // recorded offers already matched
  std::optional<Rng> rng;        // its own stream: draws do not depend on other contacts
};

std::string subject(const Command& command) {
  return std::visit(
      [](const auto& c) -> std::string {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, UpsertAgent> || std::is_same_v<T, SetAgentState>) {
          return c.agent_id;
        } else if constexpr (std::is_same_v<T, CreateInteraction>) {
          return c.interaction_id;
        } else {
          return "";
        }
      },
      command);
}

class Runner {
 public:
  Runner(const Recording& r, const BehaviourModel& m, std::shared_ptr<const Policy> p,
         const WhatIfOptions& o)
      : r_(r), model_(m), candidate_(std::move(p)), options_(o), observer_(r.start) {
    runs_.resize(r_.contacts.size());
    for (const auto& [agent, at] : r_.missed_offer_aways) recorded_aways_.emplace(agent, at.us);
  }

  WhatIfResult run();

 private:
  void schedule(Pending p) {
    if (p.seq == 0) p.seq = kModelled + next_seq_++;
    pending_.push(std::move(p));
  }
  Result<Reply> apply(const Command& command, Timestamp at);
  void observe();
  void install(Timestamp at);
  void play(const ScriptItem& item);
  void create(const ScriptItem& item);
  void check_refusal(const ScriptItem& item, const Result<Reply>& r);
  bool waiting(std::int32_t contact, std::uint32_t legs) const;
  std::int32_t contact_of(const std::string& id) const;
  Rng& rng(std::int32_t contact);
  void handle(const Pending& p);
  void end_leg(const Pending& p, const std::string& id, Timestamp at);
  void on_event(const Event& e);
  void answer_offer(std::int32_t contact, const std::string& agent, OfferId offer, Timestamp t);
  void handle_leg(std::int32_t contact, std::uint32_t leg, const std::string& agent, Timestamp t);
  void patience(std::int32_t contact, Timestamp created);

  const Recording& r_;
  const BehaviourModel& model_;
  std::shared_ptr<const Policy> candidate_;
  WhatIfOptions options_;
  core::Core core_;
  KpiObserver observer_;
  std::vector<Event> events_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::uint64_t next_seq_ = 0;
  std::vector<ContactRun> runs_;
  std::unordered_map<std::string, std::int32_t> ids_;  // live id -> contact
  std::set<std::pair<std::string, std::int64_t>> recorded_aways_;
  bool failed_ = false;
  WhatIfResult result_;
};

WhatIfResult Runner::run() {
  const std::vector<ScriptItem>& script = r_.script;
  const bool placed = std::any_of(script.begin(), script.end(),
                                  [](const ScriptItem& i) { return i.install_candidate; });
  if (!placed) install(r_.start);
  std::size_t next = 0;
  while (!failed_) {
    const auto deadline = core_.next_deadline();
    const std::int64_t core_at = deadline ? deadline->us : kNever;
    std::int64_t item_at = kNever;
    bool from_script = false;
    if (next < script.size()) {
      item_at = script[next].at.us;
      from_script = true;
    }
    if (!pending_.empty()) {
      const Pending& p = pending_.top();
      if (!from_script || p.at_us < item_at ||
          (p.at_us == item_at && p.seq < script[next].sequence)) {
        item_at = p.at_us;
        from_script = false;
      }
    }
    const std::int64_t at = std::min(core_at, item_at);
    if (at == kNever || at > r_.end.us) break;
    if (core_at <= item_at) {  // timers first, as Core::apply fires them before a command
      core_.advance(*deadline, events_);
      observe();
    } else if (from_script) {
      play(script[next++]);
    } else {
      const Pending p = pending_.top();
      pending_.pop();
      handle(p);
    }
  }
  result_.measured = observer_.finish(r_.end);
  return std::move(result_);
}

Result<Reply> Runner::apply(const Command& command, Timestamp at) {
  Result<Reply> r = core_.apply(command, at, events_);
  observer_.command(r);
  observe();
  return r;
}

void Runner::observe() {
  for (const Event& e : events_) {
    observer_.on_event(e);
    on_event(e);
  }
  events_.clear();
}

void Runner::install(Timestamp at) {
  const Result<Reply> r = apply(SetPolicy{candidate_}, at);
  if (!r.ok()) {
    result_.install_error = r.error().message;
    failed_ = true;
    return;
  }
  observer_.use_policy(*candidate_);
}

std::int32_t Runner::contact_of(const std::string& id) const {
  auto it = ids_.find(id);
  return it == ids_.end() ? -1 : it->second;
}

Rng& Runner::rng(std::int32_t contact) {
  std::optional<Rng>& g = runs_[static_cast<std::size_t>(contact)].rng;
  if (!g)
    g.emplace(options_.seed ^ (0x9E37'79B9'7F4A'7C15ull * static_cast<std::uint64_t>(contact + 1)));
  return *g;
}

// Whether the contact's interaction waits (queued or offered) in this run with `legs` answered.
bool Runner::waiting(std::int32_t contact, std::uint32_t legs) const {
  const std::string& id = r_.contacts[static_cast<std::size_t>(contact)].id;
  if (contact_of(id) != contact || runs_[static_cast<std::size_t>(contact)].legs != legs)
    return false;
  const auto status = core_.status(id);
  return status &&
         (status->state == InteractionState::Queued || status->state == InteractionState::Offered);
}

// ---- the script

void Runner::play(const ScriptItem& item) {
  if (item.install_candidate) {
    install(item.at);
    return;
  }
  if (item.if_waiting_after_legs >= 0) {
    if (!waiting(item.contact, static_cast<std::uint32_t>(item.if_waiting_after_legs))) return;
    result_.counts.abandons_recorded += std::holds_alternative<CancelInteraction>(item.command);
    (void)apply(item.command, item.at);
    return;
  }
  if (std::holds_alternative<CreateInteraction>(item.command)) {
    create(item);
    return;
  }
  check_refusal(item, apply(item.command, item.at));
}

void Runner::create(const ScriptItem& item) {
  const auto& c = std::get<CreateInteraction>(item.command);
  Result<Reply> r = core_.apply(item.command, item.at, events_);
  if (r.ok() && !r.value().duplicate) {
    observer_.created(c, item.at);
    if (item.contact >= 0) {
      ids_[c.interaction_id] = item.contact;
      runs_[static_cast<std::size_t>(item.contact)] = ContactRun{};
      patience(item.contact, item.at);
    }
  }
  observer_.command(r);
  observe();
  check_refusal(item, r);
}

void Runner::check_refusal(const ScriptItem& item, const Result<Reply>& r) {
  if (r.ok() || !item.accepted_live) return;
  const ErrorCode code = r.error().code;
  if (code == ErrorCode::NoQueue || code == ErrorCode::CapacityBelowLoad) return;  // the run's
  if (std::holds_alternative<UpdateInteraction>(item.command)) return;  // ended sooner here
  if (result_.refusals.size() < kRefusalsKept) {
    result_.refusals.push_back("sequence " + std::to_string(item.sequence) + " (" +
                               std::string(command_name(item.command)) + " '" +
                               subject(item.command) + "'): " + r.error().message);
  }
  ++result_.refusal_count;
}

// ---- customers and agents

void Runner::patience(std::int32_t contact, Timestamp created) {
  const RecordedContact& rc = r_.contacts[static_cast<std::size_t>(contact)];
  Duration known{0};
  if (rc.first == FirstLeg::Answered) {
    known = rc.first_wait;
  } else if (rc.first != FirstLeg::NotCreated) {
    return;  // abandoned: the script has the recorded moment; still waiting: never in the window
  }
  ++result_.counts.patience_drawn;
  const auto p = model_.patience(rc.channel, known, rng(contact));
  if (!p || (created + *p).us > r_.end.us) return;
  schedule(Pending{.at_us = (created + *p).us, .kind = Kind::Abandon, .contact = contact});
}

void Runner::answer_offer(std::int32_t contact, const std::string& agent, OfferId offer,
                          Timestamp t) {
  const RecordedContact& rc = r_.contacts[static_cast<std::size_t>(contact)];
  ContactRun& run = runs_[static_cast<std::size_t>(contact)];
  run.offer_used.resize(rc.offers.size());
  Duration floor{0};
  for (std::size_t k = 0; k < rc.offers.size(); ++k) {
    const RecordedOffer& o = rc.offers[k];
    if (run.offer_used[k] || o.agent != agent) continue;
    run.offer_used[k] = true;
    if (o.outcome == OfferOutcome::Accepted || o.outcome == OfferOutcome::Rejected) {
      ++result_.counts.answers_recorded;
      schedule(Pending{.at_us = (t + o.delay).us,
                       .seq = o.answer_sequence,
                       .kind = Kind::Answer,
                       .contact = contact,
                       .offer = offer,
                       .accept = o.outcome == OfferOutcome::Accepted,
                       .text = o.reason});
      return;
    }
    if (o.outcome == OfferOutcome::Expired) {
      ++result_.counts.answers_recorded;  // the core's offer timeout does the rest
      return;
    }
    // Withdrawn or still ringing at the end: the agent had not answered after that long.
    floor = o.delay + Duration{1};
    break;
  }
  const auto draw = model_.answer(agent, rc.channel, rng(contact));
  if (!draw) {
    ++result_.counts.answers_default;
    schedule(Pending{.at_us = (t + floor).us,
                     .kind = Kind::Answer,
                     .contact = contact,
                     .offer = offer,
                     .accept = true});
    return;
  }
  ++result_.counts.answers_modelled;
  if (draw->outcome == OfferOutcome::Expired) return;
  schedule(Pending{.at_us = (t + std::max(draw->delay, floor)).us,
                   .kind = Kind::Answer,
                   .contact = contact,
                   .offer = offer,
                   .accept = draw->outcome == OfferOutcome::Accepted,
                   .text = "declined"});
}

void Runner::handle_leg(std::int32_t contact, std::uint32_t leg, const std::string& agent,
                        Timestamp t) {
  const RecordedContact& rc = r_.contacts[static_cast<std::size_t>(contact)];
  Duration floor{0};
  if (leg < rc.legs.size()) {
    const RecordedLeg& rl = rc.legs[leg];
    if (rl.end != LegEnd::Open) {
      ++result_.counts.handles_recorded;
      schedule(Pending{.at_us = (t + rl.handle).us,
                       .seq = rl.end_sequence,
                       .kind = Kind::End,
                       .contact = contact,
                       .leg = leg,
                       .end = rl.end,
                       .text = rl.outcome,
                       .recorded = &rl});
      return;
    }
    floor = rl.handle + Duration{1};  // still being handled when the recording ended
  }
  const auto draw = model_.handle(agent, rc.channel, rng(contact));
  if (!draw) {
    ++result_.counts.handles_unknown;
    return;
  }
  ++result_.counts.handles_modelled;
  schedule(Pending{.at_us = (t + std::max(draw->handle, floor)).us,
                   .kind = Kind::End,
                   .contact = contact,
                   .leg = leg,
                   .end = draw->end,
                   .text = draw->outcome});
}

void Runner::on_event(const Event& event) {
  if (const auto* e = std::get_if<OfferCreated>(&event.body)) {
    const std::int32_t c = contact_of(e->interaction.id);
    if (c >= 0) answer_offer(c, e->agent_id, e->offer_id, event.time);
  } else if (const auto* e = std::get_if<InteractionAssigned>(&event.body)) {
    const std::int32_t c = contact_of(e->interaction_id);
    if (c < 0) return;
    const std::uint32_t leg = runs_[static_cast<std::size_t>(c)].legs++;
    handle_leg(c, leg, e->agent_id, event.time);
  } else if (const auto* e = std::get_if<AgentStateChanged>(&event.body)) {
    if (e->presence != Presence::Away || e->reason != kMissedOffers) return;
    // Away as it was live: the recording brings the agent back at its recorded time.
    if (recorded_aways_.count({e->agent_id, event.time.us}) != 0) return;
    schedule(Pending{.at_us = (event.time + model_.back_after_missed()).us,
                     .kind = Kind::Back,
                     .agent = e->agent_id});
  }
}

void Runner::handle(const Pending& p) {
  const Timestamp at{p.at_us};
  if (p.kind == Kind::Back) {
    const auto agent = core_.agent(p.agent);
    if (!agent || agent->presence != Presence::Away || agent->reason != kMissedOffers) return;
    ++result_.counts.back_from_away;
    (void)apply(SetAgentState{p.agent, Presence::Available, ""}, at);
    return;
  }
  const std::string& id = r_.contacts[static_cast<std::size_t>(p.contact)].id;
  if (contact_of(id) != p.contact) return;
  const auto status = core_.status(id);
  if (!status) return;
  switch (p.kind) {
    case Kind::Answer:
      if (status->state != InteractionState::Offered || status->offer_id != p.offer) return;
      if (p.accept) {
        (void)apply(AcceptOffer{p.offer}, at);
      } else {
        (void)apply(RejectOffer{p.offer, std::string(p.text)}, at);
      }
      break;
    case Kind::End:
      if (status->state != InteractionState::Assigned ||
          runs_[static_cast<std::size_t>(p.contact)].legs != p.leg + 1) {
        return;
      }
      end_leg(p, id, at);
      break;
    case Kind::Abandon:
      if (!waiting(p.contact, 0)) return;
      ++result_.counts.abandons_drawn;
      (void)apply(CancelInteraction{id, "abandoned"}, at);
      break;
    case Kind::Back:
      break;
  }
}

void Runner::end_leg(const Pending& p, const std::string& id, Timestamp at) {
  switch (p.end) {
    case LegEnd::Cancel:
      (void)apply(CancelInteraction{id, std::string(p.text)}, at);
      return;
    case LegEnd::Transfer:
      if (apply(TransferInteraction{id, p.recorded->to_queue, p.recorded->to_agent}, at).ok())
        return;
      ++result_.counts.transfers_refused;
      [[fallthrough]];
    case LegEnd::Complete:
    case LegEnd::Open:
      (void)apply(CompleteInteraction{id, p.text.empty() ? "resolved" : std::string(p.text)}, at);
      return;
  }
}

}  // namespace

WhatIfResult run_candidate(const Recording& recording, const BehaviourModel& model,
                           std::shared_ptr<const Policy> candidate, const WhatIfOptions& options) {
  return Runner(recording, model, std::move(candidate), options).run();
}

}  // namespace sb::sim
