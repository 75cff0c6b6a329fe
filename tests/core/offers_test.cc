#include <doctest/doctest.h>

#include <cmath>

#include "tests/support/core_harness.h"

using namespace sb;
using namespace sb::test;
using namespace std::chrono_literals;

TEST_CASE("accept assigns; the reply and events say so") {
  Harness h;
  h.add_agent({"a1", {}});
  Reply r = h.create("v1", "voice", "c1");
  CHECK(r.state == InteractionState::Offered);
  CHECK(r.queue == "general");
  const OfferId offer = h.offer_of("v1");
  h.advance(3s);
  Reply accepted = h.ok(AcceptOffer{offer});
  CHECK(accepted.state == InteractionState::Assigned);
  auto assigned = h.events_of<InteractionAssigned>();
  REQUIRE(assigned.size() == 1);
  CHECK(assigned[0].agent_id == "a1");
  CHECK(assigned[0].waited == 3s);
  auto again = h.apply(AcceptOffer{offer});
  CHECK(again.error().code == ErrorCode::NotFound);
  h.check_invariants();
}

TEST_CASE("reject re-routes to someone else and never back to the same agent") {
  Harness h;
  h.add_agent({"a1", {}});
  h.advance(1s);
  h.add_agent({"a2", {}});
  h.create("v1", "voice", "c1");
  REQUIRE(h.agent_of("v1") == "a1");
  h.reject("v1");
  CHECK(h.agent_of("v1") == "a2");
  h.reject("v1");
  CHECK(h.state_of("v1") == InteractionState::Queued);  // both excluded now
  h.check_invariants();
}

TEST_CASE("an unanswered offer expires and counts as a miss; N misses set the agent away") {
  Policy p = basic_policy();
  p.offers.max_consecutive_misses = 2;
  Harness h(p);
  h.add_agent({"a1", {}});
  h.create("v1", "voice", "c1");
  h.advance(20s);  // voice offer timeout
  auto ended = h.events_of<OfferEnded>();
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == OfferEndReason::Expired);
  CHECK(h.state_of("v1") == InteractionState::Queued);
  CHECK(h.core().agent("a1")->consecutive_misses == 1);
  h.create("v2", "voice", "c2");
  REQUIRE(h.agent_of("v2") == "a1");
  h.reject("v2");
  auto a = h.core().agent("a1");
  CHECK(a->presence == Presence::Away);
  CHECK(a->reason == "missed_offers");
  h.check_invariants();
}

TEST_CASE(
    "a retried create with the same id and content answers the same; other content conflicts") {
  Harness h;
  h.add_agent({"a1", {}});
  CreateInteraction c{"v1", "voice", "c1", {{"intent", std::string("x")}, {"tier", 2.0}}, -0.2, 1};
  Reply first = h.ok(c);
  h.accept("v1");  // the state moves on; the retried answer does not
  CreateInteraction same = c;
  std::swap(same.attributes[0], same.attributes[1]);  // attribute order does not matter
  Reply retry = h.ok(same);
  CHECK(retry.duplicate);
  CHECK(retry.state == first.state);
  CHECK(retry.queue == first.queue);
  CHECK(h.core().counts().live_interactions == 1);
  CreateInteraction other = c;
  other.sentiment = 0.5;
  auto conflict = h.apply(other);
  REQUIRE_FALSE(conflict.ok());
  CHECK(conflict.error().code == ErrorCode::Conflict);
  CHECK(h.core().counts().live_interactions == 1);
}

TEST_CASE("create input is validated and a rejected create changes nothing") {
  Harness h;
  const auto before = h.core().state_hash();
  auto bad = [&](CreateInteraction c, ErrorCode code, const std::string& field) {
    auto r = h.apply(c);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
    CHECK(r.error().field == field);
  };
  bad(CreateInteraction{"", "voice", "c", {}, 0, 0}, ErrorCode::InvalidField, "id");
  bad(CreateInteraction{"x", "fax", "c", {}, 0, 0}, ErrorCode::UnknownChannel, "channel");
  bad(CreateInteraction{"x", "voice", "c", {}, 1.5, 0}, ErrorCode::InvalidField, "sentiment");
  bad(CreateInteraction{"x", "voice", "c", {}, std::nan(""), 0}, ErrorCode::InvalidField,
      "sentiment");
  bad(CreateInteraction{"x", "voice", "c", {}, 0, 1e300}, ErrorCode::InvalidField, "priority");
  bad(CreateInteraction{"x", "voice", "c", {{"a", std::string(1000, 'x')}}, 0, 0},
      ErrorCode::LimitExceeded, "attributes.a");
  CHECK(h.core().state_hash() == before);
}

