// The simulator's behaviour: determinism, conservation of interactions, shifts, profiles,
// returns and affinity, transfers, answer behaviour and wrap-up, timeline and plot. Short runs;
// the long checks against queueing theory are in theory_test.cc.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "engine/policy/policy_loader.h"
#include "engine/sim/report.h"
#include "engine/sim/scenario_policy.h"
#include "engine/sim/simulator.h"
#include "engine/sim/svg_plot.h"
#include "tests/sim/example_scenarios.h"

using namespace sb;
using namespace sb::sim;
using sb::sim::testing::kMinimal;

namespace {

Scenario scenario(const std::string& yaml) {
  ScenarioLoad load = load_scenario(yaml, "test.yaml");
  for (const auto& d : load.diagnostics) FAIL(d.to_string());
  return *load.scenario;
}

std::shared_ptr<const Policy> load_policy(const std::string& yaml) {
  auto load = policy::load_policy(yaml, "policy.yaml");
  for (const auto& d : load.diagnostics) FAIL(d.to_string());
  return load.loaded->policy;
}

Figures run(const Scenario& s, std::shared_ptr<const Policy> p = nullptr,
            std::optional<std::uint64_t> seed = std::nullopt) {
  SimulationOptions o;
  o.seed = seed;
  const auto used = p ? with_scenario_wrap_up(p, s) : generated_policy(s);
  REQUIRE(check_against_policy(s, *used).empty());
  return figures(simulate(s, used, o));
}

std::string json_of(const Scenario& s, std::shared_ptr<const Policy> p = nullptr,
                    std::optional<std::uint64_t> seed = std::nullopt) {
  RunInfo info;
  info.seed = seed.value_or(s.seed);
  return report_json(info, run(s, std::move(p), seed));
}

void check_conservation(const Figures& f) {
  CHECK(f.refused == 0);
  CHECK(f.total.offered == f.created);
  CHECK(f.total.answered + f.total.abandoned + f.total.waiting_at_end == f.created);
  CHECK(f.total.occupancy >= 0);
  CHECK(f.total.occupancy <= 1);
}

// Two tiers, blended agents, a call that blocks chats; everything the simulator models at once.
const char* const kTiersPolicy = R"(version: 1
channels:
  voice: {capacity: 1, wrap_up: 20s, blocks: [chat]}
  chat: {capacity: 2}
skills: [billing]
queues:
  - name: tier1
    match: "interaction.attributes.intent == 'billing'"
    sla: {answer_within: 30s}
  - name: tier2
    sla: {answer_within: 60s}
    steps:
      - agents: "skills.billing >= 8"
)";

const char* const kBusy = R"(duration: 12h
seed: 5
start: "06:00"
answer: {accept: 90%, delay: {distribution: exponential, mean: 4s}, back_after_missed: 2m}
returns: {share: 30%, within: 1h, sentiment_change: -0.2}
agents:
  - name: senior
    count: 6
    skills: {billing: 9}
    channels: {voice: 1, chat: 2}
  - name: junior
    count: 10
    skills: {billing: 5}
    channels: {voice: 1, chat: 2}
    shifts: [{start: "08:00", end: "12:00"}, {start: "13:00", end: "17:00"}]
streams:
  - channel: voice
    intent: billing
    rate_per_hour: 60
    profile: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1.5, 1.5, 1.2, 1, 1, 1, 1.2, 1, 1, 0.8, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    handle_time: {distribution: lognormal, mean: 5m, p90: 9m}
    patience: {distribution: exponential, mean: 3m}
    sentiment: {min: -0.8, max: 0.5}
    transfer: {share: 10%, to: tier2}
  - channel: chat
    intent: billing
    rate_per_hour: 50
    handle_time: {distribution: exponential, mean: 8m}
    patience: {distribution: exponential, mean: 5m}
)";

}  // namespace

TEST_CASE("a seed reproduces a run exactly; another seed gives another run") {
  const Scenario minimal = scenario(kMinimal);
  const std::string first = json_of(minimal);
  CHECK(first == json_of(minimal));
  CHECK(first != json_of(minimal, nullptr, 2));

  const Scenario busy = scenario(kBusy);
  const auto tiers = load_policy(kTiersPolicy);
  const std::string a = json_of(busy, tiers);
  CHECK(a == json_of(busy, tiers));
  CHECK(a != json_of(busy, tiers, 6));
}

TEST_CASE("every interaction is answered, abandoned or still waiting") {
  const Figures f = run(scenario(kMinimal));
  check_conservation(f);
  CHECK(f.created > 2500);  // 360 an hour for 8 hours: 2,880 expected
  CHECK(f.created < 3300);
  CHECK(f.total.abandoned > 0);
  REQUIRE(f.queues.size() == 1);
  CHECK(f.queues[0].name == "all");
  CHECK(f.queues[0].offered == f.total.offered);
  CHECK(f.queues[0].answered == f.total.answered);
  CHECK(f.total.service_level.has_value());
  CHECK(*f.total.wait_p50_s <= *f.total.wait_p90_s);
  CHECK(*f.total.wait_p90_s <= *f.total.wait_p99_s);
  CHECK(f.staffed_agent_h == doctest::Approx(30 * 8));
  // Occupancy is a single agent's busy share here: the queue's slot-time gives the same.
  CHECK(f.queues[0].occupancy == doctest::Approx(f.total.occupancy).epsilon(1e-9));

  const Figures busy = run(scenario(kBusy), load_policy(kTiersPolicy));
  check_conservation(busy);
}

