#include "tests/sim/random_world.h"

#include <memory>

namespace sb::sim {
namespace {

using namespace std::chrono_literals;

Expr skill_at_least(const std::string& skill, double level) {
  return expr::binary(ExprOp::Ge, expr::skill(skill), expr::literal(level));
}
Expr intent_is(const std::string& intent) {
  return expr::binary(ExprOp::Eq, expr::interaction_attribute("intent"), expr::literal(intent));
}
Expr speaks_language() {
  return expr::binary(ExprOp::Has, expr::ref(RefKind::AgentLanguages),
                      expr::interaction_attribute("language"));
}

const char* const kSkills[] = {"billing", "tech", "sales", "deescalation"};
const char* const kChannels[] = {"voice", "chat", "email"};
const char* const kIntents[] = {"billing", "tech", "sales", "other"};
const char* const kLanguages[] = {"en", "es", "fr"};

}  // namespace

// Two variants, so that reloads really change the rules.
Policy random_world_policy(std::uint64_t version, bool alternate) {
  Policy p;
  p.version = version;
  p.skills = {"billing", "tech", "sales", "deescalation"};
  p.deescalation_skill = "deescalation";
  p.channels = {ChannelPolicy{"voice", 1, 20s, alternate ? 0s : 10s, {"chat"}},
                ChannelPolicy{"chat", 3, 30s, 5s, {}}, ChannelPolicy{"email", 4, 60s, 0s, {}}};
  p.wellbeing.max_consecutive_negative = alternate ? 0 : 2;
  p.offers.max_consecutive_misses = 3;
  p.offers.transfer_wait = 40s;
  p.journey.max_contacts = 4;
  p.journey.max_customers = 25;  // fewer than customers: eviction happens
  for (const char* intent : {"billing", "tech", "sales"}) {
    QueuePolicy q;
    // The alternate policy renames a queue, so reloads strand offered and assigned interactions
    // in a queue that no longer exists.
    q.name = alternate && std::string(intent) == "sales" ? "sales_v2" : intent;
    q.match = intent_is(intent);
    q.skills = {intent};
    q.priority = alternate && std::string(intent) == "sales" ? 5 : 0;
    q.steps = {EscalationStep{0s, expr::all_of(skill_at_least(intent, 6), speaks_language()), 0},
               EscalationStep{20s, skill_at_least(intent, 3), 1}, EscalationStep{60s, Expr{}, 2}};
    q.affinity.preferred_agent_wait = alternate ? 0s : 15s;
    q.sentiment.priority_bump = 2;
    if (std::string(intent) == "sales") {
      q.overflow_to = "general";
      q.overflow_after = alternate ? 50s : 90s;
    }
    p.queues.push_back(q);
  }
  QueuePolicy general;
  general.name = "general";
  general.channels = alternate ? std::vector<std::string>{} : std::vector<std::string>{};
  general.steps = {EscalationStep{0s, Expr{}, 0}};
  p.queues.push_back(general);
  return p;
}

RandomWorld::RandomWorld(std::uint64_t seed) : rng_(seed) {}

std::string RandomWorld::known_interaction() {
  if (created_.empty() || chance(0.03)) return "nope" + std::to_string(pick(5));
  if (!open_.empty() && chance(0.9)) return open_[pick(open_.size())];
  return created_[pick(created_.size())];
}

Command RandomWorld::agent_command() {
  if (chance(0.3)) {
    UpsertAgent u;
    u.agent_id = agent_id();
    for (const char* s : kSkills) {
      if (chance(0.6)) u.skills.emplace_back(s, static_cast<int>(pick(11)));
    }
    if (chance(0.02)) u.skills.emplace_back("juggling", 5);  // unknown skill: rejected
    u.languages.push_back(kLanguages[pick(3)]);
    if (chance(0.4)) u.languages.push_back(kLanguages[pick(3)]);
    if (chance(0.7)) {
      for (const char* ch : kChannels) {
        if (chance(0.8)) u.channels.emplace_back(ch, static_cast<std::uint32_t>(pick(4)));
      }
    }
    u.attributes.emplace_back("team", std::string(chance(0.5) ? "emea" : "amer"));
    u.kind = chance(0.1) ? AgentKind::Bot : AgentKind::Human;
    return u;
  }
  const std::uint64_t r = pick(10);
  const Presence p = r < 7 ? Presence::Available : (r < 9 ? Presence::Away : Presence::Offline);
  return SetAgentState{agent_id(), p, p == Presence::Away ? "break" : ""};
}

Command RandomWorld::create_command() {
  if (!bodies_.empty() && chance(0.05)) {
    CreateInteraction retry =
        bodies_[bodies_.size() - 1 - pick(std::min<std::size_t>(bodies_.size(), 20))];
    last_retry_ = true;
    if (chance(0.4)) {
      retry.sentiment = retry.sentiment > 0 ? -0.5 : 0.5;  // same id, other content
      last_conflict_ = true;
    }
    last_create_ = retry;
    return retry;
  }
  CreateInteraction c;
  c.interaction_id = "i" + std::to_string(next_id_++);
  c.channel = kChannels[pick(3)];
  if (chance(0.01)) c.channel = "pigeon";  // unknown channel: rejected
  c.customer_id = chance(0.1) ? "" : "cust" + std::to_string(pick(kCustomers));
  c.attributes.emplace_back("intent", std::string(kIntents[pick(4)]));
  c.attributes.emplace_back("language", std::string(kLanguages[pick(3)]));
  c.sentiment = static_cast<double>(pick(21)) / 10.0 - 1.0;
  c.priority = static_cast<double>(pick(3));
  last_create_ = c;
  return c;
}

Command RandomWorld::interaction_command(const core::Core& core) {
  const std::string id = known_interaction();
  const auto view = core.status(id);
  const std::uint64_t r = pick(100);
  if (view && view->state == InteractionState::Offered && r < 55) {
    if (r < 40) return AcceptOffer{view->offer_id};
    return RejectOffer{view->offer_id, "busy"};
  }
  if (view && view->state == InteractionState::Assigned && r < 60) {
    if (r < 45) return CompleteInteraction{id, chance(0.8) ? "resolved" : "follow_up"};
    if (r < 50) return TransferInteraction{id, kIntents[pick(3)], ""};
    if (r < 55) return TransferInteraction{id, "", agent_id()};
    if (r < 57) return TransferInteraction{id, "", ""};
    return CancelInteraction{id, ""};
  }
  if (view && view->state == InteractionState::Queued && r < 25) {
    return CancelInteraction{id, "hung_up"};  // customers give up
  }
  if (r < 70) {
    UpdateInteraction u;
    u.interaction_id = id;
    if (chance(0.7)) u.sentiment = static_cast<double>(pick(21)) / 10.0 - 1.0;
    if (chance(0.3)) u.attributes = Attributes{{"intent", std::string(kIntents[pick(4)])}};
    if (chance(0.2)) u.priority = static_cast<double>(pick(5));
    if (chance(0.02)) u.sentiment = 7;  // invalid
    return u;
  }
  if (r < 80) return CancelInteraction{id, ""};
  if (r < 85) return AcceptOffer{1 + pick(1000)};  // likely stale: rejected
  if (r < 92) return TransferInteraction{id, chance(0.9) ? "general" : "nowhere", ""};
  return CompleteInteraction{id, ""};
}

Command RandomWorld::next(const core::Core& core) {
  last_create_.reset();
  last_retry_ = false;
  last_conflict_ = false;
  // Time passes in small and occasionally large steps, so that timers of every kind fire.
  const std::uint64_t t = pick(100);
  if (t < 40) {
    now_ = now_ + std::chrono::milliseconds(pick(2000));
  } else if (t < 48) {
    now_ = now_ + std::chrono::seconds(5 + pick(90));
  }
  const std::uint64_t r = pick(1000);
  if (r < 2) {
    ++policy_version_;
    Policy p = random_world_policy(policy_version_, pick(2) == 0);
    if (chance(0.25)) p.queues[0].skills = {"astrology"};  // invalid: refused, old one stays
    return SetPolicy{std::make_shared<const Policy>(std::move(p))};
  }
  if (r < 100) return agent_command();
  if (r < 300) return create_command();
  return interaction_command(core);
}

}  // namespace sb::sim