TEST_CASE("cancel while waiting is an abandon; while assigned, a cancellation") {
  Harness h;
  h.add_agent({"a1", {}});
  h.create("busy", "voice", "c0");
  h.accept("busy");
  h.create("w", "voice", "c1");
  h.advance(25s);
  Reply r = h.ok(CancelInteraction{"w", ""});
  CHECK(r.state == InteractionState::Abandoned);
  auto abandoned = h.events_of<InteractionAbandoned>();
  REQUIRE(abandoned.size() == 1);
  CHECK(abandoned[0].waited == 25s);
  CHECK(h.core().queue("general")->abandoned == 1);
  h.ok(CancelInteraction{"busy", "dropped"});
  CHECK(h.state_of("busy") == InteractionState::Cancelled);
  CHECK(h.core().agent("a1")->channels[0].load == 0);
  auto again = h.apply(CancelInteraction{"busy", ""});
  CHECK(again.error().code == ErrorCode::InvalidState);
  h.check_invariants();
}

TEST_CASE("cancel while offered withdraws the offer and frees the agent") {
  Harness h;
  h.add_agent({"a1", {}});
  h.create("v1", "voice", "c1");
  h.create("v2", "voice", "c2");
  REQUIRE(h.state_of("v2") == InteractionState::Queued);
  h.ok(CancelInteraction{"v1", ""});
  CHECK(h.state_of("v1") == InteractionState::Abandoned);
  CHECK(h.agent_of("v2") == "a1");
  h.check_invariants();
}

TEST_CASE("complete: wrap-up holds the slot for the channel's wrap-up time") {
  Policy p = basic_policy();
  p.channels[0].wrap_up = 15s;
  Harness h(p);
  h.add_agent({"a1", {}});
  h.create("v1", "voice", "c1");
  h.accept("v1");
  h.complete("v1");
  CHECK(h.state_of("v1") == InteractionState::WrapUp);
  CHECK(h.core().agent("a1")->presence == Presence::WrapUp);
  h.create("v2", "voice", "c2");
  CHECK(h.state_of("v2") == InteractionState::Queued);
  h.advance(15s);
  CHECK(h.state_of("v1") == InteractionState::Completed);
  CHECK(h.agent_of("v2") == "a1");
  CHECK(h.core().agent("a1")->presence == Presence::Available);
  auto wrong = h.apply(CompleteInteraction{"v2", ""});
  CHECK(wrong.error().code == ErrorCode::InvalidState);
  h.check_invariants();
}

TEST_CASE("transfer to a named agent waits for that agent, then falls back to the queue") {
  Policy p = basic_policy();
  p.offers.transfer_wait = 60s;
  Harness h(p);
  h.add_agent({"a1", {}});
  h.add_agent({"expert", {}});
  h.create("v1", "voice", "c1");
  const std::string first = h.agent_of("v1");
  const std::string other = first == "a1" ? "expert" : "a1";
  h.accept("v1");
  h.create("v2", "voice", "c2");
  REQUIRE(h.agent_of("v2") == other);
  h.accept("v2");
  h.ok(TransferInteraction{"v1", "", other});
  auto v = h.core().interaction("v1");
  CHECK(v->state == InteractionState::Queued);
  CHECK(v->held_for_agent == other);
  h.complete("v2");
  CHECK(h.agent_of("v1") == other);
  h.check_invariants();
}

TEST_CASE("transfer with no target hands the interaction out of the domain") {
  Harness h;
  h.add_agent({"a1", {}});
  h.create("v1", "voice", "c1");
  h.accept("v1");
  Reply r = h.ok(TransferInteraction{"v1", "", ""});
  CHECK(r.state == InteractionState::Transferred);
  CHECK(h.core().agent("a1")->channels[0].load == 0);
  auto ended = h.apply(TransferInteraction{"v1", "nowhere", ""});
  CHECK(ended.error().code == ErrorCode::InvalidState);  // the state is checked first
  h.create("v2", "voice", "c2");
  auto bad = h.apply(TransferInteraction{"v2", "nowhere", ""});
  CHECK(bad.error().code == ErrorCode::UnknownQueue);
  CHECK(bad.error().field == "queue");
  h.check_invariants();
}

