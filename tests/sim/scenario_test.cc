// Scenario files: what loads, and every error at FILE:LINE:COLUMN, all at once.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "engine/policy/policy_loader.h"
#include "engine/sim/scenario.h"
#include "engine/sim/scenario_policy.h"
#include "tests/sim/example_scenarios.h"

using namespace sb;
using namespace sb::sim;
using sb::sim::testing::kMinimal;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> errors(const std::string& yaml) {
  std::vector<std::string> out;
  for (const auto& d : load_scenario(yaml, "s.yaml").diagnostics) out.push_back(d.to_string());
  return out;
}

bool has(const std::vector<std::string>& all, const std::string& line) {
  return std::find(all.begin(), all.end(), line) != all.end();
}

}  // namespace

TEST_CASE("the minimal scenario loads as an M/M/30+M queue") {
  const ScenarioLoad load = load_scenario(kMinimal, "minimal.yaml");
  REQUIRE(load.diagnostics.empty());
  const Scenario& s = *load.scenario;
  CHECK(s.duration == 8h);
  CHECK(s.seed == 1);
  CHECK(s.sla.answer_within == 20s);
  CHECK(s.sla.target == doctest::Approx(0.8));
  REQUIRE(s.agents.size() == 1);
  CHECK(s.agents[0].count == 30);
  CHECK(s.agents[0].answer.accept == 1);
  CHECK(s.agents[0].answer.delay.mean.count() == 0);
  CHECK(s.agents[0].shifts.empty());
  CHECK_FALSE(s.wrap_up);
  REQUIRE(s.streams.size() == 1);
  CHECK(s.streams[0].channel.value == "voice");
  CHECK(s.streams[0].rate_per_hour == 360);
  CHECK(s.streams[0].handle_time.kind == Distribution::Kind::Exponential);
  CHECK(s.streams[0].handle_time.mean == 240s);
  REQUIRE(s.streams[0].patience);
  CHECK(s.streams[0].patience->mean == 120s);

  const auto policy = generated_policy(s);
  REQUIRE(policy->queues.size() == 1);
  CHECK(policy->queues[0].sla.answer_within == 20s);
  CHECK(policy->channels.size() == 1);
  CHECK(policy->channels[0].wrap_up.count() == 0);
  CHECK(policy->skills == std::vector<std::string>{"support"});
  CHECK(check_against_policy(s, *policy).empty());
}

TEST_CASE("every key of a full scenario") {
  const char* yaml = R"(duration: 2d
seed: 99
start: "07:30"
sla: {answer_within: 30s, target: 90%}
wrap_up: 15s
answer: {accept: 0.9, delay: 3s, back_after_missed: 5m}
returns: {share: 25%, within: 3h, sentiment_change: -0.2}
agents:
  - name: day
    count: 4
    skills: {billing: 8}
    languages: [en, es]
    channels: {voice: 1, chat: 3}
    attributes: {team: emea, senior: true}
    kind: bot
    shifts: [{start: "08:00", end: "16:00"}, {start: "22:00", end: "02:00"}, {start: 1h, end: 3h}]
    answer: {accept: 50%, delay: {distribution: lognormal, mean: 4s, p90: 7s}}
streams:
  - name: calls
    channel: voice
    intent: billing
    language: es
    tier: vip
    attributes: {region: north}
    rate_per_hour: 12.5
    profile: [0.5, 1.5]
    handle_time: {distribution: lognormal, mean: 5m, sigma: 0.6}
    sentiment: {min: -0.5, max: 0.1}
    priority: 3
    transfer: {share: 10%, to: tier2}
  - channel: chat
    rate_per_hour: 0
    handle_time: 5m
    sentiment: -0.3
)";
  const ScenarioLoad load = load_scenario(yaml, "full.yaml");
  for (const auto& d : load.diagnostics) MESSAGE(d.to_string());
  REQUIRE(load.diagnostics.empty());
  const Scenario& s = *load.scenario;
  CHECK(s.start_time == 7h + 30min);
  CHECK(s.sla.target == doctest::Approx(0.9));
  CHECK(s.wrap_up == 15s);
  CHECK(s.returns.share == doctest::Approx(0.25));
  CHECK(s.returns.within == 3h);
  const AgentGroup& g = s.agents[0];
  CHECK(g.name == "day");
  CHECK(g.kind == AgentKind::Bot);
  CHECK(g.languages.size() == 2);
  CHECK(g.channels.size() == 2);
  CHECK(g.attributes.size() == 2);
  REQUIRE(g.shifts.size() == 3);
  CHECK(g.shifts[0].daily);
  CHECK(g.shifts[0].start == 8h);
  CHECK(g.shifts[1].end == 2h);
  CHECK_FALSE(g.shifts[2].daily);
  CHECK(g.shifts[2].start == 1h);
  CHECK(g.answer.accept == doctest::Approx(0.5));
  CHECK(g.answer.delay.kind == Distribution::Kind::Lognormal);
  CHECK(g.answer.delay.sigma > 0);
  CHECK(g.answer.back_after_missed == 5min);  // inherited from the top-level answer
  const Stream& st = s.streams[0];
  CHECK(st.name == "calls");
  CHECK(st.attributes.size() == 4);
  CHECK(st.profile.size() == 2);
  CHECK(st.handle_time.sigma == doctest::Approx(0.6));
  CHECK(st.sentiment_min == doctest::Approx(-0.5));
  CHECK(st.priority == 3);
  REQUIRE(st.transfer);
  CHECK(st.transfer->to_queue.value == "tier2");
  CHECK(s.streams[1].name == "chat");
  CHECK(s.streams[1].handle_time.kind == Distribution::Kind::Fixed);
  CHECK(s.streams[1].sentiment_min == doctest::Approx(-0.3));

  // Against the generated policy: the transfer's queue does not exist there.
  const auto policy = generated_policy(s);
  CHECK(policy->channels[0].wrap_up == 15s);
  const auto problems = check_against_policy(s, *policy);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].to_string() == "full.yaml:30:32: the policy declares no queue 'tier2'");
}

