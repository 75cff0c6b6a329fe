#include <doctest/doctest.h>

#include "tests/support/core_harness.h"

using namespace sb;
using namespace sb::test;
using namespace std::chrono_literals;

namespace {
SetPolicy install(Policy p) { return SetPolicy{std::make_shared<const Policy>(std::move(p))}; }
}  // namespace

TEST_CASE("an inconsistent policy is refused and the old one keeps running") {
  Harness h;
  h.add_agent({"a1", {{"billing", 6}}});
  const auto before = h.core().state_hash();
  Policy bad = basic_policy();
  bad.version = 2;
  bad.queues[0].skills = {"unknown"};
  auto r = h.apply(install(bad));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == "queues.billing.skills");
  Policy no_steps = basic_policy();
  no_steps.queues[1].steps.clear();
  CHECK_FALSE(h.apply(install(no_steps)).ok());
  Policy late_start = basic_policy();
  late_start.queues[1].steps[0].after = 5s;
  CHECK_FALSE(h.apply(install(late_start)).ok());
  Policy loop = basic_policy();
  loop.queues[1].overflow_to = "general";
  loop.queues[1].overflow_after = 5s;
  CHECK_FALSE(h.apply(install(loop)).ok());
  CHECK(h.core().policy()->version == 1);
  CHECK(h.core().state_hash() == before);
}

TEST_CASE("a reload re-evaluates waiting interactions at once; assigned ones are untouched") {
  Harness h;
  h.add_agent({"biller", {{"billing", 3}}});
  h.create("assigned", "voice", "c0");
  REQUIRE(h.agent_of("assigned") == "biller");
  h.accept("assigned");
  h.ok(SetAgentState{"biller", Presence::Available, ""});
  h.add_agent({"tech", {{"tech", 9}}, {"en"}, {{"email", 5}}});
  h.create("waiting", "voice", "c1", {{"intent", std::string("billing")}});
  REQUIRE(h.state_of("waiting") == InteractionState::Queued);
  const Timestamp queued = h.core().interaction("waiting")->queued_at;
  h.advance(10s);

  Policy next = basic_policy();
  next.version = 2;
  next.queues[0].name = "billing_v2";  // the billing queue is renamed
  next.queues[0].steps = {EscalationStep{0s, Expr{}, 0}};
  h.clear_events();
  h.ok(install(next));
  auto w = h.core().interaction("waiting");
  CHECK(w->summary.queue == "billing_v2");
  CHECK(w->queued_at == queued);                // the wait is kept
  CHECK(w->state == InteractionState::Queued);  // the only free agent takes no voice
  auto a = h.core().interaction("assigned");
  CHECK(a->state == InteractionState::Assigned);
  CHECK(a->agent_id == "biller");
  CHECK(h.core().queue("billing")->active == false);  // stats of the old queue are kept
  auto installed = h.events_of<PolicyInstalled>();
  REQUIRE(installed.size() == 1);
  CHECK(installed[0].version == 2);
  CHECK(installed[0].requeued == 1);
  h.complete("assigned");
  CHECK(h.agent_of("waiting") == "biller");
  h.check_invariants();
}

TEST_CASE("a reload that would widen eligibility routes waiting interactions immediately") {
  Policy strict = basic_policy();
  strict.queues[1].steps[0].agents = skill_at_least("tech", 9);
  Harness h(strict);
  h.add_agent({"a1", {{"tech", 2}}});
  h.create("w", "voice", "c1");
  REQUIRE(h.state_of("w") == InteractionState::Queued);
  Policy loose = basic_policy();
  loose.version = 2;
  h.ok(install(loose));
  CHECK(h.agent_of("w") == "a1");
  h.check_invariants();
}

TEST_CASE("a reload may not drop a channel that live interactions use, nor strand a waiting one") {
  Harness h;
  h.create("e1", "email", "c1");
  Policy no_email = basic_policy();
  no_email.channels.pop_back();
  auto r = h.apply(install(no_email));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == "channels");
  Policy only_billing = basic_policy();
  only_billing.queues.pop_back();
  auto s = h.apply(install(only_billing));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::NoQueue);
  CHECK(h.core().policy()->version == 1);
}
