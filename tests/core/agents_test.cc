#include <doctest/doctest.h>

#include "tests/support/core_harness.h"

using namespace sb;
using namespace sb::test;

TEST_CASE("commands before any policy are refused") {
  core::Core core;
  std::vector<Event> events;
  auto r = core.apply(UpsertAgent{"a1", {}, {}, {}, {}, AgentKind::Human}, kEpoch, events);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::NoPolicy);
}

TEST_CASE("an unknown skill is rejected, naming it, and changes nothing") {
  Harness h;
  UpsertAgent u{"a1", {{"billing", 5}, {"biling", 3}}, {"en"}, {}, {}, AgentKind::Human};
  auto r = h.apply(u);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::UnknownSkill);
  CHECK(r.error().field == "skills.biling");
  CHECK_FALSE(h.core().agent("a1").has_value());
}

TEST_CASE("agent input is validated field by field") {
  Harness h;
  auto bad = [&](UpsertAgent u, ErrorCode code, const std::string& field) {
    auto r = h.apply(u);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
    CHECK(r.error().field == field);
  };
  bad(UpsertAgent{"", {}, {}, {}, {}, AgentKind::Human}, ErrorCode::InvalidField, "agent_id");
  bad(UpsertAgent{std::string(200, 'x'), {}, {}, {}, {}, AgentKind::Human}, ErrorCode::InvalidField,
      "agent_id");
  bad(UpsertAgent{"a", {{"billing", 11}}, {}, {}, {}, AgentKind::Human}, ErrorCode::InvalidField,
      "skills.billing");
  bad(UpsertAgent{"a", {{"billing", 1}, {"billing", 2}}, {}, {}, {}, AgentKind::Human},
      ErrorCode::InvalidField, "skills.billing");
  bad(UpsertAgent{"a", {}, {}, {{"fax", 1}}, {}, AgentKind::Human}, ErrorCode::UnknownChannel,
      "channels.fax");
  bad(UpsertAgent{"a", {}, {}, {{"chat", 1000}}, {}, AgentKind::Human}, ErrorCode::InvalidField,
      "channels.chat");
  bad(UpsertAgent{"a",
                  {},
                  {},
                  {},
                  {{"team", std::string("x")}, {"team", std::string("y")}},
                  AgentKind::Human},
      ErrorCode::InvalidField, "attributes.team");
  CHECK(h.core().agents().empty());
}

TEST_CASE("a new agent is offline until it says otherwise, then available") {
  Harness h;
  h.add_agent({"a1", {{"billing", 5}}}, false);
  CHECK(h.core().agent("a1")->presence == Presence::Offline);
  h.set_state("a1", Presence::Available);
  auto v = h.core().agent("a1");
  CHECK(v->presence == Presence::Available);
  REQUIRE(v->channels.size() == 3);  // policy defaults: voice, chat, email
  CHECK(v->channels[0].capacity == 1);
  CHECK(v->channels[1].capacity == 3);
  CHECK(h.events_of<AgentStateChanged>().size() == 1);
}

TEST_CASE("WrapUp cannot be set by a command") {
  Harness h;
  h.add_agent({"a1", {}});
  auto r = h.apply(SetAgentState{"a1", Presence::WrapUp, ""});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == "state");
  auto missing = h.apply(SetAgentState{"nobody", Presence::Available, ""});
  CHECK(missing.error().code == ErrorCode::NotFound);
}

TEST_CASE("an update may not put an agent below its current load") {
  Harness h;
  h.add_agent({"a1", {}, {"en"}, {{"chat", 3}}});
  h.create("c1", "chat", "cust1");
  h.create("c2", "chat", "cust2");
  REQUIRE(h.agent_of("c1") == "a1");
  REQUIRE(h.agent_of("c2") == "a1");
  auto r = h.apply(UpsertAgent{"a1", {}, {"en"}, {{"chat", 1}}, {}, AgentKind::Human});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::CapacityBelowLoad);
  CHECK(r.error().field == "channels.chat");
  CHECK(h.core().agent("a1")->channels[0].capacity == 3);
  h.ok(UpsertAgent{"a1", {}, {"en"}, {{"chat", 2}}, {}, AgentKind::Human});
  h.check_invariants();
}

TEST_CASE("going away withdraws pending offers and routes them elsewhere") {
  Harness h;
  h.add_agent({"a1", {{"billing", 9}}});
  h.create("v1", "voice", "cust1", {{"intent", std::string("billing")}});
  REQUIRE(h.agent_of("v1") == "a1");
  h.add_agent({"a2", {{"billing", 6}}});
  h.clear_events();
  h.set_state("a1", Presence::Away);
  CHECK(h.agent_of("v1") == "a2");
  auto ended = h.events_of<OfferEnded>();
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == OfferEndReason::Withdrawn);
  h.check_invariants();
}

TEST_CASE("a voice call blocks new chats while it lasts") {
  Harness h;
  h.add_agent({"a1", {}});
  h.create("v1", "voice", "cust1");
  REQUIRE(h.agent_of("v1") == "a1");
  h.accept("v1");
  h.create("c1", "chat", "cust2");
  CHECK(h.state_of("c1") == InteractionState::Queued);
  h.complete("v1");
  CHECK(h.agent_of("c1") == "a1");
  h.check_invariants();
}