TEST_CASE("without patience nobody abandons") {
  std::string yaml = kMinimal;
  yaml.erase(yaml.find("    patience"));
  const Figures f = run(scenario(yaml));
  CHECK(f.total.abandoned == 0);
  CHECK(f.total.answered + f.total.waiting_at_end == f.created);
}

TEST_CASE("shifts: agents are staffed only during them, daily or once") {
  const Figures f = run(scenario(R"(duration: 2d
start: "06:00"
agents:
  - count: 3
    shifts: [{start: "08:00", end: "16:00"}]
  - count: 2
    shifts: [{start: "22:00", end: "02:00"}]
  - count: 1
    shifts: [{start: 1h, end: 90m}]
streams:
  - channel: voice
    rate_per_hour: 0
    handle_time: 1m
)"));
  // 3 x 8 h x 2 days; the night shift: 22:00-02:00 on both evenings (the run ends at 06:00 on
  // the third day); the one-off shift: 30 minutes.
  CHECK(f.staffed_agent_h == doctest::Approx(3 * 8 * 2 + 2 * 4 * 2 + 0.5));
  CHECK(f.created == 0);
}

TEST_CASE("a time-of-day profile shapes arrivals") {
  const Figures f = run(scenario(R"(duration: 1d
agents:
  - count: 5
streams:
  - channel: voice
    rate_per_hour: 100
    profile: [0, 2]
    handle_time: 1m
)"));
  // Nothing in the first 12 hours, 200 an hour in the next 12: 2,400 +- 5 standard deviations.
  CHECK(std::abs(static_cast<double>(f.created) - 2400) < 5 * std::sqrt(2400.0));
}

TEST_CASE("customers come back on the other channel, mostly to the agent they had") {
  const Figures f = run(scenario(R"(duration: 2d
returns: {share: 100%, within: 10m}
agents:
  - count: 20
    channels: {voice: 1, chat: 1}
streams:
  - {channel: voice, rate_per_hour: 40, handle_time: 3m}
  - {channel: chat, rate_per_hour: 40, handle_time: 3m}
)"));
  check_conservation(f);
  // Every first contact comes back once (unless the run ends first): half the contacts repeat.
  CHECK(f.total.repeat_contact_rate > 0.45);
  CHECK(f.total.repeat_contact_rate <= 0.5);
  // At this light load the previous agent is nearly always free, and affinity scores highest;
  // chance alone would give about 1 in 20.
  REQUIRE(f.total.affinity_hit_rate);
  CHECK(*f.total.affinity_hit_rate > 0.8);
}

TEST_CASE("transfers: a share of answered interactions moves to another queue") {
  const Figures f = run(scenario(R"(duration: 1d
agents:
  - count: 10
    skills: {billing: 9}
streams:
  - channel: voice
    intent: billing
    rate_per_hour: 60
    handle_time: 2m
    transfer: {share: 50%, to: tier2}
)"),
                        load_policy(kTiersPolicy));
  check_conservation(f);
  REQUIRE(f.queues.size() == 2);
  const double share = static_cast<double>(f.total.transfers) / f.total.answered;
  CHECK(share == doctest::Approx(0.5).epsilon(0.1));
  CHECK(f.queues[0].transfers == f.total.transfers);
  CHECK(f.queues[1].offered >= f.total.transfers - 1);  // the last one may still be talking
  CHECK(f.queues[1].answered > 0);
}

TEST_CASE("answer behaviour and wrap-up cost time") {
  const std::string base = R"(duration: 20d
seed: 3
agents:
  - count: 10
streams:
  - channel: voice
    rate_per_hour: 60
    handle_time: {distribution: exponential, mean: 5m}
)";
  const Figures plain = run(scenario(base));
  const Figures slow = run(scenario(base + "answer: {accept: 50%, delay: 10s}\n"));
  const Figures wrap = run(scenario(base + "wrap_up: 1m\n"));
  check_conservation(slow);
  check_conservation(wrap);
  // Offered load 5 Erlangs on 10 agents; a 1-minute wrap-up makes it 6 (occupancy 0.6).
  CHECK(plain.total.occupancy == doctest::Approx(0.5).epsilon(0.05));
  CHECK(wrap.total.occupancy == doctest::Approx(0.6).epsilon(0.05));
  // Every offer rings 10 s and half are declined: each answer waits 20 s on average.
  CHECK(*slow.total.asa_s > 15);
  CHECK(*slow.total.asa_s > *plain.total.asa_s + 10);
  CHECK(slow.total.abandoned == 0);
}

TEST_CASE("the timeline and its plot") {
  const Scenario s = scenario(kMinimal);
  SimulationOptions o;
  double last_progress = 0;
  o.progress = [&](double done) {
    CHECK(done >= last_progress);
    last_progress = done;
  };
  const Measurements m = simulate(s, generated_policy(s), o);
  CHECK(last_progress == doctest::Approx(1));
  CHECK(m.timeline.size() >= 240);
  CHECK(m.timeline.size() <= 242);
  std::size_t with_sl = 0;
  for (const Sample& x : m.timeline) with_sl += x.service_level.has_value();
  CHECK(with_sl > 200);
  const std::string svg = timeline_svg(m.timeline, m.duration_s, 0.8, "a <title> & more");
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("a &lt;title&gt; &amp; more") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);
  CHECK(svg.find("stroke-dasharray") != std::string::npos);  // the target
  CHECK(svg.find("</svg>") != std::string::npos);
}