TEST_CASE("SLA breach fires once when an interaction waits past its queue's threshold") {
  Harness h;
  h.create("v1", "voice", "c1");
  h.advance(19s);
  CHECK(h.events_of<SlaBreach>().empty());
  h.advance(1s);
  auto breaches = h.events_of<SlaBreach>();
  REQUIRE(breaches.size() == 1);
  CHECK(breaches[0].interaction_id == "v1");
  CHECK(breaches[0].threshold == 20s);
  h.advance(100s);
  CHECK(h.events_of<SlaBreach>().size() == 1);
  CHECK(h.core().queue("general")->sla_breaches == 1);
}

TEST_CASE("estimated wait comes from the queue's recent service rate") {
  Harness h;
  h.add_agent({"a1", {}});
  for (int k = 0; k < 5; ++k) {
    const std::string id = "s" + std::to_string(k);
    h.create(id, "voice", "c");
    h.accept(id);
    h.advance(60s);
    h.complete(id);
  }
  h.ok(SetAgentState{"a1", Presence::Away, "lunch"});
  h.create("w1", "voice", "x");
  h.create("w2", "voice", "y");
  auto w2 = h.core().interaction("w2");
  REQUIRE(w2->estimated_wait.has_value());
  // 5 answers in the last 300 s: one per 60 s; one ahead of it, so 120 s.
  CHECK(to_seconds(*w2->estimated_wait) == doctest::Approx(120).epsilon(0.01));
  auto q = h.core().queue("general");
  CHECK(q->waiting == 2);
  CHECK(q->oldest_wait == 0s);
}

TEST_CASE("an offer missed past the SLA threshold still breaches it") {
  Policy p = basic_policy();
  p.channels[2].offer_timeout = std::chrono::seconds(60);  // email: longer than the 20 s SLA
  Harness h(p);
  h.add_agent({"a1", {}});
  h.create("e1", "email", "c1");
  REQUIRE(h.agent_of("e1") == "a1");  // offered at once: it never entered a waiting set
  h.advance(20s);
  REQUIRE(h.events_of<SlaBreach>().size() == 1);
  CHECK(h.events_of<SlaBreach>()[0].interaction_id == "e1");
}

TEST_CASE("a reused interaction slot is never hit by its old occupant's SLA timer") {
  core::CoreLimits limits;
  limits.retained_ended = 1;
  Harness h(basic_policy(), limits);
  h.add_agent({"a1", {}}, false);
  h.create("old", "voice", "c1");  // waits: its SLA timer is set for +20 s
  h.advance(1s);
  h.set_state("a1", Presence::Available);
  h.accept("old");
  h.complete("old");
  h.create("other", "voice", "c2");
  h.accept("other");
  h.complete("other");
  h.advance(1s);  // "old" is evicted (one ended interaction is retained); its slot is free
  REQUIRE_FALSE(h.core().interaction("old").has_value());
  h.set_state("a1", Presence::Away);
  h.advance(3s);
  h.create("new", "voice", "c3");  // takes the old slot, waits
  h.advance(15s);                  // past the old timer (+20 s from the start), not the new one
  CHECK(h.events_of<SlaBreach>().empty());
  h.advance(5s);
  REQUIRE(h.events_of<SlaBreach>().size() == 1);
  CHECK(h.events_of<SlaBreach>()[0].interaction_id == "new");
  h.check_invariants();
}

TEST_CASE("a named transfer after a reload removed the queue lands in a current queue") {
  Harness h;
  h.add_agent({"a1", {{"billing", 8}}});
  h.add_agent({"a2", {{"billing", 8}}});
  h.create("b1", "voice", "c1", {{"intent", std::string("billing")}});
  const std::string first = h.agent_of("b1");
  const std::string other = first == "a1" ? "a2" : "a1";
  h.accept("b1");
  Policy next = basic_policy();
  next.version = 2;
  next.queues[0].name = "billing_v2";
  h.ok(SetPolicy{std::make_shared<const Policy>(next)});
  h.advance(5min);
  h.ok(TransferInteraction{"b1", "", other});
  CHECK(h.agent_of("b1") == other);
  auto v = h.core().interaction("b1");
  CHECK(v->summary.queue == "billing_v2");
  CHECK(v->queued_at == h.now());  // a new wait starts with the transfer
  CHECK(h.events_of<SlaBreach>().empty());
  h.check_invariants();
}

TEST_CASE("non-finite policy numbers are refused") {
  Harness h;
  Policy p = basic_policy();
  p.queues[1].priority = std::nan("");
  auto r = h.apply(SetPolicy{std::make_shared<const Policy>(p)});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == "queues.general.priority");
  Policy q = basic_policy();
  q.queues[1].steps[0].priority_bump = INFINITY;
  CHECK_FALSE(h.apply(SetPolicy{std::make_shared<const Policy>(q)}).ok());
}
