#include "bench/driver.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace sb::bench {
namespace {

// A realistic epoch, so that nothing depends on time starting at zero.
constexpr Timestamp kStart{1'700'000'000'000'000};
// Interactions assigned at the steady state, per agent: most agents are busy, yet chat and email
// capacity (3 and 5 slots) leaves many of them room for more.
constexpr double kAssignedPerAgent = 0.9;
constexpr double kAwayShare = 0.02;    // on a break
constexpr double kAcceptShare = 0.95;  // the rest are rejected
// The steady mix after the ramp, in virtual time: long enough for the load to turn over about
// once (the mean handling time is about 70 s) and for waits to reach the later steps.
constexpr Duration kSettle = std::chrono::seconds(90);

}  // namespace

Driver::Driver(std::size_t agents, std::uint64_t seed, std::size_t waiting_target)
    : scenario_(agents, seed, "ix-"),
      rng_(seed ^ 0xD1B54A32D192ED03ull),
      waiting_target_(waiting_target),
      assigned_target_(static_cast<std::size_t>(kAssignedPerAgent * static_cast<double>(agents))),
      away_target_(static_cast<std::size_t>(kAwayShare * static_cast<double>(agents))),
      now_(kStart),
      // A centre of N agents sees commands at a rate proportional to N: 500/s per 10,000 agents,
      // about a 70 s handling time at the target load, whatever the size.
      step_(std::max<std::int64_t>(
          1, 20'000'000 / static_cast<std::int64_t>(std::max<std::size_t>(agents, 1)))) {}

void Driver::register_agents(sb::core::Core& core, std::shared_ptr<const Policy> policy,
                             CommandLog* log) {
  apply(core, SetPolicy{std::move(policy)}, log);
  for (std::size_t a = 0; a < scenario_.agents(); ++a) {
    apply(core, scenario_.agent(a), log);
    apply(core, SetAgentState{agent_id(a), Presence::Available, ""}, log);
  }
}

// The ramp is the morning rush, only arrivals and answers, so that it costs few commands; the
// steady mix then runs long enough to forget how the ramp went.
void Driver::warm_up(sb::core::Core& core, CommandLog* log) {
  const std::size_t limit = 50 * scenario_.agents() + 100'000;  // in case a target is out of reach
  ramping_ = true;
  for (std::size_t k = 0; k < limit; ++k) {
    if (assigned_.size() * 100 >= assigned_target_ * 95 &&
        waiting_.size() * 10 >= waiting_target_ * 9) {
      break;
    }
    step(core, log);
  }
  ramping_ = false;
  const auto settle = static_cast<std::size_t>(kSettle / step_);
  for (std::size_t k = 0; k < settle; ++k) step(core, log);
}

void Driver::run(sb::core::Core& core, std::size_t commands, CommandLog* log) {
  if (log != nullptr) log->reserve(log->size() + commands);
  for (std::size_t k = 0; k < commands; ++k) step(core, log);
}

void Driver::step(sb::core::Core& core, CommandLog* log) { apply(core, next_command(), log); }

void Driver::apply(sb::core::Core& core, Command command, CommandLog* log) {
  if (!core.apply(command, now_, events_).ok()) ++rejected_;
  for (const Event& e : events_) observe(e);
  events_.clear();
  if (log != nullptr) log->push_back(LoggedCommand{now_, std::move(command)});
  now_ = now_ + step_;
}

void Driver::observe(const Event& event) {
  if (const auto* e = std::get_if<OfferCreated>(&event.body)) {
    offers_.insert(e->offer_id);
    waiting_.erase(e->interaction.id);
  } else if (const auto* e = std::get_if<OfferEnded>(&event.body)) {
    offers_.erase(e->offer_id);  // the interaction is queued again (an event follows) or gone
  } else if (const auto* e = std::get_if<InteractionQueued>(&event.body)) {
    waiting_.insert(e->interaction_id);
  } else if (const auto* e = std::get_if<InteractionAssigned>(&event.body)) {
    assigned_.insert(e->interaction_id);
  } else if (const auto* e = std::get_if<InteractionAbandoned>(&event.body)) {
    waiting_.erase(e->interaction_id);
  } else if (const auto* e = std::get_if<AgentStateChanged>(&event.body)) {
    const std::int64_t a = agent_index(e->agent_id);
    if (a < 0) return;
    if (e->presence == Presence::Away || e->presence == Presence::Offline) {
      away_.insert(static_cast<std::size_t>(a));
    } else {
      away_.erase(static_cast<std::size_t>(a));
    }
  }
}

// The mix. Offers are answered soon after they are made, and 5% are rejected. Arrivals are
// constant; completions run faster while more than kAssignedPerAgent x agents interactions are
// assigned and slower below it, which holds the load there. The backlog is honest: while fewer
// than `waiting_target` interactions wait, half of the arrivals are a surge of voice calls about
// kHotIntents intents, more than the agents trained in them can take (they can also be busy
// with their other queues), so those calls wait and climb the escalation steps while agents of
// other skills still have free chat and email slots. Customers abandon, sentiment changes while
// waiting or talking, agents take breaks, and supervisors now and then re-skill an agent.
Command Driver::next_command() {
  const double w_offer = offers_.empty() ? 0 : 30;
  const double w_create = 25;
  if (ramping_) {
    if (rng_.unit() * (w_offer + w_create) < w_offer) return answer_offer();
    return scenario_.interaction(rng_, waiting_.size() < waiting_target_ && rng_.chance(0.5));
  }
  const double w_complete = assigned_.empty() ? 0 : (assigned_.size() > assigned_target_ ? 35 : 5);
  const double w_update = waiting_.empty() && assigned_.empty() ? 0 : 8;
  const double w_abandon = waiting_.empty() ? 0 : 2;
  const double w_presence = 3;
  const double w_reskill = 0.5;
  double r = rng_.unit() *
             (w_offer + w_create + w_complete + w_update + w_abandon + w_presence + w_reskill);
  if ((r -= w_offer) < 0) return answer_offer();
  if ((r -= w_create) < 0) {
    const bool surge = waiting_.size() < waiting_target_ && rng_.chance(0.5);
    return scenario_.interaction(rng_, surge);
  }
  if ((r -= w_complete) < 0) return complete();
  if ((r -= w_update) < 0) return update_sentiment();
  if ((r -= w_abandon) < 0) return abandon();
  if ((r -= w_presence) < 0) return toggle_presence();
  return reskill();
}

Command Driver::answer_offer() {
  const OfferId offer = offers_.pick(rng_);
  offers_.erase(offer);
  if (rng_.chance(kAcceptShare)) return AcceptOffer{offer};
  return RejectOffer{offer, "busy"};
}

Command Driver::complete() {
  std::string id = assigned_.pick(rng_);
  assigned_.erase(id);
  return CompleteInteraction{std::move(id), "resolved"};
}

Command Driver::update_sentiment() {
  const bool of_waiting = !waiting_.empty() && (assigned_.empty() || rng_.chance(0.5));
  UpdateInteraction u;
  u.interaction_id = of_waiting ? waiting_.pick(rng_) : assigned_.pick(rng_);
  u.sentiment = -1.0 + 2.0 * rng_.unit();
  return u;
}

Command Driver::abandon() {
  std::string id = waiting_.pick(rng_);
  waiting_.erase(id);
  return CancelInteraction{std::move(id), "abandoned"};
}

Command Driver::toggle_presence() {
  if (!away_.empty() && (away_.size() >= away_target_ || rng_.chance(0.5))) {
    return SetAgentState{agent_id(away_.pick(rng_)), Presence::Available, ""};
  }
  std::size_t a = rng_.below(scenario_.agents());
  for (int tries = 0; tries < 8 && away_.contains(a); ++tries) a = rng_.below(scenario_.agents());
  return SetAgentState{agent_id(a), Presence::Away, "break"};
}

// A supervisor changes one proficiency; capacities stay, so the update never conflicts with load.
Command Driver::reskill() {
  UpsertAgent u = scenario_.agent(rng_.below(scenario_.agents()));
  auto& skill = u.skills[rng_.below(u.skills.size())];
  skill.second = static_cast<int>(1 + rng_.below(10));
  return u;
}

}  // namespace sb::bench
