// State snapshots of the routing core (Core::save_state / load_state): a core loaded from a
// saved state must be indistinguishable from the one that saved it — the same state hash, the
// same invariants, the same bytes when saved again, and, driven by the same random commands
// afterwards, the same replies and the same events, one for one, and the same state at the end.
// Checkpoints fall at many moments of seeded random streams (offers pending, holds, wrap-ups,
// evicted slots, timers of every kind, policy reloads). A failure prints the seed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "engine/common/byte_codec.h"
#include "tests/sim/random_world.h"

using namespace sb;

namespace {

// Tells the world what the core did, as the property test does, so that it keeps picking
// meaningful commands.
void feed(sim::RandomWorld& world, const Result<Reply>& result, const std::vector<Event>& events) {
  if (const CreateInteraction* c = world.last_create();
      c && result.ok() && !result->duplicate && !world.last_was_conflict()) {
    world.note_created(c->interaction_id, *c);
  }
  for (const Event& e : events) {
    if (const auto* a = std::get_if<InteractionAbandoned>(&e.body))
      world.note_ended(a->interaction_id);
    if (const auto* x = std::get_if<InteractionEnded>(&e.body);
        x && x->state != InteractionState::WrapUp) {
      world.note_ended(x->interaction_id);
    }
  }
}

std::string saved(const core::Core& core) {
  std::string bytes;
  core.save_state(bytes);
  return bytes;
}

struct Twin {
  std::uint64_t checkpoints = 0;
  std::uint64_t compared_steps = 0;
  std::uint64_t compared_events = 0;
  std::uint64_t max_bytes = 0;
};

// Runs `steps` random commands; every `every` steps, saves the state, loads it into a second
// core and drives both with the next `follow` commands, comparing everything.
Twin run(std::uint64_t seed, std::uint64_t steps, std::uint64_t every, std::uint64_t follow) {
  INFO("seed " << seed << " (replay with SB_SEED=" << seed << ")");
  core::Core a(sim::random_world_limits());
  sim::RandomWorld world(seed);
  std::vector<Event> events;
  Twin twin;
  REQUIRE(a.apply(SetPolicy{std::make_shared<const Policy>(sim::random_world_policy(1, false))},
                  world.now(), events)
              .ok());
  for (std::uint64_t step = 0; step < steps; ++step) {
    events.clear();
    const Command command = world.next(a);
    a.advance(world.now(), events);
    const Result<Reply> result = a.apply(command, world.now(), events);
    feed(world, result, events);
    if (step % every != every - 1) continue;

    INFO("checkpoint after step " << step);
    const std::string bytes = saved(a);
    twin.max_bytes = std::max<std::uint64_t>(twin.max_bytes, bytes.size());
    core::Core b(sim::random_world_limits());
    const auto loaded = b.load_state(bytes, a.policy());
    REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
    CHECK(loaded.value().live_interactions == a.counts().live_interactions);
    REQUIRE(b.state_hash() == a.state_hash());
    const auto violations = b.check_invariants();
    REQUIRE_MESSAGE(violations.empty(), violations.front());
    REQUIRE(b.check_no_missed_match().empty());
    REQUIRE_MESSAGE(saved(b) == bytes, "saving the loaded state gives other bytes");
    {
      // Streamed in small pieces (as the snapshot writer does), the same bytes.
      std::string piece;
      std::string streamed;
      ByteWriter w(
          piece,
          [&streamed](std::string_view s) {
            streamed.append(s);
            return true;
          },
          4096);
      a.save_state(w);
      REQUIRE(w.finish());
      REQUIRE(streamed == bytes);
    }
    ++twin.checkpoints;

    std::vector<Event> events_b;
    for (std::uint64_t k = 0; k < follow && step + 1 < steps; ++k, ++step) {
      events.clear();
      events_b.clear();
      const Command next = world.next(a);
      a.advance(world.now(), events);
      b.advance(world.now(), events_b);
      const Result<Reply> ra = a.apply(next, world.now(), events);
      const Result<Reply> rb = b.apply(next, world.now(), events_b);
      INFO("step " << step + 1 << " (" << command_name(next) << ")");
      REQUIRE(ra.ok() == rb.ok());
      if (ra.ok()) {
        CHECK(ra.value() == rb.value());
      } else {
        CHECK(ra.error().code == rb.error().code);
        CHECK(ra.error().message == rb.error().message);
      }
      REQUIRE(events.size() == events_b.size());
      for (std::size_t e = 0; e < events.size(); ++e) {
        INFO("event " << e << ": " << event_type(events[e]));
        REQUIRE(events[e] == events_b[e]);
      }
      twin.compared_events += events.size();
      ++twin.compared_steps;
      feed(world, ra, events);
    }
    REQUIRE(b.state_hash() == a.state_hash());
    REQUIRE_MESSAGE(saved(b) == saved(a), "the twins' states drifted apart");
  }
  return twin;
}

}  // namespace

