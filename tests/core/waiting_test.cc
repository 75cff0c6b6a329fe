#include <doctest/doctest.h>

#include "tests/support/core_harness.h"

using namespace sb;
using namespace sb::test;
using namespace std::chrono_literals;

TEST_CASE("overflow moves a waiting interaction to another queue") {
  Policy p = basic_policy();
  p.queues[0].overflow_to = "general";
  p.queues[0].overflow_after = 45s;
  p.queues[0].steps.resize(1);
  Harness h(p);
  h.add_agent({"generalist", {{"tech", 5}}});
  h.create("b1", "voice", "c1", {{"intent", std::string("billing")}});
  CHECK(h.state_of("b1") == InteractionState::Queued);
  h.advance(45s);
  CHECK(h.agent_of("b1") == "generalist");
  CHECK(h.core().queue("billing")->overflowed == 1);
  CHECK(h.core().interaction("b1")->summary.queue == "general");
  h.check_invariants();
}

TEST_CASE("an update that changes the intent re-evaluates the queue and keeps the wait") {
  Harness h;
  h.add_agent({"biller", {{"billing", 8}}});
  h.create("busy", "voice", "c0", {{"intent", std::string("billing")}});
  h.accept("busy");
  h.create("x", "voice", "c1", {{"intent", std::string("other")}});
  REQUIRE(h.state_of("x") == InteractionState::Queued);
  const Timestamp queued = h.core().interaction("x")->queued_at;
  h.advance(5s);
  h.ok(UpdateInteraction{"x", std::nullopt, Attributes{{"intent", std::string("billing")}},
                         std::nullopt});
  auto v = h.core().interaction("x");
  CHECK(v->summary.queue == "billing");
  CHECK(v->queued_at == queued);
  h.check_invariants();
}

TEST_CASE("update validates and changes nothing on bad input") {
  Harness h;
  h.create("x", "voice", "c1");
  const auto before = h.core().state_hash();
  auto r = h.apply(UpdateInteraction{"x", 2.0, std::nullopt, std::nullopt});
  CHECK(r.error().field == "sentiment");
  auto missing = h.apply(UpdateInteraction{"nope", 0.1, std::nullopt, std::nullopt});
  CHECK(missing.error().code == ErrorCode::NotFound);
  CHECK(h.core().state_hash() == before);
}

TEST_CASE("ended interactions are kept for retries, then evicted by count and by age") {
  core::CoreLimits limits;
  limits.retained_ended = 3;
  limits.ended_retention = 1h;
  Harness h(basic_policy(), limits);
  h.add_agent({"a1", {}});
  for (int k = 0; k < 5; ++k) {
    const std::string id = "i" + std::to_string(k);
    h.create(id, "voice", "c");
    h.accept(id);
    h.complete(id);
  }
  h.advance(1s);
  CHECK_FALSE(h.core().interaction("i0").has_value());
  CHECK_FALSE(h.core().interaction("i1").has_value());
  CHECK(h.core().interaction("i4").has_value());
  h.advance(2h);
  CHECK_FALSE(h.core().interaction("i4").has_value());
  // A slot reused after eviction must not be hit by a stale timer of its old occupant.
  h.create("fresh", "voice", "c");
  CHECK(h.agent_of("fresh") == "a1");
  h.advance(19s);
  CHECK(h.state_of("fresh") == InteractionState::Offered);
  h.check_invariants();
}