TEST_CASE("every error at once, at FILE:LINE:COLUMN") {
  const char* yaml = R"(duration: 8 hours
sede: 1
sla: {answer_within: 20s, target: 120%}
agents:
  - count: many
    skils: {support: 5}
    shifts: [{start: "25:00", end: "08:00"}]
streams:
  - channel: voice
    rate_per_hour: -3
    handle_time: {distribution: gamma, mean: 240s}
    patience: {distribution: exponential}
  - rate_per_hour: 10
    handle_time: {distribution: lognormal, mean: 4m, p90: 2m}
    sentiment: 3
)";
  const auto e = errors(yaml);
  for (const auto& line : e) MESSAGE(line);
  CHECK(has(e,
            "s.yaml:1:11: duration must be a duration such as 500ms, 20s, 2m, 1h or 7d, not '8 "
            "hours'"));
  CHECK(has(e, "s.yaml:2:1: unknown key 'sede' in the scenario (did you mean 'seed'?)"));
  CHECK(has(e, "s.yaml:3:35: sla.target must be a ratio such as 0.8 or 80%, not '120%'"));
  CHECK(has(e, "s.yaml:5:12: agents.a1.count must be a number, not 'many'"));
  CHECK(has(e, "s.yaml:6:5: unknown key 'skils' in agents[0] (did you mean 'skills'?)"));
  CHECK(has(e,
            "s.yaml:7:22: agents.a1.shifts[0].start must be a time of day such as 08:00 or 17:30, "
            "not '25:00'"));
  CHECK(has(e, "s.yaml:10:20: streams[0].rate_per_hour must be from 0 to 10000000"));
  CHECK(has(e,
            "s.yaml:11:33: streams[0].handle_time.distribution is exponential, lognormal or "
            "fixed"));
  CHECK(has(e, "s.yaml:12:15: streams[0].patience needs a mean"));
  CHECK(has(e, "s.yaml:13:5: streams[1] needs a channel"));
  CHECK(has(e,
            "s.yaml:14:59: streams[1].handle_time.p90 must lie above the mean and at most 2.27 "
            "times it (the 90th percentile of a lognormal)"));
  CHECK(has(e, "s.yaml:15:16: streams[1].sentiment must be from -1 to 1"));
  CHECK(e.size() == 12);
}

TEST_CASE("structural errors") {
  CHECK(errors("- a\n- b\n") ==
        std::vector<std::string>{
            "s.yaml:1:1: a scenario is a YAML mapping (duration, agents, streams, ...)"});
  const auto e = errors("duration: [1h\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].rfind("s.yaml:", 0) == 0);
  CHECK(has(errors("seed: 1\n"), "s.yaml:1:1: missing 'duration', e.g. 8h"));
  CHECK(has(errors("seed: 1\n"), "s.yaml:1:1: missing 'agents': the groups of agents who work"));
  CHECK(has(errors("duration: 1h\nagents: {count: 3}\nstreams: []\n"),
            "s.yaml:2:9: agents must be a list"));
  CHECK(has(errors("duration: 1h\nagents: []\nstreams: []\n"),
            "s.yaml:3:10: streams needs at least one"));
}

TEST_CASE("a policy that lacks what the scenario names") {
  const char* policy_yaml = R"(version: 1
channels: {voice: {}, chat: {}}
skills: [billing, tech]
queues:
  - name: billing
)";
  const auto policy = policy::load_policy(policy_yaml, "p.yaml");
  REQUIRE(policy.loaded);
  const char* yaml = R"(duration: 1h
agents:
  - count: 2
    skills: {billing: 5, tecch: 3}
    channels: {email: 2}
streams:
  - channel: sms
    rate_per_hour: 10
    handle_time: 1m
    transfer: {share: 5%, to: tier2}
)";
  const ScenarioLoad load = load_scenario(yaml, "s.yaml");
  REQUIRE(load.scenario);
  std::vector<std::string> e;
  for (const auto& d : check_against_policy(*load.scenario, *policy.loaded->policy))
    e.push_back(d.to_string());
  CHECK(e == std::vector<std::string>{
                 "s.yaml:4:26: the policy declares no skill 'tecch' (did you mean 'tech'?)",
                 "s.yaml:5:16: the policy declares no channel 'email'",
                 "s.yaml:7:14: the policy declares no channel 'sms'",
                 "s.yaml:10:31: the policy declares no queue 'tier2'",
             });
}

TEST_CASE("lognormal from its 90th percentile") {
  const double sigma = lognormal_sigma_for_p90(240, 420);
  REQUIRE(sigma > 0);
  // exp(mu + 1.28155 sigma) must be the p90, with mu = ln(mean) - sigma^2 / 2.
  const double mu = std::log(240.0) - sigma * sigma / 2;
  CHECK(std::exp(mu + 1.2815515655446004 * sigma) == doctest::Approx(420));
  CHECK(lognormal_sigma_for_p90(240, 200) == 0);
  CHECK(lognormal_sigma_for_p90(240, 600) == 0);  // above 2.27 x the mean
}
