#include "engine/sim/scenario_policy.h"

#include <algorithm>

#include "engine/policy/did_you_mean.h"

namespace sb::sim {
namespace {

void add_unique(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

std::shared_ptr<const Policy> generated_policy(const Scenario& scenario) {
  auto p = std::make_shared<Policy>();
  p->version = 1;
  std::vector<std::string> channels;
  for (const Stream& s : scenario.streams) add_unique(channels, s.channel.value);
  for (const AgentGroup& g : scenario.agents) {
    for (const auto& c : g.channels) add_unique(channels, c.value.first);
    for (const auto& s : g.skills) add_unique(p->skills, s.value.first);
  }
  for (const std::string& name : channels) {
    ChannelPolicy c;
    c.name = name;
    c.wrap_up = Duration{0};
    p->channels.push_back(c);
  }
  QueuePolicy q;
  q.name = kGeneratedQueue;
  q.sla = scenario.sla;
  q.steps.push_back(EscalationStep{});  // anyone, at once
  p->queues.push_back(std::move(q));
  return with_scenario_wrap_up(std::move(p), scenario);
}

std::shared_ptr<const Policy> with_scenario_wrap_up(std::shared_ptr<const Policy> policy,
                                                    const Scenario& scenario) {
  if (!scenario.wrap_up) return policy;
  auto copy = std::make_shared<Policy>(*policy);
  for (ChannelPolicy& c : copy->channels) c.wrap_up = *scenario.wrap_up;
  return copy;
}

std::vector<policy::Diagnostic> check_against_policy(const Scenario& scenario,
                                                     const Policy& policy) {
  std::vector<policy::Diagnostic> out;
  std::vector<std::string> channels, queues;
  for (const ChannelPolicy& c : policy.channels) channels.push_back(c.name);
  for (const QueuePolicy& q : policy.queues) queues.push_back(q.name);
  auto check = [&](const Mark& at, const std::string& name, const std::vector<std::string>& known,
                   const char* kind) {
    if (std::find(known.begin(), known.end(), name) != known.end()) return;
    out.push_back(policy::Diagnostic{scenario.file, at.line, at.column,
                                     std::string("the policy declares no ") + kind + " '" + name +
                                         "'" + policy::did_you_mean(name, known)});
  };
  for (const AgentGroup& g : scenario.agents) {
    for (const auto& s : g.skills) check(s.mark, s.value.first, policy.skills, "skill");
    for (const auto& c : g.channels) check(c.mark, c.value.first, channels, "channel");
  }
  for (const Stream& s : scenario.streams) {
    check(s.channel.mark, s.channel.value, channels, "channel");
    if (s.transfer) check(s.transfer->to_queue.mark, s.transfer->to_queue.value, queues, "queue");
  }
  return out;
}

}  // namespace sb::sim
