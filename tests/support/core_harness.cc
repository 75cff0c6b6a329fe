#include "tests/support/core_harness.h"

namespace sb::test {

Expr intent_is(const std::string& intent) {
  return expr::binary(ExprOp::Eq, expr::interaction_attribute("intent"), expr::literal(intent));
}

Expr skill_at_least(const std::string& skill, double level) {
  return expr::binary(ExprOp::Ge, expr::skill(skill), expr::literal(level));
}

Policy basic_policy() {
  Policy p;
  p.version = 1;
  p.skills = {"billing", "tech", "sales", "deescalation"};
  p.deescalation_skill = "deescalation";
  ChannelPolicy voice{"voice", 1, std::chrono::seconds(20), std::chrono::seconds(0), {"chat"}};
  ChannelPolicy chat{"chat", 3, std::chrono::seconds(30), std::chrono::seconds(0), {}};
  ChannelPolicy email{"email", 5, std::chrono::seconds(60), std::chrono::seconds(0), {}};
  p.channels = {voice, chat, email};
  QueuePolicy billing;
  billing.name = "billing";
  billing.match = intent_is("billing");
  billing.skills = {"billing"};
  billing.steps = {EscalationStep{std::chrono::seconds(0), skill_at_least("billing", 5), 0},
                   EscalationStep{std::chrono::seconds(30), skill_at_least("billing", 1), 0}};
  QueuePolicy general;
  general.name = "general";
  general.steps = {EscalationStep{std::chrono::seconds(0), Expr{}, 0}};
  p.queues = {billing, general};
  return p;
}

Harness::Harness(Policy policy, core::CoreLimits limits) : core_(limits) {
  ok(SetPolicy{std::make_shared<const Policy>(std::move(policy))});
  events_.clear();
}

Result<Reply> Harness::apply(Command command) {
  Result<Reply> r = core_.apply(command, now_, events_);
  return r;
}

Reply Harness::ok(Command command) {
  Result<Reply> r = apply(std::move(command));
  if (!r.ok()) FAIL("command rejected: " << r.error().field << ": " << r.error().message);
  return r.value();
}

void Harness::advance(Duration d) { advance_to(now_ + d); }

void Harness::advance_to(Timestamp t) {
  now_ = t;
  core_.advance(now_, events_);
}

void Harness::add_agent(const AgentSpec& spec, bool available) {
  UpsertAgent u;
  u.agent_id = spec.id;
  u.skills = spec.skills;
  u.languages = spec.languages;
  u.channels = spec.channels;
  u.attributes = spec.attributes;
  u.kind = spec.kind;
  ok(u);
  if (available) set_state(spec.id, Presence::Available);
}

void Harness::set_state(const std::string& agent, Presence p) { ok(SetAgentState{agent, p, ""}); }

Reply Harness::create(const std::string& id, const std::string& channel,
                      const std::string& customer, Attributes attributes, double sentiment,
                      double priority) {
  CreateInteraction c;
  c.interaction_id = id;
  c.channel = channel;
  c.customer_id = customer;
  c.attributes = std::move(attributes);
  c.sentiment = sentiment;
  c.priority = priority;
  return ok(c);
}

std::string Harness::agent_of(const std::string& interaction) {
  auto v = core_.interaction(interaction);
  REQUIRE(v.has_value());
  return v->agent_id;
}

InteractionState Harness::state_of(const std::string& interaction) {
  auto v = core_.interaction(interaction);
  REQUIRE(v.has_value());
  return v->state;
}

OfferId Harness::offer_of(const std::string& interaction) {
  auto v = core_.interaction(interaction);
  REQUIRE(v.has_value());
  REQUIRE(v->state == InteractionState::Offered);
  return v->offer_id;
}

void Harness::accept(const std::string& interaction) { ok(AcceptOffer{offer_of(interaction)}); }
void Harness::reject(const std::string& interaction) { ok(RejectOffer{offer_of(interaction), ""}); }
void Harness::complete(const std::string& interaction) {
  ok(CompleteInteraction{interaction, "resolved"});
}

void Harness::check_invariants() {
  for (const std::string& v : core_.check_invariants()) FAIL_CHECK(v);
  for (const std::string& v : core_.check_no_missed_match()) FAIL_CHECK(v);
}

}  // namespace sb::test
