#include <doctest/doctest.h>

#include "engine/policy/policy_loader.h"
#include "engine/policy/policy_tests.h"

using namespace sb;
using namespace sb::policy;
using namespace std::chrono_literals;

namespace {

const char* const kValid = R"(version: 1
channels:
  voice: {capacity: 1, offer_timeout: 20s, wrap_up: 30s, blocks: [chat]}
  chat: {capacity: 3}
skills: [billing, tech, deescalation]
scoring: {skill: 2, idle_horizon: 5m, deescalation_skill: deescalation}
wellbeing: {max_consecutive_negative: 3, cooldown: 10m}
queues:
  - name: billing
    match: "interaction.attributes.intent == 'billing'"
    priority: 2
    skills: [billing]
    sla: {answer_within: 30s, target: 90%}
    affinity: {window: 7d, preferred_agent_wait: 15s}
    overflow: {to: general, after: 5m}
    steps:
      - after: 0s
        agents: skills.billing >= 7
      - after: 1m
        agents: skills.billing >= 3
        priority_bump: 1
  - name: general
    steps:
      - agents: kind == 'human'
tests:
  - name: the senior takes billing
    agents:
      - {id: junior, skills: {billing: 3}}
      - {id: senior, skills: {billing: 9}}
    interaction: {channel: voice, attributes: {intent: billing}}
    expect: {queue: billing, step: 0, agent: senior}
  - name: nobody senior, so it waits
    agents:
      - {id: junior, skills: {billing: 3}}
    interaction: {channel: voice, attributes: {intent: billing}}
    expect: {queue: billing, agent: null}
  - name: after a minute the junior may take it
    agents:
      - {id: junior, skills: {billing: 3}}
    interaction: {channel: voice, attributes: {intent: billing}}
    wait: 1m
    expect: {step: 1, agent: junior}
  - name: the customer's previous agent wins
    agents:
      - {id: a1}
      - {id: a2}
    history:
      - {channel: chat, agent: a2, ago: 2h}
    interaction: {channel: voice, customer_id: c9, attributes: {intent: other}}
    expect: {queue: general, agent: a2}
  - name: an unknown channel is refused
    interaction: {channel: fax}
    expect: {error: unknown_channel}
)";

std::vector<std::string> messages(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics) out.push_back(d.to_string());
  return out;
}

bool has(const LoadResult& r, const std::string& needle) {
  for (const std::string& m : messages(r)) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a valid policy compiles to the core's structures and its tests pass") {
  const LoadResult r = load_policy(kValid, "routing.yaml");
  for (const std::string& m : messages(r)) FAIL_CHECK(m);
  REQUIRE(r.loaded.has_value());
  const Policy& p = *r.loaded->policy;
  REQUIRE(p.channels.size() == 2);
  CHECK(p.channels[0].name == "voice");
  CHECK(p.channels[0].wrap_up == 30s);
  CHECK(p.channels[0].blocks == std::vector<std::string>{"chat"});
  CHECK(p.channels[1].default_capacity == 3);
  CHECK(p.channels[1].offer_timeout == 20s);  // the default
  CHECK(p.scoring.skill == 2);
  CHECK(p.idle_horizon == 5min);
  CHECK(p.deescalation_skill == "deescalation");
  CHECK(p.wellbeing.max_consecutive_negative == 3);
  REQUIRE(p.queues.size() == 2);
  const QueuePolicy& billing = p.queues[0];
  CHECK(billing.priority == 2);
  CHECK(billing.sla.answer_within == 30s);
  CHECK(billing.sla.target == doctest::Approx(0.9));
  CHECK(billing.affinity.preferred_agent_wait == 15s);
  CHECK(billing.overflow_to == "general");
  CHECK(billing.overflow_after == 5min);
  REQUIRE(billing.steps.size() == 2);
  CHECK(billing.steps[1].after == 1min);
  CHECK(billing.steps[1].priority_bump == 1);
  CHECK_FALSE(billing.steps[0].agents.empty());
  CHECK(p.queues[1].match.empty());
  REQUIRE(r.loaded->tests.size() == 5);
  for (const TestFailure& f : run_policy_tests(*r.loaded)) FAIL_CHECK(f.name << ": " << f.message);
}

TEST_CASE("a failing policy test is reported with its line") {
  std::string text = kValid;
  text.replace(text.find("agent: senior"), 13, "agent: junior");
  const LoadResult r = load_policy(text, "routing.yaml");
  REQUIRE(r.loaded.has_value());
  const auto failures = run_policy_tests(*r.loaded);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].name == "the senior takes billing");
  CHECK(failures[0].line == 26);
  CHECK(failures[0].message == "expected agent junior, got queue billing, step 0, agent senior");
}

