// Drives the routing core with seeded random command streams and checks every invariant after
// every step: no agent over capacity, every interaction in exactly one state and offered to at
// most one agent, the indexes consistent with the records, no free eligible agent left beside a
// waiting interaction, every accepted create accounted for, idempotent retries, and the same
// seed giving the same state hash. A failure prints the seed: SB_SEED=<seed> replays it.
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>
#include <string>

#include "tests/sim/random_world.h"

using namespace sb;

namespace {

#ifdef SB_SANITIZED
constexpr std::uint64_t kDefaultSteps = 100'000;
#else
constexpr std::uint64_t kDefaultSteps = 1'000'000;
#endif

struct RunResult {
  std::uint64_t hash = 0;
  std::uint64_t applied = 0;
  std::uint64_t rejected = 0;
  std::uint64_t created = 0;
  std::uint64_t ended = 0;
  std::uint64_t offers = 0;
};

// Ids whose end the events announced.
void note_endings(const std::vector<Event>& events, std::set<std::string>& open, RunResult& r,
                  sim::RandomWorld& world) {
  for (const Event& e : events) {
    std::string ended;
    if (const auto* a = std::get_if<InteractionAbandoned>(&e.body)) ended = a->interaction_id;
    if (const auto* x = std::get_if<InteractionEnded>(&e.body);
        x && x->state != InteractionState::WrapUp) {
      ended = x->interaction_id;
    }
    if (const auto* t = std::get_if<InteractionTransferred>(&e.body);
        t && t->to_queue.empty() && t->to_agent.empty()) {
      ended = t->interaction_id;
    }
    if (std::holds_alternative<OfferCreated>(e.body)) ++r.offers;
    if (!ended.empty()) {
      if (open.erase(ended) != 1) FAIL("ended twice or never created: " << ended);
      world.note_ended(ended);
      ++r.ended;
    }
  }
}

RunResult run(std::uint64_t seed, std::uint64_t steps, std::uint64_t deep_every) {
  INFO("seed " << seed << " (replay with SB_SEED=" << seed << ")");
  core::Core core(sim::random_world_limits());
  sim::RandomWorld world(seed);
  std::vector<Event> events;
  RunResult r;
  r.applied = 1;               // the policy
  std::set<std::string> open;  // acknowledged creates not yet ended
  REQUIRE(core.apply(SetPolicy{std::make_shared<const Policy>(sim::random_world_policy(1, false))},
                     world.now(), events)
              .ok());
  for (std::uint64_t step = 0; step < steps; ++step) {
    events.clear();
    const Command command = world.next(core);
    core.advance(world.now(), events);  // timers due now fire before the command, as in apply
    const std::size_t live_before = world.last_was_retry() ? core.counts().live_interactions : 0;
    Result<Reply> result = core.apply(command, world.now(), events);
    if (result.ok()) {
      ++r.applied;
    } else {
      ++r.rejected;
      CHECK_MESSAGE(!result.error().field.empty(), "step " << step << ": an error names no field");
    }
    note_endings(events, open, r, world);
    if (const CreateInteraction* c = world.last_create()) {
      if (world.last_was_conflict()) {
        // Same id, other content: refused, nothing new (unless the id had been evicted).
        if (!result.ok()) CHECK(result.error().code == ErrorCode::Conflict);
      } else if (world.last_was_retry() && result.ok() && result->duplicate) {
        CHECK(core.counts().live_interactions == live_before);
      } else if (result.ok()) {
        REQUIRE_FALSE(result->duplicate);
        world.note_created(c->interaction_id, *c);
        ++r.created;
        const auto v = core.status(c->interaction_id);
        REQUIRE(v.has_value());
        if (!is_terminal(v->state)) open.insert(c->interaction_id);
      }
    }
    const auto violations = core.check_invariants();
    if (!violations.empty()) {
      FAIL("step " << step << " (" << command_name(command) << "): " << violations.front());
    }
    if (step % deep_every == 0) {
      const auto missed = core.check_no_missed_match();
      if (!missed.empty()) {
        std::string trail;
        for (const Event& e : events) trail += std::string(event_type(e)) + " ";
        FAIL("step " << step << " after " << command_name(command) << " [" << trail
                     << "]: " << missed.front());
      }
    }
    if (step % (deep_every * 16) == 0) {
      for (const std::string& id : open) {
        const auto v = core.status(id);
        if (!v) FAIL("step " << step << ": acknowledged interaction lost: " << id);
        if (is_terminal(v->state)) FAIL("step " << step << ": " << id << " ended without an event");
      }
    }
  }
  CHECK(open.size() == core.counts().live_interactions);
  CHECK(core.counts().commands_applied == r.applied);
  CHECK(core.counts().commands_rejected == r.rejected);
  r.hash = core.state_hash();
  return r;
}

}  // namespace

TEST_CASE("property: a long random stream keeps every invariant after every step") {
  const std::uint64_t seed = sim::env_or("SB_SEED", 20261125);
  const std::uint64_t steps = sim::env_or("SB_PROPERTY_STEPS", kDefaultSteps);
  const RunResult r = run(seed, steps, sim::env_or("SB_DEEP_EVERY", 16));
  MESSAGE("seed " << seed << ": " << steps << " commands, " << r.applied << " applied, "
                  << r.rejected << " rejected, " << r.created << " created, " << r.ended
                  << " ended, " << r.offers << " offers");
  // The stream must exercise the core, not just bounce off it.
  CHECK(r.applied > steps / 2);
  CHECK(r.created > steps / 10);
  CHECK(r.offers > r.created / 2);
}

TEST_CASE("property: several short seeds") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) run(seed, 20'000, 4);
}

TEST_CASE("determinism: the same seed gives the same state hash") {
  const std::uint64_t seed = sim::env_or("SB_SEED", 77);
  const RunResult a = run(seed, 30'000, 1'000'000);
  const RunResult b = run(seed, 30'000, 1'000'000);
  CHECK(a.hash == b.hash);
  CHECK(a.applied == b.applied);
  const RunResult c = run(seed + 1, 30'000, 1'000'000);
  CHECK(c.hash != a.hash);
}