TEST_CASE("state snapshot: a loaded core carries on exactly as the one that saved it") {
  const std::uint64_t first_seed = sim::env_or("SB_SEED", 20261203);
  const std::uint64_t seeds = sim::env_or("SB_STATE_SEEDS", 4);
  for (std::uint64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
    const Twin t = run(seed, sim::env_or("SB_STATE_STEPS", 30'000), 997, 400);
    MESSAGE("seed " << seed << ": " << t.checkpoints << " checkpoints, " << t.compared_steps
                    << " steps and " << t.compared_events << " events compared, largest state "
                    << t.max_bytes << " bytes");
    CHECK(t.checkpoints >= 20);
    CHECK(t.compared_events > 1000);
  }
}

TEST_CASE("state snapshot: an empty core and a core with only a policy round-trip") {
  core::Core empty;
  core::Core loaded_empty;
  REQUIRE(loaded_empty.load_state(saved(empty), nullptr).ok());
  CHECK(loaded_empty.state_hash() == empty.state_hash());

  core::Core with_policy;
  std::vector<Event> events;
  const auto policy = std::make_shared<const Policy>(sim::random_world_policy(7, false));
  REQUIRE(with_policy.apply(SetPolicy{policy}, Timestamp{1'000}, events).ok());
  core::Core loaded;
  REQUIRE(loaded.load_state(saved(with_policy), policy).ok());
  CHECK(loaded.state_hash() == with_policy.state_hash());
  CHECK(loaded.policy()->version == 7);
}

TEST_CASE("state snapshot: a damaged state or the wrong policy is refused, naming why") {
  core::Core a(sim::random_world_limits());
  sim::RandomWorld world(99);
  std::vector<Event> events;
  REQUIRE(a.apply(SetPolicy{std::make_shared<const Policy>(sim::random_world_policy(1, false))},
                  world.now(), events)
              .ok());
  for (int step = 0; step < 3000; ++step) {
    events.clear();
    const Command command = world.next(a);
    const auto result = a.apply(command, world.now(), events);
    feed(world, result, events);
  }
  const std::string bytes = saved(a);
  const auto policy = a.policy();  // the world reloads policies: the one installed now
  REQUIRE(a.counts().live_interactions > 0);

  SUBCASE("not a state") {
    core::Core b(sim::random_world_limits());
    const auto r = b.load_state("SBJRNL01 and more", policy);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("does not start with SBCORE01") != std::string::npos);
  }
  SUBCASE("every truncation fails cleanly") {
    for (std::size_t cut : {std::size_t{9}, bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
      core::Core b(sim::random_world_limits());
      const auto r = b.load_state(std::string_view(bytes).substr(0, cut), policy);
      REQUIRE_FALSE(r.ok());
      CHECK_MESSAGE(r.error().message.find("damaged") != std::string::npos, r.error().message);
    }
  }
  SUBCASE("trailing bytes") {
    core::Core b(sim::random_world_limits());
    const auto r = b.load_state(bytes + "x", policy);
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.error().message.find("trailing") != std::string::npos, r.error().message);
  }
  SUBCASE("flipped bytes never crash the loader") {
    // The journal's CRC catches damage before a load; this is the loader's own defence.
    std::uint64_t refused = 0;
    for (std::size_t k = 0; k < 2000; ++k) {
      std::string bad = bytes;
      const std::size_t at = 8 + (k * 7919) % (bad.size() - 8);
      bad[at] = static_cast<char>(bad[at] ^ 0xFF);
      core::Core b(sim::random_world_limits());
      const auto r = b.load_state(bad, policy);
      if (!r.ok()) ++refused;
    }
    CHECK(refused > 0);
  }
  SUBCASE("another policy version") {
    core::Core b(sim::random_world_limits());
    const auto r = b.load_state(bytes, std::make_shared<const Policy>(
                                           sim::random_world_policy(policy->version + 1, false)));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().field == "policy");
  }
  SUBCASE("no policy for a state saved under one") {
    core::Core b(sim::random_world_limits());
    const auto r = b.load_state(bytes, nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().field == "policy");
  }
  SUBCASE("into a core that is not fresh") {
    const auto r = a.load_state(bytes, policy);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("fresh core") != std::string::npos);
  }
}