TEST_CASE("every error at once, each at FILE:LINE:COLUMN") {
  const char* bad = R"(version: 1
channels:
  voice: {capacity: one, ofer_timeout: 20s}
skills: [billing]
queues:
  - name: billing
    match: "interaction.attributes.intent == 'billing' and skills.billing > 1"
    skills: [biling]
    sla: {answer_within: 20 seconds}
    steps:
      - after: 0s
        agents: skills.billing >= 'high'
      - after: 0s
  - name: general
    overflow: {to: nowhere, after: 1m}
)";
  const LoadResult r = load_policy(bad, "bad.yaml");
  CHECK_FALSE(r.loaded.has_value());
  CHECK(has(r, "bad.yaml:3:21: channels.voice.capacity must be a number, not 'one'"));
  CHECK(has(r,
            "bad.yaml:3:26: unknown key 'ofer_timeout' in channels.voice (did you mean "
            "'offer_timeout'?)"));
  CHECK(has(r, "bad.yaml:7:60: queues.billing.match: 'skills.billing' reads an agent"));
  CHECK(has(r, "bad.yaml:8:14: undeclared skill 'biling' (did you mean 'billing'?)"));
  CHECK(has(r, "bad.yaml:9:26: queues.billing.sla.answer_within must be a duration"));
  CHECK(has(r,
            "bad.yaml:12:35: queues.billing.steps[0].agents: '>=' compares numbers, not a string"));
  CHECK(has(r, "bad.yaml:13:16: queues.billing.steps[1].after must be later than the step before"));
  CHECK(has(r, "bad.yaml:15:20: undeclared queue 'nowhere'"));
  CHECK(r.diagnostics.size() == 8);
}

TEST_CASE("YAML syntax errors and wrong shapes") {
  auto syntax = load_policy("version: 1\nqueues: [\n", "x.yaml");
  REQUIRE(syntax.diagnostics.size() == 1);
  CHECK(syntax.diagnostics[0].line >= 2);
  auto shape = load_policy("- a\n- b\n", "x.yaml");
  CHECK(shape.diagnostics[0].to_string().find("x.yaml:1:1: a policy is a YAML mapping") == 0);
  auto missing = load_policy("version: 1\n", "x.yaml");
  CHECK(has(missing, "missing 'skills'"));
  CHECK(has(missing, "missing 'channels'"));
  CHECK(has(missing, "missing 'queues'"));
  auto unknown = load_policy("version: 1\nskils: []\n", "x.yaml");
  CHECK(has(unknown, "x.yaml:2:1: unknown key 'skils' in the policy (did you mean 'skills'?)"));
}

TEST_CASE("monitoring and the journey's repeat window: loaded, and checked with positions") {
  const std::string base = R"(version: 1
channels: {chat: {capacity: 3}}
skills: [tech]
queues:
  - name: general
    steps: [{agents: kind == 'human'}]
)";
  auto good = load_policy(base + R"(journey: {lookback: 10d, repeat_window: 2d}
monitoring: {service_level_window: 30m, service_level_min_samples: 25, sentiment_drop: 0.3}
)",
                          "ok.yaml");
  REQUIRE_MESSAGE(good.loaded.has_value(), messages(good).front());
  const Policy& p = *good.loaded->policy;
  CHECK(p.journey.repeat_window == 48h);
  CHECK(p.monitoring.service_level_window == 30min);
  CHECK(p.monitoring.service_level_min_samples == 25);
  CHECK(p.monitoring.sentiment_drop == doctest::Approx(0.3));

  auto defaults = load_policy(base, "d.yaml");
  REQUIRE(defaults.loaded.has_value());
  CHECK(defaults.loaded->policy->journey.repeat_window == 72h);
  CHECK(defaults.loaded->policy->monitoring.service_level_window == 15min);

  auto bad = load_policy(base + R"(journey: {lookback: 1d, repeat_window: 2d}
monitoring: {service_level_window: 5s, service_level_min_samples: 0, sentiment_drop: -1, windw: 1}
)",
                         "bad.yaml");
  CHECK_FALSE(bad.loaded.has_value());
  CHECK(has(bad,
            "bad.yaml:7:40: journey.repeat_window must be longer than 0s and at most "
            "journey.lookback"));
  CHECK(has(bad, "bad.yaml:8:36: monitoring.service_level_window must be from 15s to 24h"));
  CHECK(has(bad, "bad.yaml:8:67: monitoring.service_level_min_samples"));
  CHECK(has(bad, "bad.yaml:8:86: monitoring.sentiment_drop must be above 0 and at most 2"));
  CHECK(has(bad, "bad.yaml:8:90: unknown key 'windw' in monitoring"));
}
